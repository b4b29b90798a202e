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

type ucCondsKey struct{}

// ucConditions returns the if: conditions of a workflow (jobs, reusable workflow calls and steps)
// or composite action, in file order. They are listed once per file and shared: callers must not
// modify the slice.
func ucConditions(f *audit.File) []ucCond {
	if f.Workflow == nil && (f.Action == nil || f.Action.Runs == nil) {
		return nil
	}
	return f.Memo(ucCondsKey{}, func() any {
		// Counted first, so that the list is allocated once at its size instead of grown.
		n := 0
		if f.Workflow != nil {
			for _, j := range f.Jobs() {
				if j.If != nil {
					n++
				}
				for _, st := range j.Steps {
					if st != nil && st.If != nil {
						n++
					}
				}
			}
		}
		if f.Action != nil && f.Action.Runs != nil {
			for _, st := range f.Action.Runs.Steps {
				if st != nil && st.If != nil {
					n++
				}
			}
		}
		if n == 0 {
			return []ucCond(nil)
		}
		out := make([]ucCond, 0, n)
		if f.Workflow != nil {
			for _, j := range f.Jobs() {
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
		return out
	}).([]ucCond)
}

// ucExpr is one parsed expression of a condition with its source position.
type ucExpr struct {
	Node actionlint.ExprNode
	Pos  *actionlint.Pos
}

type ucParseKey struct{ s *actionlint.String }

// ucParse returns the expressions of a condition: each ${{ }} placeholder, or the whole condition
// when it is written without one. Expressions that do not parse are left out. The parse is done
// once per string and shared (the placeholders' through file.ExprsOf): callers must not modify it.
func ucParse(file *audit.File, s *actionlint.String) []ucExpr {
	if s == nil {
		return nil
	}
	return file.Memo(ucParseKey{s}, func() any {
		if !strings.Contains(s.Value, "${{") {
			n := ucParseBare(s.Value)
			if n == nil {
				return []ucExpr(nil)
			}
			return []ucExpr{{Node: n, Pos: s.Pos}}
		}
		var out []ucExpr
		for _, e := range file.ExprsOf(s) {
			if e.Node != nil {
				out = append(out, ucExpr{Node: e.Node, Pos: &actionlint.Pos{Line: e.Line, Col: e.Col}})
			}
		}
		return out
	}).([]ucExpr)
}

// ucParseBare parses a condition written without ${{ }}; it returns nil when it is empty or
// does not parse.
func ucParseBare(v string) actionlint.ExprNode {
	src := strings.TrimSpace(v)
	if src == "" {
		return nil
	}
	n, err := actionlint.NewExprParser().Parse(actionlint.NewExprLexer(src + "}}"))
	if err != nil {
		return nil
	}
	return n
}

// ucLowerASCII appends s to buf with its ASCII letters in lower case. Folding ASCII alone is
// exact for the prefilters: the identifiers they look for are ASCII in the expression syntax, and
// the literals they look for ("[bot]", "renovate") have no letter with a non-ASCII case form.
func ucLowerASCII(buf []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf = append(buf, c)
	}
	return buf
}

// ucContainsFold reports whether s holds word (lower-case ASCII) in any ASCII case: a prefilter
// that spares parsing conditions that cannot hold what a check looks for.
func ucContainsFold(s, word string) bool {
	for i := 0; i+len(word) <= len(s); i++ {
		j := 0
		for j < len(word) && ucFoldEq(s[i+j], word[j]) {
			j++
		}
		if j == len(word) {
			return true
		}
	}
	return false
}

// ucFoldEq reports whether byte c is w, or w's upper case when w is a lower-case ASCII letter.
func ucFoldEq(c, w byte) bool {
	return c == w || 'a' <= w && w <= 'z' && c == w-('a'-'A')
}

// ucString returns the value of a string literal node.
func ucString(n actionlint.ExprNode) (string, bool) {
	s, ok := n.(*actionlint.StringNode)
	if !ok {
		return "", false
	}
	return s.Value, true
}
