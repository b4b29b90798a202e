package audit_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rampart-sec/rampart/checks"
)

// FuzzLoadAndAudit feeds arbitrary bytes to the loader as each kind of file, and audits the
// result with every check: nothing may panic, in the loader or in a check (a check's panic is
// recovered by the engine but fails the audit: it shows up as "panic:" in the errors).
func FuzzLoadAndAudit(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("..", "testdata", "*", "*.yml"))
	for i, p := range seeds {
		if i >= 200 {
			break
		}
		if b, err := os.ReadFile(p); err == nil && len(b) < 16<<10 {
			f.Add(uint8(i%4), b)
		}
	}
	f.Add(uint8(0), []byte("on: push\njobs:\n  a:\n    steps:\n      - run: |\n"))
	f.Add(uint8(0), []byte("a: &a [*a, *a]\nb: &b [*a, *a]\n"))
	f.Add(uint8(1), []byte("runs:\n  using: composite\n  steps:\n    - uses:\n"))
	f.Add(uint8(2), []byte("version: 2\nupdates:\n  - package-ecosystem:\n"))
	f.Add(uint8(3), []byte("FROM --platform=$X \\\n"))
	paths := []string{".github/workflows/ci.yml", "action.yml", ".github/dependabot.yml", "Dockerfile"}
	eng := &audit.Engine{Checks: checks.All(), Version: "fuzz"}
	f.Fuzz(func(t *testing.T, kind uint8, src []byte) {
		tg := &audit.Target{Kind: "dir", Name: "fuzz"}
		tg.AddSource(paths[int(kind)%len(paths)], src)
		res := eng.Audit([]*audit.Target{tg}, audit.AuditOptions{Now: time.Unix(1.8e9, 0), Persona: "auditor", OfflineReason: "fuzz"})
		for _, e := range res.Report.Errors {
			if strings.Contains(e.Message, "panic:") {
				t.Fatalf("%s", e.Message)
			}
		}
	})
}
