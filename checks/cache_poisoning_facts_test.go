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

// TestPcPublishKinds checks that runCachePoisoning's pass over the steps, which asks pcPublishes
// only of the steps whose pcFacts say they may publish (an action of pcfPublish, or a script
// with a word of pcGateWords), misses none: every step of the fixtures and of the corpus that
// pcPublishes finds publishing is one of them.
func TestPcPublishKinds(t *testing.T) {
	files := secwTestFiles(t)
	for _, tg := range corpusTargets(t) {
		files = append(files, tg.Files...)
	}
	found := 0
	for _, file := range files {
		if file.Workflow == nil {
			continue
		}
		facts := pcFactsOf(file)
		for k, s := range file.Steps() {
			if s.Job == nil {
				continue
			}
			var m pcWords
			if r := s.Run(); r != nil && r.Run != nil {
				m = pcPublishMaskOf(r.Run.Value)
			}
			if pcPublishes(s, m) == "" {
				continue
			}
			found++
			if st := facts.steps[k]; st.kind&pcfPublish == 0 && st.mask == 0 {
				t.Errorf("%s: step %d publishes (%s), but its facts say it cannot", file.Path, k, pcPublishes(s, m))
			}
		}
	}
	t.Logf("%d publishing steps", found)
}
