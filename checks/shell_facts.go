package checks

import "strings"

// shellFacts are what one scan of a script's text finds: the checks that read scripts ask for
// them before anything else, so that most scripts cost them that one scan and no copy of the
// text. Each fact is a necessary condition of what a check then looks for with its own test.
type shellFacts uint8

const (
	sfScanned shellFacts = 1 << iota
	// sfInstall: a word that utMaybe takes for a program directly followed by a word it takes
	// for a subcommand (pip install, npm i, go run...), in the folded text (see Folded).
	sfInstall
	// sfDownload: curl, wget, fetch, http or https as a word of the folded text (see shellHasWord).
	sfDownload
	// sfPwshExec: iex, invoke-expression or scriptblock in the text, its letters in lower case
	// (quotes kept): every form of dtrPwshRe holds one.
	sfPwshExec
	// sfOddFold: a letter that case folding matches to an ASCII one (see shellOddFold).
	sfOddFold
	// sfPwshTool: a name of utPwshCmdRe (pip, npm, go...) as a whole \w word of the text in
	// lower case, followed by a blank or a dot: every match of utPwshCmdRe starts with one.
	sfPwshTool
)

// Facts returns the script's facts, scanning its text the first time.
func (s *shellScript) Facts() shellFacts {
	if s.facts == 0 {
		s.facts = shellScan(s.Text, s.shellPosix()) | sfScanned
	}
	return s.facts
}

// Has reports whether all of the facts in want hold.
func (f shellFacts) Has(want shellFacts) bool { return f&want == want }

// Any reports whether one of the facts in want holds.
func (f shellFacts) Any(want shellFacts) bool { return f&want != 0 }

// shellWordTable marks the bytes of a word for shellHasWord: letters, digits, '_', '.' and '-'.
var shellWordTable = func() (t [256]bool) {
	for i := range t {
		t[i] = shellWordByte(byte(i))
	}
	return t
}()

// shellIdentTable marks the bytes of regexp's \w: letters, digits and '_'.
var shellIdentTable = func() (t [256]bool) {
	for i := range t {
		c := byte(i)
		t[i] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
	}
	return t
}()

// shellVocabLens has, for each first byte, a bit for each length of a word that shellWordKind
// knows; most words of a script are dismissed by it without a comparison.
var shellVocabLens = func() (t [256]uint32) {
	for _, w := range []string{"pipx", "cargo", "gem", "choco", "uv", "dotnet", "yarn", "npm", "pnpm", "bun", "go",
		"install", "binstall", "tool", "global", "upgrade", "i", "add", "run",
		"curl", "wget", "fetch", "http", "https"} {
		t[w[0]] |= 1 << len(w)
	}
	return t
}()

type shellWordKind uint8

const (
	swProgram  shellWordKind = 1 << iota // a program of utMaybe
	swSub                                // a subcommand of utMaybe
	swDownload                           // a downloader of dtrPosixMaybe
)

// shellKindOf classifies a word of the folded text.
func shellKindOf(w []byte) shellWordKind {
	switch string(w) {
	case "pipx", "cargo", "gem", "choco", "uv", "dotnet", "yarn", "npm", "pnpm", "bun", "go":
		return swProgram
	case "install", "binstall", "tool", "global", "upgrade", "i", "add", "run":
		return swSub
	case "curl", "wget", "fetch", "http", "https":
		return swDownload
	}
	return 0
}

// shellPipWord reports whether a word is pip with an optional version (pip3, pip3.12), as
// utFollowed reads it.
func shellPipWord(w []byte) bool {
	if len(w) < 3 || w[0] != 'p' || w[1] != 'i' || w[2] != 'p' {
		return false
	}
	for _, c := range w[3:] {
		if !(c >= '0' && c <= '9' || c == '.') {
			return false
		}
	}
	return true
}

