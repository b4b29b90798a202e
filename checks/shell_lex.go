package checks

import (
	"path"
	"strings"
)

// Word-level reading of a script's raw text, for the prefilters that decide whether a script is
// worth parsing. A word of the parse is made of pieces of the text that only quotes (and line
// continuations) separate; a word that holds a quote is not plain, and these helpers assume
// the worst of it. The words that quotes join (shellWords.Joined) are not in the text as they
// are: the callers make sure that none is one that they look for. When the text is not plain
// enough to tell, these helpers say so and the caller assumes the worst.

// shellDelim marks the bytes that end a word whatever their place: blanks and operators.
var shellDelim = func() (t [256]bool) {
	for _, c := range " \t\r\n;&|()<>`" {
		t[c] = true
	}
	return t
}()

// shellPlainTable marks the bytes of a plain word: one that the shell takes as it is written.
var shellPlainTable = func() (t [256]bool) {
	for i := range t {
		c := byte(i)
		t[i] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_./:@+,%^=-", c) >= 0
	}
	return t
}()

func shellPlain(w string) bool {
	for i := 0; i < len(w); i++ {
		if !shellPlainTable[w[i]] {
			return false
		}
	}
	return true
}

// shellWordStart returns the start of the word (a run of bytes that are not shellDelim) that
// holds text[i].
func shellWordStart(text string, i int) int {
	for i > 0 && !shellDelim[text[i-1]] {
		i--
	}
	return i
}

// shellWordEnd returns the end of the word that starts at text[i].
func shellWordEnd(text string, i int) int {
	for i < len(text) && !shellDelim[text[i]] {
		i++
	}
	return i
}

// shellPrevWord returns the word that ends before text[j], blanks and line continuations
// between; sep is true when an operator, a newline or the start of the text comes first
// (text[e-1] is then that byte, or e is 0).
func shellPrevWord(text string, j int) (s, e int, sep bool) {
	k := j
	for k > 0 {
		switch c := text[k-1]; {
		case c == ' ' || c == '\t':
			k--
			continue
		case c == '\n' && k >= 2 && text[k-2] == '\\':
			k -= 2
			continue
		}
		break
	}
	if k == 0 || shellDelim[text[k-1]] {
		return k, k, true
	}
	return shellWordStart(text, k), k, false
}

// shellNextWord returns the word that starts after text[j], blanks and line continuations
// between; when an operator, a newline or the end comes first, s == e and stop is that byte
// ('\n' at the end).
func shellNextWord(text string, j int) (s, e int, stop byte) {
	for j < len(text) {
		switch c := text[j]; {
		case c == ' ' || c == '\t':
			j++
			continue
		case c == '\\' && j+1 < len(text) && text[j+1] == '\n':
			j += 2
			continue
		}
		break
	}
	if j == len(text) {
		return j, j, '\n'
	}
	if shellDelim[text[j]] {
		return j, j, text[j]
	}
	return j, shellWordEnd(text, j), 0
}

// shellWrapper reports whether a word is one of the wrappers that shellCmd.Argv skips.
func shellWrapper(w string) bool {
	switch path.Base(w) {
	case "sudo", "doas", "env", "time", "nohup", "command", "exec", "builtin", "nice", "timeout", "stdbuf", "xvfb-run":
		return true
	}
	return false
}

// shellKeyword reports whether a word is a reserved word after which a command may start.
func shellKeyword(w string) bool {
	switch w {
	case "if", "then", "else", "elif", "do", "while", "until", "time", "coproc", "function", "select", "case", "in", "!":
		return true
	}
	return false
}

