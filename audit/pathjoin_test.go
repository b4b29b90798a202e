package audit

import (
	"math/rand"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
)

// TestTargetPathIsPathJoin: targetPath.join is path.Join of the target's name (slashed, without its
// trailing slash) and the path, on names and paths made of pieces that Clean changes (empty, "."
// and ".." elements, leading and trailing slashes, backslashes) and on plain ones.
func TestTargetPathIsPathJoin(t *testing.T) {
	r := rand.New(rand.NewSource(11))
	pieces := []string{"a", "bc", ".github", ".", "..", "", "/", "//", "\\", "x.yml", "..a", "a.."}
	word := func() string {
		var b strings.Builder
		for range r.Intn(6) {
			b.WriteString(pieces[r.Intn(len(pieces))])
			if r.Intn(3) > 0 {
				b.WriteByte('/')
			}
		}
		return b.String()
	}
	for range 200000 {
		name := word()
		tp := newTargetPath(name)
		for range 3 {
			p := word()
			if r.Intn(3) == 0 {
				p = tp.last // the remembered join
			}
			want := p
			if p != "" {
				want = path.Join(strings.TrimSuffix(filepathToSlash(name), "/"), p)
			}
			if got := tp.join(p); got != want {
				t.Fatalf("join(%q, %q) = %q, want %q", name, p, got, want)
			}
		}
	}
}

// TestTargetPathCorpus: the corpus's file paths under its folder names join as path.Join does, and
// by concatenation (the plain way) for all of them.
func TestTargetPathCorpus(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "corpus", "real")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Skip("no corpus:", err)
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		name := filepath.Join(dir, e.Name())
		tg, err := LoadDir(name, LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		tp := newTargetPath(name)
		for _, f := range tg.Files {
			want := path.Join(strings.TrimSuffix(filepathToSlash(name), "/"), f.Path)
			if got := tp.join(f.Path); got != want {
				t.Fatalf("join(%q, %q) = %q, want %q", name, f.Path, got, want)
			}
			if !tp.plain || !plainPath(f.Path) {
				t.Errorf("join(%q, %q) is not plain", name, f.Path)
			}
		}
	}
}
