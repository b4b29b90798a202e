package checks

import (
	"fmt"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// dtTriggerJob reports each checkout of pull request code in a job, with the step that runs it.
func dtTriggerJob(pass *audit.Pass, file *audit.File, j *actionlint.Job, ev dtPrivilegedEvents) bool {
	var checkouts []*dtPrCheckout
	for i, st := range j.Steps {
		if st == nil {
			continue
		}
		ref := audit.StepRef{File: file, Job: j, Index: i, Step: st}
		env := dtEnvLookup(file.Workflow, j, st)
		if pc, _, ok := dtActionCheckout(file, ref, env, ev.guarded); ok {
			if pc != nil {
				checkouts = append(checkouts, pc)
			}
		} else if pc := dtShellCheckout(file, ref, env); pc != nil {
			checkouts = append(checkouts, pc)
		}
	}
	if len(checkouts) == 0 {
		return false
	}
	event := "a " + ev.names[0] + " workflow"
	if ev.names[0] == "issue_comment" {
		event = "an issue_comment workflow"
	}
	if ev.via != "" {
		event += " (called from " + ev.via + ")"
	}
	gate := dtJobGate(file, ev.names, file.Workflow.Jobs, j, map[string]bool{})
	for _, pc := range checkouts {
		exec, what, conf := dtFindExec(file, j, pc)
		g := gate.and(dtCondGate(file, ev.names, pc.step.If)).and(dtScriptGate(j, pc.index))
		sev, co := audit.Medium, pc.conf
		var msg string
		switch {
		case exec == nil:
			msg = fmt.Sprintf("%s checks out %s in %s; nothing later in the job seems to run it yet", audit.StepLabel(pc.step, pc.index), pc.what, event)
		case exec == pc.step:
			sev, co = audit.Critical, min(co, conf)
			msg = fmt.Sprintf("%s checks out %s and runs code from it (%s) in %s", audit.StepLabel(pc.step, pc.index), pc.what, what, event)
		default:
			sev, co = audit.Critical, min(co, conf)
			g = g.and(dtCondGate(file, ev.names, exec.If))
			msg = fmt.Sprintf("%s checks out %s and %s runs code from it (%s) in %s", audit.StepLabel(pc.step, pc.index), pc.what, audit.StepLabel(exec, dtIndexOf(j, exec)), what, event)
		}
		sev = min(sev, g.sev)
		if g.what != "" {
			msg += "; gated by " + g.what
		}
		if pc.optOut {
			msg += "; the checkout sets allow-unsafe-pr-checkout"
		}
		if pc.baseByName {
			sev = min(sev, audit.Low)
			msg += "; by name and without a repository: naming the fork, actions/checkout takes the base repository's branch of that name, which only people with write access can push"
		}
		if pc.guard != "" {
			sev = min(sev, audit.Low)
			msg += fmt.Sprintf("; %s refuses fork pull request code here, so only same-repository pull requests get through", pc.guard)
		}
		pos := pc.pos
		if exec != nil && exec != pc.step {
			pos = dtStepPos(exec)
		}
		f := pass.Reportf(file, pos, "%s", msg)
		f.Severity, f.Confidence = sev, co
		f.Key = fmt.Sprintf("job %s: %s -> %s", j.ID.Value, audit.StepLabel(pc.step, pc.index), what)
		if exec != nil && exec != pc.step && pc.pos != nil {
			f.Related = []audit.Location{{File: file.Path, Line: pc.pos.Line, Column: pc.pos.Col, Note: "checks out " + pc.what}}
		}
	}
	return len(checkouts) > 0
}

// dtFindExec finds the step that runs code from a checkout: the first one sure to, else the first that may.
func dtFindExec(file *audit.File, j *actionlint.Job, pc *dtPrCheckout) (*actionlint.Step, string, audit.Confidence) {
	if pc.selfExec != "" {
		return pc.step, pc.selfExec, audit.HighConfidence
	}
	var weak *actionlint.Step
	weakWhat := ""
	for i := pc.index + 1; i < len(j.Steps); i++ {
		st := j.Steps[i]
		if st == nil {
			continue
		}
		ref := audit.StepRef{File: file, Job: j, Index: i, Step: st}
		if _, dir, ok := dtActionCheckout(file, ref, nil, false); ok && dir == pc.dir {
			break // a new checkout replaces this one
		}
		what, conf, ok := dtExecOf(ref, pc.dir)
		if !ok {
			continue
		}
		if conf == audit.HighConfidence {
			return st, what, conf
		}
		if weak == nil {
			weak, weakWhat = st, what
		}
	}
	if weak == nil {
		return nil, "", 0
	}
	return weak, weakWhat, audit.MediumConfidence
}

func dtIndexOf(j *actionlint.Job, st *actionlint.Step) int {
	for i, s := range j.Steps {
		if s == st {
			return i
		}
	}
	return 0
}

func dtStepPos(st *actionlint.Step) *actionlint.Pos {
	switch e := st.Exec.(type) {
	case *actionlint.ExecRun:
		if e.RunPos != nil {
			return e.RunPos
		}
	case *actionlint.ExecAction:
		if e.Uses != nil {
			return e.Uses.Pos
		}
	}
	return st.Pos
}
