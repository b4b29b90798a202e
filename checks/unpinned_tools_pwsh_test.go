package checks

import (
	"strings"
	"testing"
)

// TestUtPwshSubMaybe checks that utPwshSubMaybe lets through every PowerShell or cmd script
// that utPwsh may report: one with a command of utPwshCmds that utCheck reports, or with a word
// (as utPwshCmd splits it) that is a subcommand that utCheck reads, or i with -g or global in
// the text. On every script of the corpus (as if each were PowerShell), on lines with each
// subcommand between blanks, quotes and the spaces of strings.Fields, cut at every length, and
// on random texts of those pieces.
func TestUtPwshSubMaybe(t *testing.T) {
	needed := func(text string) (bool, string) {
		for _, loc := range utPwshCmds(text) {
			c := utPwshCmd(text, loc)
			if len(utCheck(c)) > 0 {
				return true, "utCheck reports " + text[loc[0]:loc[1]]
			}
			for _, a := range c.Args {
				switch a.Text {
				case "install", "binstall", "tool", "global", "upgrade", "run", "add":
					return true, "word " + a.Text
				case "i":
					if strings.Contains(text, "-g") || strings.Contains(text, "global") {
						return true, "word i"
					}
				}
			}
		}
		return false, ""
	}
	check := func(text string) {
		t.Helper()
		if need, why := needed(text); need && !utPwshSubMaybe(&shellScript{Text: text}) {
			t.Fatalf("%q: utPwshSubMaybe false, but %s", text, why)
		}
	}
	for _, s := range []string{
		"pip install x", "npm i -g y", "npm i --location=global y", "npm i --location global y", "go run x@latest",
		"cargo binstall z", "dotnet tool update -g t", "choco upgrade all", "yarn global add a", "npm add -g b",
		"pip 'install' x", "pip \"install\"\tx", "go\rrun x@main", "pip install", "npm i", "cargo install;x",
		"gem install|x", "choco install&x",
	} {
		for n := range len(s) + 1 {
			check(s[:n])
		}
	}
	// The spaces that strings.Fields splits at and shellBound lacks (utPwshCmds wants an ASCII
	// blank after the name).
	for _, sp := range []string{"\v", "\f", "\u0085", "\u00a0", "\u1680", "\u2000", "\u2003", "\u200a", "\u2028", "\u2029",
		"\u202f", "\u205f", "\u3000"} {
		check("pip install" + sp + "x")
		check("pip x" + sp + "install")
		check("npm x" + sp + "i -g")
	}
	for _, text := range corpusScriptTexts(t) {
		check(text)
	}
	pieces := []string{"pip", "npm", "go", "cargo", "gem", "choco", "dotnet", "uv", "pipx", "python", "-m", ".exe",
		"install", "binstall", "tool", "global", "upgrade", "run", "add", "update", "i", "-g", "--global", "--location",
		"=", "x", "x@latest", "@", " ", " ", "\t", "\n", "\r", "\v", "\f", "\u00a0", "\u2003", "\u3000", "\u0085", "\u2019",
		"'", "\"", ";", "|", "&", "#", "/", "$"}
	shellRandomTexts(3, 60000, 12, pieces, check)
}
