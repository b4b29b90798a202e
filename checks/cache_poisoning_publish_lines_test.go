package checks

import (
	"reflect"
	"strings"
	"testing"
)

// pcPlainLines are the lines of a script as pcCommandsWhere takes them, by its doc: those of
// strings.Split(strings.ReplaceAll(script, "\r\n", "\n"), "\n"), a line that ends with a
// backslash continued by the next, unless it is the last.
func pcPlainLines(script string) (firsts, lines []string) {
	raw := strings.Split(strings.ReplaceAll(script, "\r\n", "\n"), "\n")
	for k := 0; k < len(raw); k++ {
		first, line := raw[k], raw[k]
		for strings.HasSuffix(line, "\\") && k+1 < len(raw) {
			k++
			line = strings.TrimSuffix(line, "\\") + " " + raw[k]
		}
		firsts, lines = append(firsts, first), append(lines, line)
	}
	return firsts, lines
}

// pcPlainCommandsWhere is pcCommandsWhere on pcPlainLines.
func pcPlainCommandsWhere(script string, keep func(line string) bool) []pcCmd {
	var out []pcCmd
	firsts, lines := pcPlainLines(script)
	for k, line := range lines {
		if keep == nil || keep(line) {
			out = pcLineCommands(out, firsts[k], line)
		}
	}
	return out
}

// pcPlainMayPublishLine is the test of each line that pcPublishCommands replaced: a word of
// pcGateWords, or a byte beyond ASCII.
func pcPlainMayPublishLine(line string) bool {
	if pcGate(line) != 0 {
		return true
	}
	for i := 0; i < len(line); i++ {
		if line[i] >= 0x80 {
			return true
		}
	}
	return false
}

// utpPlainMayMatter is the test of each line that utpRun split before it took pcPublishCommands:
// publish, push or upload, "-n" or "--dry", or a byte beyond ASCII.
func utpPlainMayMatter(line string) bool {
	if pcGate(line)&(pcwPublish|pcwPush|pcwUpload) != 0 || strings.Contains(line, "-n") || strings.Contains(line, "--dry") {
		return true
	}
	for i := 0; i < len(line); i++ {
		if line[i] >= 0x80 {
			return true
		}
	}
	return false
}

// pcPublishLinePieces are pieces of scripts for random texts: the words of pcGateWords and
// pcPublishWords' commands, dry-run flags, line breaks, continuations and bytes beyond ASCII.
var pcPublishLinePieces = []string{"npm publish", "PUBLISH", "cargo publish", " --dry-run", " -n", "--dry", "twine upload",
	"gem push", "docker push", "git push", "goreleaser", "semantic-release", "gh release create", "mvn deploy",
	"dotnet nuget push", "nuget PUSH", "nuget pu\u017fh", "release", "deploy", "pu", "sh", "lish", "\\", "\\\n", "\n",
	"\r\n", "\r", " ", "&&", ";", "|", " #", "$(", "X=1 ", "sudo ", "é", "\xff", "echo", "a", "-", "'", "\""}

// TestPcCommandsWhere holds pcCommandsWhere, which reads the lines in place (pcJoinedLine), to
// the lines of strings.Split, on every script of the corpus and on random texts.
func TestPcCommandsWhere(t *testing.T) {
	check := func(s string) {
		t.Helper()
		if got, want := pcCommandsWhere(s, nil), pcPlainCommandsWhere(s, nil); !reflect.DeepEqual(got, want) {
			t.Fatalf("pcCommandsWhere(%q) = %q, want %q", s, got, want)
		}
	}
	for _, s := range corpusScriptTexts(t) {
		check(s)
	}
	shellRandomTexts(8, 30000, 12, pcPublishLinePieces, check)
}

// TestPcPublishCommands holds pcPublishCommands, which splits only the lines that hold a place
// that pcGateNext finds in the whole script, to pcCommandsWhere with the test of each line it
// replaced, and utpRun's use of it to the lines that utpRun split before (utpPlainMayMatter):
// the first registry command and the dry-run verdict are the same. On every script of the corpus
// and on random texts of the words' pieces.
func TestPcPublishCommands(t *testing.T) {
	check := func(s string) {
		t.Helper()
		got := pcPublishCommands(s)
		if want := pcPlainCommandsWhere(s, pcPlainMayPublishLine); !reflect.DeepEqual(got, want) {
			t.Fatalf("pcPublishCommands(%q) = %q, want %q", s, got, want)
		}
		old := pcPlainCommandsWhere(s, utpPlainMayMatter)
		c1, r1, w1, l1 := utpRegistryCommand(got)
		c2, r2, w2, l2 := utpRegistryCommand(old)
		if c1 != c2 || r1 != r2 || !reflect.DeepEqual(w1, w2) || l1 != l2 {
			t.Fatalf("%q: utpRegistryCommand = %q %q %q %q, with utpPlainMayMatter %q %q %q %q", s, c1, r1, w1, l1, c2, r2, w2, l2)
		}
		if c1 == "" && utpDryRunOnly(got) != utpDryRunOnly(old) {
			t.Fatalf("%q: utpDryRunOnly = %v, with utpPlainMayMatter %v", s, utpDryRunOnly(got), utpDryRunOnly(old))
		}
	}
	for _, s := range corpusScriptTexts(t) {
		check(s)
	}
	shellRandomTexts(9, 50000, 12, pcPublishLinePieces, check)
}
