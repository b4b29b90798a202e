package fix_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rampart-sec/rampart/checks"
	"github.com/rampart-sec/rampart/fix"
)

var update = flag.Bool("update", false, "rewrite the .after.yml, .diff and .out goldens of testdata/fix")

// fixer is the Fixer of the fixture tests: offline, every confidence, one check, and the pin
// map of testdata/fix/unpinned-uses.
func fixer(t *testing.T, id string) *fix.Fixer {
	t.Helper()
	pm, err := fix.LoadPinMap(filepath.Join("..", "testdata", "fix", "unpinned-uses", "pins.yml"))
	if err != nil {
		t.Fatal(err)
	}
	return &fix.Fixer{Checks: checks.All(), Only: map[string]bool{id: true}, Persona: "auditor",
		MinConfidence: audit.LowConfidence, Resolver: pm,
		Options: audit.AuditOptions{OfflineReason: "offline", Now: time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)}}
}

func target(path string, src []byte) *audit.Target {
	t := &audit.Target{Kind: "dir", Name: "."}
	t.AddSource(path, src)
	return t
}

// run fixes one workflow and returns the fixed source, the diff and the outcomes as text.
func run(t *testing.T, fx *fix.Fixer, src []byte) (after []byte, diff, out string, res *fix.Result) {
	t.Helper()
	const path = ".github/workflows/example.yml"
	res, err := fx.Fix(target(path, src))
	if err != nil {
		t.Fatal(err)
	}
	after = src
	var d bytes.Buffer
	for _, c := range res.Changes {
		after = c.After
		if err := fix.WriteDiff(&d, c); err != nil {
			t.Fatal(err)
		}
	}
	var o strings.Builder
	for _, oc := range res.Outcomes {
		fmt.Fprintf(&o, "%d:%d: %s %s: %s\n", oc.Finding.Line, oc.Finding.Column, oc.Status, oc.Finding.Check, oc.Note)
	}
	fmt.Fprintf(&o, "remaining: %d\n", len(res.Remaining))
	return after, d.String(), o.String(), res
}

// TestFixtures fixes each testdata/fix/<check>/NAME.before.yml with that check's fix alone and
// compares the result with NAME.after.yml, the unified diff with NAME.diff and the outcomes with
// NAME.out; it then fixes the result again, which must change nothing.
func TestFixtures(t *testing.T) {
	for _, id := range fix.Fixable() {
		dir := filepath.Join("..", "testdata", "fix", id)
		befores, _ := filepath.Glob(filepath.Join(dir, "*.before.yml"))
		if len(befores) == 0 {
			t.Errorf("no fixtures in %s", dir)
		}
		for _, b := range befores {
			name := strings.TrimSuffix(filepath.Base(b), ".before.yml")
			t.Run(id+"/"+name, func(t *testing.T) {
				src, err := os.ReadFile(b)
				if err != nil {
					t.Fatal(err)
				}
				fx := fixer(t, id)
				after, diff, out, _ := run(t, fx, src)
				base := filepath.Join(dir, name)
				golden(t, base+".after.yml", string(after))
				golden(t, base+".diff", diff)
				golden(t, base+".out", out)
				again, _, _, res := run(t, fx, after)
				if !bytes.Equal(again, after) {
					t.Errorf("fixing the fixed file changes it again:\n%s", again)
				}
				for _, oc := range res.Outcomes {
					if oc.Status == "fixed" {
						t.Errorf("fixing the fixed file fixes %s again", oc.Finding.Check)
					}
				}
			})
		}
	}
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./fix/ -update)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs:\n--- want\n%s\n--- got\n%s", filepath.Base(path), want, got)
	}
}
