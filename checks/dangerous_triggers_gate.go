package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// dtTriggerGate is what stands between an outsider's pull request and a job: the highest
// severity it leaves a finding, and what it is, for the message.
type dtTriggerGate struct {
	sev  audit.Severity
	what string
}

var dtNoTriggerGate = dtTriggerGate{sev: audit.Critical}

// and is the gate of two conditions that must both hold: the stronger one.
func (g dtTriggerGate) and(o dtTriggerGate) dtTriggerGate {
	if o.sev < g.sev {
		return o
	}
	return g
}

// or is the gate of two alternatives: the weaker one, since either lets the job run.
func (g dtTriggerGate) or(o dtTriggerGate) dtTriggerGate {
	if o.sev > g.sev {
		return o
	}
	return g
}

// dtJobGate is the gate of a job: its if:, its environment, and the gates of the jobs it needs.
func dtJobGate(file *audit.File, events []string, jobs map[string]*actionlint.Job, j *actionlint.Job, seen map[string]bool) dtTriggerGate {
	g := dtCondGate(file, events, j.If)
	if j.Environment != nil && j.Environment.Name != nil {
		g = g.and(dtTriggerGate{sev: audit.Medium, what: fmt.Sprintf("the environment %q (a gate only if it requires reviewers)", j.Environment.Name.Value)})
	}
	if j.If != nil && strings.Contains(strings.ToLower(j.If.Value), "always()") {
		return g // runs whatever the jobs it needs did
	}
	for _, n := range j.Needs {
		id := strings.ToLower(n.Value)
		if seen[id] || jobs[id] == nil {
			continue
		}
		seen[id] = true
		if ng := dtJobGate(file, events, jobs, jobs[id], seen); ng.what != "" {
			g = g.and(dtTriggerGate{sev: ng.sev, what: ng.what + " on the job it needs, " + dtStrconvQuote(jobs[id].ID)})
		}
	}
	return g
}

func dtStrconvQuote(s *actionlint.String) string {
	if s == nil {
		return `""`
	}
	return fmt.Sprintf("%q", s.Value)
}

// dtCondGate evaluates an if: condition as a gate.
func dtCondGate(file *audit.File, events []string, s *actionlint.String) dtTriggerGate {
	if s == nil || strings.TrimSpace(s.Value) == "" {
		return dtNoTriggerGate
	}
	if !strings.Contains(s.Value, "${{") {
		// The parse unsound-condition and bot-conditions share.
		exprs := ucParse(file, s)
		if len(exprs) == 0 {
			return dtNoTriggerGate
		}
		return dtExprGate(exprs[0].Node, events)
	}
	exprs := file.ExprsOf(s)
	if len(exprs) != 1 || exprs[0].Node == nil {
		return dtNoTriggerGate
	}
	return dtExprGate(exprs[0].Node, events)
}

// dtExprGate classifies a condition: && takes the stronger side, || the weaker, and each
// comparison or call is a gate only if it keeps outsiders out.
func dtExprGate(n actionlint.ExprNode, events []string) dtTriggerGate {
	switch x := n.(type) {
	case *actionlint.LogicalOpNode:
		l, r := dtExprGate(x.Left, events), dtExprGate(x.Right, events)
		if x.Kind == actionlint.LogicalOpNodeKindAnd {
			return l.and(r)
		}
		return l.or(r)
	case *actionlint.NotOpNode:
		p, _ := audit.ExprPath(x.Operand)
		switch {
		case strings.HasSuffix(p, ".fork"):
			return dtSameRepoGate
		case p == "github.event.issue.pull_request":
			return dtNeverGate
		}
	case *actionlint.ObjectDerefNode:
		if p, _ := audit.ExprPath(x); p == "github.event.pull_request.merged" {
			return dtMergedGate
		}
	case *actionlint.CompareOpNode:
		return dtCompareGate(x, events)
	case *actionlint.FuncCallNode:
		name := strings.ToLower(x.Callee)
		if name != "contains" && name != "startswith" && name != "endswith" {
			break
		}
		g := dtNoTriggerGate
		for _, a := range x.Args {
			if p, ok := audit.ExprPath(a); ok {
				g = g.and(dtPathGate(p, true))
			}
		}
		return g
	}
	return dtNoTriggerGate
}

