package audit

import (
	"strings"

	"github.com/rhysd/actionlint"
)

// StringRef is one string of a workflow or action with where it stands.
type StringRef struct {
	S *actionlint.String
	// Job is the job the string belongs to, or nil (workflow level, or an action).
	Job *actionlint.Job
	// Step is the step the string belongs to, or nil.
	Step *actionlint.Step
}

// Strings returns every string value of the file's workflow or action (names, conditions,
// scripts, inputs, env values, images...), in source order, each with its job and step. It is
// computed once per file; callers must not modify the slice.
func (f *File) Strings() []StringRef {
	d := f.derivedData()
	if !d.hasStrings {
		w := &stringWalker{out: make([]StringRef, 0, len(f.Source)/48+8)}
		switch {
		case f.Workflow != nil:
			w.workflow(f.Workflow, f.Jobs())
		case f.Action != nil:
			w.action(f.Action)
		}
		sortByPos(w.out)
		d.strings, d.hasStrings = w.out, true
	}
	return d.strings
}

// ExprsOf is Exprs computed once per string: checks that look at the same string share the
// parse. Callers must not modify the slice. A string without "${{" is answered without a look-up
// (most strings of a workflow hold none), and the others are kept in a map keyed by the string's
// pointer, cheaper to hash than Memo's interface keys.
func (f *File) ExprsOf(s *actionlint.String) []Expr {
	if s == nil || !strings.Contains(s.Value, "${{") {
		return nil // what Exprs returns for it
	}
	d := f.derivedData()
	if es, ok := d.exprs[s]; ok {
		return es
	}
	if d.exprs == nil {
		d.exprs = make(map[*actionlint.String][]Expr, 8)
	}
	es := f.Exprs(s)
	d.exprs[s] = es
	return es
}

// stringWalker visits every *actionlint.String of the syntax tree, field by field (a test
// compares it with a walk by reflection, so that no field is missed).
type stringWalker struct {
	out  []StringRef
	job  *actionlint.Job
	step *actionlint.Step
	// visit, when set, receives each string instead of out.
	visit func(StringRef)
	// keep, when set, prunes the walk: the workflow-level keys, a job's own keys or a step are
	// visited only when keep(first, last) holds for the lines they may stand on (last < 0: to the
	// end of the file).
	keep func(first, last int) bool
}

func (w *stringWalker) s(ss ...*actionlint.String) {
	for _, s := range ss {
		if s != nil && s.Pos != nil {
			if w.visit != nil {
				w.visit(StringRef{S: s, Job: w.job, Step: w.step})
				continue
			}
			w.out = append(w.out, StringRef{S: s, Job: w.job, Step: w.step})
		}
	}
}

// VisitStrings calls visit with the strings of the file's workflow (not of an action: nothing is
// visited for one) that may stand on the lines keep accepts, in walk order (not source order).
// The walk asks keep about the workflow-level keys (before the first job or from the last job's
// last step on), then about each job's own keys (from the job's line to its first step, and from
// its last step to the next job), then about each step (from its line to the next step's, or the
// next job's); it visits what keep accepts, and every string of it. A check that knows the lines
// it cares about (where a placeholder stands) so skips the rest of a file. In a file that may
// hold YAML anchors every string is visited: an alias puts a step's strings (with their lines)
// inside another job, where the line ranges do not hold.
func (f *File) VisitStrings(keep func(first, last int) bool, visit func(StringRef)) {
	if f.Workflow == nil {
		return
	}
	if f.mayHaveAnchors() {
		keep = nil
	}
	w := &stringWalker{keep: keep, visit: visit}
	w.workflow(f.Workflow, f.Jobs())
}

func (w *stringWalker) b(b *actionlint.Bool) {
	if b != nil {
		w.s(b.Expression)
	}
}

func (w *stringWalker) i(i *actionlint.Int) {
	if i != nil {
		w.s(i.Expression)
	}
}

func (w *stringWalker) fl(f *actionlint.Float) {
	if f != nil {
		w.s(f.Expression)
	}
}

