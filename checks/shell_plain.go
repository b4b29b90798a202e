package checks

import "strings"

// plainCmds reads the commands of a POSIX script as the parse gives them (see Cmds), without
// the parse, for a script so plain that the parse cannot read it otherwise. It returns false,
// having set nothing, for any other script, which is then parsed. Most of the scripts that the
// checks parse are not plain; the plain ones are mostly short, and for them the parser's setup is
// most of what the parse costs (and most scripts that hold an install are such lists:
// pip install -r requirements.txt).
//
// The script may hold only: blanks; newlines; comments (not ending with a backslash, which the
// parse reads as a line continuation); line continuations between words; the operators ;, &, &&,
// || and | between commands (&&, || and | may be followed by newlines and comments before the
// next command); words of the bytes of shellWordTable, $NAME and ${NAME} (outside quotes and
// inside double quotes), single-quoted text and double-quoted text without ` or a backslash,
// neither with a carriage return; no reserved word (shellReserved) anywhere. A command (not its
// first token) may be followed by >, >> or >& redirections, with a file descriptor's digits right
// before the operator, and a word for target (digits only, for >&). Leading NAME=value words are
// assignments, and declarations are read with their assignments, as in the parse. A script with a
// ${{ }} placeholder is parsed: the parse reads it with the placeholder blanked out. So is, without
// a closer look, a script with a '(' or a '[' anywhere, even in quotes: most of the scripts that
// are not plain have one ($( ), if [ ], [[ ]]), and two IndexByte find them faster than reading
// up to the first thing that is not plain.
func (s *shellScript) plainCmds() bool {
	text := s.Text
	if strings.Contains(text, "${{") || strings.IndexByte(text, '(') >= 0 || strings.IndexByte(text, '[') >= 0 {
		return false
	}
	r := shellPlainReader{s: s, text: text}
	if !r.read() {
		return false
	}
	s.more.cmds = r.cmds
	return true
}

// shellPlainReader is plainCmds' state: the commands read, and the words and redirections of
// the current one.
type shellPlainReader struct {
	s      *shellScript
	text   string
	cmds   []*shellCmd
	words  []*shellWord
	redirs []shellRedir
	block  []shellWord // where the words are, a few at a time
	pipe   bool        // the current command's output is piped into the next one
}

func (r *shellPlainReader) read() bool {
	text := r.text
	pending := false // after &&, || or |: a command must follow
	for i := 0; i < len(text); {
		switch c := text[i]; c {
		case ' ', '\t':
			i++
		case '\\':
			if i+1 >= len(text) || text[i+1] != '\n' {
				return false
			}
			i += 2 // a line continuation between words
		case '\n':
			if !r.end() {
				return false
			}
			i++
		case '#':
			if nl := strings.IndexByte(text[i:], '\n'); nl >= 0 {
				if text[i+nl-1] == '\\' {
					return false // the parse reads it as a line continuation
				}
				i += nl
			} else {
				i = len(text)
			}
		case ';', '&', '|':
			if len(r.words) == 0 {
				return false // an operator with no command before it
			}
			next := byte(0)
			if i+1 < len(text) {
				next = text[i+1]
			}
			pipe := false
			switch {
			case c == ';' && next == ';', c == '|' && next == '&', c == '&' && next == '>':
				return false // ;;, |& and &> are not for this reader
			case c != ';' && next == c: // && or ||
				pending = true
				i += 2
			case c == '|':
				pending, pipe = true, true
				i++
			default: // ; or &
				i++
			}
			if !r.end() {
				return false
			}
			r.pipe = pipe
		case '>':
			j, ok := r.redir(i)
			if !ok {
				return false
			}
			i = j
		default:
			w := r.word()
			j, ok := shellPlainWord(w, text, i)
			if !ok {
				return false
			}
			r.words = append(r.words, w)
			pending = false
			i = j
		}
	}
	return r.end() && !pending
}

// word returns a word to fill.
func (r *shellPlainReader) word() *shellWord {
	if len(r.block) == cap(r.block) {
		r.block = make([]shellWord, 0, 16)
	}
	r.block = r.block[:len(r.block)+1]
	return &r.block[len(r.block)-1]
}

