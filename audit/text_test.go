package audit

import (
	"bytes"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// corpusSources reads every file of the corpus beside the module (../shared/corpus/real), or
// skips when it is absent.
func corpusSources(tb testing.TB) [][]byte {
	var srcs [][]byte
	filepath.WalkDir("../../shared/corpus/real", func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if b, err := os.ReadFile(p); err == nil {
				srcs = append(srcs, b)
			}
		}
		return nil
	})
	if len(srcs) == 0 {
		tb.Skip("corpus not found")
	}
	return srcs
}

// TestLineStarts compares lineStarts with a plain loop on line breaks at every place.
func TestLineStarts(t *testing.T) {
	srcs := [][]byte{nil, []byte("\n"), []byte("a"), []byte("a\n"), []byte("\n\na\r\nb")}
	for n := range 200 {
		b := make([]byte, n)
		for i := range b {
			b[i] = "ab\n"[(i*7+n)%3]
		}
		srcs = append(srcs, b, bytes.Repeat([]byte{'\n'}, n))
	}
	// Blocks with from none to many line breaks (more than bytescan.Fill writes at once), at the
	// ends of blocks too.
	r := rand.New(rand.NewSource(8))
	for range 2000 {
		b := make([]byte, r.Intn(300))
		gap := 1 + r.Intn(40)
		for i := range b {
			if r.Intn(gap) == 0 {
				b[i] = '\n'
			} else {
				b[i] = 'x'
			}
		}
		srcs = append(srcs, b)
	}
	srcs = append(srcs, corpusSourcesIfAny(t)...)
	for _, src := range srcs {
		want := []int{0}
		for i, c := range src {
			if c == '\n' {
				want = append(want, i+1)
			}
		}
		if got := (&File{Source: src}).lineStarts(); !slices.Equal(got, want) {
			t.Errorf("lineStarts(%q) = %v, want %v", src, got, want)
		}
	}
}

// corpusSourcesIfAny is corpusSources, or none (a skipped subtest) when the corpus is absent.
func corpusSourcesIfAny(t *testing.T) (srcs [][]byte) {
	t.Run("corpus", func(t *testing.T) { srcs = corpusSources(t) })
	return srcs
}

// BenchmarkLineStarts indexes the lines of every file of the corpus.
func BenchmarkLineStarts(b *testing.B) {
	srcs := corpusSources(b)
	for b.Loop() {
		for _, src := range srcs {
			(&File{Source: src}).lineStarts()
		}
	}
}

// TestContainsIgnoreMarker compares the search from '[' with bytes.Contains on the corpus files,
// on their pieces (cut at every '[', where the marker may begin or end the piece), and on random
// bytes made of the marker's letters.
func TestContainsIgnoreMarker(t *testing.T) {
	check := func(src []byte) {
		if got, want := containsIgnoreMarker(src), bytes.Contains(src, ignoreMarker); got != want {
			t.Fatalf("containsIgnoreMarker(%q) = %v, want %v", src, got, want)
		}
	}
	for _, src := range corpusSourcesIfAny(t) {
		check(src)
		for i, c := range src {
			if c == '[' {
				check(src[:i+1])
				check(src[max(0, i-6):])
			}
		}
	}
	r := rand.New(rand.NewSource(3))
	for range 100000 {
		b := make([]byte, r.Intn(20))
		for i := range b {
			b[i] = "ignore[ #"[r.Intn(9)]
		}
		if r.Intn(4) == 0 {
			i := r.Intn(len(b) + 1)
			b = append(b[:i], append([]byte("ignore["), b[i:]...)...)
		}
		check(b)
	}
}