func (w *stringWalker) env(e *actionlint.Env) {
	if e == nil {
		return
	}
	w.s(e.Expression)
	for _, v := range e.Vars {
		if v != nil {
			w.s(v.Name, v.Value)
		}
	}
}

func (w *stringWalker) perms(p *actionlint.Permissions) {
	if p == nil {
		return
	}
	w.s(p.All)
	for _, sc := range p.Scopes {
		if sc != nil {
			w.s(sc.Name, sc.Value)
		}
	}
}

func (w *stringWalker) defaults(d *actionlint.Defaults) {
	if d != nil && d.Run != nil {
		w.s(d.Run.Shell, d.Run.WorkingDirectory)
	}
}

func (w *stringWalker) concurrency(c *actionlint.Concurrency) {
	if c != nil {
		w.s(c.Group)
		w.b(c.CancelInProgress)
	}
}

func (w *stringWalker) container(c *actionlint.Container) {
	if c == nil {
		return
	}
	w.s(c.Image, c.Options)
	if cr := c.Credentials; cr != nil {
		w.s(cr.Username, cr.Password, cr.Expression)
	}
	w.env(c.Env)
	w.s(c.Ports...)
	w.s(c.Volumes...)
}

// sortByPos orders strings by source position. The walk visits jobs in source order, so only the
// small map fields (env:, with:, outputs) are out of order: an insertion sort does it in about
// one pass. Two strings never share a position.
func sortByPos(rs []StringRef) {
	key := func(r StringRef) int { return r.S.Pos.Line<<20 | r.S.Pos.Col }
	for i := 1; i < len(rs); i++ {
		r, k := rs[i], key(rs[i])
		j := i
		for ; j > 0 && key(rs[j-1]) > k; j-- {
			rs[j] = rs[j-1]
		}
		rs[j] = r
	}
}

// workflow walks a workflow. Workflow-level keys stand before the jobs: mapping or after it, and
// the jobs in it follow each other in source order (jobs is sorted by position).
func (w *stringWalker) workflow(wf *actionlint.Workflow, jobs []*actionlint.Job) {
	top := w.keep == nil || len(jobs) == 0 || jobs[0].Pos == nil || w.keep(1, jobs[0].Pos.Line)
	if !top && !workflowKeysBefore(wf, jobs[0].Pos.Line) {
		top = w.keep(jobTailLine(jobs[len(jobs)-1]), -1)
	}
	if top {
		w.s(wf.Name, wf.RunName)
		for _, ev := range wf.On {
			w.event(ev)
		}
		w.perms(wf.Permissions)
		w.env(wf.Env)
		w.defaults(wf.Defaults)
		w.concurrency(wf.Concurrency)
	}
	for i, j := range jobs {
		end := -1
		if i+1 < len(jobs) && jobs[i+1].Pos != nil {
			end = jobs[i+1].Pos.Line
		}
		if w.keep == nil || j.Pos == nil || w.keep(j.Pos.Line, end) {
			w.jobStrings(j, end)
		}
	}
}

