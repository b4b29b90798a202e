package checks

import (
	"testing"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// TestPcUsesName holds pcUsesName to pcUses on crafted values and on every uses: of the fixtures.
func TestPcUsesName(t *testing.T) {
	values := []string{
		"actions/cache@v4", " Actions/Cache@v4 ", "actions/cache/@v4", "actions/cache", "./local", "docker://alpine",
		"o/r@${{ x }}", "o/r@v1$", "O/R@V1", "o/r@v1@X", "ö/r@v1", "o/\u212a@v1", "", "@", "o/r/@", "$", "o/r@v1 ${{",
	}
	for _, f := range secwTestFiles(t) {
		for _, s := range f.Steps() {
			if a := s.Uses(); a != nil && a.Uses != nil {
				values = append(values, a.Uses.Value)
			}
		}
	}
	for _, v := range values {
		s := audit.StepRef{Step: &actionlint.Step{Exec: &actionlint.ExecAction{Uses: &actionlint.String{Value: v}}}}
		want, _, _, wantOK := pcUses(s)
		if got, ok := pcUsesName(s); got != want || ok != wantOK {
			t.Errorf("pcUsesName(%q) = %q, %v; want %q, %v", v, got, ok, want, wantOK)
		}
	}
}
