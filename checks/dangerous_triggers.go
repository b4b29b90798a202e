package checks

import (
	"path"
	"slices"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// DangerousTriggers flags workflows that run with the base repository's secrets and token for
// outsiders (pull_request_target, workflow_run, issue_comment) and check out and run their code.
var DangerousTriggers = &audit.Check{
	ID:         "dangerous-triggers",
	Title:      "Privileged trigger runs untrusted pull request code",
	Severity:   audit.Critical,
	Confidence: audit.HighConfidence,
	Category:   audit.CategoryTriggers,
	Doc: `A workflow triggered by ` + "`pull_request_target`" + ` runs in the base repository with its secrets and a
token that can write, even for a pull request from a fork; ` + "`workflow_run`" + ` and ` + "`issue_comment`" + ` workflows
run the same way after an outsider's pull request or comment. That is safe while the workflow only reads the
event. Once it checks out the pull request's code (its head or merge commit, its fork, ` + "`gh pr checkout`" + `)
and then runs anything from it (a build, an install, a test, a script, a local action), the pull request's
author runs code with those secrets: a "pwn request".

The check reports the step that runs the code, names the step that checked it out, and sets the severity by
what stands in the way: critical with nothing, high behind a label or actor check, medium behind an
` + "`author_association`" + ` check (` + "`== 'CONTRIBUTOR'`" + `, which anyone with a once-merged pull request passes, is none) or an
environment, low when only same-repository pull requests get through (also when ` + "`actions/checkout`" + ` takes the pull
request's branch by name without a ` + "`repository:`" + ` naming the fork: that is the base repository's branch) or
when ` + "`actions/checkout`" + ` itself refuses fork code (v7, and v6.1.0, v5.1.0, v4.4.0 and the floating major tags v2 to v6 since
July 2026, unless ` + "`allow-unsafe-pr-checkout: true`" + `). A checkout of pull request code that nothing runs yet is
medium; the trigger alone is low (` + "`pull_request_target`" + `) or informational (` + "`workflow_run`" + `, and ` + "`issue_comment`" + `
when a job runs for any commenter: no ` + "`author_association`" + ` or actor check). A ` + "`workflow_run`" + ` that lists only
workflows of the repository that are only ever called (` + "`on: workflow_call`" + `) never fires and is not reported.`,
	Bad: `on: pull_request_target
permissions:
  contents: write
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - name: Checkout PR
        uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }}
          allow-unsafe-pr-checkout: true
      - name: Test
        run: npm ci && npm test
`,
	Good: `on: pull_request
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          persist-credentials: false
      - name: Test
        run: npm ci && npm test
`,
	Fix: `Build and test pull requests on the ` + "`pull_request`" + ` trigger, which runs fork code without secrets and with a
read-only token; keep ` + "`pull_request_target`" + ` and ` + "`workflow_run`" + ` for steps that only read the event (labels,
comments), and pass results between the two through artifacts treated as data.

If privileged code must run on pull request code, gate the job behind an environment with required
reviewers, or on same-repository pull requests (` + "`github.event.pull_request.head.repo.full_name == github.repository`" + `),
and check out the reviewed commit SHA, never a branch name.`,
	References: []string{
		"https://securitylab.github.com/resources/github-actions-preventing-pwn-requests/",
		"https://docs.github.com/en/actions/reference/security/securely-using-pull_request_target",
		"https://github.blog/changelog/2026-06-18-safer-pull_request_target-defaults-for-github-actions-checkout/",
		"https://docs.zizmor.sh/audits/#dangerous-triggers",
	},
	Equivalents: map[string]string{
		"zizmor":    "dangerous-triggers",
		"scorecard": "Dangerous-Workflow",
		"poutine":   "untrusted_checkout_exec",
	},
	Run: runDangerousTriggers,
}

func runDangerousTriggers(pass *audit.Pass) error {
	callers := dtCallers(pass.Target)
	if len(callers) == 0 {
		return nil // no workflow has a privileged trigger of its own, nor can inherit one
	}
	for _, file := range pass.Target.Workflows() {
		if file.Workflow == nil {
			continue
		}
		ev := dtEventsOf(callers, file)
		if slices.Contains(ev.names, "workflow_run") && ev.via == "" && dtWorkflowRunNever(pass.Target, file) {
			ev.names = slices.DeleteFunc(slices.Clone(ev.names), func(n string) bool { return n == "workflow_run" })
			if ev.trigger != nil && ev.trigger.Hook != nil && ev.trigger.Hook.Value == "workflow_run" {
				ev.trigger = nil
				for _, e := range file.Workflow.On {
					if we, ok := e.(*actionlint.WebhookEvent); ok && we.Hook != nil && we.Hook.Value == "pull_request_target" {
						ev.trigger = we
					}
				}
			}
		}
		if len(ev.names) == 0 {
			continue
		}
		found := false
		for _, j := range file.Jobs() {
			// A job that calls a reusable workflow of the repository hands it the trigger:
			// that workflow's findings say so.
			if dtTriggerJob(pass, file, j, ev) || j.WorkflowCall != nil && j.WorkflowCall.Uses != nil && strings.HasPrefix(j.WorkflowCall.Uses.Value, "./") {
				found = true
			}
		}
		if !found && ev.trigger != nil && ev.via == "" {
			name := ev.trigger.Hook.Value
			var f *audit.Finding
			if name == "workflow_run" {
				f = pass.Reportf(file, ev.trigger.Pos, "workflow runs on workflow_run%s after runs that pull requests from forks can start; it does not check out their code, keep it that way", dtPrivileges(file))
				f.Severity = audit.Info
			} else {
				f = pass.Reportf(file, ev.trigger.Pos, "workflow runs on %s%s for pull requests from forks; it does not check out their code, keep it that way", name, dtPrivileges(file))
				f.Severity = audit.Low
				if dtOnlyLabeler(file.Workflow) {
					f.Severity = audit.Info
				}
			}
			f.Confidence, f.Key = audit.HighConfidence, "trigger "+name
		}
		if !found && ev.trigger == nil && ev.via == "" && slices.Contains(ev.names, "issue_comment") {
			if hook := dtOpenToComments(file, ev); hook != nil {
				priv := dtPrivileges(file)
				if priv != "" {
					priv += ","
				}
				f := pass.Reportf(file, hook.Pos, "workflow runs on issue_comment%s whenever anyone comments on an issue or pull request, and no author_association or actor check in a job's if: keeps outsiders out (a check inside a step is not seen); it does not check out pull request code, keep it that way and treat the comment as data", priv)
				f.Severity, f.Confidence, f.Key = audit.Info, audit.HighConfidence, "trigger issue_comment"
			}
		}
	}
	return nil
}

// dtOpenToComments returns the issue_comment trigger of a workflow some job of which runs for any
// commenter (no gate, or only a label check), or nil.
func dtOpenToComments(file *audit.File, ev dtPrivilegedEvents) *actionlint.String {
	var hook *actionlint.String
	for _, e := range file.Workflow.On {
		if we, ok := e.(*actionlint.WebhookEvent); ok && we.Hook != nil && we.Hook.Value == "issue_comment" {
			hook = we.Hook
		}
	}
	if hook == nil {
		return nil
	}
	for _, j := range file.Jobs() {
		if g := dtJobGate(file, ev.names, file.Workflow.Jobs, j, map[string]bool{}); g.sev >= audit.High {
			return hook
		}
	}
	return nil
}

// dtWorkflowRunNever reports whether a workflow's workflow_run trigger can never fire: every
// workflow it lists is in the target and is only ever called (on: workflow_call), so it never has
// a run of its own. A name not found in the target keeps the trigger.
func dtWorkflowRunNever(t *audit.Target, file *audit.File) bool {
	var names []*actionlint.String
	for _, e := range file.Workflow.On {
		if we, ok := e.(*actionlint.WebhookEvent); ok && we.Hook != nil && we.Hook.Value == "workflow_run" {
			names = we.Workflows
		}
	}
	if len(names) == 0 {
		return false
	}
	for _, n := range names {
		if n == nil {
			return false
		}
		var found *actionlint.Workflow
		for _, w := range t.Workflows() {
			if w.Workflow == nil {
				continue
			}
			if w.Workflow.Name != nil && w.Workflow.Name.Value == n.Value || path.Base(w.Path) == n.Value {
				found = w.Workflow
				break
			}
		}
		if found == nil || len(found.On) == 0 {
			return false
		}
		for _, e := range found.On {
			if _, ok := e.(*actionlint.WorkflowCallEvent); !ok {
				return false
			}
		}
	}
	return true
}