var (
	dtSameRepoGate = dtTriggerGate{sev: audit.Low, what: "a same-repository check"}
	dtMergedGate   = dtTriggerGate{sev: audit.Low, what: "a check that the pull request was merged"}
	// dtNeverGate is a condition that is false for the privileged triggers: the job never runs for them.
	dtNeverGate = dtTriggerGate{sev: audit.Info, what: "a condition that excludes this trigger"}
)

func dtCompareGate(x *actionlint.CompareOpNode, events []string) dtTriggerGate {
	eq := x.Kind == actionlint.CompareOpNodeKindEq
	if !eq && x.Kind != actionlint.CompareOpNodeKindNotEq {
		return dtNoTriggerGate
	}
	l, _ := audit.ExprPath(x.Left)
	r, _ := audit.ExprPath(x.Right)
	lit := dtLiteral(x.Left) + dtLiteral(x.Right)
	for _, pair := range [][2]string{{l, r}, {r, l}} {
		p, other := pair[0], pair[1]
		switch {
		case strings.HasSuffix(p, "head.repo.full_name") || strings.HasSuffix(p, "head_repository.full_name") ||
			strings.HasSuffix(p, "head.repo.owner.login") || strings.HasSuffix(p, "head_repository.owner.login"):
			if eq && (other == "github.repository" || other == "github.repository_owner" || other == "" && lit != "") {
				return dtSameRepoGate
			}
		case strings.HasSuffix(p, ".fork") && (lit == "false" && eq || lit == "true" && !eq):
			return dtSameRepoGate
		case p == "github.event_name" && lit != "":
			in := slices.Contains(events, lit)
			if eq && !in || !eq && in && len(events) == 1 {
				return dtNeverGate
			}
			return dtNoTriggerGate
		case p == "github.event.pull_request.merged" && (lit == "true" && eq || lit == "false" && !eq):
			return dtMergedGate
		case p == "github.event.workflow_run.event":
			pr := strings.HasPrefix(lit, "pull_request")
			if eq && !pr || !eq && pr {
				return dtTriggerGate{sev: audit.Low, what: "a check that the triggering run did not come from a pull request"}
			}
		case strings.Contains(p, "author_association") && eq && dtOutsiderAssociation(lit):
			// == 'CONTRIBUTOR' (or FIRST_TIMER, NONE...) lets in people outside the repository.
			return dtNoTriggerGate
		case p != "":
			if g := dtPathGate(p, eq); g.what != "" {
				return g
			}
		}
	}
	return dtNoTriggerGate
}

// dtPathGate is the gate a comparison on one context path gives; eq is false for !=, which
// excludes one value and so keeps nobody out, except for an author_association.
func dtPathGate(p string, eq bool) dtTriggerGate {
	switch {
	case strings.Contains(p, "author_association"):
		return dtTriggerGate{sev: audit.Medium, what: "an author_association check"}
	case !eq:
	case strings.Contains(p, "labels") || p == "github.event.label.name":
		return dtTriggerGate{sev: audit.High, what: "a label check (a label stays on while the author pushes new commits)"}
	case p == "github.actor" || p == "github.triggering_actor" || p == "github.event.sender.login":
		return dtTriggerGate{sev: audit.High, what: "an actor check (the actor is whoever triggered the run, not always the author)"}
	case strings.HasSuffix(p, "user.login") || strings.HasSuffix(p, "actor.login"):
		return dtTriggerGate{sev: audit.Medium, what: "a check on who opened the pull request"}
	}
	return dtNoTriggerGate
}

func dtLiteral(n actionlint.ExprNode) string {
	switch x := n.(type) {
	case *actionlint.StringNode:
		return strings.ToLower(x.Value)
	case *actionlint.BoolNode:
		return fmt.Sprint(x.Value)
	}
	return ""
}

// dtOutsiderAssociation reports whether an author_association value (lower-cased) is one that
// people outside the repository have: anyone whose pull request was once merged is a CONTRIBUTOR.
func dtOutsiderAssociation(v string) bool {
	switch v {
	case "contributor", "first_time_contributor", "first_timer", "none", "mannequin":
		return true
	}
	return false
}
