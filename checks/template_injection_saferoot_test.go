package checks

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestTiSafeRoot checks tiSafeRoot against tiSafeRootRef, its former loop of strings.EqualFold,
// on every read of every placeholder of the corpus and test files (as obfScanReads passes them),
// and on random names and texts after them, in any case and with the characters beyond ASCII
// that fold to ASCII letters.
func TestTiSafeRoot(t *testing.T) {
	checked, safe := 0, 0
	check := func(name, rest string) bool {
		t.Helper()
		checked++
		want := tiSafeRootRef(name, rest)
		if got := tiSafeRoot(name, rest); got != want {
			t.Errorf("tiSafeRoot(%q, %q) = %v, want %v", name, rest, got, want)
		}
		if want {
			safe++
		}
		return want
	}
	tiEachOpening(t, func(src []byte, off int) {
		obfScanReads(string(src[off:]), check)
	})
	if safe == 0 || safe == checked {
		t.Errorf("%d of %d reads safe", safe, checked)
	}
	names := []string{"secrets", "SECRETS", "Secrets", "ſecrets", "secretſ", "secret", "secretss", "vars", "VARS", "varſ",
		"var", "runner", "RUNNER", "runners", "job", "JOB", "jobs", "strategy", "STRATEGY", "ſtrategy", "github", "GitHub",
		"GITHUB", "githu", "github_", "env", "inputs", "steps", "matrix", "needs", "", "x", "\u212a", "jo\u212a", "j_b", "j\x00b", "\xff"}
	rests := []string{"", ".", ". ", ".\t\n", ".event", ".EVENT", ".Event", ". event", ".event_", ".even", ".head_ref", ".HEAD_REF",
		".head-ref", ".head_re", ".head_refs", ".ref", ".sha", ".token", "[0]", "(", " .event", ".\u212a", ".-", "._", ".0"}
	for _, n := range names {
		for _, r := range rests {
			check(n, r)
		}
	}
	r := rand.New(rand.NewPCG(5, 6))
	letters := []string{"s", "S", "ſ", "e", "E", "c", "r", "t", "v", "a", "A", "u", "n", "j", "o", "b", "g", "i", "h", "H", "y",
		"d", "_", "f", "k", "K", "\u212a", "-", ".", " ", "\n"}
	word := func() string {
		var b []byte
		for n := r.IntN(10); n > 0; n-- {
			b = append(b, letters[r.IntN(len(letters))]...)
		}
		return string(b)
	}
	for range 200000 {
		check(word(), word())
	}
	t.Logf("%d reads checked, %d safe", checked, safe)
}

// tiSafeRootRef is tiSafeRoot as it was first written, a strings.EqualFold per name: it reports whether a context read, its name then the text after it, is never
// attacker-controlled.
func tiSafeRootRef(name, rest string) bool {
	for _, safe := range []string{"secrets", "vars", "runner", "job", "strategy"} {
		if strings.EqualFold(name, safe) {
			return true
		}
	}
	if !strings.EqualFold(name, "github") || !strings.HasPrefix(rest, ".") {
		return false
	}
	rest = strings.TrimLeft(rest[1:], " \t\n\r")
	j := 0
	for j < len(rest) && obfIdentByte(rest[j]) {
		j++
	}
	field := rest[:j]
	return field != "" && !strings.EqualFold(field, "event") && !strings.EqualFold(field, "head_ref")
}
