package checks

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rampart-sec/rampart/audit"
)

// corpusTargets loads every repository folder of the shared corpus (../shared/corpus/real beside
// the module root, or $RAMPART_CORPUS), or skips the test or benchmark without it.
func corpusTargets(tb testing.TB) []*audit.Target {
	tb.Helper()
	dir := os.Getenv("RAMPART_CORPUS")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "corpus", "real")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		tb.Skip("corpus not found")
	}
	var targets []*audit.Target
	for _, e := range entries {
		if e.IsDir() {
			t, err := audit.LoadDir(filepath.Join(dir, e.Name()), audit.LoadOptions{})
			if err != nil {
				tb.Fatal(err)
			}
			targets = append(targets, t)
		}
	}
	return targets
}

// corpusSources is the source of every workflow and action.yml of the corpus.
func corpusSources(tb testing.TB) [][]byte {
	var srcs [][]byte
	for _, t := range corpusTargets(tb) {
		for _, f := range t.Files {
			if f.Workflow != nil || f.Action != nil {
				srcs = append(srcs, f.Source)
			}
		}
	}
	return srcs
}

// cloneTargets copies the loaded targets with nothing memoized (audit.Target.Clone), for a
// benchmark round; prepare, when set, is called on each copied file (to build what the engine's
// other checks would have built already).
func cloneTargets(targets []*audit.Target, prepare func(*audit.File)) []*audit.Target {
	fresh := make([]*audit.Target, len(targets))
	for i, t := range targets {
		fresh[i] = t.Clone()
		if prepare != nil {
			for _, f := range fresh[i].Files {
				prepare(f)
			}
		}
	}
	return fresh
}
