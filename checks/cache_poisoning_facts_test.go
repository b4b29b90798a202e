package checks

import (
	"testing"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

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

// TestPcRegistryMask holds pcFacts.registryMask, which leaves pcPublishMask uncomputed for a
// script with neither push nor upload, to the whole mask on what utpRun asks of it (the words of
// pcGateWords and mayPublishToRegistry), on the corpus's steps and on random texts of the words'
// pieces in any case.
func TestPcRegistryMask(t *testing.T) {
	same := func(where string, got, want pcWords) {
		t.Helper()
		if got&pcGateWords != want&pcGateWords || got.mayPublishToRegistry() != want.mayPublishToRegistry() {
			t.Fatalf("%s: registryMask = %b, whole mask %b", where, got, want)
		}
	}
	asked := 0
	for _, tg := range corpusTargets(t) {
		for _, file := range tg.Files {
			facts := pcFactsOf(file)
			for k, s := range file.Steps() {
				if facts.steps[k].mask&pcGateWords == 0 || s.Job == nil {
					continue
				}
				asked++
				same(file.Path, facts.registryMask(k, s), pcPublishMask(s.Run().Run.Value))
			}
		}
	}
	if asked < 100 {
		t.Fatalf("only %d corpus steps asked", asked)
	}
	check := func(text string) {
		t.Helper()
		g := pcGate(text)
		if g == 0 {
			return
		}
		f := &pcFacts{steps: []pcStep{{mask: g}}}
		s := audit.StepRef{Step: &actionlint.Step{Exec: &actionlint.ExecRun{Run: &actionlint.String{Value: text}}}}
		for range 2 { // computed, then remembered
			same(text, f.registryMask(0, s), pcPublishMask(text))
		}
	}
	pieces := []string{"publish", "PUSH", "push", "upload", "Upload", "release", "deploy", "gem", "GEM", "twine", "Twine",
		"dotnet", "nuget", "NuGet", "docker", "podman", "gh", "mvn", " ", "\n", "-", "x"}
	shellRandomTexts(7, 50000, 8, pieces, check)
}
