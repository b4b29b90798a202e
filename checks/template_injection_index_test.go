package checks

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/audit"
)

// tiMayExpandAll reports whether a value holds a placeholder that tiSafeExpr does not find safe.
func tiMayExpandAll(v string) bool {
	for off := 0; ; {
		i := strings.Index(v[off:], "${{")
		if i < 0 {
			return false
		}
		off += i + 3
		if !tiSafeExpr(v[off:]) {
			return true
		}
	}
}

// tiSteps lists the steps that tiEachStep visits.
func tiSteps(file *audit.File, ph *tiPlaceholders) []audit.StepRef {
	var out []audit.StepRef
	tiEachStep(file, ph, func(ref audit.StepRef, _ tiSink, _ int) {
		out = append(out, ref)
	})
	return out
}

// TestTiStepPruning checks that tiSteps returns, in the order of File.Steps, every step whose
// code holds a placeholder that may read attacker-controlled data: one that tiSafeExpr does not
// find safe, and that resolves to a source in the step's scope, where a matrix is resolved value
// by value, without the index.
func TestTiStepPruning(t *testing.T) {
	visited, matrixSkipped := 0, 0
	for _, f := range secwTestFiles(t) {
		ph := tiPlaceholdersOf(f)
		got := tiSteps(f, ph)
		visited += len(got)
		k := 0
		for _, ref := range f.Steps() {
			if k < len(got) && got[k] == ref {
				k++
				continue
			}
			sink, ok := stepSink(ref)
			if !ok || !tiMayExpandAll(sink.value.Value) {
				continue
			}
			sc := tiScope{file: f, wf: f.Workflow, job: ref.Job, step: ref.Step}
			if sc.mayHaveSource(sink.value.Value) {
				t.Errorf("%s: %s holds %q, tiSteps skips it", f.Path, ref.Label(), sink.value.Value)
			}
			matrixSkipped++
		}
		if k != len(got) {
			t.Errorf("%s: tiSteps is not in the order of File.Steps", f.Path)
		}
		if len(ph.lines) == 0 && len(ph.matrix) == 0 {
			for _, ref := range f.Steps() {
				if sink, ok := stepSink(ref); ok && tiMayExpandAll(sink.value.Value) {
					t.Errorf("%s: %s holds %q, the index no placeholder", f.Path, ref.Label(), sink.value.Value)
				}
			}
		}
	}
	t.Logf("steps visited: %d; skipped for their matrix reads: %d", visited, matrixSkipped)
	if matrixSkipped == 0 {
		t.Error("no step skipped for its matrix reads: the test files no longer test it")
	}
}

// TestTiPlainSafe checks the plain safe reads.
func TestTiPlainSafe(t *testing.T) {
	for text, want := range map[string]bool{
		" secrets.X }}":           true,
		"github.sha}}":            true,
		" GitHub.Event_Name }}":   true,
		" github.head_ref }}":     false,
		" github.HEAD_REF }}":     false,
		" github.event.x }}":      false,
		" github }}":              false,
		" matrix.os }}":           false,
		" secrets.X || 'a' }}":    false,
		" secrets.X\n }}":         false,
		" vars.A.b-c }} ${{ x }}": true,
		" job.status":             false,
	} {
		if got := tiPlainSafe([]byte(text)); got != want {
			t.Errorf("tiPlainSafe(%q) = %v", text, got)
		}
	}
}

// TestTiAliases checks which sources may hold an alias of an anchor.
func TestTiAliases(t *testing.T) {
	for src, want := range map[string]bool{
		"a: &x 1\nb: *x\n":                 true,
		"&x a: 1\nb: *x\n":                 true,
		"a: [&x 1, *x]\n":                  true,
		"a: {\"k\":&x 1, j: *x}\n":         true,
		"a: &x\n  - 1\nb: *x\n":            true,
		"run: a && b *&\n":                 true, // "&" after a blank names an anchor "&"
		"run: make a&&ls *b\n":             false,
		"run: curl 'u?a=1&b=2' && ls *b\n": false,
		"a: &x 1\nb: *y\n":                 false,
	} {
		if got := tiAliases([]byte(src)); got != want {
			t.Errorf("tiAliases(%q) = %v", src, got)
		}
	}
}

// tiAliases is tiAliased with the anchors tiMarks finds in src.
func tiAliases(src []byte) bool {
	_, anchors := tiMarks(src)
	return tiAliased(src, anchors)
}

// TestTiSinkExprsLocated checks that the placeholders sinkExprs keeps have the text, node kind and
// position that File.ExprsOf gives them (tiLocate finds each among the file's "${{" offsets).
func TestTiSinkExprsLocated(t *testing.T) {
	checked := 0
	tiEachSink(secwTestFiles(t), func(sc tiScope, sink tiSink) {
		f := sc.file
		all := f.ExprsOf(sink.value)
		for _, e := range sc.sinkExprs(sink.value, nil) {
			k := 0
			for k < len(all) && all[k].Offset != e.Offset {
				k++
			}
			if k == len(all) {
				t.Errorf("%s:%d: placeholder at offset %d not found by ExprsOf", f.Path, e.Line, e.Offset)
				continue
			}
			w := all[k]
			if e.Raw != w.Raw || e.Text != w.Text || e.Line != w.Line || e.Col != w.Col || (e.Node == nil && e.path == "") != (w.Node == nil) {
				t.Errorf("%s: sinkExprs gives %q %q at %d:%d, ExprsOf %q %q at %d:%d", f.Path, e.Raw, e.Text, e.Line, e.Col, w.Raw, w.Text, w.Line, w.Col)
			}
			checked++
		}
	})
	t.Logf("%d placeholders checked", checked)
	if checked < 50 {
		t.Errorf("only %d placeholders checked", checked)
	}
}

// tiEachSink calls visit with the scope of each step of the files that has a sink, and the sink,
// in turn, as runTemplateInjection enters them (tiResolved kept from step to step).
func tiEachSink(files []*audit.File, visit func(sc tiScope, sink tiSink)) {
	var resolved tiResolved
	for _, f := range files {
		ph := tiPlaceholdersOf(f)
		for _, ref := range f.Steps() {
			sink, ok := stepSink(ref)
			if !ok {
				continue
			}
			resolved.enter(f, ref.Job)
			visit(tiScope{file: f, wf: f.Workflow, job: ref.Job, step: ref.Step, ph: ph, jobEnd: -1, resolved: &resolved}, sink)
		}
	}
}

// TestTiLineSet checks tiLineSet.holds against a look at each line of the range, on random lists.
func TestTiLineSet(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 100000 {
		var lists [2][]int32 // lines, matrix
		for k := range lists {
			l := int32(0)
			for n := r.IntN(6); n > 0; n-- {
				l += int32(r.IntN(90)) // ascending, may repeat
				lists[k] = append(lists[k], l)
			}
		}
		set := tiLineSetOf(lists[0], lists[1])
		first := r.IntN(320) - 2
		last := first + r.IntN(200) - 3
		if r.IntN(4) == 0 {
			last = -1
		}
		matrix := r.IntN(2) == 0
		want := false
		for k, ls := range lists {
			for _, l := range ls {
				want = want || (k == 0 || matrix) && int(l) >= first && (last < 0 || int(l) <= last)
			}
		}
		if got := set.holds(first, last, matrix); got != want {
			t.Fatalf("holds(%d, %d, %v) of %v = %v, want %v", first, last, matrix, lists, got, want)
		}
	}
}