// shellCmdAt reports whether the word that holds text[i] may be the name of a command
// (shellCmd.Name, after the wrappers), reading the words before it. When it may, sep is the
// index of the operator or newline that comes before the command's first word, -1 at the start
// of the text and -2 when the words before are not plain enough to tell.
func shellCmdAt(text string, i int) (may bool, sep int) {
	j := shellWordStart(text, i)
	for n := 0; n < 32; n++ {
		s, e, atSep := shellPrevWord(text, j)
		if atSep {
			if e == 0 {
				return true, -1
			}
			if c := text[e-1]; c == '<' || c == '>' {
				return true, -2 // the word is a redirection's target
			}
			return true, e - 1
		}
		w := text[s:e]
		if w[0] == '#' && shellPlain(w[1:]) {
			// A comment, unless a line continuation came between (a comment has none).
			if strings.IndexByte(text[e:i], '\n') >= 0 {
				return true, -2
			}
			return false, 0
		}
		if shellRedirTarget(text, s) || strings.IndexByte(w, '\\') >= 0 || w == "{" || w == "}" || shellKeyword(w) {
			return true, -2
		}
		// The word's text in the parse: quotes removed, expansions as written (shellCmd.Argv
		// compares that text, so "$X" is no wrapper and "-$X" is a flag).
		t := shellUnquoteWord(w)
		if t == "" {
			return true, -2
		}
		if shellWrapper(t) || t[0] == '-' || t[0] >= '0' && t[0] <= '9' || strings.IndexByte(t, '=') > 0 {
			// A wrapper, a flag, a number (timeout 10) or an assignment (env A=b) may come
			// before a command's name.
			j = s
			continue
		}
		// Another word is a command's name or argument, unless it is a wrapper flag's value.
		if ps, pe, psep := shellPrevWord(text, s); !psep {
			if p := text[ps:pe]; strings.IndexByte(p, '\\') >= 0 || strings.HasPrefix(shellUnquoteWord(p), "-") {
				j = s
				continue
			}
		}
		return false, 0
	}
	return true, -2
}

// shellLineEnd returns the end of the command line that starts at text[i]: the first newline
// after it that no backslash escapes and that no quote, substitution, parenthesis or backquote
// holds; len(text) when the text is not plain enough to tell (a here-document, a case, a
// parenthesis that closes nothing).
func shellLineEnd(text string, i int) int {
	var stack []byte // the open '"', '(' and '`'
	wordStart := func(j int) bool { return j == 0 || shellDelim[text[j-1]] }
	for j := i; j < len(text); j++ {
		c := text[j]
		top := byte(0)
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top == '"' {
			switch {
			case c == '\\':
				j++
			case c == '"':
				stack = stack[:len(stack)-1]
			case c == '$' && j+1 < len(text) && text[j+1] == '(':
				stack = append(stack, '(')
				j++
			case c == '`':
				stack = append(stack, '`')
			}
			continue
		}
		switch {
		case c == '\\':
			j++
		case c == '\'':
			if j > 0 && text[j-1] == '$' {
				// $'...': a backslash escapes a quote.
				for j++; j < len(text) && text[j] != '\''; j++ {
					if text[j] == '\\' {
						j++
					}
				}
			} else if k := strings.IndexByte(text[j+1:], '\''); k >= 0 {
				j += k + 1
			} else {
				return len(text)
			}
			if j >= len(text) {
				return len(text)
			}
		case c == '"' || c == '(':
			stack = append(stack, c)
		case c == ')':
			if top != '(' {
				return len(text)
			}
			stack = stack[:len(stack)-1]
		case c == '`':
			if top == '`' {
				stack = stack[:len(stack)-1]
			} else {
				stack = append(stack, '`')
			}
		case c == '#' && wordStart(j):
			k := strings.IndexByte(text[j:], '\n')
			if k < 0 {
				return len(text)
			}
			j += k - 1 // the newline is read next
		case c == '<' && strings.HasPrefix(text[j:], "<<") && !strings.HasPrefix(text[j:], "<<<"):
			return len(text)
		case c == 'c' && wordStart(j) && strings.HasPrefix(text[j:], "case") && (j+4 == len(text) || shellDelim[text[j+4]]):
			return len(text)
		case c == '\n' && len(stack) == 0:
			return j
		}
	}
	return len(text)
}

