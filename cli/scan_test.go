package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/audit"
)

func writeFile(t *testing.T, root, rel, content string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	t.Setenv("GITHUB_TOKEN", "")
	t.Setenv("GH_TOKEN", "")
	var out, errb bytes.Buffer
	code := Main(append([]string{"rampart"}, args...), strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

const cleanWorkflow = `on: push
permissions: {}
jobs:
  a:
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - run: echo hello
`

const riskyWorkflow = `on: push
permissions: write-all
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: someone/action@main
`

func repo(t *testing.T, files map[string]string) string {
	root := t.TempDir()
	for p, c := range files {
		writeFile(t, root, p, c)
	}
	return root
}

func TestExitCodes(t *testing.T) {
	clean := repo(t, map[string]string{".github/workflows/ci.yml": cleanWorkflow})
	risky := repo(t, map[string]string{".github/workflows/ci.yml": riskyWorkflow})
	broken := repo(t, map[string]string{".github/workflows/ci.yml": "on: [push\n", ".github/workflows/ok.yml": cleanWorkflow})
	badcfg := repo(t, map[string]string{".github/workflows/ci.yml": cleanWorkflow, ".github/rampart.yml": "exceptions:\n  - check: unpinned-uses\n"})
	badpolicy := repo(t, map[string]string{".github/workflows/ci.yml": cleanWorkflow, "rampart.yml": "checks:\n  unpinned-uses:\n    policy: {\"*\": sometimes}\n"})
	empty := t.TempDir()
	cases := []struct {
		name string
		args []string
		want int
	}{
		{"clean", []string{"scan", clean}, ExitOK},
		{"default command is scan", []string{clean}, ExitOK},
		{"findings at or above fail-on", []string{"scan", risky}, ExitFail},
		{"fail-on none", []string{"scan", risky, "--fail-on", "none"}, ExitOK},
		{"fail-on critical", []string{"scan", risky, "--fail-on=critical"}, ExitOK},
		{"min-score", []string{"scan", clean, "--min-score", "100"}, ExitOK},
		{"below min-score", []string{"scan", risky, "--fail-on", "none", "--min-score", "99"}, ExitFail},
		{"a broken file is not a failure", []string{"scan", broken}, ExitOK},
		{"bad flag", []string{"scan", "--nope"}, ExitUsage},
		{"bad format", []string{"scan", clean, "--format", "xml"}, ExitUsage},
		{"bad severity", []string{"scan", clean, "--fail-on", "severe"}, ExitUsage},
		{"invalid config", []string{"scan", badcfg}, ExitUsage},
		{"invalid check option", []string{"scan", badpolicy}, ExitUsage},
		{"missing --config", []string{"scan", clean, "--config", filepath.Join(empty, "nope.yml")}, ExitUsage},
		{"no such target", []string{"scan", filepath.Join(empty, "missing")}, ExitNoAudit},
		{"nothing to audit", []string{"scan", empty}, ExitNoAudit},
		{"remote target offline", []string{"scan", "octo-org/octo-repo", "--offline"}, ExitUsage},
		{"explain unknown", []string{"explain", "nope"}, ExitUsage},
		{"unknown command", []string{"merge"}, ExitUsage},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := run(t, c.args...)
			if code != c.want {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, c.want, out, errOut)
			}
		})
	}
}