// redir reads the redirection whose operator starts at text[i] and returns where it ends. The
// digits of a word that ends right before the operator are its file descriptor, not a word.
func (r *shellPlainReader) redir(i int) (int, bool) {
	text := r.text
	if n := len(r.words); n > 0 {
		if last := r.words[n-1]; last.End == i && shellPlainDigits(text[last.Offset:last.End]) {
			r.words = r.words[:n-1]
		}
	}
	if len(r.words) == 0 {
		return 0, false // a redirection first: the statement would start there
	}
	op := ">"
	j := i + 1
	if j < len(text) && (text[j] == '>' || text[j] == '&') {
		op = text[i : j+1]
		j++
	}
	for j < len(text) && (text[j] == ' ' || text[j] == '\t') {
		j++
	}
	if j >= len(text) || text[j] == '#' {
		return 0, false
	}
	switch text[j] {
	case '\n', ';', '&', '|', '>', '\\':
		return 0, false
	}
	w := r.word()
	end, ok := shellPlainWord(w, text, j)
	if !ok || op == ">&" && !shellPlainDigits(text[j:end]) {
		return 0, false
	}
	r.redirs = append(r.redirs, shellRedir{Op: op, Target: w, Offset: i})
	return end, true
}

// end builds the command of the words and redirections read since the last one, if any: its
// leading NAME=value and NAME+=value words are assignments, and a declaration's words are its
// assignments, as in the parse. It returns false for what the parse reads as something else
// (let, a declaration after assignments, a quoted declaration's name, a declaration's word that
// is neither an assignment, a name nor a flag, a declaration with a redirection).
func (r *shellPlainReader) end() bool {
	words := r.words
	if len(words) == 0 {
		return true
	}
	text := r.text
	c := r.s.more.arena.cmd()
	c.Offset = words[0].Offset
	c.Redirs = r.redirs
	k := 0
	for k < len(words) && shellAssignWord(text[words[k].Offset:words[k].End]) {
		c.Assigns = append(c.Assigns, shellPlainAssign(text, words[k]))
		k++
	}
	if k < len(words) {
		switch words[k].Text {
		case "declare", "local", "export", "readonly", "typeset", "nameref", "let":
			if k > 0 || words[k].Text == "let" || text[words[k].Offset:words[k].End] != words[k].Text || len(c.Redirs) > 0 {
				return false
			}
			c.Decl = words[k].Text
			for _, w := range words[1:] {
				raw := text[w.Offset:w.End]
				switch {
				case shellAssignWord(raw):
					c.Assigns = append(c.Assigns, shellPlainAssign(text, w))
				case shellPlainName(raw):
					c.Assigns = append(c.Assigns, shellAssign{Name: raw}) // export NAME
				case shellPlainFlag(raw):
					// A flag names nothing: the parse's assignments skip it.
				default:
					return false // the parse rejects some words here, and skips others
				}
			}
		default:
			c.Args = words[k:]
		}
	}
	if n := len(r.cmds); r.pipe && n > 0 {
		r.cmds[n-1].Pipe, c.PipedFrom = c, r.cmds[n-1]
	}
	r.cmds = append(r.cmds, c)
	r.words, r.redirs, r.pipe = nil, nil, false // c holds them now
	return true
}

// shellPlainAssign is the assignment of a NAME=value or NAME+=value word.
func shellPlainAssign(text string, w *shellWord) shellAssign {
	raw := text[w.Offset:w.End]
	eq := strings.IndexByte(raw, '=')
	name := strings.TrimSuffix(raw[:eq], "+")
	if eq+1 == len(raw) {
		// The parse places an empty value one byte after the name (on the '+' of +=).
		end := w.Offset + len(name) + 1
		return shellAssign{Name: name, Value: &shellWord{Literal: true, Offset: end, End: end}}
	}
	v := *w
	v.Text, v.Offset = w.Text[eq+1:], w.Offset+eq+1
	return shellAssign{Name: name, Value: &v}
}

// shellPlainName reports whether s is a shell variable's name.
func shellPlainName(s string) bool {
	for i := 0; i < len(s); i++ {
		if !shellIdentTable[s[i]] || i == 0 && s[i] >= '0' && s[i] <= '9' {
			return false
		}
	}
	return s != ""
}

