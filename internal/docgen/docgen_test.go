package docgen

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rampart-sec/rampart/checks"
)

// TestDocsAreFresh fails when a generated file differs from what the code and golden files say.
func TestDocsAreFresh(t *testing.T) {
	t.Setenv("GITHUB_TOKEN", "")
	t.Setenv("GH_TOKEN", "")
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	want, err := Generate(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range Files {
		got, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want[f] {
			t.Errorf("%s is stale: run `go generate ./...` and commit it", f)
		}
	}
}

func TestSection(t *testing.T) {
	doc := "# T\n\n## A\n\ntext\n\n```yaml\n# not a heading\n```\n\n### sub\n\nmore\n\n## B\n\nb\n"
	if got := section(doc, "## A"); got != "\ntext\n\n```yaml\n# not a heading\n```\n\n### sub\n\nmore\n\n" {
		t.Errorf("section A = %q", got)
	}
	if got := firstYAML(section(doc, "## A")); got != "```yaml\n# not a heading\n```\n" {
		t.Errorf("firstYAML = %q", got)
	}
}

// TestReadmeWorkflowsScore100 audits every copy-paste workflow of README.md with rampart's own
// checks (pedantic persona): what we tell users to copy must pass.
func TestReadmeWorkflowsScore100(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	tg := &audit.Target{Kind: "dir", Name: "readme"}
	n := 0
	for _, m := range regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllStringSubmatch(string(b), -1) {
		if !strings.Contains(m[1], "jobs:") {
			continue
		}
		src := strings.ReplaceAll(m[1], "rampart-sec/rampart@<commit-sha> # vX.Y.Z", "rampart-sec/rampart@3d3c42e5aac5ba805825da76410c181273ba90b1 # v1.0.0")
		tg.AddSource(fmt.Sprintf(".github/workflows/readme%d.yml", n), []byte(src))
		n++
	}
	if n < 4 {
		t.Fatalf("%d workflows in README.md, want the PR, SARIF, two fork-pattern and the org workflows", n)
	}
	eng := &audit.Engine{Checks: checks.All(), Version: "test"}
	rep := eng.Audit([]*audit.Target{tg}, audit.AuditOptions{MinSeverity: audit.Low, MinConfidence: audit.LowConfidence,
		OfflineReason: "offline test", Persona: "pedantic"}).Report
	for _, f := range rep.Findings {
		if f.Counts() && f.Check != "dependabot-missing-actions" {
			t.Errorf("%s:%d: %s %s: %s", f.File, f.Line, f.Severity, f.Check, f.Message)
		}
	}
	for _, e := range rep.Errors {
		t.Errorf("%s:%d: %s", e.File, e.Line, e.Message)
	}
	if rep.Score != 100 {
		t.Errorf("score %d, want 100", rep.Score)
	}
}
