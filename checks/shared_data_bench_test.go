package checks

import (
	"testing"

	"github.com/rampart-sec/rampart/audit"
)

// BenchmarkSharedData measures, over the shared corpus (../shared/corpus/real beside the module
// root, or $RAMPART_CORPUS), each piece of per-file data the checks share, on fresh copies of the
// loaded targets each time: what the first check to ask pays.
func BenchmarkSharedData(b *testing.B) {
	targets := corpusTargets(b)
	fresh := func(b *testing.B, prepare func(f *audit.File)) []*audit.File {
		b.StopTimer()
		defer b.StartTimer()
		var files []*audit.File
		for _, t := range targets {
			for _, f := range t.Clone().Files {
				if prepare != nil {
					prepare(f)
				}
				files = append(files, f)
			}
		}
		return files
	}
	run := func(name string, prepare, measure func(f *audit.File)) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, f := range fresh(b, prepare) {
					measure(f)
				}
			}
		})
	}
	run("placeholders", nil, func(f *audit.File) { tiPlaceholdersOf(f) })
	run("lines", nil, func(f *audit.File) { f.LineCount() })
	run("jobs", nil, func(f *audit.File) { f.Jobs() })
	run("steps", func(f *audit.File) { f.Jobs() }, func(f *audit.File) { f.Steps() })
	run("strings", func(f *audit.File) { f.Jobs() }, func(f *audit.File) { f.Strings() })
	run("exprs", func(f *audit.File) { f.Strings(); f.LineCount() }, func(f *audit.File) {
		for _, r := range f.Strings() {
			f.ExprsOf(r.S)
		}
	})
	run("scripts", func(f *audit.File) { f.Steps() }, func(f *audit.File) { shellScriptsOf(f) })
	run("words", func(f *audit.File) { shellScriptsOf(f) }, func(f *audit.File) {
		for _, s := range shellScriptsOf(f) {
			s.Words()
		}
	})
}
