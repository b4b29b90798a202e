package checks

// utPwshNames are the programs whose install commands utPwsh reads, in the order the pattern of
// utPwshCmds tries them (a name with an optional last digit: pip3?, python3?).
var utPwshNames = [...]struct {
	name     string
	optDigit byte
}{{"pip", '3'}, {"python", '3'}, {"py", 0}, {"npm", 0}, {"go", 0}, {"cargo", 0}, {"gem", 0}, {"choco", 0},
	{"dotnet", 0}, {"pipx", 0}, {"uv", 0}}

// utPwshCmds returns the places [start, end) of the install commands of a PowerShell or cmd
// script: the matches of
//
//	(?i)\b(pip3?|python3?|py|npm|go|cargo|gem|choco|dotnet|pipx|uv)(\.exe)?\s+[^\n;|&]*
//
// found without the regular expression (a test compares them): a program's name at the start of
// a \w word (ASCII letters in any case: none of the names holds k or s, the letters that fold to
// non-ASCII ones), optionally .exe, blanks (newlines too), then the text up to a newline, ';',
// '|' or '&'. At most one name can be followed by blanks there, so the order of the names does
// not change the match.
func utPwshCmds(text string) [][2]int {
	var out [][2]int
	for i := 0; i < len(text); i++ {
		if !shellIdentTable[text[i]] || i > 0 && shellIdentTable[text[i-1]] {
			continue
		}
		end := utPwshCmdAt(text, i)
		if end < 0 {
			continue
		}
		out = append(out, [2]int{i, end})
		i = end - 1 // matches do not overlap
	}
	return out
}

// utPwshCmdAt returns the end of the match of utPwshCmds that starts at text[i], -1 for none.
func utPwshCmdAt(text string, i int) int {
	for _, n := range utPwshNames {
		if !asciiFoldAt(text, i, n.name) {
			continue
		}
		j := i + len(n.name)
		if n.optDigit != 0 && j < len(text) && text[j] == n.optDigit {
			if end := utPwshRest(text, j+1); end >= 0 {
				return end
			}
		}
		if end := utPwshRest(text, j); end >= 0 {
			return end
		}
	}
	return -1
}

// utPwshRest matches (\.exe)?\s+[^\n;|&]* at text[j:] and returns its end, -1 for none.
func utPwshRest(text string, j int) int {
	if asciiFoldAt(text, j, ".exe") {
		if end := utPwshTail(text, j+len(".exe")); end >= 0 {
			return end
		}
	}
	return utPwshTail(text, j)
}

// utPwshTail matches \s+[^\n;|&]* at text[j:] (\s is [\t\n\f\r ]) and returns its end, -1 for
// none. The blanks are taken first, newlines too, as the greedy \s+ does.
func utPwshTail(text string, j int) int {
	k := j
	for k < len(text) && utPwshSpace(text[k]) {
		k++
	}
	if k == j {
		return -1
	}
	for k < len(text) && text[k] != '\n' && text[k] != ';' && text[k] != '|' && text[k] != '&' {
		k++
	}
	return k
}

func utPwshSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}