// shellRedirTarget reports whether the word that starts at text[s] is a redirection's target:
// an operator (<, >, >&...) ends before it, with only blanks and line continuations between.
func shellRedirTarget(text string, s int) bool {
	k := s
	for k > 0 {
		switch c := text[k-1]; {
		case c == ' ' || c == '\t':
			k--
			continue
		case c == '\n' && k >= 2 && text[k-2] == '\\':
			k -= 2
			continue
		}
		break
	}
	if k == 0 {
		return false
	}
	switch text[k-1] {
	case '<', '>':
		return true
	case '&':
		return k >= 2 && (text[k-2] == '<' || text[k-2] == '>')
	}
	return false
}

// shellUnquoteWord removes the quotes of a word, and the $ of $' and $" openers.
func shellUnquoteWord(w string) string {
	if !strings.ContainsAny(w, "\"'") {
		return w
	}
	b := make([]byte, 0, len(w))
	for i := 0; i < len(w); i++ {
		switch c := w[i]; {
		case c == '"' || c == '\'':
		case c == '$' && i+1 < len(w) && (w[i+1] == '"' || w[i+1] == '\''):
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

// shellPipeAt reports whether the operator at text[k] (an index from shellCmdAt) pipes into
// the command after it: | or |&, not ||; -2 (unknown) may be one.
func shellPipeAt(text string, k int) bool {
	switch {
	case k == -2:
		return true
	case k < 0:
		return false
	case text[k] == '|':
		return k == 0 || text[k-1] != '|'
	case text[k] == '&':
		return k > 0 && text[k-1] == '|' && (k < 2 || text[k-2] != '|')
	}
	return false
}

// shellUnquote removes the quotes and line continuations of a text: each word of the parse of
// the text is then in it as it is.
func shellUnquote(text string) string {
	if !strings.ContainsAny(text, "\"'\\") {
		return text
	}
	b := make([]byte, 0, len(text))
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c == '"' || c == '\'':
		case c == '\\' && i+1 < len(text) && text[i+1] == '\n':
			i++
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

// shellSimpleWords returns the words of the command that starts at text[i], when its text is
// simple enough to split as the shell does without a parse: blanks (and line continuations
// between words) separate words; quotes join their content, which holds no $, backquote or
// backslash in double quotes; the command ends at a newline, ;, &, |, or a comment; every
// other byte is one that the shell takes as it is (letters, digits, _-./:=@+,%^~*?[] and # in
// a word). ok is false for anything else: an expansion, a redirection, a parenthesis...
func shellSimpleWords(text string, i int) (words []string, ok bool) {
	var cur []byte
	in := false // within a word
	end := func() {
		if in {
			words = append(words, string(cur))
			cur, in = cur[:0], false
		}
	}
	for ; i < len(text); i++ {
		switch c := text[i]; {
		case c == ' ' || c == '\t':
			end()
		case c == '\\':
			if in || i+1 >= len(text) || text[i+1] != '\n' {
				return nil, false
			}
			i++ // a line continuation between words
		case c == '\n' || c == ';' || c == '&' || c == '|':
			end()
			return words, true
		case c == '#' && !in:
			return words, true
		case c == '\'':
			k := strings.IndexByte(text[i+1:], '\'')
			if k < 0 {
				return nil, false
			}
			cur, in = append(cur, text[i+1:i+1+k]...), true
			i += k + 1
		case c == '"':
			k := strings.IndexByte(text[i+1:], '"')
			if k < 0 || strings.ContainsAny(text[i+1:i+1+k], "$`\\") {
				return nil, false
			}
			cur, in = append(cur, text[i+1:i+1+k]...), true
			i += k + 1
		case shellIdentTable[c] || strings.IndexByte("-./:=@+,%^~*?[]#", c) >= 0:
			cur, in = append(cur, c), true
		default:
			return nil, false
		}
	}
	end()
	return words, true
}
