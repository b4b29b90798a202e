package fix

import "strings"

// quoting is where in a script a ${{ }} placeholder stands.
type quoting int

const (
	qCode     quoting = iota // unquoted code (shell words, JavaScript expressions)
	qDouble                  // a shell "..." string
	qSingle                  // a shell '...' string or $'...'
	qComment                 // a comment
	qJSSingle                // a JavaScript '...' string
	qJSDouble                // a JavaScript "..." string
	qJSTmpl                  // a JavaScript `...` template
	qOther                   // somewhere rampart does not rewrite (heredoc, backticks, ${...}, $((...)))
)

// span is a placeholder's place in a script: byte offset and length.
type span struct{ off, n int }

// shellQuoting tells the quoting of each placeholder of a POSIX shell script. The placeholders
// themselves are skipped, as the runner replaces them before the shell runs.
func shellQuoting(s string, at []span) map[int]quoting {
	out := map[int]quoting{}
	type frame struct {
		kind  byte // 'n' normal, 'd' double, 's' $( ), 'b' backtick, 'p' ${ }, 'a' $(( )), 'q' '...', 'c' $'...', '#' comment
		depth int
	}
	stack := []frame{{kind: 'n'}}
	top := func() *frame { return &stack[len(stack)-1] }
	var heredocs []string // delimiters waiting for the next line
	next := 0
	for i := 0; i < len(s); i++ {
		for next < len(at) && at[next].off < i {
			out[at[next].off] = qOther
			next++
		}
		if next < len(at) && i == at[next].off {
			q := qOther
			switch top().kind {
			case 'n', 's':
				q = qCode
			case 'd':
				q = qDouble
			case 'q', 'c':
				q = qSingle
			case '#':
				q = qComment
			}
			out[at[next].off] = q
			i += at[next].n - 1
			next++
			continue
		}
		c := s[i]
		mark := func(q quoting, end int) {
			for next < len(at) && at[next].off < end {
				out[at[next].off] = q
				next++
			}
		}
		switch k := top().kind; {
		case k == 'q':
			if c == '\'' {
				stack = stack[:len(stack)-1]
			}
		case k == 'c':
			if c == '\\' {
				i++
			} else if c == '\'' {
				stack = stack[:len(stack)-1]
			}
		case k == '#':
			if c == '\n' {
				stack = stack[:len(stack)-1]
				i-- // the newline may end a heredoc's opening line
			}
		case k == 'd':
			switch {
			case c == '\\':
				i++
			case c == '"':
				stack = stack[:len(stack)-1]
			case c == '`':
				stack = append(stack, frame{kind: 'b'})
			case strings.HasPrefix(s[i:], "$(("):
				stack = append(stack, frame{kind: 'a'})
				i += 2
			case strings.HasPrefix(s[i:], "$("):
				stack = append(stack, frame{kind: 's'})
				i++
			case strings.HasPrefix(s[i:], "${"):
				stack = append(stack, frame{kind: 'p'})
				i++
			}
		case k == 'b':
			if c == '\\' {
				i++
			} else if c == '`' {
				stack = stack[:len(stack)-1]
			}
		case k == 'p':
			if c == '}' {
				stack = stack[:len(stack)-1]
			}
		case k == 'a':
			if strings.HasPrefix(s[i:], "))") && top().depth == 0 {
				stack = stack[:len(stack)-1]
				i++
			} else if c == '(' {
				top().depth++
			} else if c == ')' {
				top().depth--
			}
		default: // 'n' or 's'
			switch {
			case c == '\\':
				i++
			case c == '\'':
				stack = append(stack, frame{kind: 'q'})
			case c == '"':
				stack = append(stack, frame{kind: 'd'})
			case c == '`':
				stack = append(stack, frame{kind: 'b'})
			case c == '#' && (i == 0 || strings.ContainsRune(" \t\n;&|()", rune(s[i-1]))):
				stack = append(stack, frame{kind: '#'})
			case strings.HasPrefix(s[i:], "$'"):
				stack = append(stack, frame{kind: 'c'})
				i++
			case strings.HasPrefix(s[i:], "$(("):
				stack = append(stack, frame{kind: 'a'})
				i += 2
			case strings.HasPrefix(s[i:], "$("):
				stack = append(stack, frame{kind: 's'})
				i++
			case strings.HasPrefix(s[i:], "${"):
				stack = append(stack, frame{kind: 'p'})
				i++
			case c == '(' && k == 's':
				top().depth++
			case c == ')' && k == 's':
				if top().depth == 0 {
					stack = stack[:len(stack)-1]
				} else {
					top().depth--
				}
			case strings.HasPrefix(s[i:], "<<") && !strings.HasPrefix(s[i:], "<<<"):
				j := i + 2
				if j < len(s) && s[j] == '-' {
					j++
				}
				for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
					j++
				}
				start := j
				for j < len(s) && !strings.ContainsRune(" \t\n;&|<>()", rune(s[j])) {
					j++
				}
				if d := strings.Trim(s[start:j], `'"\`); d != "" {
					heredocs = append(heredocs, d)
				}
				i = j - 1
			case c == '\n' && len(heredocs) > 0:
				// Heredoc bodies follow the line that opens them, up to each delimiter line.
				j := i + 1
				for _, d := range heredocs {
					for j < len(s) {
						end := strings.IndexByte(s[j:], '\n')
						if end < 0 {
							end = len(s) - j
						}
						line := s[j : j+end]
						j += end + 1
						if strings.TrimLeft(line, "\t") == d {
							break
						}
					}
				}
				if j > len(s) {
					j = len(s)
				}
				mark(qOther, j)
				heredocs = nil
				i = j - 1
			}
		}
	}
	return out
}

// jsQuoting tells the quoting of each placeholder of a JavaScript script (github-script).
// Regular expression literals are not recognised; a placeholder after one may be misread, which
// the verification of the patched script does not catch, so scripts with a "/" before the
// placeholder outside strings and comments are reported as qOther.
func jsQuoting(s string, at []span) map[int]quoting {
	out := map[int]quoting{}
	type frame struct {
		kind  byte // 'n' code, 't' template, '$' ${ } in a template
		depth int
	}
	stack := []frame{{kind: 'n'}}
	top := func() *frame { return &stack[len(stack)-1] }
	slash := false
	next := 0
	var str byte // the quote of the string being read, or 0
	for i := 0; i < len(s); i++ {
		if next < len(at) && i == at[next].off {
			q := qOther
			switch {
			case str == '\'':
				q = qJSSingle
			case str == '"':
				q = qJSDouble
			case top().kind == 't':
				q = qJSTmpl
			case top().kind == 'n' || top().kind == '$':
				q = qCode
			}
			if slash && q == qCode {
				q = qOther
			}
			out[at[next].off] = q
			i += at[next].n - 1
			next++
			continue
		}
		c := s[i]
		if str != 0 {
			if c == '\\' {
				i++
			} else if c == str || c == '\n' {
				str = 0
			}
			continue
		}
		mark := func(q quoting, end int) {
			for next < len(at) && at[next].off < end {
				out[at[next].off] = q
				next++
			}
		}
		if top().kind == 't' {
			switch {
			case c == '\\':
				i++
			case c == '`':
				stack = stack[:len(stack)-1]
			case strings.HasPrefix(s[i:], "${"):
				stack = append(stack, frame{kind: '$'})
				i++
			}
			continue
		}
		switch {
		case c == '\'' || c == '"':
			str = c
		case c == '`':
			stack = append(stack, frame{kind: 't'})
		case strings.HasPrefix(s[i:], "//"):
			end := strings.IndexByte(s[i:], '\n')
			if end < 0 {
				end = len(s) - i
			}
			mark(qComment, i+end)
			i += end - 1
		case strings.HasPrefix(s[i:], "/*"):
			end := strings.Index(s[i+2:], "*/")
			if end < 0 {
				end = len(s) - i - 2
			}
			mark(qComment, i+2+end)
			i += end + 3
		case c == '/':
			slash = true
		case c == '{' && top().kind == '$':
			top().depth++
		case c == '}' && top().kind == '$':
			if top().depth == 0 {
				stack = stack[:len(stack)-1]
			} else {
				top().depth--
			}
		}
	}
	return out
}