// shellScan computes a script's facts. Words are read in the text as Folded has it (ASCII
// letters in lower case, quotes removed) without making the copy: the words of the folded text
// are the maximal runs of shellWordByte bytes, quotes inside them skipped.
func shellScan(text string, posix bool) shellFacts {
	var out shellFacts
	if shellOddFold(text) {
		out |= sfOddFold
	}
	if shellPwshExecMaybe(text) {
		out |= sfPwshExec
	}
	if !posix && shellPwshToolMaybe(text) {
		out |= sfPwshTool
	}
	var buf [32]byte
	prog := false // the previous word was a program of utMaybe
	for i := 0; i < len(text); {
		c := text[i]
		if !shellWordTable[c] {
			i++
			continue
		}
		// A word starts here; quotes inside it are removed in the folded text.
		start, n := i, 0
		first := shellFoldTable[c]
		if shellVocabLens[first] == 0 && first != 'p' {
			for i++; i < len(text) && (shellWordTable[text[i]] || text[i] == '"' || text[i] == '\''); i++ {
			}
			prog = false
			continue
		}
		for ; i < len(text); i++ {
			c := text[i]
			if c == '"' || c == '\'' {
				continue
			}
			if !shellWordTable[c] {
				break
			}
			if n < len(buf) {
				buf[n] = shellFoldTable[c]
			}
			n++
		}
		prog, out = shellEndWord(buf[:], n, text[start:i], prog, out)
	}
	return out
}

// shellPwshExecMaybe reports whether the text, its ASCII letters in lower case, holds iex or
// invoke-expression (found by their x) or scriptblock]:: (found by its "]::").
func shellPwshExecMaybe(text string) bool {
	for _, x := range []byte{'x', 'X'} {
		for off := 0; ; {
			i := strings.IndexByte(text[off:], x)
			if i < 0 {
				break
			}
			i += off
			off = i + 1
			if i >= 2 && shellFoldTable[text[i-2]] == 'i' && shellFoldTable[text[i-1]] == 'e' ||
				i >= 8 && strings.EqualFold(text[i-8:i], "invoke-e") {
				return true
			}
		}
	}
	for off := 0; ; {
		i := strings.Index(text[off:], "]::")
		if i < 0 {
			return false
		}
		i += off
		off = i + 1
		if i >= 11 && strings.EqualFold(text[i-11:i], "scriptblock") {
			return true
		}
	}
}

// shellPwshToolMaybe reports whether the text holds a name of utPwshCmdRe as a whole \w word
// (regexp's \b on both sides) followed by a blank or a dot, ASCII letters in any case: every
// match of utPwshCmdRe starts with one (none of the names holds k or s, the letters that fold
// to non-ASCII ones).
func shellPwshToolMaybe(text string) bool {
	for i := 0; i < len(text); {
		if !shellIdentTable[text[i]] {
			i++
			continue
		}
		start := i
		for i < len(text) && shellIdentTable[text[i]] {
			i++
		}
		if i < len(text) && i-start <= 7 && strings.IndexByte(". \t\n\r\f", text[i]) >= 0 && shellPwshTool(text[start:i]) {
			return true
		}
	}
	return false
}

// shellEndWord records the facts a word of the folded text brings: buf holds its first bytes,
// n is its length and raw its text (quotes included). prog says whether the previous word was a
// program of utMaybe; it returns whether this one is.
func shellEndWord(buf []byte, n int, raw string, prog bool, out shellFacts) (bool, shellFacts) {
	first := buf[0]
	if first == 'p' && n >= 3 {
		w := buf[:min(n, len(buf))]
		if n > len(buf) {
			w = shellFoldWord(raw)
		}
		if shellPipWord(w) {
			return true, out
		}
	}
	if n >= 32 || shellVocabLens[first]>>n&1 == 0 {
		return false, out
	}
	switch shellKindOf(buf[:n]) {
	case swProgram:
		return true, out
	case swSub:
		if prog {
			out |= sfInstall
		}
	case swDownload:
		out |= sfDownload
	}
	return false, out
}

// shellFoldWord is a word's raw text as Folded has it.
func shellFoldWord(raw string) []byte {
	b := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		if c := raw[i]; c != '"' && c != '\'' {
			b = append(b, shellFoldTable[c])
		}
	}
	return b
}

// shellPwshTool reports whether a \w word is a name of utPwshCmdRe, ASCII letters compared in
// any case (none of the names holds k or s, the letters that fold to non-ASCII ones).
func shellPwshTool(w string) bool {
	var b [8]byte
	if len(w) > len(b) {
		return false
	}
	for i := 0; i < len(w); i++ {
		b[i] = shellFoldTable[w[i]]
	}
	switch string(b[:len(w)]) {
	case "pip", "pip3", "python", "python3", "py", "npm", "go", "cargo", "gem", "choco", "dotnet", "pipx", "uv":
		return true
	}
	return false
}
