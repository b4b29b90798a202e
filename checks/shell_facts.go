package checks

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
