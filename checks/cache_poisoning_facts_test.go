package checks

import "testing"

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
