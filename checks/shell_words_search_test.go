package checks

import (
	"strings"
	"testing"
)

// TestShellWordsSearches holds the answers that the word scan gives for three checks
// (GitAuth, GitHubName, Unsecure) to the searches they stand for: artipUsesGitCommand (itself
// held to its regular expression by TestArtipMatchers), strings.Contains of "GITHUB_" or
// "github.", and of icName; on every script of the corpus, at the ends of the text, and on
// random texts made of the words' pieces and the bytes around them, cut at every length.
func TestShellWordsSearches(t *testing.T) {
	var found [3]int
	check := func(text string) {
		t.Helper()
		var w shellWords
		shellScanWords(&w, text)
		want := [3]bool{artipUsesGitCommand(text), strings.Contains(text, "GITHUB_") || strings.Contains(text, "github."), strings.Contains(text, icName)}
		if got := [3]bool{w.GitAuth, w.GitHubName, w.Unsecure}; got != want {
			t.Fatalf("%q: GitAuth, GitHubName, Unsecure %v, the searches say %v", text, got, want)
		}
		for k, b := range want {
			if b {
				found[k]++
			}
		}
	}
	for _, s := range []string{"", "g", "gi", "git", "git push", "git  push", "agit push", "-git push", ".git push", "_git push",
		"git push\n", "git pushx", "git -C dir push", "git -C  push", "git submodule update", "git submodule  updatex",
		"GITHUB_", "GITHUB", "$GITHUB_ENV", "github.", "github", "${{ github.sha }}", "xgithub.", "GitHub_", icName,
		icName[1:], icName[:len(icName)-1], "echo " + icName + "=true", "ACTIONS_ALLOW_ALLOW_UNSECURE_COMMANDS", "W_UNSECURE_COMMANDS",
		strings.ToLower(icName), "AW_UNSECURE_COMMANDS_" + icName} {
		check(s)
	}
	for _, text := range corpusScriptTexts(t) {
		check(text)
	}
	pieces := []string{"git", "gi", "g", "t", "G", "I", "GI", "GITHUB", "github", "_", ".", " ", "\t", "\n", "\f", "\v",
		"push", "fetch", "pull", "ls-remote", "submodule", "update", "-C", "dir", "x", "a", "-", "/", "\"", "'", "$", "e",
		"ACTIONS_ALLO", "W", "W_", "UNSECURE_COMMANDS", icName, "O", "ALLOW_", "ACTIONS_"}
	shellRandomTexts(6, 20000, 10, pieces, func(text string) {
		for n := range len(text) + 1 {
			check(text[:n])
		}
	})
	for k, name := range []string{"GitAuth", "GitHubName", "Unsecure"} {
		if found[k] < 100 {
			t.Errorf("only %d texts hold what %s stands for: the test does not try it", found[k], name)
		}
	}
}
