package action

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rampart-sec/rampart/checks"
)

// The copy-paste workflows of docs/action.md pass rampart's own checks (pedantic persona).
func TestDocsWorkflows(t *testing.T) {
	b, err := os.ReadFile("../docs/action.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllStringSubmatch(string(b), -1)
	if len(blocks) < 4 {
		t.Fatalf("%d YAML blocks in docs/action.md, want the PR, SARIF and two fork-pattern workflows", len(blocks))
	}
	tg := &audit.Target{Kind: "dir", Name: "docs"}
	for i, m := range blocks {
		src := strings.ReplaceAll(m[1], "rampart-sec/rampart@<commit-sha> # vX.Y.Z", "rampart-sec/rampart@3d3c42e5aac5ba805825da76410c181273ba90b1 # v1.0.0")
		tg.AddSource(".github/workflows/doc"+string(rune('0'+i))+".yml", []byte(src))
	}
	eng := &audit.Engine{Checks: checks.All(), Version: "test"}
	rep := eng.Audit([]*audit.Target{tg}, audit.AuditOptions{MinSeverity: audit.Low, MinConfidence: audit.LowConfidence,
		OfflineReason: "offline test", Now: time.Now(), Persona: "pedantic"}).Report
	for _, f := range rep.Findings {
		if f.Counts() && f.Check != "dependabot-missing-actions" {
			t.Errorf("%s:%d: %s %s: %s", f.File, f.Line, f.Severity, f.Check, f.Message)
		}
	}
	for _, e := range rep.Errors {
		t.Errorf("%s: %s", e.File, e.Message)
	}
	if rep.Score != 100 {
		t.Errorf("score %d, want 100", rep.Score)
	}
}
