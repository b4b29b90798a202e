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

// TestUtpIsTokenVar holds utpIsTokenVar's switch to utpTokenVars: it takes each name lower-cased
// and nothing else of the corpus's and fixtures' env: names, nor the names a byte away.
func TestUtpIsTokenVar(t *testing.T) {
	want := map[string]bool{}
	for _, names := range utpTokenVars {
		for _, n := range names {
			want[strings.ToLower(n)] = true
		}
	}
	var keys []string
	for k := range want {
		keys = append(keys, k, strings.ToUpper(k), k[1:], k[:len(k)-1], k+"_", "x"+k)
	}
	for _, f := range secwTestFiles(t) {
		for _, s := range f.Steps() {
			if s.Step.Env != nil {
				for k := range s.Step.Env.Vars {
					keys = append(keys, k)
				}
			}
		}
	}
	for _, tg := range corpusTargets(t) {
		for _, f := range tg.Files {
			for _, s := range f.Steps() {
				if s.Step.Env != nil {
					for k := range s.Step.Env.Vars {
						keys = append(keys, k)
					}
				}
			}
		}
	}
	for _, k := range keys {
		if got := utpIsTokenVar(k); got != want[k] {
			t.Errorf("utpIsTokenVar(%q) = %v, want %v", k, got, want[k])
		}
	}
}
