package checks

import (
	"regexp"
	"testing"
)

// TestArNameMatchers holds the hand-written owner and name matchers to the regular expressions they replace.
func TestArNameMatchers(t *testing.T) {
	ownerRe := regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$`)
	nameRe := regexp.MustCompile(`^[A-Za-z0-9._-]+$`)
	for _, s := range []string{"", "a", "-", "a-", "-a", "a-b", "a--b", "A1", "a_b", "a.b", ".", "..", "a b", "é", "ab-c9", "x/y", "_"} {
		if got, want := arValidOwner(s), ownerRe.MatchString(s); got != want {
			t.Errorf("arValidOwner(%q) = %v, want %v", s, got, want)
		}
		if got, want := arValidName(s), nameRe.MatchString(s); got != want {
			t.Errorf("arValidName(%q) = %v, want %v", s, got, want)
		}
	}
}
