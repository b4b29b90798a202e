package checks

import (
	"slices"
	"strings"

	"github.com/rhysd/actionlint"
)

// resolveEnv follows env.NAME to its definition in the step's, the job's or the workflow's env:.
// A name defined nowhere was set at run time (GITHUB_ENV) or by a composite action's caller.
func (sc tiScope) resolveEnv(path, name string) []tiSource {
	levels := []struct {
		env  *actionlint.Env
		from int
	}{{stepEnv(sc.step), 1}, {jobEnv(sc.job), 2}, {workflowEnv(sc.wf), 3}}
	for i, l := range levels {
		if i < sc.envFrom || l.env == nil {
			continue
		}
		inner := sc
		inner.envFrom = l.from
		if i > 0 {
			inner.step = nil
		}
		if l.env.Expression != nil {
			return inner.inString(l.env.Expression)
		}
		if v, ok := l.env.Vars[name]; ok {
			return inner.inString(v.Value)
		}
	}
	if strings.HasPrefix(name, "github_") || strings.HasPrefix(name, "runner_") || name == "ci" {
		return nil
	}
	return []tiSource{{path: path, kind: tiRuntime}}
}

func stepEnv(s *actionlint.Step) *actionlint.Env {
	if s == nil {
		return nil
	}
	return s.Env
}

func jobEnv(j *actionlint.Job) *actionlint.Env {
	if j == nil {
		return nil
	}
	return j.Env
}

func workflowEnv(w *actionlint.Workflow) *actionlint.Env {
	if w == nil {
		return nil
	}
	return w.Env
}

// resolveNeeds follows needs.JOB.outputs.NAME to the job's outputs: entry.
func (sc tiScope) resolveNeeds(path, jobID, output string) []tiSource {
	runtime := []tiSource{{path: path, kind: tiRuntime}}
	if sc.wf == nil {
		return runtime
	}
	var job *actionlint.Job
	for id, j := range sc.wf.Jobs {
		if j != nil && strings.EqualFold(id, jobID) {
			job = j
		}
	}
	if job == nil || job.WorkflowCall != nil {
		return runtime
	}
	out, ok := job.Outputs[output]
	if !ok || out == nil {
		return nil
	}
	inner := tiScope{file: sc.file, wf: sc.wf, job: job, envFrom: 1, depth: sc.depth}
	return inner.inString(out.Value)
}

// resolveMatrix follows matrix.KEY to the values the job's strategy lists for it; constant
// values are safe, values computed by an expression carry that expression's sources.
func (sc tiScope) resolveMatrix(rest []string) []tiSource {
	if sc.job == nil || !tiMatrixResolves(sc.ph, sc.job, sc.jobEnd) {
		return nil
	}
	if sc.depth == 0 {
		key := tiMatrixKey{sc.job, "*"}
		if len(rest) > 0 {
			key.key = rest[0]
		}
		return sc.file.Memo(key, func() any { return sc.matrixSources(rest) }).([]tiSource)
	}
	return sc.matrixSources(rest)
}

// tiMatrixPlain reports whether the matrix of a job (whose strategy is set, and which ends at
// jobEnd) holds no placeholder but plain safe reads (tiPlainSafe), which resolve to no source:
// in an exact file (ph, the file's index; nil: not known), no line of the index (of either list:
// a matrix may name the matrix context, however uselessly) lies from the strategy: key to the
// first step after it, or else to the job's end. Most matrices list constants; this spares
// walking their rows and combinations.
func tiMatrixPlain(ph *tiPlaceholders, job *actionlint.Job, jobEnd int) bool {
	if ph == nil || !ph.exact || job.Strategy.Pos == nil {
		return false
	}
	first, last := job.Strategy.Pos.Line, jobEnd
	for _, st := range job.Steps {
		if st != nil && st.Pos != nil {
			if st.Pos.Line > first {
				last = st.Pos.Line // the steps: key, and the first step, come after the matrix
			}
			break
		}
	}
	return !ph.tiHolds(first, last, true)
}

// tiMatrixResolves reports whether a read of the matrix context may resolve to a source in the
// job: resolveMatrix's test. A job without a matrix, or whose matrix is plain, has none.
func tiMatrixResolves(ph *tiPlaceholders, job *actionlint.Job, jobEnd int) bool {
	return job.Strategy != nil && job.Strategy.Matrix != nil && !tiMatrixPlain(ph, job, jobEnd)
}

// tiMatrixKey memoizes the sources of a job's matrix value at the top level: callers only read them.
type tiMatrixKey struct {
	job *actionlint.Job
	key string
}

func (sc tiScope) matrixSources(rest []string) []tiSource {
	m := sc.job.Strategy.Matrix
	inner := tiScope{file: sc.file, wf: sc.wf, job: sc.job, envFrom: 3, depth: sc.depth}
	key := "*"
	if len(rest) > 0 {
		key = rest[0]
	}
	var strs []*actionlint.String
	var vals []actionlint.RawYAMLValue
	strs = append(strs, m.Expression)
	for name, row := range m.Rows {
		if key == "*" || strings.EqualFold(name, key) {
			strs = append(strs, row.Expression)
			vals = append(vals, row.Values...)
		}
	}
	if m.Include != nil {
		strs = append(strs, m.Include.Expression)
		for _, c := range m.Include.Combinations {
			strs = append(strs, c.Expression)
			for name, a := range c.Assigns {
				if key == "*" || strings.EqualFold(name, key) {
					vals = append(vals, a.Value)
				}
			}
		}
	}
	for len(vals) > 0 {
		v := vals[0]
		vals = vals[1:]
		switch x := v.(type) {
		case *actionlint.RawYAMLString:
			if strings.Contains(x.Value, "${{") {
				strs = append(strs, &actionlint.String{Value: x.Value})
			}
		case *actionlint.RawYAMLArray:
			vals = append(vals, x.Elems...)
		case *actionlint.RawYAMLObject:
			for _, p := range x.Props {
				vals = append(vals, p)
			}
		}
	}
	var out []tiSource
	for _, s := range strs {
		out = append(out, inner.inString(s)...)
	}
	return out
}

