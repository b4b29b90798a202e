package checks

import (
	"slices"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// secwWalk finds the strings of a workflow that hold the placeholders which may read secrets
// (tiPlaceholders.secrets), without visiting every string of the file: it visits the
// workflow-level strings, and those of the jobs and steps whose source lines hold such a
// placeholder. A placeholder belongs to the visited string that starts last at or before it:
// strings do not overlap in the source, and every string of a job or step lies between its
// position and the next one's. The strings visited are those of audit's string walker (File.Strings),
// field by field; TestSecwWalkMatchesStrings compares the two.
type secwWalk struct {
	cands []tiPos
	// best[i] is the string that starts last among those visited that start after cands[i-1]
	// and at or before cands[i].
	best []secwBest
	job  *actionlint.Job
	// tie is set when two strings start at the same place (which File.Strings never holds).
	tie bool
	// all visits every string (for the test), with visit set.
	all   bool
	visit func(*actionlint.String, *actionlint.Job)
}

type secwBest struct {
	s   *actionlint.String
	job *actionlint.Job
}

// secwPruned is secwIndex's search for an exact file (tiPlaceholders.exact): the strings that
// hold a placeholder which may read secrets, with their jobs, in source order. ok is false when
// the walk cannot tell.
func secwPruned(file *audit.File, cands []tiPos) (refs []audit.StringRef, ok bool) {
	w := &secwWalk{cands: cands, best: make([]secwBest, len(cands))}
	w.workflow(file.Workflow, file.Jobs())
	if w.tie {
		return nil, false
	}
	var prev secwBest
	for i := range w.best {
		b := w.best[i]
		if b.s == nil {
			b = prev
		}
		prev = b
		if b.s == nil || len(refs) > 0 && refs[len(refs)-1].S == b.s {
			continue
		}
		refs = append(refs, audit.StringRef{S: b.s, Job: b.job})
	}
	// Strings were found in order of their candidates, which is their order in the source
	// unless a later candidate fell back on an earlier string; order them as File.Strings does.
	slices.SortStableFunc(refs, func(a, b audit.StringRef) int {
		return (a.S.Pos.Line<<20 | a.S.Pos.Col) - (b.S.Pos.Line<<20 | b.S.Pos.Col)
	})
	refs = slices.CompactFunc(refs, func(a, b audit.StringRef) bool { return a.S == b.S })
	return refs, true
}

// candsIn reports whether a candidate starts on a line from first to last (inclusive; last < 0
// means to the end of the file).
func (w *secwWalk) candsIn(first, last int) bool {
	if w.all {
		return true
	}
	cs := w.cands
	lo, hi := 0, len(cs)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if int(cs[m].line) < first {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo < len(cs) && (last < 0 || int(cs[lo].line) <= last)
}

func (w *secwWalk) one(s *actionlint.String) {
	if s == nil || s.Pos == nil {
		return
	}
	if w.visit != nil {
		w.visit(s, w.job)
		return
	}
	line, col := s.Pos.Line, s.Pos.Col
	cs := w.cands
	lo, hi := 0, len(cs)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if !cs[m].before(line, col) || int(cs[m].line) == line && int(cs[m].col) == col {
			hi = m
		} else {
			lo = m + 1
		}
	}
	// cs[lo] is the first candidate at or after the string's start.
	if lo == len(cs) {
		return
	}
	b := &w.best[lo]
	switch {
	case b.s == nil:
	case b.s.Pos.Line == line && b.s.Pos.Col == col:
		if b.s != s {
			w.tie = true
		}
		return
	case b.s.Pos.Line > line || b.s.Pos.Line == line && b.s.Pos.Col > col:
		return
	}
	b.s, b.job = s, w.job
}

func (w *secwWalk) s(ss ...*actionlint.String) {
	for _, s := range ss {
		w.one(s)
	}
}

func (w *secwWalk) b(b *actionlint.Bool) {
	if b != nil {
		w.one(b.Expression)
	}
}

func (w *secwWalk) i(i *actionlint.Int) {
	if i != nil {
		w.one(i.Expression)
	}
}

func (w *secwWalk) fl(f *actionlint.Float) {
	if f != nil {
		w.one(f.Expression)
	}
}

func (w *secwWalk) env(e *actionlint.Env) {
	if e == nil {
		return
	}
	w.one(e.Expression)
	for _, v := range e.Vars {
		if v != nil {
			w.one(v.Name)
			w.one(v.Value)
		}
	}
}

func (w *secwWalk) perms(p *actionlint.Permissions) {
	if p == nil {
		return
	}
	w.one(p.All)
	for _, sc := range p.Scopes {
		if sc != nil {
			w.one(sc.Name)
			w.one(sc.Value)
		}
	}
}

func (w *secwWalk) defaults(d *actionlint.Defaults) {
	if d != nil && d.Run != nil {
		w.one(d.Run.Shell)
		w.one(d.Run.WorkingDirectory)
	}
}

func (w *secwWalk) concurrency(c *actionlint.Concurrency) {
	if c != nil {
		w.one(c.Group)
		w.b(c.CancelInProgress)
	}
}

func (w *secwWalk) container(c *actionlint.Container) {
	if c == nil {
		return
	}
	w.one(c.Image)
	w.one(c.Options)
	if cr := c.Credentials; cr != nil {
		w.s(cr.Username, cr.Password, cr.Expression)
	}
	w.env(c.Env)
	w.s(c.Ports...)
	w.s(c.Volumes...)
}

// workflow visits the workflow-level strings and the jobs' where candidates may be. Workflow-level
// keys come before the jobs: mapping or after it, and jobs in it follow each other (in source order).
func (w *secwWalk) workflow(wf *actionlint.Workflow, jobs []*actionlint.Job) {
	top := len(jobs) == 0 || jobs[0].Pos == nil || w.candsIn(1, jobs[0].Pos.Line)
	if !top {
		last := jobs[len(jobs)-1]
		top = w.candsIn(secwLastLine(last), -1)
	}
	if top {
		w.one(wf.Name)
		w.one(wf.RunName)
		for _, ev := range wf.On {
			w.event(ev)
		}
		w.perms(wf.Permissions)
		w.env(wf.Env)
		w.defaults(wf.Defaults)
		w.concurrency(wf.Concurrency)
	}
	for i, j := range jobs {
		last := -1
		if i+1 < len(jobs) && jobs[i+1].Pos != nil {
			last = jobs[i+1].Pos.Line
		}
		if j.Pos == nil || w.candsIn(j.Pos.Line, last) {
			w.jobStrings(j, last)
		}
	}
}

// secwLastLine is the first line from which job-level keys after the steps may be: the last
// step's, or the job's when it has none.
func secwLastLine(j *actionlint.Job) int {
	for i := len(j.Steps) - 1; i >= 0; i-- {
		if st := j.Steps[i]; st != nil && st.Pos != nil {
			return st.Pos.Line
		}
	}
	if j.Pos == nil {
		return 1
	}
	return j.Pos.Line
}

// secwFirstLine is the last line up to which job-level keys before the steps may be: the first
// step's, or the end of the job when it has none.
func secwFirstLine(j *actionlint.Job, end int) int {
	for _, st := range j.Steps {
		if st != nil && st.Pos != nil {
			return st.Pos.Line
		}
	}
	return end
}

func (w *secwWalk) event(ev actionlint.Event) {
	switch e := ev.(type) {
	case *actionlint.WebhookEvent:
		w.one(e.Hook)
		w.s(e.Types...)
		for _, f := range []*actionlint.WebhookEventFilter{e.Branches, e.BranchesIgnore, e.Tags, e.TagsIgnore, e.Paths, e.PathsIgnore} {
			if f != nil {
				w.one(f.Name)
				w.s(f.Values...)
			}
		}
		w.s(e.Workflows...)
	case *actionlint.ScheduledEvent:
		for _, c := range e.Schedules {
			if c != nil {
				w.one(c.Cron)
				w.one(c.Timezone)
			}
		}
	case *actionlint.WorkflowDispatchEvent:
		for _, in := range e.Inputs {
			if in != nil {
				w.s(in.Name, in.Description, in.Default)
				w.s(in.Options...)
				w.b(in.Required)
			}
		}
	case *actionlint.RepositoryDispatchEvent:
		w.s(e.Types...)
	case *actionlint.WorkflowCallEvent:
		for _, in := range e.Inputs {
			if in != nil {
				w.s(in.Name, in.Description, in.Default)
				w.b(in.Required)
			}
		}
		for _, sec := range e.Secrets {
			if sec != nil {
				w.one(sec.Name)
				w.one(sec.Description)
				w.b(sec.Required)
			}
		}
		for _, out := range e.Outputs {
			if out != nil {
				w.s(out.Name, out.Description, out.Value)
			}
		}
	case *actionlint.ImageVersionEvent:
		w.s(e.Names...)
		w.s(e.Versions...)
	}
}

// jobStrings visits the job-level strings when a candidate may be among them, and the strings of
// the steps whose lines (up to the next step's first, or the job's last line, end) hold a candidate.
func (w *secwWalk) jobStrings(j *actionlint.Job, end int) {
	w.job = j
	defer func() { w.job = nil }()
	// Job-level keys come before the steps: sequence or after it.
	if j.Pos == nil || w.candsIn(j.Pos.Line, secwFirstLine(j, end)) || w.candsIn(secwLastLine(j), end) {
		w.jobLevel(j)
	}
	for i, st := range j.Steps {
		if st == nil {
			continue
		}
		last := end
		for _, next := range j.Steps[i+1:] {
			if next != nil && next.Pos != nil {
				last = next.Pos.Line
				break
			}
		}
		if st.Pos == nil || w.candsIn(st.Pos.Line, last) {
			w.stepStrings(st)
		}
	}
}

func (w *secwWalk) jobLevel(j *actionlint.Job) {
	w.s(j.ID, j.Name, j.If)
	w.s(j.Needs...)
	if r := j.RunsOn; r != nil {
		w.s(r.Labels...)
		w.one(r.LabelsExpr)
		w.one(r.Group)
	}
	w.perms(j.Permissions)
	if e := j.Environment; e != nil {
		w.one(e.Name)
		w.one(e.URL)
		w.b(e.Deployment)
	}
	w.concurrency(j.Concurrency)
	for _, o := range j.Outputs {
		if o != nil {
			w.one(o.Name)
			w.one(o.Value)
		}
	}
	w.env(j.Env)
	w.defaults(j.Defaults)
	w.fl(j.TimeoutMinutes)
	if st := j.Strategy; st != nil {
		if m := st.Matrix; m != nil {
			w.one(m.Expression)
			for _, r := range m.Rows {
				if r != nil {
					w.one(r.Name)
					w.one(r.Expression)
				}
			}
			for _, cs := range []*actionlint.MatrixCombinations{m.Include, m.Exclude} {
				if cs != nil {
					w.one(cs.Expression)
					for _, c := range cs.Combinations {
						if c != nil {
							w.one(c.Expression)
							for _, a := range c.Assigns {
								if a != nil {
									w.one(a.Key)
								}
							}
						}
					}
				}
			}
		}
		w.b(st.FailFast)
		w.i(st.MaxParallel)
	}
	w.b(j.ContinueOnError)
	w.container(j.Container)
	if sv := j.Services; sv != nil {
		w.one(sv.Expression)
		for _, s := range sv.Value {
			if s != nil {
				w.one(s.Name)
				w.container(s.Container)
			}
		}
	}
	if wc := j.WorkflowCall; wc != nil {
		w.one(wc.Uses)
		for _, in := range wc.Inputs {
			if in != nil {
				w.one(in.Name)
				w.one(in.Value)
			}
		}
		for _, sec := range wc.Secrets {
			if sec != nil {
				w.one(sec.Name)
				w.one(sec.Value)
			}
		}
	}
	if sn := j.Snapshot; sn != nil {
		w.s(sn.ImageName, sn.Version, sn.If)
	}
}

func (w *secwWalk) stepStrings(st *actionlint.Step) {
	w.s(st.ID, st.If, st.Name)
	switch e := st.Exec.(type) {
	case *actionlint.ExecRun:
		w.s(e.Run, e.Shell, e.WorkingDirectory)
	case *actionlint.ExecAction:
		w.s(e.Uses, e.Entrypoint, e.Args)
		for _, in := range e.Inputs {
			if in != nil {
				w.one(in.Name)
				w.one(in.Value)
			}
		}
	}
	w.env(st.Env)
	w.b(st.ContinueOnError)
	w.fl(st.TimeoutMinutes)
}
