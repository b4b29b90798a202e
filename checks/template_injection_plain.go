package checks

import "strings"

// tiPlainSafe reports whether the expression at the start of text (after "${{") is a plain read
// of a context that is never attacker-controlled, alone on its line: spaces, secrets.NAME (or
// vars, runner, job, strategy, and github.FIELD but github.event and github.head_ref, any
// properties after), spaces, "}}". Written so on one line, it is the same text in the string's
// value, where tiSafeExpr finds it safe.
func tiPlainSafe(text []byte) bool {
	return tiPlainRead(text).kind == tiPlainSafeRead
}

// tiPlainKind says what tiPlainRead found.
type tiPlainKind uint8

const (
	tiNotPlain        tiPlainKind = iota // something else than a plain read alone on its line
	tiPlainOtherRead                     // a plain read of another context (inputs, env, github.event...)
	tiPlainSafeRead                      // a read tiPlainSafe accepts
	tiPlainMatrixRead                    // a read of the matrix context (its name in any case)
)

// tiPlain is a plain read as tiPlainRead finds it.
type tiPlain struct {
	kind tiPlainKind
	// secrets is true when a name of the chain holds "secrets" in any case: tiMentionsSecrets of
	// the expression's text, which is the chain between blanks.
	secrets bool
}

// tiPlainRead reads the expression at the start of text (after "${{") as a plain read of any
// context alone on its line (spaces, NAME, .PROPERTY any number of times, spaces, "}}") in one
// pass: its kind, tiNotPlain when it is something else, and whether it mentions secrets.
//
// It runs for every placeholder of the corpus, whose names vary in length: a loop per name
// would mispredict the end of each, and a search for "secrets" in each its own. The chain of
// names is read instead by an automaton (tiChainStep, run by tiChainRun) that also looks for
// "secrets", in a loop that ends once, after the chain; the context's name is then told by its
// first letter.
func tiPlainRead(text []byte) tiPlain {
	root := tiBlanksEnd(text, 0)
	n, st := tiChainRun(text[root:], tiChainWant<<8)
	if st < tiChainEnd<<8 || st == tiChainBad<<8 {
		return tiPlain{} // no name, a name that starts with a digit or "-", a dot last, or no end
	}
	i := root + n
	chain := text[root:i]
	i = tiBlanksEnd(text, i)
	if i+1 >= len(text) || text[i] != '}' || text[i+1] != '}' {
		return tiPlain{}
	}
	read := tiPlain{kind: tiPlainOtherRead, secrets: st == tiChainEndSecrets<<8}
	safe := false
	switch chain[0] | 0x20 { // the first letter of the context's name, in lower case
	case 'g':
		// github.FIELD but github.event and github.head_ref (a dot follows "github", and a
		// name the dot).
		if tiNameIs(chain, "github") && len(chain) > len("github") {
			f := chain[len("github."):]
			safe = !tiNameIs(f, "event") && !tiNameIs(f, "head_ref")
		}
	case 's':
		safe = tiNameIs(chain, "secrets") || tiNameIs(chain, "strategy")
	case 'v':
		safe = tiNameIs(chain, "vars")
	case 'r':
		safe = tiNameIs(chain, "runner")
	case 'j':
		safe = tiNameIs(chain, "job")
	case 'm':
		if tiNameIs(chain, "matrix") {
			read.kind = tiPlainMatrixRead
		}
	}
	if safe {
		read.kind = tiPlainSafeRead
	}
	return read
}

// tiBlanksEnd is the offset of the first byte from i on that is not a space or a tab.
func tiBlanksEnd(text []byte, i int) int {
	for i < len(text) && (text[i] == ' ' || text[i] == '\t') {
		i++
	}
	return i
}

