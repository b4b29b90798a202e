package checks

import (
	"strings"
	"testing"
)

// TestToLower holds toLower to strings.ToLower, and lowerMayChange to a byte-at-a-time reading
// of it, on random strings of bytes around the letters' edges and of characters that lower-case
// to ASCII or from it (Kelvin sign, long s, dotted I), of every length across the word size, and
// on the corpus' scripts and uses: values.
func TestToLower(t *testing.T) {
	check := func(s string) {
		t.Helper()
		want := false
		for i := 0; i < len(s); i++ {
			want = want || s[i] >= 0x80 || 'A' <= s[i] && s[i] <= 'Z'
		}
		if got := lowerMayChange(s); got != want {
			t.Fatalf("lowerMayChange(%q) = %v, want %v", s, got, want)
		}
		if got := toLower(s); got != strings.ToLower(s) {
			t.Fatalf("toLower(%q) = %q, want %q", s, got, strings.ToLower(s))
		}
	}
	check("")
	pieces := []string{"a", "z", "A", "Z", "@", "[", "`", "{", "0", "/", "-", " ", "\x00", "\x7f", "\x80", "\xff",
		"\u212a", "\u017f", "\u0130", "é", "É", "ab", "actions/checkout", "Actions"}
	shellRandomTexts(1, 50000, 24, pieces, check)
	for c := range 256 {
		for n := range 20 {
			check(strings.Repeat("a", n) + string(rune(c)))
			check(strings.Repeat("a", n) + string([]byte{byte(c)}) + "a")
		}
	}
	for _, s := range corpusScriptTexts(t) {
		check(s)
	}
	for _, tg := range corpusTargets(t) {
		for _, f := range tg.Files {
			for _, s := range f.Steps() {
				if a := s.Uses(); a != nil && a.Uses != nil {
					check(a.Uses.Value)
				}
			}
		}
	}
}
