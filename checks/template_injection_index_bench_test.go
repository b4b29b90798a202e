package checks

import (
	"testing"

	"github.com/rampart-sec/rampart/audit"
)

// BenchmarkTIScanPlaceholders is the placeholder index of every workflow and action of the corpus
// (the search for "${{" included, which the index shares with other checks).
func BenchmarkTIScanPlaceholders(b *testing.B) {
	var srcs [][]byte
	for _, t := range corpusTargets(b) {
		for _, f := range t.Files {
			if f.Workflow != nil || f.Action != nil {
				srcs = append(srcs, f.Source)
			}
		}
	}
	for b.Loop() {
		for _, s := range srcs {
			tiScanPlaceholders(&audit.File{Source: s})
		}
	}
}