// tiChainStep is the automaton tiPlainRead runs over a chain of names, NAME(.NAME)*, where a
// name starts with a letter or "_" and goes on with letters, digits, "_" or "-" (the bytes
// tiLetter and obfIdentByte class): the state after a byte, by the state before it and the
// byte. A state below tiChainEnd holds tiChainWant when a name must start at the next byte,
// and in its other bits how many bytes of "secrets" (in any case) the chain ends with, or
// tiChainSeen once the chain holds it ("secrets" holds no dot: a name holds it exactly when the
// chain does).
var tiChainStep = func() (t [tiChainMask + 1][256]uint8) {
	const word = "secrets"
	// match is the state of the search for word after byte c, from m bytes matched: the longest
	// start of word that the bytes matched and c end with.
	match := func(m int, c byte) uint8 {
		if m == tiChainSeen {
			return tiChainSeen
		}
		read := word[:m] + string(c)
		for n := min(len(read), len(word)); ; n-- {
			if strings.EqualFold(read[len(read)-n:], word[:n]) {
				if n == len(word) {
					return tiChainSeen
				}
				return uint8(n)
			}
		}
	}
	for st := range tiChainMask + 1 {
		want, m := st&tiChainWant != 0, st&^tiChainWant
		if m > tiChainSeen || want && m != 0 && m != tiChainSeen {
			continue // never reached
		}
		end := uint8(tiChainEnd)
		if m == tiChainSeen {
			end = tiChainEndSecrets
		}
		for c := range 256 {
			switch b := byte(c); {
			case want && !(tiLetter(b) || b == '_'):
				t[st][c] = tiChainBad
			case b == '.':
				t[st][c] = tiChainWant
				if m == tiChainSeen {
					t[st][c] |= tiChainSeen
				}
			case obfIdentByte(b):
				t[st][c] = match(m, b)
			default:
				t[st][c] = end
			}
		}
	}
	return t
}()

// tiChainNext is tiChainStep in one row of 256 entries a state, each state (the entry's, and the
// one it indexes) times 256: tiPlainRead's loop finds the next entry at the state or'ed with the
// byte, where the two indexes of tiChainStep take a mask, a shift and an add a byte, all of
// them on the path from one byte's load to the next's.
var tiChainNext = func() (t [(tiChainMask + 1) * 256]uint16) {
	for st := range tiChainStep {
		for c, next := range tiChainStep[st] {
			t[st<<8|c] = uint16(next) << 8
		}
	}
	return t
}()

// tiChainRun runs tiChainNext over b from state st (times 256, as tiChainNext holds them):
// tiChainWant<<8 reads a chain from its start, 0 goes on after a name's byte. It returns the
// offset of the byte at which the state reached tiChainEnd or more, and that state; len(b) and
// the state after the last byte when it stayed below.
func tiChainRun[T ~string | ~[]byte](b T, st uint) (int, uint) {
	// st < tiChainEnd<<8 before each step: st|c is st*256+c, below len(tiChainNext).
	for k := 0; k < len(b); k++ {
		if st = uint(tiChainNext[(st|uint(b[k]))&uint(len(tiChainNext)-1)]); st >= tiChainEnd<<8 {
			return k, st
		}
	}
	return len(b), st
}

// The states of tiChainStep.
const (
	tiChainSeen       = 7  // "secrets" was read
	tiChainWant       = 8  // a name must start at the next byte
	tiChainMask       = 15 // the bits of the states before the chain's end
	tiChainEnd        = 16 // the byte after the chain was read
	tiChainEndSecrets = 17 // the same, after a chain that holds "secrets"
	tiChainBad        = 18 // the bytes read are not a chain
)

// tiNameIs reports whether the chain of names starts with the name word (lower case), in any
// case. Within a chain's bytes, a byte differs from a lower-case letter or "_" by 0x20 at most
// exactly when it is that letter in upper case: the bytes are compared without a branch.
func tiNameIs(chain []byte, word string) bool {
	if len(chain) < len(word) || len(chain) > len(word) && chain[len(word)] != '.' {
		return false
	}
	diff := byte(0)
	for i := range len(word) {
		diff |= (chain[i] ^ word[i]) &^ 0x20
	}
	return diff == 0
}

// tiFold is strings.EqualFold for ASCII bytes and a lower-case word.
func tiFold(b []byte, word string) bool {
	if len(b) != len(word) {
		return false
	}
	for i := range b {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != word[i] {
			return false
		}
	}
	return true
}
