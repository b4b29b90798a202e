package checks

import (
	"regexp"
	"slices"
	"testing"
)

// TestUtVersioned compares utPipName and utPythonName with the regular expressions they stand for.
func TestUtVersioned(t *testing.T) {
	pipRe := regexp.MustCompile(`^pip(\d(\.\d+)?)?$`)
	pyRe := regexp.MustCompile(`^(python|py)(\d(\.\d+)?)?$`)
	for _, s := range []string{"pip", "pip3", "pip3.12", "pip3.", "pip33", "pip3.x", "pipx", "pi", "pip.3", "pip3.1.2",
		"python", "python3", "python3.11", "py", "py3", "py3.1", "pyth", "python3.", "pypy", "", "pip3.1a", "pip3.1"} {
		if pipRe.MatchString(s) != utPipName(s) || pyRe.MatchString(s) != utPythonName(s) {
			t.Errorf("%q: utPipName %v, utPythonName %v", s, utPipName(s), utPythonName(s))
		}
	}
}

// utPwshCmdRe is the pattern that utPwshCmds matches without a regular expression.
var utPwshCmdRe = regexp.MustCompile(`(?i)\b(pip3?|python3?|py|npm|go|cargo|gem|choco|dotnet|pipx|uv)(\.exe)?\s+[^\n;|&]*`)

// TestUtPwshCmds compares utPwshCmds with utPwshCmdRe, on lines and on every combination of a
// few pieces (names, cases, suffixes, blanks, separators).
func TestUtPwshCmds(t *testing.T) {
	texts := []string{
		"pip install x", "PIP3.EXE  install x; npm i -g y", "python3.11 -m pip install z", "pipx install a|b",
		"npx go run x", "cargo\tinstall\nripgrep", "x-go install y", "_go install", "gopher install", "choco.exe upgrade all & exit",
		"Py -m pip install q", "dotnet tool install -g t\r\nuv tool install u", "pip3x install", "pip3 ", "uv", "ÿgo build",
	}
	pieces := []string{"pip", "PiP3", "pipx", "python3", "py", "go", ".exe", ".EXE", "3", " ", "\t", "\n", ";", "|", "&", "x", "-", "é", "install"}
	for _, a := range pieces {
		for _, b := range pieces {
			for _, c := range pieces {
				texts = append(texts, a+b+c, " "+a+b+" "+c+"x")
			}
		}
	}
	for _, text := range texts {
		var want [][2]int
		for _, m := range utPwshCmdRe.FindAllStringIndex(text, -1) {
			want = append(want, [2]int{m[0], m[1]})
		}
		if got := utPwshCmds(text); !slices.Equal(got, want) {
			t.Errorf("%q: %v, the pattern %v", text, got, want)
		}
	}
}
