package fix

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A file name with a line break cannot forge header lines of the diff (which `git apply` or
// `patch` would follow), nor put an escape sequence on the terminal; git still applies it.
func TestDiffQuotesHostileFileNames(t *testing.T) {
	name := ".github/workflows/x\n+++ b/.git/hooks/pre-commit\x1b[2J\"\\.yml"
	c := Change{Path: name, Before: []byte("a: 1\nb: 2\n"), After: []byte("a: 1\nb: 3\n")}
	var buf bytes.Buffer
	if err := WriteDiff(&buf, c); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	lines := strings.Split(out, "\n")
	if !strings.HasPrefix(lines[0], `--- "a/.github/workflows/x\n+++ b/`) || !strings.HasPrefix(lines[1], `+++ "b/`) || !strings.HasPrefix(lines[2], "@@ ") {
		t.Fatalf("diff header:\n%s", out)
	}
	if strings.ContainsRune(out, 0x1b) {
		t.Errorf("diff holds an escape character")
	}
	if _, err := exec.LookPath("git"); err != nil {
		return
	}
	dir := t.TempDir()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, c.Before, 0o644); err != nil {
		t.Skipf("this file system refuses the name: %v", err)
	}
	cmd := exec.Command("git", "apply", "--unsafe-paths", "-")
	cmd.Dir, cmd.Stdin = dir, strings.NewReader(out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git apply: %v\n%s", err, b)
	}
	if b, _ := os.ReadFile(p); string(b) != string(c.After) {
		t.Errorf("after git apply: %q", b)
	}
}
