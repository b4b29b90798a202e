package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// SelfHostedRunner flags jobs on self-hosted runners, above all in workflows that outsiders can trigger.
var SelfHostedRunner = &audit.Check{
	ID:         "self-hosted-runner",
	Title:      "Job runs on a self-hosted runner",
	Severity:   audit.Medium,
	Confidence: audit.MediumConfidence,
	Category:   audit.CategoryTriggers,
	Doc: `A self-hosted runner is a machine you own, and unless it is ephemeral (one fresh VM or container per job)
it keeps what one job leaves behind: a poisoned tool cache, a background process, a modified git hook, a
credential in the home directory. The next job, on another branch or for another repository, runs in
that state. It also sits in your network, next to whatever the machine can reach.

The danger depends on who can start a job on it. A ` + "`pull_request`" + ` workflow runs the fork's code: anyone
with a GitHub account can run anything on the runner by opening a pull request (high), which is why GitHub
advises against self-hosted runners for public repositories. Other events outsiders trigger
(` + "`pull_request_target`" + `, ` + "`issue_comment`" + `, ` + "`issues`" + `...) run trusted code, but any injection in that code
lands on your machine (medium). Elsewhere the finding is low severity and low confidence, for auditors.

Flagged: the ` + "`self-hosted`" + ` label; a runner ` + "`group:`" + ` (larger GitHub-hosted runners live in groups too, so
with less confidence); runners chosen by an expression or matrix that can name ` + "`self-hosted`" + ` (a matrix value that an
` + "`exclude:`" + ` entry of that key alone removes, and no ` + "`include:`" + ` brings back, does not count); and, with low
confidence, labels that are neither GitHub-hosted nor a known hosted-runner service (an Actions Runner
Controller scale set is named by a bare custom label). A job guarded by
` + "`github.event.pull_request.head.repo.full_name == github.repository`" + ` (or ` + "`head.repo.fork`" + `) does not run for forks.`,
	Bad: `on: pull_request
permissions: {}
jobs:
  test:
    runs-on: [self-hosted, linux, gpu]
    steps:
      - run: make test
`,
	Good: `on: pull_request
permissions: {}
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: make test
`,
	Fix: `Run jobs that fork pull requests can start on GitHub-hosted runners. Keep self-hosted runners for
trusted events (` + "`push`" + ` to protected branches, ` + "`workflow_dispatch`" + `, ` + "`release`" + `), or guard the job with
` + "`if: github.event.pull_request.head.repo.full_name == github.repository`" + `.

Where self-hosted runners are needed, make them ephemeral (` + "`--ephemeral`" + `, Actions Runner Controller), put
them in a runner group limited to the repositories and workflows that need them, require approval for
workflows from outside collaborators, and keep them off networks they have no business reaching.`,
	References: []string{
		"https://docs.zizmor.sh/audits/#self-hosted-runner",
		"https://docs.github.com/en/actions/hosting-your-own-runners/managing-self-hosted-runners/about-self-hosted-runners#self-hosted-runner-security",
		"https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#hardening-for-self-hosted-runners",
	},
	Equivalents: map[string]string{"zizmor": "self-hosted-runner", "poutine": "pr_runs_on_self_hosted"},
	Run:         runSelfHostedRunner,
}

// shrOutsiderEvents are events a stranger can cause on a public repository.
var shrOutsiderEvents = []string{"pull_request_target", "issue_comment", "issues", "pull_request_review",
	"pull_request_review_comment", "discussion", "discussion_comment", "workflow_run", "fork", "watch"}

func runSelfHostedRunner(pass *audit.Pass) error {
	for _, file := range pass.Target.Workflows() {
		// The triggers matter only for a job that gets a finding, which most workflows have none of:
		// they are read at the first.
		var forkPR, read bool
		var outsider []string
		for _, j := range file.Jobs() {
			if j.RunsOn == nil {
				continue
			}
			r := shrClassify(j)
			if r.kind == shrNone {
				continue
			}
			if !read {
				forkPR, outsider, read = shrTriggers(file.Workflow)
			}
			guarded := shrForkGuard(j)
			f := pass.Reportf(file, r.pos, "job %q %s", j.ID.Value, r.what)
			f.Key = fmt.Sprintf("job %s %s", j.ID.Value, r.what)
			switch {
			case forkPR && !guarded:
				f.Message += " and runs the code of fork pull requests (pull_request)"
				f.Severity = audit.High
			case len(outsider) > 0:
				f.Message += fmt.Sprintf(" in a workflow outsiders can trigger (%s)", strings.Join(outsider, ", "))
			default:
				f.Severity, f.Confidence = audit.Low, audit.LowConfidence
				continue
			}
			switch r.kind {
			case shrGroup:
				f.Severity--
			case shrMaybe:
				f.Severity, f.Confidence = f.Severity-1, audit.LowConfidence
			}
		}
	}
	return nil
}

// shrTriggers reads a workflow's triggers: whether fork pull requests run it (pull_request) and
// the other events outsiders can cause, in order; read is always true.
func shrTriggers(w *actionlint.Workflow) (forkPR bool, outsider []string, read bool) {
	for _, ev := range w.On {
		name := strings.ToLower(ev.EventName())
		switch {
		case name == "pull_request":
			forkPR = true
		case slices.Contains(shrOutsiderEvents, name):
			outsider = append(outsider, name)
		}
	}
	return forkPR, outsider, true
}

// shrForkGuard reports whether a job's if: keeps it from running for fork pull requests.
func shrForkGuard(j *actionlint.Job) bool {
	if j.If == nil {
		return false
	}
	c := strings.ToLower(j.If.Value)
	return strings.Contains(c, "head.repo.full_name") && strings.Contains(c, "github.repository") ||
		strings.Contains(c, "head.repo.fork") || strings.Contains(c, "author_association")
}
