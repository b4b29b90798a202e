package checks

import (
	"path"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// tiVerdict sums up what the local callers pass for one input.
type tiVerdict struct {
	callers int
	// constant is true when every caller passes a constant (or a value that is never
	// attacker-controlled, or leaves a constant default).
	constant bool
	// attacker is the worst caller passing attacker-controlled data, with its rating.
	attacker *tiCallerHit
	related  []audit.Location
}

type tiCallerHit struct {
	file   string
	passed string // the context the caller passes, as written
	rating tiRating
}

// verdict classifies what the callers of callee pass for input (lower case) with the check's
// rating of each caller's expressions under the caller's own triggers.
func (ix *tiCallIndex) verdict(t *audit.Target, callee *audit.File, input string) tiVerdict {
	key := tiVerdictKey{callee, input}
	if v, ok := ix.verdicts[key]; ok {
		return v
	}
	if ix.verdicts == nil {
		ix.verdicts = map[tiVerdictKey]tiVerdict{}
	}
	// A placeholder while the callers are looked at: a chain of actions that comes back to this
	// input (which could never run) finds no caller here instead of looping.
	ix.verdicts[key] = tiVerdict{}
	v := tiVerdict{constant: true}
	for _, c := range ix.calls(t, callee) {
		v.callers++
		val := c.with(input)
		if val == nil {
			if d := tiInputDefault(callee, input); d != nil && strings.Contains(d.Value, "${{") {
				v.constant = false // a default computed by an expression: left as the caller sets it
			}
			continue
		}
		var srcs []tiSource
		for _, n := range tiExprNodes(c.sc.file, val.Value) {
			srcs = append(srcs, c.sc.sources(n)...)
		}
		if len(srcs) == 0 {
			continue
		}
		// A caller that is itself a composite action or a reusable workflow may pass on its own
		// inputs: what its callers pass for them decides, followed up the chain. When every
		// source is such an input that all callers up the chain set to constants, so is this one.
		var worst *tiCallerHit
		var chain []audit.Location
		passedOn := true
		for _, s := range srcs {
			name, ok := tiPassedOnInput(s)
			if !ok {
				passedOn = false
				continue
			}
			up := ix.verdict(t, c.sc.file, name)
			if up.callers == 0 || !up.constant {
				passedOn = false
			}
			if up.attacker != nil && (worst == nil || up.attacker.rating.severity > worst.rating.severity) {
				h := *up.attacker
				h.passed += " through " + tiCallerName(c.sc.file)
				worst, chain = &h, up.related
			}
		}
		if passedOn {
			continue
		}
		v.constant = false
		trig := tiTriggers{any: true}
		if c.sc.file.Workflow != nil {
			trig = workflowTriggers(c.sc.file)
		}
		for _, s := range srcs {
			if s.kind != tiAttacker {
				continue
			}
			if r := rateSource(s, trig); r.unset == "" && (worst == nil || r.severity > worst.rating.severity) {
				worst = &tiCallerHit{file: c.sc.file.Path, passed: tiSpell(s.path, val.Value), rating: r}
			}
		}
		if worst == nil {
			continue
		}
		if g := tiJobGate(c.sc.file, c.sc.job); g != "" {
			worst.rating.severity, worst.rating.gate = tiLower(worst.rating.severity), "the calling job runs only if "+g
		}
		v.related = append(v.related, chain...)
		v.related = append(v.related, audit.Location{File: c.sc.file.Path, Line: val.Pos.Line, Column: val.Pos.Col,
			Note: "passes " + worst.passed + " as inputs." + input})
		if v.attacker == nil || worst.rating.severity > v.attacker.rating.severity {
			v.attacker = worst
		}
	}
	ix.verdicts[key] = v
	return v
}

// tiPassedOnInput returns the input a caller passes on when a source of its value is one of its
// own inputs (inputs.NAME of a composite action or of workflow_call), NAME lower-cased.
func tiPassedOnInput(s tiSource) (string, bool) {
	if s.kind != tiCaller {
		return "", false
	}
	name, ok := strings.CutPrefix(s.path, "inputs.")
	if !ok || name == "" || name == "*" || strings.Contains(name, ".") {
		return "", false
	}
	return name, true
}

// tiCallerName names a calling action by its folder, a calling workflow by its file.
func tiCallerName(f *audit.File) string {
	if f.Action != nil {
		return path.Dir(f.Path)
	}
	return f.Path
}

// tiInputDefault returns the default of a reusable workflow's or composite action's input.
func tiInputDefault(f *audit.File, input string) *actionlint.String {
	if f.Action != nil {
		if in := f.Action.Inputs[input]; in != nil {
			return in.Default
		}
		return nil
	}
	for _, ev := range f.Workflow.On {
		if wc, ok := ev.(*actionlint.WorkflowCallEvent); ok {
			for _, in := range wc.Inputs {
				if in.ID == input {
					return in.Default
				}
			}
		}
	}
	return nil
}

// withCallers revises the sources and rating of a finding in a reusable workflow or composite
// action with what its local callers pass for the inputs it reads: attacker-controlled data
// from some caller raises it to that caller's rating; constants from every caller lower it,
// under .github/ only: an action elsewhere in the repository (action.yml at its root) is
// published, and its callers are mostly in other repositories.
func (ix *tiCallIndex) withCallers(t *audit.Target, file *audit.File, srcs []tiSource, r tiRating, trig tiTriggers) ([]tiSource, tiRating) {
	best, constant, any := -1, true, false
	var hit *tiCallerHit
	var related []audit.Location
	for i, s := range srcs {
		if s.kind != tiCaller {
			continue
		}
		name, ok := strings.CutPrefix(s.path, "inputs.")
		if !ok || name == "*" || strings.Contains(name, ".") {
			constant = false
			continue
		}
		v := ix.verdict(t, file, name)
		if v.callers == 0 {
			constant = false
			continue
		}
		any = true
		constant = constant && v.constant
		if v.attacker != nil && (hit == nil || v.attacker.rating.severity > hit.rating.severity) {
			best, hit = i, v.attacker
		}
		related = append(related, v.related...)
	}
	switch {
	case hit != nil && (hit.rating.severity > r.severity || hit.rating.severity == r.severity && srcs[0].kind <= tiCaller):
		s := srcs[best]
		s.kind, s.caller, s.passed = tiAttacker, hit.file, hit.passed
		out := append([]tiSource{s}, srcs[:best]...)
		out = append(out, srcs[best+1:]...)
		hit.rating.related = related
		return out, hit.rating
	case any && constant && srcs[0].kind == tiCaller && strings.HasPrefix(file.Path, ".github/"):
		var rest []tiSource
		for _, s := range srcs {
			if s.kind != tiCaller {
				rest = append(rest, s)
			}
		}
		if len(rest) > 0 {
			return rest, rateSource(rest[0], trig)
		}
		srcs[0].constCallers = true
		return srcs, tiRating{severity: audit.Low, confidence: audit.LowConfidence}
	}
	return srcs, r
}
