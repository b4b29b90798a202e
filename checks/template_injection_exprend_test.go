package checks

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// TestTiExprEnd checks tiExprEnd against tiExprEndRef, its former byte loop, at every "${{" of
// the test files and of the corpus (in the whole source, as the index calls it, and cut short
// after the expression), and on random sources made of the bytes that matter to it.
func TestTiExprEnd(t *testing.T) {
	checked, quoted := 0, 0
	check := func(src []byte, from int) {
		t.Helper()
		checked++
		if got, want := tiExprEnd(src, from), tiExprEndRef(src, from); got != want {
			t.Errorf("tiExprEnd(%q, %d) = %d, want %d", src, from, got, want)
		}
	}
	nsrcs := tiEachOpening(t, func(src []byte, off int) {
		check(src, off)
		if end := tiExprEndRef(src, off); end >= 0 {
			if bytes.IndexByte(src[off:end], '\'') >= 0 {
				quoted++
			}
			for _, cut := range []int{end, end + 1, end + 2, end + 3} {
				if cut <= len(src) {
					check(src[:cut], off)
				}
			}
		}
	})
	if nsrcs > 0 && quoted == 0 {
		t.Error("no expression with a quote among the sources")
	}
	words := []string{"'", "''", "}", "}}", "{", "$", "a", " ", "\n", "'}}'"}
	r := rand.New(rand.NewPCG(3, 4))
	var b []byte
	for range 300000 {
		b = tiRandomText(r, b, words, 12)
		check(b, r.IntN(len(b)+1))
	}
	t.Logf("%d sources checked, %d expressions with a quote", checked, quoted)
}

// tiExprEndRef is tiExprEnd as it was first written, a loop per byte: it returns an offset up to which the source holds the expression that starts at from
// (after "${{"), or -1 when it is not known. The expression ends at the first "}}" after an even
// number of quotes (a string literal may hold "}}", and doubles a quote it holds). In a
// single-quoted scalar the source doubles each quote: the end is the later of the two readings.
func tiExprEndRef(src []byte, from int) int {
	verbatim, single := -1, -1
	quotes := 0
	for i := from; i+1 < len(src); i++ {
		if src[i] == '\'' {
			quotes++
		} else if src[i] == '}' && src[i+1] == '}' && quotes%2 == 0 {
			verbatim = i
			break
		}
	}
	if verbatim < 0 {
		return -1
	}
	if quotes == 0 {
		return verbatim // no quote before it: both readings end there
	}
	quotes = 0
	for i := from; i+1 < len(src); i++ {
		switch {
		case src[i] == '\'' && src[i+1] == '\'':
			quotes++
			i++
		case src[i] == '\'':
			single = i // the end of the scalar
		case src[i] == '}' && src[i+1] == '}' && quotes%2 == 0:
			single = i
		}
		if single >= 0 {
			break
		}
	}
	if single < 0 {
		return -1
	}
	return max(verbatim, single)
}
