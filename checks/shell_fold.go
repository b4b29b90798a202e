package checks

import "strings"

// Folded returns Text with its ASCII letters in lower case and its quotes (" and ') removed,
// computed once per script: checks look in it for the words they need before asking for the
// parse. A word of the script is in it, even one that the shell builds by removing quotes
// (p"ip"). Non-ASCII text is kept as it is: the only non-ASCII letters that case folding matches
// to ASCII ones are K (Kelvin, U+212A) and ſ (long s, U+017F), which shellOddFold finds.
func (s *shellScript) Folded() string {
	m := s.lazy()
	if !m.hasFolded {
		m.hasFolded = true
		b := make([]byte, len(s.Text))
		j := 0
		for i := 0; i < len(s.Text); i++ {
			c := s.Text[i]
			b[j] = shellFoldTable[c]
			if c != '"' && c != '\'' {
				j++
			}
		}
		m.folded = string(b[:j])
	}
	return m.folded
}

// asciiFoldAt reports whether s holds word (lower-case ASCII) at i in any ASCII case; only the
// letters A to Z fold, as in shellFoldTable.
func asciiFoldAt(s string, i int, word string) bool {
	if i < 0 || i+len(word) > len(s) {
		return false
	}
	for k := 0; k < len(word); k++ {
		if shellFoldTable[s[i+k]] != word[k] {
			return false
		}
	}
	return true
}

// shellFoldTable maps each byte to itself, ASCII upper-case letters to lower case.
var shellFoldTable = func() (t [256]byte) {
	for i := range t {
		t[i] = byte(i)
		if i >= 'A' && i <= 'Z' {
			t[i] = byte(i) + 'a' - 'A'
		}
	}
	return t
}()

// shellOddFold reports whether text holds a non-ASCII letter that Go's case folding matches to
// an ASCII one: K (Kelvin) folds to k, ſ (long s) to s.
func shellOddFold(text string) bool {
	return strings.Contains(text, "\u212a") || strings.Contains(text, "\u017f")
}

// shellHasWord reports whether text holds word with no letter, digit, '_', '.' or '-' right
// before or after it: a command's name (x.go, gopher and go-task are not go).
func shellHasWord(text, word string) bool {
	for off := 0; ; {
		i := strings.Index(text[off:], word)
		if i < 0 {
			return false
		}
		i += off
		end := i + len(word)
		if (i == 0 || !shellWordByte(text[i-1])) && (end == len(text) || !shellWordByte(text[end])) {
			return true
		}
		off = i + 1
	}
}

func shellWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-'
}
