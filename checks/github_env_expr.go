package checks

import (
	"slices"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// expr is the taint of a ${{ }} expression: the worst of the contexts it reads.
func (fl *ghenvFlow) expr(n actionlint.ExprNode, depth int) ghenvTaint {
	t := ghenvTaint{}
	if n == nil {
		return t
	}
	actionlint.VisitExprNode(n, func(n, parent actionlint.ExprNode, entering bool) {
		p, root, rest, ok := ghenvPathOf(n, parent, entering)
		if !ok {
			return
		}
		switch root {
		case "github":
			kind, events := classifyGitHubIn(fl.s.Ref.File, p)
			switch {
			case kind == tiAttacker && (fl.events == nil || ghenvOverlap(events, fl.events)):
				t = t.max(ghenvTaint{level: ghenvAttacker, what: p, conf: audit.HighConfidence, refName: ghenvRefNames[strings.ToLower(p)]})
			case kind == tiGuess:
				t = t.max(ghenvTaint{level: ghenvUnknown, what: p, conf: audit.LowConfidence})
			}
		case "env":
			if v := ghenvEnvVar(fl.s.Ref, rest, true); v != nil && depth < 3 {
				for _, e := range fl.s.Ref.File.ExprsOf(v) {
					if et := fl.expr(e.Node, depth+1); et.level > ghenvSafe {
						et.what = p + " (" + et.what + ")"
						t = t.max(et)
					}
				}
			}
		case "steps", "needs", "inputs", "jobs":
			if fl.events != nil {
				t = t.max(ghenvTaint{level: ghenvUnknown, what: p, conf: audit.LowConfidence})
			}
		}
	})
	return t
}

// ghenvPathOf returns the path that a node of a visit reads, its root and the rest, unless it
// is part of a longer path (a receiver) or reads none.
func ghenvPathOf(n, parent actionlint.ExprNode, entering bool) (p, root, rest string, ok bool) {
	if !entering || ghenvIsReceiver(n, parent) {
		return "", "", "", false
	}
	if p, ok = audit.ExprPath(n); !ok {
		return "", "", "", false
	}
	root, rest, _ = strings.Cut(p, ".")
	return p, root, rest, true
}

func ghenvIsReceiver(n, parent actionlint.ExprNode) bool {
	switch p := parent.(type) {
	case *actionlint.ObjectDerefNode:
		return p.Receiver == n
	case *actionlint.ArrayDerefNode:
		return p.Receiver == n
	case *actionlint.IndexAccessNode:
		return p.Operand == n
	}
	return false
}

func ghenvOverlap(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

// ghenvEnvVar finds an env: variable of the step, its job or its workflow.
// Shell variables are case-sensitive; env.NAME in an expression (fold) is not.
func ghenvEnvVar(ref audit.StepRef, name string, fold bool) *actionlint.String {
	for _, env := range ghenvEnvs(ref) {
		if env == nil {
			continue
		}
		if v := env.Vars[strings.ToLower(name)]; v != nil && v.Name != nil && (fold || v.Name.Value == name) {
			return v.Value
		}
	}
	return nil
}

// ghenvEnvs returns the env: blocks a step sees, the nearest first: the step's, its job's and its
// workflow's; those that are missing are nil.
func ghenvEnvs(ref audit.StepRef) [3]*actionlint.Env {
	envs := [3]*actionlint.Env{ref.Step.Env}
	if ref.Job != nil {
		envs[1] = ref.Job.Env
	}
	if ref.File.Workflow != nil {
		envs[2] = ref.File.Workflow.Env
	}
	return envs
}
