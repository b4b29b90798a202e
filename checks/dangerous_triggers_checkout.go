package checks

import (
	"regexp"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// dtPrCheckout is a step that puts code of the pull request (or of the triggering run) into the workspace.
type dtPrCheckout struct {
	index int
	step  *actionlint.Step
	pos   *actionlint.Pos
	// what is checked out: "the pull request head".
	what string
	// dir is where, relative to the workspace; "" for the workspace itself.
	dir  string
	conf audit.Confidence
	// guard names the actions/checkout release that refuses fork code here, when it does.
	guard string
	// optOut is true when the checkout sets allow-unsafe-pr-checkout.
	optOut bool
	// selfExec is what the same run: script executes after checking out, if anything.
	selfExec string
	// baseByName is true for actions/checkout of the pull request's branch by name with no
	// repository: that names the fork: it takes the base repository's branch of that name.
	baseByName bool
}

// Context paths whose value names code of the pull request or of the triggering run.
var (
	dtPrCommitPaths = map[string]string{
		"github.event.pull_request.head.sha":                  "the pull request head",
		"github.event.pull_request.merge_commit_sha":          "the pull request merge commit",
		"github.event.workflow_run.head_sha":                  "the triggering run's head commit",
		"github.event.workflow_run.head_commit.id":            "the triggering run's head commit",
		"github.event.workflow_run.pull_requests.*.head.sha":  "the triggering pull request's head",
		"github.event.pull_request.head.repo.full_name":       "the pull request's fork",
		"github.event.pull_request.head.repo.clone_url":       "the pull request's fork",
		"github.event.pull_request.head.repo.html_url":        "the pull request's fork",
		"github.event.pull_request.head.repo.ssh_url":         "the pull request's fork",
		"github.event.workflow_run.head_repository.full_name": "the triggering run's fork",
	}
	dtPrBranchPaths = map[string]bool{
		"github.head_ref": true, "github.event.pull_request.head.ref": true, "github.event.pull_request.head.label": true,
		"github.event.workflow_run.head_branch": true, "github.event.workflow_run.pull_requests.*.head.ref": true,
	}
	dtPrRefRe = regexp.MustCompile(`(?:^|[^a-z])pull/(?:\$\{\{[^}]*\}\}|[^/\s'"]+)/(head|merge)\b`)
	// Names of step and job outputs and of inputs that likely carry a pull request's ref.
	dtPrishNameRe   = regexp.MustCompile(`(?i)head|pr|pull`)
	dtRefishNameRe  = regexp.MustCompile(`(?i)sha|ref|branch|commit`)
	dtBaseishNameRe = regexp.MustCompile(`(?i)base|target|default|main|release`)
)

// dtByName is what a checkout of the pull request's branch by name takes.
const dtByName = "the pull request's branch, by name"

// dtRefClass says what a checkout's ref: or repository: names.
type dtRefClass struct {
	what string // "" when nothing from the pull request
	conf audit.Confidence
	// fork is true when the value selects fork code that actions/checkout's guard recognises.
	fork bool
}

// dtClassifyRef reads a ref:, repository: or script text for values that name pull request code.
func dtClassifyRef(file *audit.File, s *actionlint.String, env func(string) *actionlint.String, depth int) dtRefClass {
	if s == nil {
		return dtRefClass{}
	}
	best := dtRefClass{}
	take := func(c dtRefClass) {
		if c.what != "" && (best.what == "" || c.conf > best.conf) {
			best = c
		}
	}
	if m := dtPrRefRe.FindStringSubmatch(toLower(s.Value)); m != nil {
		what := "the pull request head"
		if m[1] == "merge" {
			what = "the pull request merge commit"
		}
		take(dtRefClass{what: what, conf: audit.HighConfidence, fork: true})
	}
	exprs := file.Exprs
	if s.Pos != nil {
		exprs = file.ExprsOf // a string of the workflow, not a line cut from a script: shared parse
	}
	for _, e := range exprs(s) {
		if e.Node == nil {
			continue
		}
		actionlint.VisitExprNode(e.Node, func(n, parent actionlint.ExprNode, entering bool) {
			if !entering || dtIsDeref(parent) {
				return
			}
			p, ok := audit.ExprPath(n)
			if !ok {
				return
			}
			switch {
			case dtPrCommitPaths[p] != "":
				take(dtRefClass{what: dtPrCommitPaths[p], conf: audit.HighConfidence, fork: true})
			case dtPrBranchPaths[p]:
				take(dtRefClass{what: dtByName, conf: audit.LowConfidence})
			case strings.HasPrefix(p, "env.") && depth == 0 && env != nil:
				take(dtClassifyRef(file, env(strings.TrimPrefix(p, "env.")), nil, 1))
			case dtPrishOutput(p):
				take(dtRefClass{what: "a pull request ref from " + strings.Join(strings.SplitN(p, ".", 3)[:2], "."), conf: audit.MediumConfidence})
			}
		})
	}
	return best
}

// dtPrishOutput reports whether a step output, job output or input looks like it carries a
// pull request's ref: "steps.pr.outputs.sha", "needs.meta.outputs.head_ref".
func dtPrishOutput(p string) bool {
	parts := strings.Split(p, ".")
	if len(parts) < 2 || parts[0] != "steps" && parts[0] != "needs" && parts[0] != "inputs" {
		return false
	}
	name := parts[len(parts)-1]
	if dtBaseishNameRe.MatchString(name) {
		return false
	}
	if parts[0] == "inputs" {
		return dtPrishNameRe.MatchString(name)
	}
	return dtPrishNameRe.MatchString(p[len(parts[0])+1:]) && dtRefishNameRe.MatchString(name) || dtPrishNameRe.MatchString(name)
}

func dtIsDeref(n actionlint.ExprNode) bool {
	switch n.(type) {
	case *actionlint.ObjectDerefNode, *actionlint.ArrayDerefNode, *actionlint.IndexAccessNode:
		return true
	}
	return false
}

// dtActionCheckout classifies an actions/checkout step; ok is false for any other step.
// untrusted is nil for a checkout of trusted code (the base, the default branch).
func dtActionCheckout(file *audit.File, ref audit.StepRef, env func(string) *actionlint.String, guardedEvent bool) (untrusted *dtPrCheckout, dir string, ok bool) {
	a := ref.Uses()
	if a == nil || a.Uses == nil || !strings.HasPrefix(toLower(a.Uses.Value), "actions/checkout@") {
		return nil, "", false
	}
	input := func(name string) *actionlint.String {
		if in := a.Inputs[name]; in != nil {
			return in.Value
		}
		return nil
	}
	if p := input("path"); p != nil && !strings.Contains(p.Value, "${{") {
		dir = dtCleanDir(p.Value)
	}
	c := dtClassifyRef(file, input("ref"), env, 0)
	repo := input("repository")
	if r := dtClassifyRef(file, repo, env, 0); r.what != "" && r.conf >= c.conf {
		c = r
	}
	if c.what == "" {
		return nil, dir, true
	}
	pc := &dtPrCheckout{index: ref.Index, step: ref.Step, pos: a.Uses.Pos, what: c.what, dir: dir, conf: c.conf}
	pc.baseByName = c.what == dtByName && (repo == nil || strings.TrimSpace(repo.Value) == "" ||
		strings.TrimSpace(repo.Value) == "${{ github.repository }}")
	allow := input("allow-unsafe-pr-checkout")
	if c.fork && guardedEvent && (allow == nil || strings.EqualFold(strings.TrimSpace(allow.Value), "false")) {
		pc.guard = dtCheckoutGuard(file, a.Uses)
	}
	pc.optOut = allow != nil && !strings.EqualFold(strings.TrimSpace(allow.Value), "false")
	return pc, dir, true
}

func dtCleanDir(p string) string {
	p = strings.Trim(strings.TrimSpace(p), "/")
	for strings.HasPrefix(p, "./") {
		p = strings.TrimPrefix(p, "./")
	}
	if p == "." {
		return ""
	}
	return p
}
