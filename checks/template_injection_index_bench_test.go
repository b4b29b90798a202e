package checks

import (
	"testing"

	"github.com/rampart-sec/rampart/audit"
)

// BenchmarkTIScanPlaceholders is the placeholder index of every workflow and action of the corpus
// (the search for "${{" included, which the index shares with other checks).
func BenchmarkTIScanPlaceholders(b *testing.B) {
	srcs := corpusSources(b)
	for b.Loop() {
		for _, s := range srcs {
			tiScanPlaceholders(&audit.File{Source: s})
		}
	}
}
