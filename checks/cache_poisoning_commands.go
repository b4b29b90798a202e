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
	for i := 0; i <= len(script); {
		var first, line string
		first, line, i = pcJoinedLine(script, i)
		if keep == nil || keep(line) {
			out = pcLineCommands(out, first, line)
		}
	}
	return out
}

// pcJoinedLine returns the line of script that starts at script[i], first, and the line with the
// lines that continue it joined, line, as pcCommandsAt takes them: the lines of
// strings.Split(strings.ReplaceAll(script, "\r\n", "\n"), "\n"), taken one by one without
// building either, a line that ends with a backslash continued by the next (the backslash
// replaced with a space) unless it is the last. next is where the line after it starts, past
// len(script) after the last.
func pcJoinedLine(script string, i int) (first, line string, next int) {
	first, next = pcRawLine(script, i)
	line = first
	for strings.HasSuffix(line, "\\") && next <= len(script) {
		var more string
		more, next = pcRawLine(script, next)
		line = strings.TrimSuffix(line, "\\") + " " + more
	}
	return first, line, next
}

// pcRawLine returns the line of script that starts at script[i], without its "\n" or "\r\n" (the
// last line keeps a "\r" at its end), and where the next starts: len(script)+1 after the last.
func pcRawLine(script string, i int) (string, int) {
	j := strings.IndexByte(script[i:], '\n')
	if j < 0 {
		return script[i:], len(script) + 1
	}
	return strings.TrimSuffix(script[i:i+j], "\r"), i + j + 1
}

// pcLineCommands appends to out the simple commands of a line (continuations joined) that
// starts with the source line first.
func pcLineCommands(out []pcCmd, first, line string) []pcCmd {
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
