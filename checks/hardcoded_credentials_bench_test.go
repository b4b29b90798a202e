package checks

import (
	"testing"

	"github.com/rampart-sec/rampart/audit"
)

// BenchmarkHardcodedCredentials runs the check over the corpus on fresh copies of the loaded
// targets, with what the engine's other checks build (steps, jobs, line starts) built beforehand.
func BenchmarkHardcodedCredentials(b *testing.B) {
	targets := corpusTargets(b)
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		fresh := cloneTargets(targets, func(f *audit.File) { f.Steps(); f.Jobs(); f.PosAt(0) })
		b.StartTimer()
		for _, t := range fresh {
			if err := HardcodedCredentials.Run(&audit.Pass{Check: HardcodedCredentials, Target: t}); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkHCCandidates is the byte scan of every file's source alone.
func BenchmarkHCCandidates(b *testing.B) {
	srcs := corpusSources(b)
	for b.Loop() {
		for _, s := range srcs {
			hcCandidates(s, false)
		}
	}
}
