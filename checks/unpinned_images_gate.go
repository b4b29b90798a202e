package checks

import "strings"

// uiCommandLines returns the lines of a script (each with its continuation lines, as
// pcCommandsAt joins them) where uiCommandImage may find an image, in order; nil for none, as
// in nearly all scripts, which are then never split. pcCommandsAt reads each such line on its
// own, so it finds the same commands in them as in the whole script. A command that names an
// image needs a word "docker" or "podman" (after a path, quotes trimmed), then blanks, then a
// word that is run, pull, create, container or image (quotes trimmed). pcCommandsAt's words
// are fields of the text, so each is in it as it is; a line continuation joins lines with a
// blank, and strings.Fields also splits at non-ASCII spaces, so every byte of a blank, a
// backslash and every non-ASCII byte count as blanks here.
func uiCommandLines(text string) []string {
	var out []string
	for i := 0; ; i++ {
		if i = uiNextPair(text, i); i < 0 {
			return out
		}
		name := "docker"
		if text[i] == 'd' {
			name = "podman"
		}
		s := i - 2
		if s < 0 || s+len(name) > len(text) || text[s:s+len(name)] != name {
			continue
		}
		// A letter, digit, '_', '-' or '.' right before makes another word (xdocker); a '/'
		// ends a path, the last element of which is the program.
		if s > 0 && shellWordByte(text[s-1]) {
			continue
		}
		if uiSubAfter(text, s+len(name)) {
			start, end := uiLogicalLine(text, s)
			out = append(out, text[start:end])
			i = end - 1 // the next line
		}
	}
}

// uiLogicalLine returns the bounds of the line that holds text[i] as pcCommandsAt reads it: from
// the start of a line that does not continue the one before, through the newline of the first
// line from there on that does not end with a backslash (or the end of the text). pcCommandsAt
// replaces each "\r\n" with "\n" first, so a '\r' before a newline does not count.
func uiLogicalLine(text string, i int) (start, end int) {
	start = strings.LastIndexByte(text[:i], '\n') + 1
	for start > 0 && uiContinued(text, start-1) {
		start = strings.LastIndexByte(text[:start-1], '\n') + 1
	}
	for {
		nl := strings.IndexByte(text[i:], '\n')
		if nl < 0 {
			return start, len(text)
		}
		nl += i
		if !uiContinued(text, nl) {
			return start, nl + 1
		}
		i = nl + 1
	}
}

// uiContinued reports whether the line that ends at the newline text[nl] ends with a backslash.
func uiContinued(text string, nl int) bool {
	e := nl
	if e > 0 && text[e-1] == '\r' {
		e--
	}
	return e > 0 && text[e-1] == '\\'
}

const (
	uiOnes  = 0x0101010101010101
	uiHighs = 0x8080808080808080
)

// uiNextPair returns the index of the first "ck" (of docker) or "dm" (of podman) in text[i:],
// -1 for none: pairs much rarer in scripts than any byte of the names. It tests eight bytes at
// a time, seven steps apart so that a pair across two steps is in one: x^cccccccc has a zero
// byte where x has a c (by the usual bit trick, which may also flag a byte after a real one:
// the candidates are tested one by one), and a c flagged right before a flagged k is a pair.
func uiNextPair(text string, i int) int {
	for ; i+8 <= len(text); i += 7 {
		b := text[i : i+8]
		v := uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
			uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
		c, k := v^('c'*uiOnes), v^('k'*uiOnes)
		d, m := v^('d'*uiOnes), v^('m'*uiOnes)
		c, k = (c-uiOnes)&^c&uiHighs, (k-uiOnes)&^k&uiHighs
		d, m = (d-uiOnes)&^d&uiHighs, (m-uiOnes)&^m&uiHighs
		if (c<<8)&k|(d<<8)&m == 0 {
			continue
		}
		for j := i; j < i+7; j++ {
			if uiPairAt(text, j) {
				return j
			}
		}
	}
	for ; i+1 < len(text); i++ {
		if uiPairAt(text, i) {
			return i
		}
	}
	return -1
}

// uiPairAt reports whether text[j:] starts with "ck" or "dm".
func uiPairAt(text string, j int) bool {
	return text[j] == 'c' && text[j+1] == 'k' || text[j] == 'd' && text[j+1] == 'm'
}

// uiSubAfter reports whether the word "docker" that ends at text[j] may be followed by its
// subcommand: quotes that close the word, at least one blank, then the subcommand's word.
func uiSubAfter(text string, j int) bool {
	for j < len(text) && (text[j] == '"' || text[j] == '\'') {
		j++
	}
	k := j
	for k < len(text) && uiBlank(text[k]) {
		k++
	}
	if k == j {
		return false // the word goes on (docker-compose), or the command ends
	}
	for k < len(text) && (text[k] == '"' || text[k] == '\'') {
		k++
	}
	rest := text[k:]
	for _, sub := range []string{"run", "pull", "create", "container", "image"} {
		if strings.HasPrefix(rest, sub) {
			return true
		}
	}
	return false
}

// uiBlank reports whether c may be (part of) what separates two of pcCommandsAt's words: an
// ASCII blank, a line break (within a line continuation), a backslash (one that continues the
// line) or a byte of a non-ASCII character (strings.Fields splits at Unicode spaces).
func uiBlank(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == '\\' || c >= 0x80
}