// tiOutputSources are actions whose outputs hold attacker-controlled text unescaped: pull
// request branch names and comment bodies (from CodeQL's source models).
var tiOutputSources = map[string]func(output string, with map[string]*actionlint.Input) bool{
	"xt0rted/pull-request-comment-branch":   tiOutputs("head_ref"),
	"alessbell/pull-request-comment-branch": tiOutputs("head_ref"),
	"gotson/pull-request-comment-branch":    tiOutputs("head_ref"),
	"tj-actions/branch-names":               tiOutputs("current_branch", "head_ref_branch"),
	"khan/pull-request-comment-trigger":     tiOutputs("comment_body"),
	// File names of a pull request: changed-files escapes them unless safe_output is false.
	"tj-actions/changed-files": func(output string, with map[string]*actionlint.Input) bool {
		safe := with["safe_output"]
		return strings.Contains(output, "files") && safe != nil && safe.Value != nil && strings.EqualFold(safe.Value.Value, "false")
	},
}

// tiOutputSourceLens has bit n set when a name of tiOutputSources is n bytes long.
var tiOutputSourceLens = func() (m uint64) {
	for name := range tiOutputSources {
		m |= 1 << len(name)
	}
	return m
}()

// tiOutputSource returns the entry of tiOutputSources for the action a step uses, nil when it
// uses none of them. The length of an ASCII name rules out most actions without the lower-case
// copy and the map lookup.
func tiOutputSource(st *actionlint.Step) (func(string, map[string]*actionlint.Input) bool, *actionlint.ExecAction) {
	u, ok := st.Exec.(*actionlint.ExecAction)
	if !ok || u.Uses == nil {
		return nil, nil
	}
	v := u.Uses.Value
	if at := strings.IndexByte(v, '@'); at >= 0 {
		v = v[:at]
	}
	if len(v) < 64 && tiOutputSourceLens&(1<<len(v)) == 0 && tiASCII(v) {
		return nil, nil
	}
	name, _, _ := strings.Cut(strings.ToLower(u.Uses.Value), "@")
	return tiOutputSources[name], u
}

// tiOutputSteps appends to buf the indexes of the steps that use an action of tiOutputSources.
func tiOutputSteps(buf []int32, steps []*actionlint.Step) []int32 {
	for i, st := range steps {
		if st != nil && st.ID != nil {
			if src, _ := tiOutputSource(st); src != nil {
				buf = append(buf, int32(i))
			}
		}
	}
	return buf
}

func tiOutputs(names ...string) func(string, map[string]*actionlint.Input) bool {
	return func(output string, _ map[string]*actionlint.Input) bool { return slices.Contains(names, output) }
}

// stepOutputIsAttackers reports whether steps.ID.outputs.NAME comes from an action known to
// output attacker-controlled text.
func (sc tiScope) stepOutputIsAttackers(id, output string) bool {
	var steps []*actionlint.Step
	switch {
	case sc.job != nil:
		steps = sc.job.Steps
	case sc.file.Action != nil && sc.file.Action.Runs != nil:
		steps = sc.file.Action.Runs.Steps
	}
	if r := sc.resolved; r != nil && len(steps) > 0 {
		if r.outputsOf != &steps[0] {
			r.outputsOf, r.outputs = &steps[0], tiOutputSteps(r.outputs[:0], steps)
		}
		return tiStepOutputAmong(steps, r.outputs, id, output)
	}
	for _, st := range steps {
		if st == nil || st.ID == nil || !strings.EqualFold(st.ID.Value, id) {
			continue
		}
		u, ok := st.Exec.(*actionlint.ExecAction)
		if !ok || u.Uses == nil {
			return false
		}
		name, _, _ := strings.Cut(strings.ToLower(u.Uses.Value), "@")
		src := tiOutputSources[name]
		return src != nil && src(output, u.Inputs)
	}
	return false
}

// tiStepOutputAmong is stepOutputIsAttackers' walk through the steps, from the indexes of those
// that use an action of tiOutputSources (tiOutputSteps): most jobs have none, and the ids of
// the others are compared only when one of those has the id, to find whether it is the first.
func tiStepOutputAmong(steps []*actionlint.Step, sources []int32, id, output string) bool {
	for _, i := range sources {
		st := steps[i]
		if !strings.EqualFold(st.ID.Value, id) {
			continue
		}
		for _, e := range steps[:i] {
			if e != nil && e.ID != nil && strings.EqualFold(e.ID.Value, id) {
				return false // the first step of the id uses none of them
			}
		}
		src, u := tiOutputSource(st)
		return src(output, u.Inputs)
	}
	return false
}
