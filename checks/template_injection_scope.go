package checks

import (
	"cmp"
	"slices"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// tiSource is one context whose data an expression may expand.
type tiSource struct {
	// path is the context read, "github.event.issue.title".
	path string
	// via is the context written in the expression when path was reached through it (env.TITLE).
	via    string
	kind   tiKind
	events []string
	// caller is the local workflow or action that passes attacker-controlled data for this
	// input, and passed what it passes; constCallers is true when every local caller passes a
	// constant.
	caller, passed string
	constCallers   bool
}

// tiScope is where an expression is evaluated: the file, and the workflow, job and step around it.
type tiScope struct {
	file *audit.File
	wf   *actionlint.Workflow // nil in a composite action
	job  *actionlint.Job
	step *actionlint.Step
	// envFrom is the innermost env: level visible: 0 step, 1 job, 2 workflow, 3 none.
	envFrom int
	depth   int
	// ph is the file's placeholder index and jobEnd the line of the next job (-1: none), when
	// known: they tell a matrix that holds no placeholder worth resolving (tiMatrixPlain).
	ph     *tiPlaceholders
	jobEnd int
	// resolved, when set, keeps what resolve returned at depth 0 in this scope's file, job and
	// step, each path at the widest of the three where its sources are the same: the step's
	// prefilter (mayHaveSource) and its findings' sources resolve the same paths, and the steps
	// of a file read the same few contexts (of ~1,430 resolutions of a corpus pass, ~400 repeat
	// one of the same job, ~180 more one of the same file).
	resolved *tiResolved
}

// tiResolved is what resolve returned for the steps of one file at the top level, by where the
// sources of a path are the same (tiResolvedLevel): for the whole file, for the job at hand (for
// the steps of a composite action, the whole file again), or for the step at hand.
type tiResolved struct {
	file                  *audit.File
	job                   *actionlint.Job
	inFile, inJob, inStep tiResolvedList
	// outputs are the indexes of the steps that use an action of tiOutputSources among the
	// steps whose first is outputsOf (tiOutputSteps): stepOutputIsAttackers compares the ids of
	// a job's steps only when one of those has the id asked for, where most jobs have none.
	outputsOf **actionlint.Step
	outputs   []int32
}

// tiResolvedList is a few resolved paths, in the order first asked for.
type tiResolvedList struct {
	paths []string
	srcs  [][]tiSource
}

func (l *tiResolvedList) reset() { l.paths, l.srcs = l.paths[:0], l.srcs[:0] }

// enter prepares r for a step of job in file: it forgets the paths of the step before, those of
// its job too when that step was of another job, and all when it was of another file.
func (r *tiResolved) enter(file *audit.File, job *actionlint.Job) {
	if r.file != file {
		r.inFile.reset()
	}
	if r.file != file || r.job != job {
		r.inJob.reset()
	}
	r.file, r.job = file, job
	r.inStep.reset()
}

// list returns the list that keeps path in step (see tiResolvedLevel).
func (r *tiResolved) list(step *actionlint.Step, path string) *tiResolvedList {
	switch tiResolvedLevel(step, path) {
	case tiInFile:
		return &r.inFile
	case tiInJob:
		return &r.inJob
	}
	return &r.inStep
}

// Where the sources of a path are the same.
const (
	tiInFile = iota
	tiInJob
	tiInStep
)

// tiResolvedLevel says where the sources of path (lower case) are the same, as resolveOnce finds
// them: in the whole file for the contexts it resolves against the workflow (github, inputs,
// needs); in a step for a read of the env context where the step has an env:, which may define
// it; in a job for the others (env, matrix, steps). It looks at the path's first byte only (no
// call to split it): resolveOnce resolves any other context to nothing, wherever it is read.
func tiResolvedLevel(step *actionlint.Step, path string) int {
	if path == "" {
		return tiInJob
	}
	switch path[0] {
	case 'g', 'i', 'n': // github, inputs, needs
		return tiInFile
	case 'e': // env
		if step != nil && step.Env != nil {
			return tiInStep
		}
	}
	return tiInJob
}

// tiValues returns the context paths whose data may flow into the value of n. Booleans
// (comparisons, !, contains() and the like) and literals carry none; a && b yields a only when a
// is falsy (an empty or zero value), so only b counts; format(), join(), toJSON() and fromJSON()
// carry all their arguments.
func tiValues(n actionlint.ExprNode) []string {
	if p, ok := tiExprPath(n); ok {
		return []string{p}
	}
	switch x := n.(type) {
	case *actionlint.ObjectDerefNode:
		return tiSuffix(tiValues(x.Receiver), strings.ToLower(x.Property))
	case *actionlint.ArrayDerefNode:
		return tiSuffix(tiValues(x.Receiver), "*")
	case *actionlint.IndexAccessNode:
		idx := "*"
		if s, ok := x.Index.(*actionlint.StringNode); ok {
			idx = strings.ToLower(s.Value)
		}
		return tiSuffix(tiValues(x.Operand), idx)
	case *actionlint.LogicalOpNode:
		if x.Kind == actionlint.LogicalOpNodeKindAnd {
			return tiValues(x.Right)
		}
		return append(tiValues(x.Left), tiValues(x.Right)...)
	case *actionlint.FuncCallNode:
		switch strings.ToLower(x.Callee) {
		case "contains", "startswith", "endswith", "success", "failure", "always", "cancelled", "hashfiles":
			return nil
		}
		var out []string
		for _, a := range x.Args {
			out = append(out, tiValues(a)...)
		}
		return out
	}
	return nil
}

func tiSuffix(paths []string, seg string) []string {
	for i := range paths {
		paths[i] += "." + seg
	}
	return paths
}

// sources resolves the contexts an expression reads into the sources of their data, worst first.
func (sc tiScope) sources(n actionlint.ExprNode) []tiSource { return sc.sourcesTo(nil, n) }

// sourcesTo is sources appended to out.
func (sc tiScope) sourcesTo(out []tiSource, n actionlint.ExprNode) []tiSource {
	for _, p := range tiValues(n) {
		out = sc.appendSources(out, p)
	}
	return tiSortSources(out)
}

// pathSourcesTo is sourcesTo for an expression that is the plain read of path.
func (sc tiScope) pathSourcesTo(out []tiSource, path string) []tiSource {
	return tiSortSources(sc.appendSources(out, path))
}

// appendSources appends the sources of one context path but the safe ones.
func (sc tiScope) appendSources(out []tiSource, p string) []tiSource {
	for _, s := range sc.resolve(p) {
		if s.kind == tiSafe {
			continue
		}
		if s.path != p {
			s.via = p
		}
		out = append(out, s)
	}
	return out
}

// tiSortSources orders sources worst first.
func tiSortSources(out []tiSource) []tiSource {
	slices.SortStableFunc(out, func(a, b tiSource) int {
		return cmp.Or(cmp.Compare(b.kind, a.kind), strings.Compare(a.path, b.path))
	})
	return out
}

// inString resolves every ${{ }} of a value defined elsewhere (an env: entry, a job output).
func (sc tiScope) inString(s *actionlint.String) []tiSource {
	if s == nil || sc.depth > 8 {
		return nil
	}
	sc.depth++
	var out []tiSource
	for _, n := range tiExprNodes(sc.file, s.Value) {
		out = append(out, sc.sources(n)...)
	}
	return out
}

type tiNodesKey struct{ value string }

// tiExprNodes returns the parsed ${{ }} expressions of a value defined elsewhere (an env: entry,
// a job output, a matrix value), memoized per file and value: many steps read the same one.
func tiExprNodes(file *audit.File, value string) []actionlint.ExprNode {
	if !strings.Contains(value, "${{") {
		return nil
	}
	return file.Memo(tiNodesKey{value}, func() any {
		var out []actionlint.ExprNode
		for _, e := range file.Exprs(&actionlint.String{Value: value}) {
			if e.Node != nil {
				out = append(out, e.Node)
			}
		}
		return out
	}).([]actionlint.ExprNode)
}

// resolve classifies one context path, following env:, job outputs and matrix values to where
// their data comes from. Callers must not modify the result.
func (sc tiScope) resolve(path string) []tiSource {
	r := sc.resolved
	if r == nil || sc.depth > 0 {
		return sc.resolveOnce(path)
	}
	l := r.list(sc.step, path)
	for i, p := range l.paths {
		if p == path {
			return l.srcs[i]
		}
	}
	out := sc.resolveOnce(path)
	l.paths, l.srcs = append(l.paths, path), append(l.srcs, out)
	return out
}

func (sc tiScope) resolveOnce(path string) []tiSource {
	var buf [8]string
	segs := tiSplitDots(path, buf[:0])
	one := func(k tiKind, events []string) []tiSource {
		return []tiSource{{path: path, kind: k, events: events}}
	}
	switch segs[0] {
	case "github":
		k, events := classifyGitHubIn(sc.file, path)
		if k == tiDispatch && len(segs) >= 4 {
			return one(sc.inputKind(segs[3], true), nil)
		}
		return one(k, events)
	case "inputs":
		if len(segs) < 2 || segs[1] == "*" {
			return one(sc.inputKind("", false), nil)
		}
		return one(sc.inputKind(segs[1], false), nil)
	case "env":
		if len(segs) < 2 || segs[1] == "*" {
			return one(tiRuntime, nil)
		}
		return sc.resolveEnv(path, segs[1])
	case "steps":
		if len(segs) == 3 && (segs[2] == "outcome" || segs[2] == "conclusion") {
			return nil
		}
		if len(segs) >= 4 && segs[2] == "outputs" && sc.stepOutputIsAttackers(segs[1], segs[3]) {
			return one(tiAttacker, nil)
		}
		return one(tiRuntime, nil)
	case "needs":
		if len(segs) == 3 && segs[2] == "result" {
			return nil
		}
		if len(segs) >= 4 && segs[2] == "outputs" && segs[3] != "*" {
			return sc.resolveNeeds(path, segs[1], segs[3])
		}
		return one(tiRuntime, nil)
	case "matrix":
		return sc.resolveMatrix(segs[1:])
	}
	// secrets, vars, runner, job, strategy: not attacker-controlled.
	return nil
}

// inputKind says who sets an input: a composite action's caller, the calling workflow, or
// whoever dispatches the workflow. Booleans, numbers, choices and environments are safe. An
// empty name means all inputs.
func (sc tiScope) inputKind(name string, dispatchOnly bool) tiKind {
	if sc.wf == nil {
		return tiCaller
	}
	kind := tiSafe
	for _, ev := range sc.wf.On {
		switch e := ev.(type) {
		case *actionlint.WorkflowDispatchEvent:
			for id, in := range e.Inputs {
				if (name == "" || id == name) && (in.Type == actionlint.WorkflowDispatchEventInputTypeNone || in.Type == actionlint.WorkflowDispatchEventInputTypeString) {
					kind = max(kind, tiDispatch)
				}
			}
		case *actionlint.WorkflowCallEvent:
			if dispatchOnly {
				continue
			}
			for _, in := range e.Inputs {
				if (name == "" || in.ID == name) && in.Type != actionlint.WorkflowCallEventInputTypeBoolean && in.Type != actionlint.WorkflowCallEventInputTypeNumber {
					kind = max(kind, tiCaller)
				}
			}
		}
	}
	return kind
}

// tiSplitDots is strings.Split(path, ".") appended to buf.
func tiSplitDots(path string, buf []string) []string {
	for {
		i := strings.IndexByte(path, '.')
		if i < 0 {
			return append(buf, path)
		}
		buf = append(buf, path[:i])
		path = path[i+1:]
	}
}

// tiExprPath is audit.ExprPath.
func tiExprPath(n actionlint.ExprNode) (string, bool) { return audit.ExprPath(n) }
