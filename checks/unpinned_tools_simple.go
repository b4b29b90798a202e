package checks

import "strings"

// utSimpleCmds returns the commands of a POSIX script as its parse gives them to utCheck (their
// arguments: text, offsets, all literal), for a script so plain that a parse cannot read it
// otherwise; ok is false for any other script, which is then parsed. Most scripts that hold an
// install are such lists of commands (pip install -r requirements.txt), and their parse is the
// larger part of what unpinned-tools costs.
//
// The script may hold only: blanks; newlines; comments; line continuations between words;
// the operators ;, &, &&, || and | between commands (&&, || and | may be followed by newlines
// and comments before the next command); and words made of letters, digits and
// _-./:=@+,%^~*?# (# not first), and quoted text without carriage return: single-quoted, or
// double-quoted without $, ` or backslash. A comment may not end with a backslash, which the
// parse reads as a line continuation. No word may be a reserved word (in any place). Leading NAME=value words are
// assignments, not arguments, as in the parse. A script with a ${{ }} placeholder (even in single
// quotes, where a $ may be) is parsed: the parse reads it with the placeholder blanked out.
func utSimpleCmds(text string) (cmds []*shellCmd, ok bool) {
	if strings.Contains(text, "${{") {
		return nil, false
	}
	var block []shellWord // where the words are, a few at a time
	var args []*shellWord // the current command's words
	pending := false      // after &&, || or |: a command must follow
	bad := false          // a command that utSimpleCmd cannot build
	end := func() {
		if len(args) > 0 {
			c, ok := utSimpleCmd(text, args)
			cmds, bad, args = append(cmds, c), bad || !ok, nil
		}
	}
	for i := 0; i < len(text); {
		switch c := text[i]; c {
		case ' ', '\t':
			i++
		case '\\':
			if i+1 >= len(text) || text[i+1] != '\n' {
				return nil, false
			}
			i += 2 // a line continuation between words
		case '\n':
			end()
			i++
		case '#':
			if nl := strings.IndexByte(text[i:], '\n'); nl >= 0 {
				if text[i+nl-1] == '\\' {
					return nil, false // the parse reads it as a line continuation
				}
				i += nl
			} else {
				i = len(text)
			}
		case ';', '&', '|':
			if len(args) == 0 {
				return nil, false // an operator with no command before it
			}
			end()
			next := byte(0)
			if i+1 < len(text) {
				next = text[i+1]
			}
			switch {
			case c == ';' && next == ';', c == '|' && next == '&':
				return nil, false // ;; and |& are not for this reader
			case c != ';' && next == c: // && or ||
				pending = true
				i += 2
			case c == '|':
				pending = true
				i++
			default: // ; or &
				i++
			}
		default:
			if len(block) == cap(block) {
				block = make([]shellWord, 0, 16)
			}
			block = block[:len(block)+1]
			w := &block[len(block)-1]
			j, ok := utSimpleWord(w, text, i)
			if !ok {
				return nil, false
			}
			args = append(args, w)
			pending = false
			i = j
		}
	}
	if end(); pending || bad {
		return nil, false
	}
	return cmds, true
}

// utSimpleWord reads the word that starts at text[i] into w and returns where it ends.
func utSimpleWord(w *shellWord, text string, i int) (end int, ok bool) {
	start := i
	var b []byte // the word's text, once a quote makes it differ from the source
	for i < len(text) {
		c := text[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|':
			goto done
		case c == '\'' || c == '"':
			k := strings.IndexByte(text[i+1:], c)
			if k < 0 {
				return 0, false
			}
			quoted := text[i+1 : i+1+k]
			if c == '"' && strings.ContainsAny(quoted, "$`\\") || strings.IndexByte(quoted, '\r') >= 0 {
				return 0, false // the parse may drop a carriage return before a newline
			}
			if b == nil {
				b = append(make([]byte, 0, i-start+k+8), text[start:i]...)
			}
			b = append(b, quoted...)
			i += k + 2
		case utWordTable[c]:
			if b != nil {
				b = append(b, c)
			}
			i++
		default:
			return 0, false
		}
	}
done:
	*w = shellWord{Text: text[start:i], Literal: true, Offset: start, End: i}
	if b != nil {
		w.Text = string(b)
	}
	if utReserved(w.Text) {
		return 0, false
	}
	return i, true
}

// utWordTable marks the bytes that a word of utSimpleCmds may hold outside quotes.
var utWordTable = func() (t [256]bool) {
	for c := range t {
		t[c] = shellIdentTable[c] || strings.IndexByte("-./:=@+,%^~*?#", byte(c)) >= 0
	}
	return t
}()

// utSimpleCmd builds a command of its words: the leading NAME=value and NAME+=value words are
// assignments, which utCheck does not read, and a declaration (export A=1) has no arguments, as
// in the parse. ok is false for what the parse reads as something else (let, a declaration
// after assignments, a declaration's name in quotes, a declaration's word that is neither an
// assignment, a name nor a flag).
func utSimpleCmd(text string, words []*shellWord) (c *shellCmd, ok bool) {
	k := 0
	for k < len(words) && utAssignWord(text[words[k].Offset:words[k].End]) {
		k++
	}
	c = &shellCmd{Offset: words[0].Offset}
	if k == len(words) {
		return c, true
	}
	switch words[k].Text {
	case "declare", "local", "export", "readonly", "typeset", "nameref":
		c.Decl = words[k].Text
		// Quoted, the name makes a plain command of it in the parse; and the parse rejects
		// some of the words that are neither assignments, names nor flags.
		if k > 0 || text[words[k].Offset:words[k].End] != c.Decl {
			return c, false
		}
		for _, w := range words[1:] {
			if raw := text[w.Offset:w.End]; !utAssignWord(raw) && !shellPlainName(raw) && !shellPlainFlag(raw) {
				return c, false
			}
		}
		return c, true
	case "let":
		return nil, false
	}
	c.Args = words[k:]
	return c, true
}

// utAssignWord reports whether a word as written is an assignment: a name, then = or +=.
func utAssignWord(raw string) bool {
	j := 0
	for j < len(raw) && (shellIdentTable[raw[j]] && (j > 0 || raw[j] < '0' || raw[j] > '9')) {
		j++
	}
	return j > 0 && (strings.HasPrefix(raw[j:], "=") || strings.HasPrefix(raw[j:], "+="))
}

// utReserved reports whether a word is one of the shell's reserved words (or one that only
// they give a meaning to), which make a command something else than a list of words.
func utReserved(w string) bool {
	switch w {
	case "if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case", "esac",
		"function", "select", "time", "coproc", "in":
		return true
	}
	return false
}
