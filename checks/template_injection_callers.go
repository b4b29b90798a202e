package checks

import (
	"bytes"
	"path"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// tiCall is one local call of a reusable workflow (a job's uses:) or of a composite action (a
// step's uses:) in the target: where it stands and what it passes.
type tiCall struct {
	sc tiScope // the caller's scope, for the expressions of its with: values
	// The with: values: a job's (a reusable workflow's call) or a step's (a composite action's).
	jobWith  map[string]*actionlint.WorkflowCallInput
	stepWith map[string]*actionlint.Input
}

// with returns the value the call passes for an input, nil when it passes none (the other
// kind's map is nil: its lookup finds nothing).
func (c tiCall) with(name string) *actionlint.String {
	if in := c.jobWith[name]; in != nil {
		return in.Value
	}
	if in := c.stepWith[name]; in != nil {
		return in.Value
	}
	return nil
}

// tiCallIndex lists the local callers of a target's reusable workflows (by file path) and
// composite actions (by directory). It is built once per pass, and only when a finding reads
// an input: most targets never need it.
type tiCallIndex struct {
	built     bool
	workflows map[string][]tiCall
	actions   map[string][]tiCall
	verdicts  map[tiVerdictKey]tiVerdict
}

type tiVerdictKey struct {
	file  *audit.File
	input string
}

// tiLocalPath turns a local uses: ("./.github/actions/x", "./.github/workflows/y.yml") into a
// path relative to the target root; ok is false for anything else.
func tiLocalPath(v string) (string, bool) {
	v = strings.TrimSpace(v)
	if !strings.HasPrefix(v, "./") || strings.Contains(v, "${{") {
		return "", false
	}
	if rest := v[2:]; tiCleanPath(rest) {
		return rest, true // what path.Clean returns, without its copy
	}
	return path.Clean(v), true
}

// tiCleanPath reports whether path.Clean leaves a relative path as it is: it is not empty, and no
// component is empty (a leading, doubled or trailing slash), "." or "..". A local uses: is most
// often such a path after its "./" (".github/actions/x").
func tiCleanPath(p string) bool {
	for p != "" {
		c, rest, more := strings.Cut(p, "/")
		if c == "" || c == "." || c == ".." {
			return false
		}
		if !more {
			return true
		}
		p = rest
	}
	return false
}

func (ix *tiCallIndex) build(t *audit.Target) {
	ix.built = true
	ix.workflows, ix.actions = map[string][]tiCall{}, map[string][]tiCall{}
	for _, f := range t.Files {
		if f.Workflow == nil && (f.Action == nil || !f.Action.IsComposite()) || !bytes.Contains(f.Source, []byte("./")) {
			continue
		}
		for _, j := range f.Jobs() {
			if j.WorkflowCall == nil || j.WorkflowCall.Uses == nil {
				continue
			}
			if p, ok := tiLocalPath(j.WorkflowCall.Uses.Value); ok {
				ix.workflows[p] = append(ix.workflows[p], tiCall{
					sc:      tiScope{file: f, wf: f.Workflow, job: j, envFrom: 1},
					jobWith: j.WorkflowCall.Inputs})
			}
		}
		for _, ref := range f.Steps() {
			u := ref.Uses()
			if u == nil || u.Uses == nil {
				continue
			}
			p, ok := tiLocalPath(u.Uses.Value)
			if !ok {
				continue
			}
			if base := path.Base(p); base == "action.yml" || base == "action.yaml" {
				p = path.Dir(p)
			}
			ix.actions[p] = append(ix.actions[p], tiCall{
				sc:       tiScope{file: f, wf: f.Workflow, job: ref.Job, step: ref.Step},
				stepWith: u.Inputs})
		}
	}
}

// calls returns the local calls of a reusable workflow or composite action.
func (ix *tiCallIndex) calls(t *audit.Target, callee *audit.File) []tiCall {
	if !ix.built {
		ix.build(t)
	}
	if callee.Workflow != nil {
		return ix.workflows[callee.Path]
	}
	return ix.actions[path.Dir(callee.Path)]
}
