package checks

import (
	"regexp"
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