// jobTailLine is the first line from which a job's keys after its steps may stand: its last
// step's line, or the job's own when it has no step.
func jobTailLine(j *actionlint.Job) int {
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

// jobHeadLine is the last line up to which a job's keys before its steps may stand: its first
// step's line, or end when it has no step.
func jobHeadLine(j *actionlint.Job, end int) int {
	for _, st := range j.Steps {
		if st != nil && st.Pos != nil {
			return st.Pos.Line
		}
	}
	return end
}

func (w *stringWalker) event(ev actionlint.Event) {
	switch e := ev.(type) {
	case *actionlint.WebhookEvent:
		w.s(e.Hook)
		w.s(e.Types...)
		for _, f := range []*actionlint.WebhookEventFilter{e.Branches, e.BranchesIgnore, e.Tags, e.TagsIgnore, e.Paths, e.PathsIgnore} {
			if f != nil {
				w.s(f.Name)
				w.s(f.Values...)
			}
		}
		w.s(e.Workflows...)
	case *actionlint.ScheduledEvent:
		for _, c := range e.Schedules {
			if c != nil {
				w.s(c.Cron, c.Timezone)
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
				w.s(sec.Name, sec.Description)
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

// jobStrings walks a job that ends before line end (-1: the end of the file): its own keys, which
// stand before the steps: sequence or after it, then each step up to the next one's line.
func (w *stringWalker) jobStrings(j *actionlint.Job, end int) {
	w.job, w.step = j, nil
	defer func() { w.job = nil }()
	head := jobHeadLine(j, end)
	if w.keep == nil || j.Pos == nil || w.keep(j.Pos.Line, head) || !jobKeysBefore(j, head) && w.keep(jobTailLine(j), end) {
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
		if w.keep == nil || st.Pos == nil || w.keep(st.Pos.Line, last) {
			w.stepStrings(st)
		}
	}
}

// jobLevel walks a job's own keys.
func (w *stringWalker) jobLevel(j *actionlint.Job) {
	w.s(j.ID, j.Name, j.If)
	w.s(j.Needs...)
	if r := j.RunsOn; r != nil {
		w.s(r.Labels...)
		w.s(r.LabelsExpr, r.Group)
	}
	w.perms(j.Permissions)
	if e := j.Environment; e != nil {
		w.s(e.Name, e.URL)
		w.b(e.Deployment)
	}
	w.concurrency(j.Concurrency)
	for _, o := range j.Outputs {
		if o != nil {
			w.s(o.Name, o.Value)
		}
	}
	w.env(j.Env)
	w.defaults(j.Defaults)
	w.fl(j.TimeoutMinutes)
	if st := j.Strategy; st != nil {
		if m := st.Matrix; m != nil {
			w.s(m.Expression)
			for _, r := range m.Rows {
				if r != nil {
					w.s(r.Name, r.Expression)
				}
			}
			for _, cs := range []*actionlint.MatrixCombinations{m.Include, m.Exclude} {
				if cs != nil {
					w.s(cs.Expression)
					for _, c := range cs.Combinations {
						if c != nil {
							w.s(c.Expression)
							for _, a := range c.Assigns {
								if a != nil {
									w.s(a.Key)
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
		w.s(sv.Expression)
		for _, s := range sv.Value {
			if s != nil {
				w.s(s.Name)
				w.container(s.Container)
			}
		}
	}
	if wc := j.WorkflowCall; wc != nil {
		w.s(wc.Uses)
		for _, in := range wc.Inputs {
			if in != nil {
				w.s(in.Name, in.Value)
			}
		}
		for _, sec := range wc.Secrets {
			if sec != nil {
				w.s(sec.Name, sec.Value)
			}
		}
	}
	if sn := j.Snapshot; sn != nil {
		w.s(sn.ImageName, sn.Version, sn.If)
	}
}

func (w *stringWalker) stepStrings(st *actionlint.Step) {
	w.step = st
	defer func() { w.step = nil }()
	w.s(st.ID, st.If, st.Name)
	switch e := st.Exec.(type) {
	case *actionlint.ExecRun:
		w.s(e.Run, e.Shell, e.WorkingDirectory)
	case *actionlint.ExecAction:
		w.s(e.Uses, e.Entrypoint, e.Args)
		for _, in := range e.Inputs {
			if in != nil {
				w.s(in.Name, in.Value)
			}
		}
	}
	w.env(st.Env)
	w.b(st.ContinueOnError)
	w.fl(st.TimeoutMinutes)
}

func (w *stringWalker) action(a *Action) {
	w.s(a.Name)
	for _, in := range a.Inputs {
		if in != nil {
			w.s(in.Name, in.Default)
		}
	}
	if r := a.Runs; r != nil {
		w.s(r.Using, r.Image, r.Main, r.Pre, r.Post)
		w.env(r.Env)
		for _, st := range r.Steps {
			if st != nil {
				w.stepStrings(st)
			}
		}
	}
}
