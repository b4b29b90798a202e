package checks

import (
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// tiJobTriggers narrows a workflow's triggers to those a job's if: lets through when it tests
// github.event_name (if: github.event_name == 'push' runs the job for push alone, where
// github.head_ref is empty): == comparisons joined by || and &&, as a whole condition. Any other
// condition leaves the triggers as they are.
func tiJobTriggers(file *audit.File, job *actionlint.Job, t tiTriggers) tiTriggers {
	if job == nil || job.If == nil || !strings.Contains(job.If.Value, "event_name") || t.any {
		return t
	}
	exprs := ucParse(file, job.If)
	if len(exprs) != 1 || exprs[0].Node == nil {
		return t
	}
	allowed, ok := tiEventNames(exprs[0].Node)
	if !ok {
		return t
	}
	out := tiTriggers{events: map[string]bool{}}
	for e := range t.events {
		if allowed[e] {
			out.events[e] = true
		}
	}
	return out
}

// tiEventNames returns the events a condition admits when it restricts github.event_name: ok is
// false when it does not (or not in a form read here).
func tiEventNames(n actionlint.ExprNode) (map[string]bool, bool) {
	switch x := n.(type) {
	case *actionlint.CompareOpNode:
		if x.Kind != actionlint.CompareOpNodeKindEq {
			return nil, false
		}
		l, _ := audit.ExprPath(x.Left)
		r, _ := audit.ExprPath(x.Right)
		var lit actionlint.ExprNode
		switch {
		case l == "github.event_name":
			lit = x.Right
		case r == "github.event_name":
			lit = x.Left
		default:
			return nil, false
		}
		s, isStr := lit.(*actionlint.StringNode)
		if !isStr {
			return nil, false
		}
		return map[string]bool{strings.ToLower(s.Value): true}, true
	case *actionlint.LogicalOpNode:
		l, lok := tiEventNames(x.Left)
		r, rok := tiEventNames(x.Right)
		if x.Kind == actionlint.LogicalOpNodeKindOr {
			if !lok || !rok {
				return nil, false // either side may let any event through
			}
			for e := range r {
				l[e] = true
			}
			return l, true
		}
		switch { // &&: both must hold
		case lok && rok:
			out := map[string]bool{}
			for e := range l {
				if r[e] {
					out[e] = true
				}
			}
			return out, true
		case lok:
			return l, true
		case rok:
			return r, true
		}
	}
	return nil, false
}
