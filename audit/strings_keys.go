package audit

import "github.com/rhysd/actionlint"

// keysBefore tells whether every key of a mapping stands before a line, from one position of
// each key's value: a key that stands after the steps: sequence (or the jobs: mapping) stands
// after all of its items, so on or after the line of the first; a position on an earlier line
// is that of a key before them, whose strings all stand on lines up to the first item's. The
// walk then need not look at the keys' strings for a candidate past the last item: where the
// last step holds a secret, as it often does, the tail range of the job (from its last step to
// the next job) and of the workflow (from the last job's last step on) took in every key.
type keysBefore struct {
	line int
	ok   bool
}

// pos notes the position of a key that is present; a position not known may be anywhere.
func (k *keysBefore) pos(p *actionlint.Pos) {
	if p == nil || p.Line >= k.line {
		k.ok = false
	}
}

// must notes the position of a string that must be there: the first item of a list or
// mapping, which stands for the rest.
func (k *keysBefore) must(s *actionlint.String) {
	if s == nil {
		k.ok = false
		return
	}
	k.pos(s.Pos)
}

// str notes the first of the strings of a key that is present (nil ones are not); a key with
// none has nothing to visit.
func (k *keysBefore) str(ss ...*actionlint.String) {
	for _, s := range ss {
		if s != nil {
			k.pos(s.Pos)
			return
		}
	}
}

func (k *keysBefore) env(e *actionlint.Env) {
	if e == nil {
		return
	}
	if e.Expression != nil {
		k.str(e.Expression)
		return
	}
	for _, v := range e.Vars {
		if v == nil {
			k.ok = false
		} else {
			k.must(v.Name)
		}
		return // one variable stands for the mapping
	}
}

// workflowKeysBefore reports whether every workflow-level key of wf (what stringWalker.workflow
// visits besides the jobs) stands on a line before line, the first job's.
func workflowKeysBefore(wf *actionlint.Workflow, line int) bool {
	k := keysBefore{line: line, ok: line > 0}
	k.str(wf.Name)
	k.str(wf.RunName)
	for _, ev := range wf.On {
		switch e := ev.(type) {
		case *actionlint.WebhookEvent:
			k.pos(e.Pos)
		case *actionlint.ScheduledEvent:
			k.pos(e.Pos)
		case *actionlint.WorkflowDispatchEvent:
			k.pos(e.Pos)
		case *actionlint.RepositoryDispatchEvent:
			k.pos(e.Pos)
		case *actionlint.WorkflowCallEvent:
			k.pos(e.Pos)
		case *actionlint.ImageVersionEvent:
			k.pos(e.Pos)
		default:
			k.ok = false
		}
		break // one event stands for on:
	}
	if p := wf.Permissions; p != nil {
		k.pos(p.Pos)
	}
	k.env(wf.Env)
	if d := wf.Defaults; d != nil {
		k.pos(d.Pos)
	}
	if c := wf.Concurrency; c != nil {
		k.pos(c.Pos)
	}
	return k.ok
}

// jobKeysBefore reports whether every key of j's own (what stringWalker.jobLevel visits) stands
// on a line before line, its first step's. The job's ID is its key, before them all; and a job
// that calls a workflow (uses:, with:, secrets:) has no steps (actionlint keeps no call beside
// them), where the ranges before and after its steps are one: neither is looked at.
func jobKeysBefore(j *actionlint.Job, line int) bool {
	k := keysBefore{line: line, ok: line > 0}
	k.str(j.Name)
	k.str(j.If)
	if len(j.Needs) > 0 {
		k.must(j.Needs[0])
	}
	if r := j.RunsOn; r != nil {
		if len(r.Labels) > 0 {
			k.must(r.Labels[0])
		} else {
			k.str(r.LabelsExpr, r.Group)
		}
	}
	if p := j.Permissions; p != nil {
		k.pos(p.Pos)
	}
	if e := j.Environment; e != nil {
		k.pos(e.Pos)
	}
	if c := j.Concurrency; c != nil {
		k.pos(c.Pos)
	}
	for _, o := range j.Outputs {
		if o == nil {
			k.ok = false
		} else {
			k.must(o.Name)
		}
		break // one output stands for the mapping
	}
	k.env(j.Env)
	if d := j.Defaults; d != nil {
		k.pos(d.Pos)
	}
	if t := j.TimeoutMinutes; t != nil {
		k.pos(t.Pos)
	}
	if s := j.Strategy; s != nil {
		k.pos(s.Pos)
	}
	if c := j.ContinueOnError; c != nil {
		k.pos(c.Pos)
	}
	if c := j.Container; c != nil {
		k.pos(c.Pos)
	}
	if s := j.Services; s != nil {
		k.pos(s.Pos)
	}
	if s := j.Snapshot; s != nil {
		k.str(s.ImageName, s.Version, s.If)
	}
	return k.ok
}