// shellPlainFlag reports whether s is a '-' and letters.
func shellPlainFlag(s string) bool {
	for i := 1; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return len(s) > 1 && s[0] == '-'
}

// shellPlainDigits reports whether s is made of decimal digits.
func shellPlainDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// shellPlainWord reads the word that starts at text[i] into w and returns where it ends: bytes
// of shellWordTable, single-quoted text without carriage returns, double-quoted text without `,
// backslash, carriage return or a $ that does not start a parameter, and the parameters $NAME
// and ${NAME}. Its text is the parse's: quotes removed, parameters as written.
func shellPlainWord(w *shellWord, text string, i int) (end int, ok bool) {
	*w = shellWord{Literal: true, Offset: i}
	start := i
	var b []byte // the word's text, once a quote makes it differ from the source
	quoted := false
	for i < len(text) {
		c := text[i]
		switch {
		case quoted && c == '"':
			quoted = false
			i++
		case quoted && (c == '`' || c == '\\' || c == '\r'):
			return 0, false
		case c == '$':
			j, name := shellPlainParam(text, i)
			if j < 0 {
				return 0, false
			}
			w.Literal = false
			w.Params = append(w.Params, name)
			if b != nil {
				b = append(b, text[i:j]...)
			}
			i = j
		case quoted:
			if b != nil {
				b = append(b, c)
			}
			i++
		case c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' || c == '>':
			goto done
		case c == '\'':
			k := strings.IndexByte(text[i+1:], c)
			if k < 0 {
				return 0, false
			}
			if strings.IndexByte(text[i+1:i+1+k], '\r') >= 0 {
				return 0, false // the parse drops a carriage return before a newline
			}
			if b == nil {
				b = append(make([]byte, 0, i-start+k+8), text[start:i]...)
			}
			b = append(b, text[i+1:i+1+k]...)
			i += k + 2
		case c == '"':
			if b == nil {
				b = append(make([]byte, 0, i-start+16), text[start:i]...)
			}
			quoted = true
			i++
		case shellWordTable[c]:
			if b != nil {
				b = append(b, c)
			}
			i++
		default:
			return 0, false
		}
	}
	if quoted {
		return 0, false
	}
done:
	w.Text, w.End = text[start:i], i
	if b != nil {
		w.Text = string(b)
	}
	if i == start || shellReserved(w.Text) {
		return 0, false
	}
	return i, true
}

// shellPlainParam reads the parameter $NAME or ${NAME} at text[i] and returns where it ends and
// the name; -1 for anything else.
func shellPlainParam(text string, i int) (int, string) {
	j := i + 1
	brace := j < len(text) && text[j] == '{'
	if brace {
		j++
	}
	k := j
	for k < len(text) && shellIdentTable[text[k]] {
		k++
	}
	if k == j || text[j] >= '0' && text[j] <= '9' {
		return -1, ""
	}
	name := text[j:k]
	if brace {
		if k >= len(text) || text[k] != '}' {
			return -1, ""
		}
		k++
	}
	return k, name
}

// shellWordTable marks the bytes that a plain word (see plainCmds) may hold outside quotes.
var shellWordTable = func() (t [256]bool) {
	for c := range t {
		t[c] = shellIdentTable[c] || strings.IndexByte("-./:=@+,%^~*?#", byte(c)) >= 0
	}
	return t
}()

// shellAssignWord reports whether a word as written is an assignment: a name, then = or +=.
func shellAssignWord(raw string) bool {
	j := 0
	for j < len(raw) && (shellIdentTable[raw[j]] && (j > 0 || raw[j] < '0' || raw[j] > '9')) {
		j++
	}
	return j > 0 && (strings.HasPrefix(raw[j:], "=") || strings.HasPrefix(raw[j:], "+="))
}

// shellReserved reports whether a word is one of the shell's reserved words (or one that only
// they give a meaning to), which make a command something else than a list of words.
func shellReserved(w string) bool {
	switch w {
	case "if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case", "esac",
		"function", "select", "time", "coproc", "in":
		return true
	}
	return false
}
