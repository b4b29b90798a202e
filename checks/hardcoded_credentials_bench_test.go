package checks

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rampart-sec/rampart/audit"
)

// hcCorpus loads the shared corpus (../shared/corpus/real beside the module root, or
// $RAMPART_CORPUS), or skips the benchmark without it.
func hcCorpus(b testing.TB) []*audit.Target {
	dir := os.Getenv("RAMPART_CORPUS")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "corpus", "real")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		b.Skip("corpus not found")
	}
	var targets []*audit.Target
	for _, e := range entries {
		if e.IsDir() {
			t, err := audit.LoadDir(filepath.Join(dir, e.Name()), audit.LoadOptions{})
			if err != nil {
				b.Fatal(err)
			}
			targets = append(targets, t)
		}
	}
	return targets
}

// BenchmarkHardcodedCredentials runs the check over the corpus on fresh copies of the loaded
// targets, with what the engine's other checks build (steps, jobs, line starts) built beforehand.
func BenchmarkHardcodedCredentials(b *testing.B) {
	targets := hcCorpus(b)
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		fresh := make([]*audit.Target, len(targets))
		for i, t := range targets {
			fresh[i] = t.Clone()
			for _, f := range fresh[i].Files {
				f.Steps()
				f.Jobs()
				f.PosAt(0)
			}
		}
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
	var srcs [][]byte
	for _, t := range hcCorpus(b) {
		for _, f := range t.Files {
			if f.Workflow != nil || f.Action != nil {
				srcs = append(srcs, f.Source)
			}
		}
	}
	for b.Loop() {
		for _, s := range srcs {
			hcCandidates(s)
		}
	}
}
