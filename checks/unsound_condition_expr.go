package checks

import (
	"fmt"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// Helpers shared by unsound-condition, unsound-contains and bot-conditions: every if: of a
// target, and the expressions it holds.

// ucCond is one if: condition, of a job or of a step.
type ucCond struct {
	File *audit.File
	// Job is nil for a composite action's step.
	Job *actionlint.Job
	// Step is nil for a job's own condition.
	Step  *actionlint.Step
	Index int
	If    *actionlint.String
}

// where names the condition's place for messages and fingerprints.
func (c ucCond) where() string {
	switch {
	case c.Job == nil:
		return "composite action, " + audit.StepLabel(c.Step, c.Index)
	case c.Step == nil:
		return fmt.Sprintf("job %q", c.Job.ID.Value)
	}
	return fmt.Sprintf("job %q, %s", c.Job.ID.Value, audit.StepLabel(c.Step, c.Index))
}

// ucConditions returns the if: conditions of the target's workflows (jobs, reusable workflow
// calls and steps) and composite actions, in file order.
func ucConditions(t *audit.Target) []ucCond {
	var out []ucCond
	for _, f := range t.Files {
		if f.Workflow != nil {
			for _, j := range audit.Jobs(f.Workflow) {
				if j.If != nil {
					out = append(out, ucCond{File: f, Job: j, If: j.If})
				}
				for i, st := range j.Steps {
					if st != nil && st.If != nil {
						out = append(out, ucCond{File: f, Job: j, Step: st, Index: i, If: st.If})
					}
				}
			}
		}
		if f.Action != nil && f.Action.Runs != nil {
			for i, st := range f.Action.Runs.Steps {
				if st != nil && st.If != nil {
					out = append(out, ucCond{File: f, Step: st, Index: i, If: st.If})
				}
			}
		}
	}
	return out
}

// ucExpr is one parsed expression of a condition with its source position.
type ucExpr struct {
	Node actionlint.ExprNode
	Pos  *actionlint.Pos
}

// ucParse returns the expressions of a condition: each ${{ }} placeholder, or the whole condition
// when it is written without one. Expressions that do not parse are left out.
func ucParse(file *audit.File, s *actionlint.String) []ucExpr {
	if s == nil {
		return nil
	}
	if !strings.Contains(s.Value, "${{") {
		src := strings.TrimSpace(s.Value)
		if src == "" {
			return nil
		}
		n, err := actionlint.NewExprParser().Parse(actionlint.NewExprLexer(src + "}}"))
		if err != nil {
			return nil
		}
		return []ucExpr{{Node: n, Pos: s.Pos}}
	}
	var out []ucExpr
	for _, e := range file.Exprs(s) {
		if e.Node != nil {
			out = append(out, ucExpr{Node: e.Node, Pos: &actionlint.Pos{Line: e.Line, Col: e.Col}})
		}
	}
	return out
}

// ucString returns the value of a string literal node.
func ucString(n actionlint.ExprNode) (string, bool) {
	s, ok := n.(*actionlint.StringNode)
	if !ok {
		return "", false
	}
	return s.Value, true
}
