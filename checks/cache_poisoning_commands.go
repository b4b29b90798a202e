package checks

import "strings"

// pcCmd is a simple command of a script and the source line it starts on.
type pcCmd struct {
	words []string
	line  string
}

// pcCommandsAt splits a script into simple commands, each as its words, with line continuations
// joined, leading variable assignments and sudo/env/exec wrappers dropped, and comments left out.
func pcCommandsAt(script string) []pcCmd { return pcCommandsWhere(script, nil) }

// pcCommandsWhere is pcCommandsAt for the lines (continuations joined) that keep accepts; a nil
// keep accepts all. Callers that look for commands holding a word pass a test for it: the other
// lines of a long script are then not split into words.
func pcCommandsWhere(script string, keep func(line string) bool) []pcCmd {
	var out []pcCmd
	// The lines are those of strings.Split(strings.ReplaceAll(script, "\r\n", "\n"), "\n"),
	// taken one by one without building either.
	rest, last := script, false
	nextLine := func() string {
		i := strings.IndexByte(rest, '\n')
		if i < 0 {
			last = true
			return rest
		}
		line := rest[:i]
		rest = rest[i+1:]
		return strings.TrimSuffix(line, "\r")
	}
	for !last {
		first := nextLine()
		line := first
		for strings.HasSuffix(line, "\\") && !last {
			line = strings.TrimSuffix(line, "\\") + " " + nextLine()
		}
		if keep != nil && !keep(line) {
			continue
		}
		if j := strings.Index(line, " #"); j >= 0 {
			line = line[:j]
		}
		for tail, more := line, true; more; {
			var cmd string
			cmd, tail, more = pcNextCommand(tail)
			cmd = strings.TrimSpace(strings.TrimLeft(cmd, "({ "))
			for n := pcAssignLen(cmd); n > 0; n = pcAssignLen(cmd) {
				cmd = cmd[n:]
			}
			f := strings.Fields(cmd)
			for len(f) > 0 && (f[0] == "sudo" || f[0] == "env" || f[0] == "exec" || f[0] == "time" || f[0] == "then" || f[0] == "do" || f[0] == "else") {
				f = f[1:]
			}
			if len(f) == 0 || strings.HasPrefix(f[0], "#") {
				continue
			}
			for k := range f {
				f[k] = strings.Trim(f[k], `"'`)
			}
			out = append(out, pcCmd{words: f, line: strings.TrimSpace(first)})
		}
	}
	return out
}

// pcNextCommand cuts line at its first command separator ("&&", "||", ";", "|", "&", a line
// break, "$(" or a backquote); more is false when line holds none.
func pcNextCommand(line string) (cmd, rest string, more bool) {
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '&', '|':
			if i+1 < len(line) && line[i+1] == line[i] {
				return line[:i], line[i+2:], true
			}
			return line[:i], line[i+1:], true
		case ';', '\n', '`':
			return line[:i], line[i+1:], true
		case '$':
			if i+1 < len(line) && line[i+1] == '(' {
				return line[:i], line[i+2:], true
			}
		}
	}
	return line, "", false
}

// pcAssignLen returns the length of the variable assignment (NAME=value and the spaces after it)
// that cmd starts with, or 0: a value is a quoted string when its quote is closed, else the
// characters up to a space.
func pcAssignLen(cmd string) int {
	if cmd == "" || !(cmd[0] == '_' || 'a' <= cmd[0]|0x20 && cmd[0]|0x20 <= 'z') {
		return 0
	}
	i := 1
	for i < len(cmd) && (cmd[i] == '_' || 'a' <= cmd[i]|0x20 && cmd[i]|0x20 <= 'z' || '0' <= cmd[i] && cmd[i] <= '9') {
		i++
	}
	if i >= len(cmd) || cmd[i] != '=' {
		return 0
	}
	i++
	if q := byte(0); i < len(cmd) {
		q = cmd[i]
		if j := strings.IndexByte(cmd[i+1:], q); (q == '"' || q == '\'') && j >= 0 {
			i += j + 2
		} else {
			for i < len(cmd) && !pcSpace(cmd[i]) {
				i++
			}
		}
	}
	for i < len(cmd) && pcSpace(cmd[i]) {
		i++
	}
	return i
}

// pcSpace reports whether b is a space as regexp's \s means it.
func pcSpace(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\f' || b == '\r'
}
