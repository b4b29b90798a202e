package audit_test

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rampart-sec/rampart/checks"
)

// TestScoreIsScoreBeforeOnCorpus holds Score to the first way of scoring on the findings of the
// shared corpus (../shared/corpus/real beside the module root, or $RAMPART_CORPUS): as reported,
// shuffled, and twice over (as when one folder is audited twice: equal fingerprints, whose
// points the sort's order of them decides).
func TestScoreIsScoreBeforeOnCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("audits the whole corpus")
	}
	dir := os.Getenv("RAMPART_CORPUS")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "corpus", "real")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Skip("corpus not found")
	}
	var loaders []audit.TargetLoader
	for _, e := range entries {
		if e.IsDir() {
			p := filepath.Join(dir, e.Name())
			loaders = append(loaders, func() (*audit.Target, error) { return audit.LoadDir(p, audit.LoadOptions{}) })
		}
	}
	res, err := (&audit.Engine{Checks: checks.All()}).AuditStream(loaders, audit.AuditOptions{Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), OfflineReason: "offline"})
	if err != nil {
		t.Fatal(err)
	}
	known := map[audit.Category]bool{}
	for _, c := range res.Report.Categories {
		known[c.ID] = c.Known
	}
	fs := res.Report.Findings
	if len(fs) < 1000 {
		t.Fatalf("only %d findings in the corpus", len(fs))
	}
	shuffled := append([]audit.Finding(nil), fs...)
	rand.New(rand.NewSource(13)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	for _, set := range [][]audit.Finding{fs, shuffled, append(append([]audit.Finding(nil), fs...), fs...)} {
		got, want := audit.Score(set, known), audit.ScoreBefore(set, known)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("Score differs from before on the corpus's %d findings:\n got %v\nwant %v", len(set), got, want)
		}
	}
}
