package checks

import (
	"strings"
	"testing"

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