func TestJSONReport(t *testing.T) {
	root := repo(t, map[string]string{
		".github/workflows/ci.yml":     riskyWorkflow,
		".github/workflows/broken.yml": "on: push\njobs: [\n",
		"action.yml":                   "name: x\nruns:\n  using: composite\n  steps:\n    - uses: other/thing@v1\n",
	})
	out := filepath.Join(t.TempDir(), "r.json")
	code, _, errOut := run(t, "scan", root, "--format", "json", "--output", out, "--fail-on", "none")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"schema", "tool", "target", "score", "grade", "categories", "findings", "skipped", "errors", "stats"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("report has no %q", k)
		}
	}
	var rep audit.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Schema != "rampart/report/v1" || rep.Target.Kind != "dir" || rep.Stats.Files != 3 || rep.Stats.Workflows != 1 || rep.Stats.Actions != 1 {
		t.Errorf("header %+v %+v", rep.Target, rep.Stats)
	}
	if len(rep.Errors) == 0 || rep.Errors[0].File != ".github/workflows/broken.yml" || rep.Errors[0].Line == 0 {
		t.Errorf("errors %+v", rep.Errors)
	}
	files := map[string]bool{}
	for _, f := range rep.Findings {
		files[f.File] = true
		if f.Fingerprint == "" || f.Line < 1 || f.Column < 1 || f.URL == "" {
			t.Errorf("incomplete finding %+v", f)
		}
	}
	if !files[".github/workflows/ci.yml"] || !files["action.yml"] {
		t.Errorf("findings in %v", files)
	}
	// --baseline with the same report: nothing new, nothing fixed, fail-on counts new findings only.
	code, stdout, _ := run(t, "scan", root, "--format", "json", "--baseline", out)
	if code != ExitOK {
		t.Errorf("baseline run exit %d", code)
	}
	var again audit.Report
	if err := json.Unmarshal([]byte(stdout), &again); err != nil {
		t.Fatal(err)
	}
	if again.Baseline == nil || again.Baseline.New != 0 || again.Baseline.ScoreChange != 0 || len(again.Baseline.Fixed) != 0 {
		t.Errorf("baseline %+v", again.Baseline)
	}
}

func TestConfigFromTarget(t *testing.T) {
	root := repo(t, map[string]string{
		".github/workflows/ci.yml": riskyWorkflow,
		".github/rampart.yml":      "fail-on: critical\nexceptions:\n  - check: excessive-permissions\n    reason: reviewed\n    expires: 2099-01-01\n",
	})
	code, out, errOut := run(t, "scan", root, "--format", "json")
	if code != ExitOK {
		t.Fatalf("config fail-on not used: exit %d %s", code, errOut)
	}
	var rep audit.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	suppressed := 0
	for _, f := range rep.Findings {
		if f.Suppressed && f.Suppression.Kind == "config" {
			suppressed++
		}
	}
	if suppressed == 0 || len(rep.Exceptions) != 1 || rep.Exceptions[0].Status != "applied" {
		t.Errorf("exceptions %+v suppressed %d", rep.Exceptions, suppressed)
	}
}

func TestMultipleTargetsPrefixPaths(t *testing.T) {
	a := repo(t, map[string]string{".github/workflows/ci.yml": riskyWorkflow})
	b := repo(t, map[string]string{".github/workflows/ci.yml": cleanWorkflow})
	code, out, _ := run(t, "scan", a, b, "--format", "json", "--fail-on", "none")
	if code != ExitOK {
		t.Fatal(code)
	}
	var rep audit.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Stats.Files != 2 || len(rep.Findings) == 0 || !strings.HasPrefix(rep.Findings[0].File, filepath.ToSlash(a)) {
		t.Errorf("files %d, first finding %q", rep.Stats.Files, rep.Findings[0].File)
	}
}

func TestChecksAndExplain(t *testing.T) {
	code, out, _ := run(t, "checks", "--format", "json")
	var list []map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &list) != nil || len(list) < 5 {
		t.Fatalf("checks json: %d %s", code, out)
	}
	for _, k := range []string{"id", "title", "severity", "category", "online", "fixable", "doc", "url", "equivalents"} {
		if _, ok := list[0][k]; !ok {
			t.Errorf("check json has no %q", k)
		}
	}
	if code, out, _ := run(t, "explain", "template-injection"); code != 0 || !strings.Contains(out, "template-injection") {
		t.Errorf("explain: %d", code)
	}
	if code, out, _ := run(t, "explain", "score"); code != 0 || !strings.Contains(out, "monotone") {
		t.Errorf("explain score: %d %s", code, out)
	}
	if code, out, _ := run(t, "version"); code != 0 || !strings.Contains(out, "go1.") {
		t.Errorf("version: %d %s", code, out)
	}
}
