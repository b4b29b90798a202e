package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/fix"
)

const fixableWF = `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: make
      - uses: actions/upload-artifact@v3
        with:
          path: .
`

const unfixableWF = `on: issues
permissions: {}
jobs:
  t:
    runs-on: ubuntu-latest
    steps:
      - run: echo '${{ github.event.issue.title }}'
`

func fixRepo(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for p, s := range files {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(s), 0o640); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestFixExitCodes(t *testing.T) {
	wf := ".github/workflows/ci.yml"
	cases := []struct {
		name  string
		files map[string]string
		args  []string
		code  int
	}{
		{"everything fixed", map[string]string{wf: fixableWF}, []string{"--offline", "--only", "artipacked,excessive-permissions"}, ExitOK},
		{"nothing to do", map[string]string{wf: "on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n"}, []string{"--offline"}, ExitOK},
		{"finding left", map[string]string{wf: unfixableWF}, []string{"--offline"}, ExitFail},
		{"pins need the network", map[string]string{wf: fixableWF}, []string{"--offline", "--only", "unpinned-uses"}, ExitFail},
		{"bad flag", map[string]string{wf: fixableWF}, []string{"--nope"}, ExitUsage},
		{"bad --only", map[string]string{wf: fixableWF}, []string{"--only", "dangerous-triggers"}, ExitUsage},
		{"no files", map[string]string{"README": "x"}, []string{"--offline"}, ExitNoAudit},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := fixRepo(t, c.files)
			var out, errb bytes.Buffer
			code, err := runFix(append([]string{dir}, c.args...), &out, &errb)
			if err != nil {
				code = fixExitFor(err)
			}
			if code != c.code {
				t.Errorf("exit %d, want %d (err %v)\nstdout:\n%s\nstderr:\n%s", code, c.code, err, out.String(), errb.String())
			}
		})
	}
}

// fixExitFor maps a command error to its exit code as Main does.
func fixExitFor(err error) int {
	switch err.(type) {
	case usageError:
		return ExitUsage
	case auditError:
		return ExitNoAudit
	}
	return ExitNoAudit
}

func TestFixWritesInPlace(t *testing.T) {
	wf := ".github/workflows/ci.yml"
	dir := fixRepo(t, map[string]string{wf: fixableWF})
	var out, errb bytes.Buffer
	code, err := runFix([]string{dir, "--offline", "--only", "artipacked"}, &out, &errb)
	if err != nil || code != ExitOK {
		t.Fatalf("exit %d, err %v\n%s%s", code, err, out.String(), errb.String())
	}
	p := filepath.Join(dir, wf)
	b, _ := os.ReadFile(p)
	if !strings.Contains(string(b), "persist-credentials: false") {
		t.Errorf("not fixed:\n%s", b)
	}
	st, _ := os.Stat(p)
	if st.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want 0640", st.Mode().Perm())
	}
	if m, _ := filepath.Glob(filepath.Join(dir, ".github/workflows/.*tmp")); len(m) > 0 {
		t.Errorf("temporary files left: %v", m)
	}
}

func TestFixDryRunChangesNothing(t *testing.T) {
	wf := ".github/workflows/ci.yml"
	dir := fixRepo(t, map[string]string{wf: fixableWF})
	var out, errb bytes.Buffer
	code, err := runFix([]string{dir, "--offline", "--dry-run", "--only", "artipacked"}, &out, &errb)
	if err != nil || code != ExitOK {
		t.Fatalf("exit %d, err %v", code, err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, wf)); string(b) != fixableWF {
		t.Errorf("--dry-run changed the file:\n%s", b)
	}
	if !strings.Contains(out.String(), "+        with:\n+          persist-credentials: false\n") || !strings.Contains(out.String(), "+++ b/") {
		t.Errorf("no diff on stdout:\n%s", out.String())
	}
	if !strings.Contains(errb.String(), "would fix artipacked") {
		t.Errorf("no summary on stderr:\n%s", errb.String())
	}
}

func TestFixSymlinkNotWritten(t *testing.T) {
	outside := fixRepo(t, map[string]string{"ci.yml": fixableWF})
	dir := fixRepo(t, map[string]string{"README": "x"})
	if err := os.MkdirAll(filepath.Join(dir, ".github/workflows"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "ci.yml"), filepath.Join(dir, ".github/workflows/ci.yml")); err != nil {
		t.Skip(err)
	}
	var out, errb bytes.Buffer
	code, _ := runFix([]string{dir, "--offline", "--only", "artipacked"}, &out, &errb)
	if b, _ := os.ReadFile(filepath.Join(outside, "ci.yml")); string(b) != fixableWF {
		t.Errorf("a file outside the target was written (exit %d):\n%s", code, b)
	}
}

// TestDryRunDiffForDisplayIsEscaped checks that a diff shown to a person (a terminal, a job log)
// cannot drive the terminal or the runner with what the audited file holds, and that a diff kept
// as a patch is left raw.
func TestDryRunDiffForDisplayIsEscaped(t *testing.T) {
	c := fix.Change{Path: "w.yml",
		Before: []byte("a: 1\n# \x1b[2J ##[error]x\n ::warning::y\nb: 2\n"),
		After:  []byte("a: 1\n# \x1b[2J ##[error]x\n ::warning::y\nb: 3\n")}
	var shown, raw bytes.Buffer
	if err := writeDiff(&shown, c, true); err != nil {
		t.Fatal(err)
	}
	if err := writeDiff(&raw, c, false); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"\x1b", "##[", "\n  ::warning"} {
		if strings.Contains(shown.String(), bad) {
			t.Errorf("the displayed diff holds %q:\n%s", bad, shown.String())
		}
	}
	if !strings.Contains(raw.String(), "\x1b[2J ##[error]x") || !strings.Contains(raw.String(), "+b: 3\n") {
		t.Errorf("the raw diff was changed:\n%q", raw.String())
	}
	if !strings.Contains(shown.String(), "+b: 3\n") {
		t.Errorf("the displayed diff lost its change:\n%s", shown.String())
	}
}
