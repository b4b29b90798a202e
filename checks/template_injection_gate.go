package checks

import (
	"encoding/json"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// tiTrustedAssociations are the author associations of people with write access or membership.
var tiTrustedAssociations = map[string]bool{"owner": true, "member": true, "collaborator": true}

// tiActorContexts name whoever caused the event: a user's name there cannot be taken by
// someone else, but a bot's can (see bot-conditions), so bots' names do not restrict.
var tiActorContexts = map[string]bool{"github.actor": true, "github.triggering_actor": true, "github.event.sender.login": true}

type tiGateKey struct{ job *actionlint.Job }

// tiJobGate returns the job's if: condition when it lets the job run only for trusted actors, and
// "" otherwise. It is computed once per job.
func tiJobGate(file *audit.File, job *actionlint.Job) string {
	if job == nil || job.If == nil || !tiGateMayHold(job.If.Value) {
		return ""
	}
	return file.Memo(tiGateKey{job}, func() any {
		v := strings.TrimSpace(job.If.Value)
		if strings.Contains(v, "${{") && (!strings.HasPrefix(v, "${{") || !strings.HasSuffix(v, "}}") || strings.Count(v, "${{") != 1) {
			return "" // text around the expression makes a non-empty string: always true
		}
		exprs := ucParse(file, job.If)
		if len(exprs) != 1 || !tiRestrictive(exprs[0].Node) {
			return ""
		}
		v = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(v, "${{"), "}}"))
		if len(v) > 100 {
			v = v[:97] + "..."
		}
		return v
	}).(string)
}

// tiGateMayHold is a prefilter: a restricting condition names an author association or an actor.
func tiGateMayHold(v string) bool {
	l := strings.ToLower(v)
	return strings.Contains(l, "author_association") || strings.Contains(l, "actor") || strings.Contains(l, "sender")
}

// tiRestrictive reports whether a condition holds only for trusted actors: an == comparison of
// an author association with OWNER, MEMBER or COLLABORATOR, or of the actor with a user's name
// (not a bot's), contains(fromJSON('[...]'), ...) over such values, a && with a restrictive side,
// or a || whose sides are all restrictive.
func tiRestrictive(n actionlint.ExprNode) bool {
	switch x := n.(type) {
	case *actionlint.LogicalOpNode:
		if x.Kind == actionlint.LogicalOpNodeKindAnd {
			return tiRestrictive(x.Left) || tiRestrictive(x.Right)
		}
		return tiRestrictive(x.Left) && tiRestrictive(x.Right)
	case *actionlint.CompareOpNode:
		if x.Kind != actionlint.CompareOpNodeKindEq {
			return false
		}
		if tiTrustedPair(x.Left, x.Right) || tiTrustedPair(x.Right, x.Left) {
			return true
		}
	case *actionlint.FuncCallNode:
		if !strings.EqualFold(x.Callee, "contains") || len(x.Args) != 2 {
			return false
		}
		list, ok := x.Args[0].(*actionlint.FuncCallNode)
		if !ok || !strings.EqualFold(list.Callee, "fromjson") || len(list.Args) != 1 {
			return false
		}
		lit, ok := list.Args[0].(*actionlint.StringNode)
		var names []string
		if !ok || json.Unmarshal([]byte(lit.Value), &names) != nil || len(names) == 0 {
			return false
		}
		for _, name := range names {
			if !tiTrustedPair(x.Args[1], &actionlint.StringNode{Value: name}) {
				return false
			}
		}
		return true
	}
	return false
}

// tiTrustedPair reports whether context == literal admits only trusted actors.
func tiTrustedPair(ctx, literal actionlint.ExprNode) bool {
	p, ok := audit.ExprPath(ctx)
	lit, isLit := literal.(*actionlint.StringNode)
	if !ok || !isLit {
		return false
	}
	v := strings.ToLower(strings.TrimSpace(lit.Value))
	switch {
	case strings.HasPrefix(p, "github.event.") && strings.HasSuffix(p, ".author_association"):
		return tiTrustedAssociations[v]
	case tiActorContexts[p]:
		return v != "" && !strings.HasSuffix(v, "[bot]")
	}
	return false
}

// tiLower is one severity level below s.
func tiLower(s audit.Severity) audit.Severity {
	if s > audit.Info {
		return s - 1
	}
	return s
}
