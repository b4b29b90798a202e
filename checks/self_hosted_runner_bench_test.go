package checks

import (
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// BenchmarkShrClassify classifies the runner of every job of the corpus.
func BenchmarkShrClassify(b *testing.B) {
	var jobs []*actionlint.Job
	for _, t := range corpusTargets(b) {
		for _, f := range t.Workflows() {
			for _, j := range f.Jobs() {
				if j.RunsOn != nil {
					jobs = append(jobs, j)
				}
			}
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, j := range jobs {
			shrClassify(j)
		}
	}
}

// BenchmarkShrExpand expands every runs-on expression of the corpus.
func BenchmarkShrExpand(b *testing.B) {
	type use struct {
		j *actionlint.Job
		v string
	}
	var uses []use
	for _, t := range corpusTargets(b) {
		for _, f := range t.Workflows() {
			for _, j := range f.Jobs() {
				if j.RunsOn != nil && j.RunsOn.LabelsExpr != nil {
					uses = append(uses, use{j, strings.TrimSpace(j.RunsOn.LabelsExpr.Value)})
				}
			}
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, u := range uses {
			shrExpand(u.j, u.v)
		}
	}
}

// benchInPlace times one check as the full audit runs it: on fresh copies of the corpus, after the
// checks before it in All have run untimed (and filled the memos they share). Its figures are above
// TestTogetherTimes' (a copy's first reads of the tree are cold), but its profiles show the check.
func benchInPlace(b *testing.B, c *audit.Check) {
	targets := corpusTargets(b)
	var before []*audit.Check
	for _, x := range All() {
		if x == c {
			break
		}
		before = append(before, x)
	}
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		fresh := cloneTargets(targets, nil)
		(&audit.Engine{Checks: before}).Audit(fresh, audit.AuditOptions{})
		b.StartTimer()
		for _, t := range fresh {
			_ = c.Run(&audit.Pass{Check: c, Target: t})
		}
	}
}

func BenchmarkInPlaceBotConditions(b *testing.B)     { benchInPlace(b, BotConditions) }
func BenchmarkInPlaceDangerousTriggers(b *testing.B) { benchInPlace(b, DangerousTriggers) }
func BenchmarkInPlaceSelfHostedRunner(b *testing.B)  { benchInPlace(b, SelfHostedRunner) }
