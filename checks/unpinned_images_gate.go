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
	// The next "ck" (of docker) and "dm" (of podman) at or after from, -1 for none: pairs much
	// rarer in scripts than any byte of the names, each searched for again only once the search
	// has passed it.
	ck, dm := uiPairFrom(text, 0, "ck"), uiPairFrom(text, 0, "dm")
	for ck >= 0 || dm >= 0 {
		i, name := ck, "docker"
		if ck < 0 || dm >= 0 && dm < ck {
			i, name = dm, "podman"
		}
		from := i + 1
		if s := i - 2; s >= 0 && s+len(name) <= len(text) && text[s:s+len(name)] == name &&
			// A letter, digit, '_', '-' or '.' right before makes another word (xdocker); a '/'
			// ends a path, the last element of which is the program.
			(s == 0 || !shellWordByte(text[s-1])) && uiSubAfter(text, s+len(name)) {
			start, end := uiLogicalLine(text, s)
			out = append(out, text[start:end])
			from = end // the next line
		}
		ck, dm = uiNextIndex(text, ck, from, "ck"), uiNextIndex(text, dm, from, "dm")
	}
	return out
}

// uiNextIndex returns the index of the first pair in text at or after from, given at, the
// previous one's (-1 when there is none left).
func uiNextIndex(text string, at, from int, pair string) int {
	if at < 0 || at >= from {
		return at
	}
	return uiPairFrom(text, from, pair)
}

// uiPairFrom returns the index of the first pair in text at or after from, -1 for none. It looks
// for the pair's second byte, "k" or "m", rarer than "c" and "d" (strings.Index would look for
// the first), with strings.IndexByte.
func uiPairFrom(text string, from int, pair string) int {
	for j := from + 1; j < len(text); j++ {
		k := strings.IndexByte(text[j:], pair[1])
		if k < 0 {
			return -1
		}
		j += k
		if text[j-1] == pair[0] {
			return j - 1
		}
	}
	return -1
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
