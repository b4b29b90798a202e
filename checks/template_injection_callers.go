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
	sc   tiScope // the caller's scope, for the expressions of its with: values
	with func(name string) *actionlint.String
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
	return path.Clean(v), true
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
				inputs := j.WorkflowCall.Inputs
				ix.workflows[p] = append(ix.workflows[p], tiCall{
					sc: tiScope{file: f, wf: f.Workflow, job: j, envFrom: 1},
					with: func(name string) *actionlint.String {
						if in := inputs[name]; in != nil {
							return in.Value
						}
						return nil
					}})
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
			inputs := u.Inputs
			ix.actions[p] = append(ix.actions[p], tiCall{
				sc: tiScope{file: f, wf: f.Workflow, job: ref.Job, step: ref.Step},
				with: func(name string) *actionlint.String {
					if in := inputs[name]; in != nil {
						return in.Value
					}
					return nil
				}})
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
