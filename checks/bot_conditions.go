package checks

import (
	"fmt"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// BotConditions flags conditions that trust a run because its actor's name is a bot's.
var BotConditions = &audit.Check{
	ID:         "bot-conditions",
	Title:      "Spoofable bot actor check",
	Severity:   audit.High,
	Confidence: audit.HighConfidence,
	Category:   audit.CategoryTriggers,
	Doc: `Workflows that auto-approve or auto-merge Dependabot or Renovate pull requests often gate the privileged
job on ` + "`github.actor == 'dependabot[bot]'`" + `. But ` + "`github.actor`" + ` (like ` + "`github.triggering_actor`" + ` and
` + "`github.event.sender.login`" + `) is whoever caused the latest event, not who wrote the pull request: an attacker
can open a pull request from a fork whose branch Dependabot then updates (` + "`@dependabot recreate`" + ` or rebase on
the fork), and the ` + "`synchronize`" + ` event that follows has ` + "`dependabot[bot]`" + ` as its actor. In a
` + "`pull_request_target`" + ` or ` + "`workflow_run`" + ` workflow, which runs with secrets and a write token, the attacker's pull
request is then approved, merged or built as if it were Dependabot's. The same holds for checks of
` + "`github.actor_id`" + ` against a bot's id.

The check is high severity in ` + "`pull_request_target`" + ` and ` + "`workflow_run`" + ` workflows and low in other pull request
workflows (those runs get no secrets for fork pull requests); events that only people with write access
cause (` + "`push`" + `, ` + "`status`" + `...) are left alone. Confidence is high when the bot check alone decides the
condition and medium when it is one part of an ` + "`&&`" + `. It is low severity when the job runs
` + "`dependabot/fetch-metadata`" + `, which verifies the pull request's author before the later steps run.`,
	Bad: `on: pull_request_target
permissions:
  contents: write
  pull-requests: write
jobs:
  automerge:
    runs-on: ubuntu-latest
    if: github.actor == 'dependabot[bot]'
    steps:
      - run: gh pr merge --auto --squash "$PR_URL"
        env:
          PR_URL: ${{ github.event.pull_request.html_url }}
          GH_TOKEN: ${{ github.token }}
`,
	Good: `on: pull_request_target
permissions:
  contents: write
  pull-requests: write
jobs:
  automerge:
    runs-on: ubuntu-latest
    if: github.event.pull_request.user.login == 'dependabot[bot]'
    steps:
      - run: gh pr merge --auto --squash "$PR_URL"
        env:
          PR_URL: ${{ github.event.pull_request.html_url }}
          GH_TOKEN: ${{ github.token }}
`,
	Fix: `Check who opened the pull request, which an event cannot change: ` + "`github.event.pull_request.user.login == 'dependabot[bot]'`" + `,
and run ` + "`dependabot/fetch-metadata`" + ` first, which fails unless Dependabot authored the pull request and its commits.

Better still, let Dependabot PRs run on ` + "`pull_request`" + `, where Dependabot's runs get their own secrets, and enable
auto-merge through branch protection rather than a privileged workflow.`,
	References: []string{
		"https://docs.zizmor.sh/audits/#bot-conditions",
		"https://www.synacktiv.com/publications/github-actions-exploitation-dependabot",
		"https://docs.github.com/en/code-security/dependabot/working-with-dependabot/automating-dependabot-with-github-actions",
	},
	Equivalents: map[string]string{"zizmor": "bot-conditions", "poutine": "confused_deputy_auto_merge"},
	Run:         runBotConditions,
}

func runBotConditions(pass *audit.Pass) error {
	for _, file := range pass.Target.Files {
		for _, c := range ucConditions(file) {
			if bcMayHold(c.If.Value) {
				bcCondition(pass, c)
			}
		}
	}
	return nil
}

// bcMayHold is a prefilter that spares most conditions a parse. A bot check is an == comparison
// or a function call, so it holds "==" or "("; and it is one of: a comparison of the actor with
// a name ending in "[bot]" (also in contains(fromJSON('[..."x[bot]"...]'), github.actor)), a
// comparison of an id ("actor_id", "sender.id"), or startsWith/endsWith of the actor with a bot's
// name ("bot", "renovate"). "github.actor != 'dependabot[bot]'" keeps bots out and is skipped.
func bcMayHold(v string) bool {
	return bcMentions(v) && bcMayName(v) && (strings.IndexByte(v, '(') >= 0 || strings.Contains(v, "=="))
}

// bcWordStart marks the bytes that start a word bcMayName looks for, in either ASCII case: most
// bytes of a condition start none, and are passed over with one lookup.
var bcWordStart = func() (t [256]bool) {
	for _, c := range "abser" {
		t[c], t[c-('a'-'A')] = true, true
	}
	return t
}()

// bcMayName is bcMayHold's search for the words, in one pass over the condition, in any ASCII
// case ("[bot]" holds "bot").
func bcMayName(v string) bool {
	var bot, botTag, renovate, affix bool
	for i := 0; i < len(v); i++ {
		if !bcWordStart[v[i]] {
			continue
		}
		switch v[i] | 0x20 {
		case 'b':
			if asciiFoldAt(v, i, "bot") {
				bot = true
				botTag = botTag || i > 0 && v[i-1] == '[' && i+3 < len(v) && v[i+3] == ']'
			}
		case 'a':
			if asciiFoldAt(v, i, "actor_id") {
				return true
			}
		case 's':
			if asciiFoldAt(v, i, "sender") {
				return true
			}
			affix = affix || asciiFoldAt(v, i, "startswith")
		case 'e':
			affix = affix || asciiFoldAt(v, i, "endswith")
		case 'r':
			renovate = renovate || asciiFoldAt(v, i, "renovate")
		}
	}
	return botTag || (bot || renovate) && affix
}

// bcCondition reports the bot check of one condition, if it holds one.
func bcCondition(pass *audit.Pass, c ucCond) {
	var found, dominating, safe bool
	var ctx string
	for _, e := range ucParse(c.File, c.If) {
		f, d, cx := bcWalk(e.Node, true)
		if f && ctx == "" {
			found, dominating, ctx = true, d, cx
		}
		safe = safe || bcHasAuthorCheck(e.Node)
	}
	if !found || (safe && !dominating) {
		return
	}
	sev, trigger := audit.Low, ""
	if c.Job == nil {
		sev = audit.Medium
	} else if t := bcPrivileged(c.File.Workflow); t != "" {
		sev, trigger = audit.High, t
	} else if !bcPullRequest(c.File.Workflow) {
		return // push, status, schedule...: only those who can write to the repository cause them
	}
	msg := fmt.Sprintf("condition of %s trusts %s to name a bot, but it names whoever caused the event and can be made a bot by an attacker's pull request", c.where(), ctx)
	if trigger != "" {
		msg += " in a " + trigger + " workflow"
	}
	if fm := bcFetchMetadata(c); fm != "" {
		sev = audit.Low
		msg += "; " + fm + " verifies the pull request's author first"
	}
	f := pass.Reportf(c.File, c.If.Pos, "%s", msg)
	f.Severity = sev
	if !dominating {
		f.Confidence = audit.MediumConfidence
	}
	if c.Job == nil {
		f.Confidence = audit.LowConfidence
	}
	f.Key = c.where() + ": " + ctx
}

var (
	bcNameContexts = map[string]bool{"github.actor": true, "github.triggering_actor": true, "github.event.sender.login": true, "github.event.pull_request.sender.login": true}
	bcIDContexts   = map[string]bool{"github.actor_id": true, "github.event.sender.id": true, "github.event.pull_request.sender.id": true}
	// bcBotIDs are the user and integration ids of dependabot[bot], dependabot-preview[bot] and renovate[bot].
	bcBotIDs = map[string]bool{"29110": true, "49699333": true, "27856297": true, "29139614": true, "2740": true}
)

// bcBot reports whether a spoofable context compared with a literal names a bot; it returns the context.
func bcBot(ctxNode, litNode actionlint.ExprNode) (string, bool) {
	path, ok := audit.ExprPath(ctxNode)
	if !ok {
		return "", false
	}
	var lit string
	switch l := litNode.(type) {
	case *actionlint.StringNode:
		lit = strings.ToLower(l.Value)
	case *actionlint.IntNode:
		lit = fmt.Sprint(l.Value)
	default:
		return "", false
	}
	if bcNameContexts[path] && strings.HasSuffix(lit, "[bot]") || bcIDContexts[path] && bcBotIDs[lit] {
		return path, true
	}
	return "", false
}

// bcWalk looks for a bot check in an expression, as zizmor does: found, whether it decides the
// whole expression (dominating), and the context it reads.
func bcWalk(n actionlint.ExprNode, dominating bool) (bool, bool, string) {
	switch x := n.(type) {
	case *actionlint.CompareOpNode:
		if x.Kind == actionlint.CompareOpNodeKindEq {
			if ctx, ok := bcBot(x.Left, x.Right); ok {
				return true, dominating, ctx
			}
			if ctx, ok := bcBot(x.Right, x.Left); ok {
				return true, dominating, ctx
			}
		}
		return bcEither(x.Left, x.Right, false)
	case *actionlint.LogicalOpNode:
		if x.Kind == actionlint.LogicalOpNodeKindOr && (bcAdmitsForks(x.Left) || bcAdmitsForks(x.Right)) {
			// "from a fork || actor is a bot": a fork's pull request passes anyway, so posing
			// as a bot lets an attacker through nowhere the fork branch does not.
			return false, false, ""
		}
		return bcEither(x.Left, x.Right, dominating && x.Kind == actionlint.LogicalOpNodeKindOr)
	case *actionlint.FuncCallNode:
		name := strings.ToLower(x.Callee)
		if len(x.Args) == 2 {
			// contains(fromJSON('["dependabot[bot]", ...]'), github.actor), startsWith(github.actor, 'dependabot'),
			// endsWith(github.actor, '[bot]')
			hay, needle := x.Args[0], x.Args[1]
			if p, ok := audit.ExprPath(needle); ok && name == "contains" && bcNameContexts[p] {
				if call, ok := hay.(*actionlint.FuncCallNode); ok && len(call.Args) == 1 {
					if s, ok := ucString(call.Args[0]); ok && strings.Contains(strings.ToLower(s), "[bot]") {
						return true, dominating, p
					}
				}
			}
			if p, ok := audit.ExprPath(hay); ok && bcNameContexts[p] && (name == "startswith" || name == "endswith") {
				if s, ok := ucString(needle); ok && (strings.Contains(strings.ToLower(s), "bot") || strings.HasPrefix(strings.ToLower(s), "dependabot") || strings.HasPrefix(strings.ToLower(s), "renovate")) {
					return true, dominating, p
				}
			}
		}
		for _, a := range x.Args {
			if f, _, ctx := bcWalk(a, false); f {
				return true, false, ctx
			}
		}
	case *actionlint.NotOpNode:
		// A negated bot check keeps bots out: nothing to spoof.
		return false, false, ""
	}
	return false, dominating, ""
}

func bcEither(l, r actionlint.ExprNode, dominating bool) (bool, bool, string) {
	if f, d, ctx := bcWalk(l, dominating); f {
		return true, d, ctx
	}
	return bcWalk(r, dominating)
}

// bcHasAuthorCheck reports whether an expression also checks the pull request's author.
func bcHasAuthorCheck(n actionlint.ExprNode) bool {
	found := false
	actionlint.VisitExprNode(n, func(n, _ actionlint.ExprNode, entering bool) {
		if c, ok := n.(*actionlint.CompareOpNode); ok && entering && c.Kind == actionlint.CompareOpNodeKindEq {
			for _, side := range []actionlint.ExprNode{c.Left, c.Right} {
				if p, ok := audit.ExprPath(side); ok && (p == "github.event.pull_request.user.login" || p == "github.event.pull_request.user.id") {
					found = true
				}
			}
		}
	})
	return found
}

// bcPrivileged names the workflow's trigger that runs fork pull requests with secrets.
func bcPrivileged(w *actionlint.Workflow) string {
	for _, e := range w.On {
		if we, ok := e.(*actionlint.WebhookEvent); ok && we.Hook != nil {
			if h := we.Hook.Value; h == "pull_request_target" || h == "workflow_run" {
				return h
			}
		}
	}
	return ""
}

// bcPullRequest reports whether a workflow runs on pull request events, whose actor a fork can steer.
func bcPullRequest(w *actionlint.Workflow) bool {
	for _, e := range w.On {
		if we, ok := e.(*actionlint.WebhookEvent); ok && we.Hook != nil && strings.HasPrefix(we.Hook.Value, "pull_request") {
			return true
		}
	}
	return false
}

// bcFetchMetadata names the dependabot/fetch-metadata step that runs before the condition's step.
func bcFetchMetadata(c ucCond) string {
	if c.Job == nil {
		return ""
	}
	for i, st := range c.Job.Steps {
		if st == nil || c.Step != nil && i >= c.Index {
			break
		}
		if name, _, _, ok := pcUses(audit.StepRef{File: c.File, Job: c.Job, Index: i, Step: st}); ok && name == "dependabot/fetch-metadata" {
			return audit.StepLabel(st, i)
		}
	}
	return ""
}

// bcForkRepos are the contexts naming the repository a pull request (or its run) comes from.
var bcForkRepos = map[string]bool{
	"github.event.workflow_run.head_repository.full_name": true, "github.event.pull_request.head.repo.full_name": true,
}

// bcAdmitsForks reports whether an expression is true for runs from forks:
// head_repository.full_name != github.repository, or head.repo.fork.
func bcAdmitsForks(n actionlint.ExprNode) bool {
	switch x := n.(type) {
	case *actionlint.CompareOpNode:
		if x.Kind != actionlint.CompareOpNodeKindNotEq {
			return false
		}
		l, ok1 := audit.ExprPath(x.Left)
		r, ok2 := audit.ExprPath(x.Right)
		return ok1 && ok2 && (bcForkRepos[l] && r == "github.repository" || bcForkRepos[r] && l == "github.repository")
	case *actionlint.ObjectDerefNode:
		p, ok := audit.ExprPath(x)
		return ok && (p == "github.event.pull_request.head.repo.fork" || p == "github.event.workflow_run.head_repository.fork")
	}
	return false
}
