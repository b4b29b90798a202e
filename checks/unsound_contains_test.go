package checks

import (
	"math/rand/v2"
	"regexp"
	"testing"
)

// ucLiteralContainsRe is what ucMayHaveLiteralContains looks for, as a regular expression.
var ucLiteralContainsRe = regexp.MustCompile(`[cC][oO][nN][tT][aA][iI][nN][sS][ \n\r\t]*\([( \n\r\t]*'`)

// TestUcMayHaveLiteralContains checks the backward search from each quote against the regexp, on
// listed conditions and on random strings of the bytes that matter.
func TestUcMayHaveLiteralContains(t *testing.T) {
	cases := []string{"", "'", "contains('a', x)", "CONTAINS ( ( 'a'", "contains(x, 'a')", "contains\n(\t'a'", "contains 'a'",
		"ontains('a')", "contains()'", "xcontains('a')", "contaıns('a')", "containſ('a')", "startsWith('a') || contains(github.ref, 'b')",
		"contains(('a'), x)", "contains( x'", "'a' == contains('b', c)", "contains(fromJSON('[1]'), x)"}
	rng := rand.New(rand.NewPCG(1, 2))
	const alphabet = "containsCONTAINS( '\t\nx)"
	for range 20000 {
		b := randomText(rng, alphabet, 24)
		cases = append(cases, "contains"[:rng.IntN(9)]+string(b))
	}
	for _, c := range cases {
		if got, want := ucMayHaveLiteralContains(c), ucLiteralContainsRe.MatchString(c); got != want {
			t.Errorf("ucMayHaveLiteralContains(%q) = %v, want %v", c, got, want)
		}
	}
}
