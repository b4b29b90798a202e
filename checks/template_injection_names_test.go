package checks

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestTiNameClass checks the tables of template_injection_names.go at every byte: tiNameClass
// against obfIdentByte and tiLetter, tiUpperByte against the regular expression and the case
// mapping tiUpperIdent uses for a text that is not ASCII.
func TestTiNameClass(t *testing.T) {
	for c := range 256 {
		b := byte(c)
		if got, want := tiIsNameByte(b), obfIdentByte(b); got != want {
			t.Errorf("tiIsNameByte(%q) = %v, want %v", b, got, want)
		}
		if got, want := tiIsNameStart(b), tiLetter(b) || b == '_'; got != want {
			t.Errorf("tiIsNameStart(%q) = %v, want %v", b, got, want)
		}
		if b >= 0x80 {
			if tiUpperByte[b] != 0 {
				t.Errorf("tiUpperByte[%#x] = %q, want 0", b, tiUpperByte[b])
			}
			continue
		}
		want := nonIdent.ReplaceAllString(strings.ToUpper(string(b)), "_")
		got := string(tiUpperByte[b])
		if tiUpperByte[b] == 0 {
			got = "_"
		}
		if got != want {
			t.Errorf("tiUpperByte[%q] = %q, want %q", b, got, want)
		}
	}
}

// TestTiChainLoops checks tiPropsEnd and tiPlainChain, which read a chain of names in one loop
// (tiChainRun), against their former loops a name (tiPropsEndRef, tiPlainChainRef), at each
// "${{" of the corpus and the test files (from the expression's first dot, and its body up to
// the first "}}") and on random texts of the bytes that matter to them.
func TestTiChainLoops(t *testing.T) {
	check := func(s string) {
		t.Helper()
		j, ok := tiPropsEnd(s)
		if wj, wok := tiPropsEndRef(s); ok != wok || ok && j != wj {
			t.Errorf("tiPropsEnd(%q) = %d, %v, want %d, %v", s, j, ok, wj, wok)
		}
		gc, gok := tiPlainChain(s)
		wc, wok := tiPlainChainRef(s)
		if gc != wc || gok != wok {
			t.Errorf("tiPlainChain(%q) = %q, %v, want %q, %v", s, gc, gok, wc, wok)
		}
	}
	props, plain := 0, 0
	tiEachOpening(t, func(src []byte, off int) {
		body := string(src[off:min(len(src), off+200)])
		if end := strings.Index(body, "}}"); end >= 0 {
			body = body[:end]
		}
		check(body)
		if d := strings.IndexByte(body, '.'); d >= 0 {
			check(body[d:])
			if j, ok := tiPropsEndRef(body[d:]); ok && j > 0 {
				props++
			}
		}
		if _, ok := tiPlainChainRef(body); ok {
			plain++
		}
	})
	if props == 0 || plain == 0 {
		t.Errorf("%d properties, %d plain chains among the sources: the test tests too little", props, plain)
	}
	words := []string{".", "..", " ", "\n", "-", "_", "0", "a", "Z", "é", "\x00", "true", "null", "false", "x.y", "secrets", "(", "["}
	r := rand.New(rand.NewPCG(9, 10))
	var b []byte
	for range 200000 {
		b = tiRandomText(r, b, words, 8)
		check(string(b))
	}
}

// tiPropsEndRef is tiPropsEnd as safeChain read the properties, a loop a name.
func tiPropsEndRef(rest string) (int, bool) {
	j := 0
	for j < len(rest) && rest[j] == '.' {
		if j+1 >= len(rest) || !(tiLetter(rest[j+1]) || rest[j+1] == '_') {
			return 0, false
		}
		k := j + 2
		for k < len(rest) && obfIdentByte(rest[k]) {
			k++
		}
		j = k
	}
	return j, true
}

// tiPlainChainRef is tiPlainChain's former loop a name.
func tiPlainChainRef(body string) (string, bool) {
	chain := tiTrimBlanks(body)
	if chain == "" {
		return "", false
	}
	for k := 0; k < len(chain); {
		if !(tiLetter(chain[k]) || chain[k] == '_') {
			return "", false
		}
		start := k
		for k++; k < len(chain) && obfIdentByte(chain[k]); k++ {
		}
		if start == 0 && obfLiteralWord(chain[:k]) {
			return "", false
		}
		if k < len(chain) {
			if chain[k] != '.' || k+1 == len(chain) {
				return "", false
			}
			k++
		}
	}
	return chain, true
}
