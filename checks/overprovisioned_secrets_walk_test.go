package checks

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
)

// secwSimpleNamePlain is secwSimpleName as first written: the oracle for its trim, fold and
// byte classes.
func secwSimpleNamePlain(v string, start, end int) string {
	if end-start < 5 || v[end-2:end] != "}}" {
		return ""
	}
	body := strings.Trim(v[start+3:end-2], " \t\r\n")
	if len(body) < 9 || !strings.EqualFold(body[:8], "secrets.") {
		return ""
	}
	name := body[8:]
	for i := 0; i < len(name); i++ {
		c := name[i]
		alpha := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_'
		if !alpha && (i == 0 || c != '-' && (c < '0' || c > '9')) {
			return ""
		}
	}
	return name
}

// TestSecwSimpleNameAndFind holds secwSimpleName to the plain version, and secwFind to
// bytes.Index, on random placeholders built of the pieces a name, its spacing and its
// neighbours may hold (every byte class of a name, the case folds of "secrets", bytes that
// fold to letters by |0x20 but are not, the long s that strings.EqualFold folds to s).
func TestSecwSimpleNameAndFind(t *testing.T) {
	pieces := []string{"${{", "}}", " ", "\t", "\r\n", "secrets", "SeCrEtS", "secrets.", "SECRETS.", "secret",
		"s", "S", "ſ", ".", "\x0e", "3", "_", "-", "a", "Z", "0", "9", "@", "/", "`", "[", "{", "é", "$", "}"}
	rng := rand.New(rand.NewPCG(3, 4))
	names := 0
	for range 200000 {
		var b strings.Builder
		b.WriteString("${{")
		for range rng.IntN(8) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		if rng.IntN(3) > 0 {
			b.WriteString(" secrets.")
			for range rng.IntN(5) {
				b.WriteString(pieces[rng.IntN(len(pieces))])
			}
		}
		b.WriteString("}}")
		v := b.String()
		for _, end := range []int{len(v), len(v) - 1, 5 + rng.IntN(len(v)-4)} {
			if got, want := secwSimpleName(v, 0, end), secwSimpleNamePlain(v, 0, end); got != want {
				t.Fatalf("secwSimpleName(%q) = %q, want %q", v[:end], got, want)
			} else if got != "" {
				names++
			}
		}
		src := []byte(strings.Repeat(pieces[rng.IntN(len(pieces))], rng.IntN(4)) + v[:rng.IntN(len(v)+1)] + v + v)
		raw := v[:3+rng.IntN(len(v)-2)]
		if got, want := secwFind(src, raw), bytes.Index(src, []byte(raw)); got != want {
			t.Fatalf("secwFind(%q, %q) = %d, want %d", src, raw, got, want)
		}
		cut := src[:rng.IntN(len(src)+1)]
		if got, want := secwFind(cut, raw), bytes.Index(cut, []byte(raw)); got != want {
			t.Fatalf("secwFind(%q, %q) = %d, want %d", cut, raw, got, want)
		}
	}
	if names < 1000 {
		t.Errorf("only %d simple names", names)
	}
}
