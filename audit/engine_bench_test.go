package audit

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// BenchmarkFindingsPath audits the loaded corpus with dummy checks that only report findings
// (about 13,000, keyed and not, several at one place): the engine's per-finding cost of
// reporting, processing (fingerprints, suppression, order), merging, copying and scoring.
func BenchmarkFindingsPath(b *testing.B) {
	dir := os.Getenv("RAMPART_CORPUS")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "corpus", "real")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		b.Skip("corpus not found:", err)
	}
	var targets []*Target
	for _, e := range entries {
		if e.IsDir() {
			t, err := LoadDir(filepath.Join(dir, e.Name()), LoadOptions{})
			if err != nil {
				b.Fatal(err)
			}
			targets = append(targets, t)
		}
	}
	every := func(id string, cat Category, sev Severity, step int, keyed bool) *Check {
		return &Check{ID: id, Category: cat, Severity: sev, Confidence: HighConfidence, Fix: "Fix it.",
			Run: func(p *Pass) error {
				for _, f := range p.Target.Files {
					for n := 1; n <= f.LineCount(); n += step {
						r := p.Reportf(f, At(n, 3), "dummy %s finding at %d", id, n)
						if keyed {
							r.Key = "key " + strconv.Itoa(n%7)
						}
					}
				}
				return nil
			}}
	}
	engine := &Engine{Checks: []*Check{
		every("dummy-a", CategoryInjection, High, 17, false),
		every("dummy-b", CategoryHygiene, Low, 23, true),
		every("dummy-c", CategorySupplyChain, Medium, 29, false),
	}}
	opts := AuditOptions{Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	b.ReportAllocs()
	var n int
	for b.Loop() {
		n = len(engine.Audit(targets, opts).Report.Findings)
	}
	b.ReportMetric(float64(n), "findings")
}
