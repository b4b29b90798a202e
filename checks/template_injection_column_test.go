package checks

import (
	"bytes"
	"math/rand/v2"
	"testing"
	"unicode/utf8"
)

// TestTiColumn checks tiColumn against the line's start found by bytes.LastIndexByte and its
// characters counted by utf8.RuneCount, at every offset of the corpus's and the test files'
// sources, and of random texts of line breaks, ASCII and multi-byte characters.
func TestTiColumn(t *testing.T) {
	check := func(src []byte, p int) {
		t.Helper()
		start := bytes.LastIndexByte(src[:p], '\n') + 1
		if got, want := tiColumn(src, p), utf8.RuneCount(src[start:p])+1; got != want {
			t.Fatalf("tiColumn(%q, %d) = %d, want %d", src[start:p], p, got, want)
		}
	}
	srcs := corpusSourcesIfAny(t)
	for _, f := range secwTestFiles(t) {
		srcs = append(srcs, f.Source)
	}
	for _, src := range srcs {
		for p := range len(src) + 1 {
			check(src, p)
		}
	}
	words := []string{"\n", "a", "abcdefgh", "é", "\xff", " ", "\r\n", "日本", "Ċ", "\x8a"}
	r := rand.New(rand.NewPCG(13, 14))
	var b []byte
	for range 20000 {
		b = tiRandomText(r, b, words, 12)
		for p := range len(b) + 1 {
			check(b, p)
		}
	}
}
