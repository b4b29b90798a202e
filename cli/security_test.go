package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
)

// runnerCommand reports whether the Actions runner reads a workflow command in a line of a job's
// log: "::name ...::" at the start after leading white space, or "##[name ...]" anywhere.
func runnerCommand(line string) bool {
	t := strings.TrimLeftFunc(line, unicode.IsSpace)
	if strings.HasPrefix(t, "::") && strings.Contains(t[2:], "::") {
		return true
	}
	i := strings.Index(line, "##[")
	return i >= 0 && strings.Contains(line[i:], "]")
}

// An error quotes audited content (here a YAML parser message quoting the config file, and an
// unknown check id): printed to stderr, it can neither drive a terminal nor start a workflow command.
func TestErrorMessagesAreCleaned(t *testing.T) {
	for name, cfg := range map[string]string{
		"yaml value": `min-score: "\e[2J##[x]"` + "\n",
		"check id":   `checks: {"\e[31m##[set-output name=score]100\n::error::z": {}}` + "\n",
	} {
		dir := repo(t, map[string]string{".github/workflows/ci.yml": cleanWorkflow, "rampart.yml": cfg})
		code, _, errb := run(t, dir)
		if code != ExitUsage {
			t.Errorf("%s: exit %d, want 2\n%s", name, code, errb)
		}
		if strings.ContainsRune(errb, 0x1b) {
			t.Errorf("%s: stderr holds an escape character: %q", name, errb)
		}
		for _, l := range strings.Split(errb, "\n") {
			if runnerCommand(l) {
				t.Errorf("%s: stderr line is a workflow command: %q", name, l)
			}
		}
	}
}

// What a pull request controls (step names, file names) reaches the job log only as text the
// runner cannot read as a command: the log's only commands are rampart's own.
func TestActionLogHasNoInjectedCommands(t *testing.T) {
	const evil = `on: push
permissions: write-all
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - name: "x ##[set-output name=score]100\n  ::set-output name=findings::0"
        uses: someone/action@main
`
	for _, format := range []string{"text", "json", "sarif", "markdown", "github"} {
		r := setActionEnv(t, "push", "push.json", "", map[string]string{"INPUT_FORMAT": format, "INPUT_TOKEN": ""})
		writeFile(t, r.ws, ".github/workflows/ci.yml", evil)
		writeFile(t, r.ws, ".github/workflows/##[stop-commands]x.yml", evil)
		writeFile(t, r.ws, "::error::x/action.yml", "name: a\nruns: {using: composite, steps: [{uses: someone/action@main}]}\n")
		_, out, errb := r.run(t)
		for _, l := range strings.Split(out+errb, "\n") {
			ours := strings.HasPrefix(l, "::error ") || strings.HasPrefix(l, "::warning ") || strings.HasPrefix(l, "::notice ")
			if runnerCommand(l) && !ours {
				t.Errorf("%s: log line is an injected workflow command: %q", format, l)
			}
		}
	}
}

// The action writes its report files into the workspace, which holds the pull request's files:
// a symlink there is replaced, not written through, and a path out of the workspace is refused.
func TestActionReportFilesStayInWorkspace(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "victim")
	if err := os.WriteFile(outside, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := setActionEnv(t, "push", "push.json", "", map[string]string{"INPUT_TOKEN": "", "INPUT_SARIF-FILE": "out/r.sarif"})
	writeFile(t, r.ws, ".github/workflows/ci.yml", cleanWorkflow)
	if err := os.Symlink(outside, filepath.Join(r.ws, "rampart-report.json")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Dir(outside), filepath.Join(r.ws, "out")); err != nil {
		t.Fatal(err)
	}
	code, out, errb := r.run(t)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errb)
	}
	if b, _ := os.ReadFile(outside); string(b) != "keep" {
		t.Errorf("the report was written through a symlink out of the workspace")
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(outside), "r.sarif")); err == nil {
		t.Errorf("the SARIF file was written through a symlinked directory out of the workspace")
	}
	if st, err := os.Lstat(filepath.Join(r.ws, "rampart-report.json")); err != nil || !st.Mode().IsRegular() {
		t.Errorf("rampart-report.json is not a regular file in the workspace: %v", err)
	}
	if outs := r.outputs(t); outs["report-file"] != "rampart-report.json" || outs["sarif-file"] != "" {
		t.Errorf("outputs %v: want report-file, and no sarif-file", outs)
	}

	r = setActionEnv(t, "push", "push.json", "", map[string]string{"INPUT_TOKEN": "", "INPUT_SARIF-FILE": "../escape.sarif"})
	writeFile(t, r.ws, ".github/workflows/ci.yml", cleanWorkflow)
	r.run(t)
	if _, err := os.Stat(filepath.Join(filepath.Dir(r.ws), "escape.sarif")); err == nil {
		t.Errorf("sarif-file ../escape.sarif was written out of the workspace")
	}
}

// The action's config input names a file of the workspace, which the pull request controls: a
// symlink there (to .git/config, where checkout keeps the credentials, or out of the workspace)
// is refused, not parsed and quoted in errors.
func TestActionConfigIsNotASymlink(t *testing.T) {
	r := setActionEnv(t, "push", "push.json", "", map[string]string{"INPUT_TOKEN": "", "INPUT_CONFIG": ".github/rampart.yml"})
	writeFile(t, r.ws, ".github/workflows/ci.yml", cleanWorkflow)
	writeFile(t, r.ws, ".git/config", "[http]\n\textraheader = AUTHORIZATION: basic c2VjcmV0\n")
	if err := os.Symlink("../.git/config", filepath.Join(r.ws, ".github", "rampart.yml")); err != nil {
		t.Fatal(err)
	}
	code, out, errb := r.run(t)
	if code != ExitUsage || !strings.Contains(errb, "symlink is not followed") {
		t.Errorf("exit %d, stderr %q; want 2 and a refused symlink", code, errb)
	}
	if strings.Contains(out+errb, "c2VjcmV0") {
		t.Errorf("the linked file's content was printed")
	}
}
