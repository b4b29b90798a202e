package audit

import (
	"fmt"
	"runtime"
	"testing"
)

// TestFindingBlocksAcrossTargets: the blocks findings are carved from pass from target to target
// within a worker (the rest of one target's last block serves the next), and so do the blocks
// their lists are in (findingList): each target's findings, from none to a few blocks' worth,
// come out whole and its own, with one worker and with several.
func TestFindingBlocksAcrossTargets(t *testing.T) {
	counts := []int{0, 1, 3, 70, 1, 0, 129, 2, 64, 65, 5, 300, 0, 1, 400, 300, 127, 2, 1100, 1024, 0, 3, 897, 128, 1}
	many := &Check{ID: "many", Title: "t", Severity: Low, Confidence: HighConfidence, Category: CategoryHygiene,
		Run: func(p *Pass) error {
			var n int
			fmt.Sscanf(p.Target.Name, "t%d", &n)
			f := p.Target.Files[0]
			for i := range counts[n] {
				p.Reportf(f, At(i+1, 1), "target %d finding %d", n, i)
			}
			return nil
		}}
	for _, procs := range []int{1, 3} {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		var targets []*Target
		total := 0
		for n, c := range counts {
			tg := &Target{Kind: "dir", Name: fmt.Sprintf("t%d", n)}
			tg.AddSource(".github/workflows/ci.yml", []byte("on: push\n"))
			targets = append(targets, tg)
			total += c
		}
		rep := (&Engine{Checks: []*Check{many}}).Audit(targets, AuditOptions{}).Report
		if len(rep.Findings) != total {
			t.Fatalf("GOMAXPROCS %d: %d findings, want %d", procs, len(rep.Findings), total)
		}
		seen := map[string]bool{}
		for _, f := range rep.Findings {
			var n, i int
			fmt.Sscanf(f.Message, "target %d finding %d", &n, &i)
			if want := fmt.Sprintf("t%d/.github/workflows/ci.yml", n); f.File != want || f.Line != i+1 || f.Check != "many" || seen[f.Message] {
				t.Fatalf("GOMAXPROCS %d: finding %+v is not target %d's finding %d, or a repeat", procs, f, n, i)
			}
			seen[f.Message] = true
		}
	}
}

// TestPassPerCheck: the engine hands one Pass to each check in turn; what one check left in it
// (unknowns, its findings, its check) is not the next one's.
func TestPassPerCheck(t *testing.T) {
	var seen []string
	unsure := &Check{ID: "unsure", Title: "t", Severity: Low, Confidence: HighConfidence, Category: CategoryHygiene,
		Run: func(p *Pass) error {
			p.Unknown("cannot tell")
			p.Reportf(p.Target.Files[0], At(1, 1), "one")
			return nil
		}}
	quiet := &Check{ID: "quiet", Title: "t", Severity: Low, Confidence: HighConfidence, Category: CategoryHygiene,
		Run: func(p *Pass) error {
			seen = append(seen, fmt.Sprint(p.Check.ID, len(p.Findings()), len(p.unknown)))
			return nil
		}}
	tg := &Target{Kind: "dir", Name: "x"}
	tg.AddSource(".github/workflows/ci.yml", []byte("on: push\n"))
	res := (&Engine{Checks: []*Check{unsure, quiet, unsure, quiet}}).Audit([]*Target{tg}, AuditOptions{})
	if fmt.Sprint(seen) != "[quiet0 0 quiet0 0]" {
		t.Errorf("the quiet check saw %v, want its own empty passes", seen)
	}
	if len(res.Report.Findings) != 1 || len(res.Report.Skipped) != 2 {
		t.Errorf("findings %v, skipped %v: want unsure's one finding, and unsure partly unknown twice", res.Report.Findings, res.Report.Skipped)
	}
	for _, s := range res.Report.Skipped {
		if s.Check != "unsure" {
			t.Errorf("%s skipped: %s", s.Check, s.Reason)
		}
	}
}
