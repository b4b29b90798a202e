package checks

import (
	"os"
	"testing"

	"github.com/rampart-sec/rampart/audit"
)

// BenchmarkScriptChecks runs the checks that read run: scripts over the shared corpus
// (../shared/corpus/real beside the module root, or $RAMPART_CORPUS), on fresh copies of the
// loaded targets each time, so that nothing memoized carries over.
func BenchmarkScriptChecks(b *testing.B) {
	targets := corpusTargets(b)
	cs := []*audit.Check{GitHubEnv, CachePoisoning, ArtifactPoisoning, InsecureCommands, DownloadThenRun, UnpinnedTools, UseTrustedPublishing}
	if os.Getenv("RAMPART_SCRIPT_ONLY") != "" {
		cs = []*audit.Check{DownloadThenRun}
	}
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		fresh := cloneTargets(targets, func(f *audit.File) { f.Steps() }) // the engine's other checks have built these
		b.StartTimer()
		for _, t := range fresh {
			for _, c := range cs {
				if err := c.Run(&audit.Pass{Check: c, Target: t}); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
}

// BenchmarkShellScanWords runs the word scan over every script of the shared corpus.
func BenchmarkShellScanWords(b *testing.B) {
	texts, n := corpusScriptTexts(b), 0
	for _, text := range texts {
		n += len(text)
	}
	b.SetBytes(int64(n))
	for b.Loop() {
		for _, text := range texts {
			var w shellWords
			shellScanWords(&w, text)
		}
	}
}
