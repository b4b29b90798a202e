package checks

import (
	"strings"
	"testing"
)

// TestTiStepPruning checks that every step whose code holds a placeholder is one that
// template-injection visits: a placeholder line lies between its position and the next step's.
func TestTiStepPruning(t *testing.T) {
	for _, f := range secwTestFiles(t) {
		ph := tiPlaceholdersOf(f)
		steps := f.Steps()
		for i, ref := range steps {
			sink, ok := stepSink(ref)
			if !ok || !strings.Contains(sink.value.Value, "${{") {
				continue
			}
			if len(ph.lines) == 0 {
				t.Errorf("%s: %s holds a placeholder, the index none", f.Path, ref.Label())
				continue
			}
			if !ph.exact || ref.Step.Pos == nil {
				continue
			}
			last := -1
			if i+1 < len(steps) && steps[i+1].Step.Pos != nil && steps[i+1].Step.Pos.Line >= ref.Step.Pos.Line {
				last = steps[i+1].Step.Pos.Line
			}
			if !ph.tiLinesIn(ref.Step.Pos.Line, last) {
				t.Errorf("%s: %s holds a placeholder, its lines %d-%d none", f.Path, ref.Label(), ref.Step.Pos.Line, last)
			}
		}
	}
}
