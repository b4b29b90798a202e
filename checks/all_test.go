package checks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rampart-sec/rampart/audit/audittest"
)

// TestRegistry guards the registry: unique kebab-case ids, full metadata, fixtures for each check.
func TestRegistry(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range All() {
		if err := c.Validate(); err != nil {
			t.Error(err)
		}
		if seen[c.ID] {
			t.Errorf("duplicate check id %q", c.ID)
		}
		seen[c.ID] = true
		if st, err := os.Stat(filepath.Join("..", "testdata", c.ID)); err != nil || !st.IsDir() {
			t.Errorf("check %q has no testdata/%s/ fixtures", c.ID, c.ID)
		}
		if z, ok := c.Equivalents["zizmor"]; ok && z != c.ID && !strings.Contains(z, " ") {
			// A check with zizmor's hazard must use zizmor's id (SPEC.md).
			t.Errorf("check %q: zizmor calls the same hazard %q; use that id", c.ID, z)
		}
	}
}

// TestFixtures runs every check over its annotated fixtures.
func TestFixtures(t *testing.T) {
	for _, c := range All() {
		t.Run(c.ID, func(t *testing.T) {
			audittest.Run(t, filepath.Join("..", "testdata", c.ID), c)
		})
	}
}

// TestDocExamples audits each check's documented examples: the bad one is flagged, the good one is not.
func TestDocExamples(t *testing.T) {
	for _, c := range All() {
		t.Run(c.ID, func(t *testing.T) {
			for _, ex := range []struct {
				src  string
				want bool
			}{{c.Bad, true}, {c.Good, false}} {
				tg := &audit.Target{Kind: "dir", Name: "doc"}
				if c.ExampleConfig != "" {
					cfg, err := audit.ParseConfig([]byte(c.ExampleConfig), IDs())
					if err != nil {
						t.Fatalf("example config: %v", err)
					}
					tg.Config = cfg
				}
				tg.AddSource(c.ExampleFile(), []byte(ex.src))
				if len(tg.Errors) > 0 {
					t.Errorf("example does not parse: %+v", tg.Errors)
				}
				rep := audittest.Audit(tg, c)
				if c.Online {
					// Examples are audited without API access: an online check must find nothing
					// and say it was skipped; its txtar fixtures cover found, clean and unknown.
					if len(rep.Findings) > 0 || len(rep.Skipped) == 0 {
						t.Errorf("online check without API: findings %+v, skipped %+v; want none and skipped", rep.Findings, rep.Skipped)
					}
					continue
				}
				if got := len(rep.Findings) > 0; got != ex.want {
					t.Errorf("example flagged=%v, want %v:\n%s\nfindings: %+v", got, ex.want, ex.src, rep.Findings)
				}
			}
		})
	}
}
