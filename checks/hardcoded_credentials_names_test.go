package checks

import (
	"math/rand"
	"testing"
)

// TestHCCredentialNameASCII checks the in-place reading of names against the upper-casing one on
// names built from credential words, separators, spaces and non-ASCII letters.
func TestHCCredentialNameASCII(t *testing.T) {
	parts := []string{"TOKEN", "token", "Secret", "PASSWORD", "passwd", "PWD", "pass", "APIKEY", "PassPhrase",
		"CREDENTIAL", "credentials", "AUTH", "KEY", "key", "API", "access", "SIGNING", "MY", "X", "ſ", "ı", "Ü",
		"_", "-", ".", " ", "\t", "\u00a0", "DB", "WORD", "my", "APIKEYS", "2"}
	r := rand.New(rand.NewSource(1))
	for range 200000 {
		name := ""
		for range r.Intn(6) {
			name += parts[r.Intn(len(parts))]
		}
		cred, pw, ok := hcCredentialNameASCII(name)
		if !ok {
			continue
		}
		if wc, wp := hcCredentialNameSlow(name); cred != wc || pw != wp {
			t.Fatalf("%q: got %v %v, the upper-casing path says %v %v", name, cred, pw, wc, wp)
		}
		if bc, bp, bok := hcCredentialNameASCII([]byte(name)); bc != cred || bp != pw || !bok {
			t.Fatalf("%q: bytes and string disagree", name)
		}
	}
}
