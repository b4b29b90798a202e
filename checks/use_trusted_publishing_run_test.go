package checks

import (
	"strings"
	"testing"
)

// TestUtpLowerHas holds utpLowerHas, which lower-cases only a script with "İ", to the
// lower-casing of every script beyond ASCII that it replaced, on the corpus' scripts and on
// random texts of the words' pieces in any case beside the characters that lower-case to ASCII
// letters or fold onto them.
func TestUtpLowerHas(t *testing.T) {
	check := func(s string) {
		t.Helper()
		want := false
		if strings.IndexFunc(s, func(r rune) bool { return r >= 0x80 }) >= 0 {
			l := strings.ToLower(s)
			want = strings.Contains(l, "publish") || strings.Contains(l, "release")
		}
		if got := utpLowerHas(s); got != want {
			t.Fatalf("utpLowerHas(%q) = %v, want %v", s, got, want)
		}
	}
	for _, s := range corpusScriptTexts(t) {
		check(s)
	}
	pieces := []string{"publ", "PUBL", "ish", "\u0130sh", "\u0130", "i", "I", "rel", "REL", "ease", "Ease", "\u212a",
		"\u017f", "sh", "é", "\xff", "\xc4", " ", "p", "ublish", "release", "Publish"}
	shellRandomTexts(6, 50000, 8, pieces, check)
}
