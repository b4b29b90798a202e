package checks

import "strings"

// shellIdentTable marks the bytes of regexp's \w: letters, digits and '_'.
var shellIdentTable = func() (t [256]bool) {
	for i := range t {
		c := byte(i)
		t[i] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
	}
	return t
}()

// shellPwshToolMaybe reports whether the text holds a name of the programs that utPwshCmds
// looks for as a whole \w word (regexp's \b on both sides) followed by a blank or a dot, ASCII
// letters in any case: every command that utPwshCmds finds starts with one (none of the names
// holds k or s, the letters that fold to non-ASCII ones).
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

// shellPwshTool reports whether a \w word is the name of a program that utPwshCmds looks for,
// ASCII letters compared in any case (none of the names holds k or s, the letters that fold to non-ASCII ones).
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
