package checks

import "bytes"

// tiExprEnd returns an offset up to which the source holds the expression that starts at from
// (after "${{"), or -1 when it is not known. The expression ends at the first "}}" after an even
// number of quotes (a string literal may hold "}}", and doubles a quote it holds). In a
// single-quoted scalar the source doubles each quote: the end is the later of the two readings.
//
// Each reading jumps from quote to quote and to the next "}}" with the bytes package's searches
// instead of looking at each byte: most expressions hold no quote, and their end is one search
// away. As the byte loop it replaces (see TestTiExprEnd), neither reading looks at the source's
// last byte, which cannot start a "}}" and never counts as a quote.
func tiExprEnd(src []byte, from int) int {
	verbatim, quotes := -1, 0
	// e is the first "}}" at or after a start no later than i: still the first after i while e >= i.
	for i, e := from, -1; ; {
		if e < i {
			if e = tiCloseBraces(src, i); e < 0 {
				return -1 // no "}}" after an even number of quotes
			}
		}
		q := bytes.IndexByte(src[i:e], '\'')
		if q < 0 {
			verbatim = e
			break
		}
		q += i
		c := bytes.IndexByte(src[q+1:], '\'') // the literal's end: a doubled quote reopens it
		if c < 0 {
			return -1
		}
		quotes += 2
		i = q + 1 + c + 1
	}
	if quotes == 0 {
		return verbatim // no quote before it: both readings end there
	}
	// The single-quoted scalar's reading: a doubled quote is one quote of the expression, a lone
	// one ends the scalar, and "}}" ends the expression after an even number of them.
	quotes = 0
	for i, e := from, -1; ; {
		lim := len(src)
		if quotes%2 == 0 {
			if e < i {
				if e = tiCloseBraces(src, i); e < 0 {
					e = len(src) // no "}}" at or after i, nor later
				}
			}
			lim = e
		}
		k := bytes.IndexByte(src[i:lim], '\'')
		if k < 0 {
			if lim < len(src) {
				return max(verbatim, lim)
			}
			return -1
		}
		q := i + k
		switch {
		case q+1 >= len(src):
			return -1
		case src[q+1] == '\'':
			quotes++
			i = q + 2
		default:
			return max(verbatim, q) // the end of the scalar
		}
	}
}

// tiCloseBraces returns the offset of the first "}}" at or after from, or -1. It looks for each
// "}" with bytes.IndexByte: bytes.Index's choice between its ways of searching costs more than
// the search itself, which most often ends at the first "}".
func tiCloseBraces(src []byte, from int) int {
	for i := from; ; {
		k := bytes.IndexByte(src[i:], '}')
		if k < 0 {
			return -1
		}
		i += k + 1
		if i < len(src) && src[i] == '}' {
			return i - 1
		}
	}
}
