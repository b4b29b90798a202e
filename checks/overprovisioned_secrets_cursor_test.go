package checks

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/rampart-sec/rampart/audit"
)

// TestSecwCursor holds secwCursor to File.Offset and File.PosAt: on each source of the corpus
// and the test files, at every string's position and at the placeholders' offsets, in source
// order as secwString asks (and at each placeholder's offset a second time, behind the
// cursor); and on random sources (line breaks, multi-byte characters, runs of ASCII past a
// block) at random positions, mostly ahead of the cursor and at times behind it.
func TestSecwCursor(t *testing.T) {
	check := func(name string, f *audit.File, cur *secwCursor, line, col int) {
		t.Helper()
		if got, want := cur.offset(line, col), f.Offset(line, col); got != want {
			t.Fatalf("%s: offset(%d, %d) = %d, want %d", name, line, col, got, want)
		}
	}
	checkPos := func(name string, f *audit.File, cur *secwCursor, off int) {
		t.Helper()
		gl, gc := cur.pos(off)
		wl, wc := f.PosAt(off)
		if gl != wl || gc != wc {
			t.Fatalf("%s: pos(%d) = %d:%d, want %d:%d", name, off, gl, gc, wl, wc)
		}
	}
	files := secwTestFiles(t)
	dirs, _ := filepath.Glob("../../shared/corpus/real/*__*")
	if os.Getenv("RAMPART_CORPUS") == "" {
		for _, d := range dirs {
			tg, err := audit.LoadDir(d, audit.LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, tg.Workflows()...)
		}
	}
	for _, f := range files {
		if f.Workflow == nil {
			continue
		}
		var cur secwCursor
		cur.reset(f.Source)
		ph := f.Placeholders()
		k := 0
		for _, r := range f.Strings() {
			check(f.Path, f, &cur, r.S.Pos.Line, r.S.Pos.Col)
			start := f.Offset(r.S.Pos.Line, r.S.Pos.Col)
			for ; k < len(ph) && int(ph[k]) < start+len(r.S.Value); k++ {
				if int(ph[k]) >= start {
					checkPos(f.Path, f, &cur, int(ph[k]))
					checkPos(f.Path, f, &cur, int(ph[k])) // again, at the cursor
				}
			}
		}
		checkPos(f.Path, f, &cur, len(f.Source))
		check(f.Path, f, &cur, f.LineCount(), 1)
		check(f.Path, f, &cur, f.LineCount()+1, 1)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"\n", "a", "é", "\t", "${{", "abcdefghijklmnop", "\r\n", "€€"}
	for range 3000 {
		var src []byte
		for range rng.IntN(200) {
			src = append(src, pieces[rng.IntN(len(pieces))]...)
		}
		f := &audit.File{Source: src}
		var cur secwCursor
		cur.reset(src)
		lines := f.LineCount()
		line, off := 1, 0
		for range 40 {
			switch rng.IntN(8) {
			case 0: // behind the cursor
				check("random", f, &cur, 1+rng.IntN(lines+1), 1+rng.IntN(30))
			case 1:
				checkPos("random", f, &cur, rng.IntN(len(src)+1))
			case 2, 3, 4:
				line += rng.IntN(3)
				check("random", f, &cur, line, rng.IntN(90)) // col 0 and past the line's end too
			default:
				off = min(len(src), off+rng.IntN(40))
				checkPos("random", f, &cur, off)
			}
		}
	}
}
