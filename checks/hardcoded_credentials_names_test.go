package checks

import (
	"math/rand"
	"strings"
	"testing"
)

// TestHCCredentialNameASCII checks the in-place reading of names against the upper-casing one on
// names built from credential words, separators, spaces and non-ASCII letters, and that
// hcMayBePassword holds for each password's name among them that hcAssignAt may read (name
// bytes only).
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
		if pw && !strings.ContainsFunc(name, func(r rune) bool { return r >= 0x80 || !hcNameByte(byte(r)) }) && !hcMayBePassword([]byte(name)) {
			t.Fatalf("%q is a password's name, which hcMayBePassword dismisses", name)
		}
	}
}

// TestHCValueReadsVar checks that where hcValueReadsVar reports a value that reads a variable,
// hcYAMLLiteralAt (after ":") or hcScriptLiteralAt (after "=") reports false for every name's
// flags, at every ":" and "=" of the corpus and of random texts around placeholders.
func TestHCValueReadsVar(t *testing.T) {
	check := func(src []byte, i int) {
		yaml := src[i] == ':'
		if !hcValueReadsVar(src, i+1, yaml) {
			return
		}
		for _, password := range []bool{false, true} {
			for _, action := range []bool{false, true} {
				for _, passwordKey := range []bool{false, true} {
					if yaml && hcYAMLLiteralAt(src, i+1, password, action, passwordKey) ||
						!yaml && hcScriptLiteralAt(src, i+1, password) {
						t.Fatalf("hcValueReadsVar dismisses the value at %d of %q, which may be reported", i+1, src)
					}
				}
			}
		}
	}
	hcEachCorpusHit(t, func(src []byte, i int) {
		if src[i] == ':' || src[i] == '=' {
			check(src, i)
		}
	})
	pieces := []string{"${{", "$", "{{", "}}", " ", "\t", "\r", "\f", "\n", "\"", "'", "x", "Qz8Lm3Rt7Vw2Np9Ks4Hj", "secrets.X", "|", "#"}
	r := rand.New(rand.NewSource(9))
	for range 100000 {
		b := []byte{":="[r.Intn(2)]}
		for range r.Intn(8) {
			b = append(b, pieces[r.Intn(len(pieces))]...)
		}
		check(b, 0)
	}
}

// TestHCShortPlainAt checks that where hcShortPlainAt reports a short plain value after a ":",
// hcYAMLLiteralAt reports false for a name that is not a password's, at every ":" of the corpus
// and of random texts around short and long words, comments and flow indicators.
func TestHCShortPlainAt(t *testing.T) {
	check := func(src []byte, i int) {
		if !hcShortPlainAt(src, i+1) {
			return
		}
		for _, action := range []bool{false, true} {
			if hcYAMLLiteralAt(src, i+1, false, action, false) {
				t.Fatalf("hcShortPlainAt dismisses the value at %d of %q, which may be reported", i+1, src)
			}
		}
	}
	hcEachCorpusHit(t, func(src []byte, i int) {
		if src[i] == ':' {
			check(src, i)
		}
	})
	pieces := []string{" ", "\t", "\r", "\f", "\n", "#", " #", ",", "]", "}", "\"", "'", "$", "x", "7", "false",
		"Qz8Lm3Rt7Vw2Np9", "Qz8Lm3Rt7Vw2Np9Ks4Hj", "|", "-", "_", "."}
	r := rand.New(rand.NewSource(11))
	for range 200000 {
		b := []byte{':'}
		for range r.Intn(8) {
			b = append(b, pieces[r.Intn(len(pieces))]...)
		}
		check(b, 0)
	}
}

// TestHCMayEndCredential checks the eight-byte reading of a name's end against
// hcMayEndCredentialLoop, a word at a time, on names built from credential words, their pieces,
// separators and bytes that differ from letters by case's bit only, after texts of every length
// up to ten, and at every ":" and "=" of the corpus.
func TestHCMayEndCredential(t *testing.T) {
	check := func(b []byte) {
		if got, want := hcMayEndCredential(b), hcMayEndCredentialLoop(b[:hcSepsTrimmed(b)]); got != want {
			t.Fatalf("%q: got %v, the loop says %v", b, got, want)
		}
	}
	hcEachCorpusHit(t, func(src []byte, i int) {
		if src[i] == ':' || src[i] == '=' {
			check(src[:i])
		}
	})
	parts := []string{"TOKEN", "token", "Secret", "PASSWORD", "passwd", "PWD", "pass", "APIKEY", "PassPhrase",
		"CREDENTIAL", "credentials", "AUTH", "KEY", "key", "OKEN", "WORD", "SWD", "HRASE", "DENTIAL", "DENTIALS",
		"EY", "S", "D", "_", "-", ".", " ", "\x00", "\x0b", "+", "@", "`", "p", "\xc5"}
	r := rand.New(rand.NewSource(13))
	for range 300000 {
		b := make([]byte, r.Intn(11))
		for k := range b {
			b[k] = byte(r.Intn(256))
		}
		for range r.Intn(5) {
			b = append(b, parts[r.Intn(len(parts))]...)
		}
		check(b)
	}
}
