package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// GitHubEnv flags writes of attacker-controlled data to $GITHUB_ENV, $GITHUB_PATH and
// $GITHUB_OUTPUT in workflows that outsiders can trigger with the base repository's privileges.
var GitHubEnv = &audit.Check{
	ID:         "github-env",
	Title:      "Attacker-controlled data written to GITHUB_ENV or GITHUB_PATH",
	Severity:   audit.High,
	Confidence: audit.HighConfidence,
	Category:   audit.CategoryInjection,
	Doc: `Lines written to the file named by ` + "`$GITHUB_ENV`" + ` become environment variables of every later
step of the job, and lines written to ` + "`$GITHUB_PATH`" + ` are put in front of ` + "`PATH`" + `. In a workflow
that outsiders can start with the base repository's secrets and token (` + "`pull_request_target`" + `,
` + "`workflow_run`" + `, ` + "`issues`" + `, ` + "`issue_comment`" + `, discussions), writing text they choose there is
code execution: a pull request titled ` + "`x\\nLD_PRELOAD=/tmp/evil.so`" + ` or ` + "`x\\nBASH_ENV=...`" + ` or
` + "`NODE_OPTIONS=--require ...`" + ` adds a variable of its own, and a newline in a ` + "`$GITHUB_PATH`" + ` write
puts an attacker's directory first. Writes to ` + "`$GITHUB_OUTPUT`" + ` can forge other outputs of the step
(medium).

The check parses ` + "`run:`" + ` scripts and follows the written value back to its source: a ` + "`${{ }}`" + `
expression of an attacker-controlled context, an ` + "`env:`" + ` variable set from one, a shell variable
derived from those, the event payload read from ` + "`$GITHUB_EVENT_PATH`" + `, or a file of a pull request
checkout or of a downloaded artifact (medium confidence). Constant writes are not reported; a computed
value whose source cannot be followed is reported with low confidence (low severity), as zizmor does.
In composite actions and reusable workflows, whose triggers are the caller's, only attacker-controlled
contexts are reported.`,
	Bad: `on: pull_request_target
permissions: {}
jobs:
  label:
    runs-on: ubuntu-latest
    steps:
      - run: echo "PR_TITLE=${{ github.event.pull_request.title }}" >> "$GITHUB_ENV"
      - run: ./notify "$PR_TITLE"
`,
	Good: `on: pull_request_target
permissions: {}
jobs:
  label:
    runs-on: ubuntu-latest
    steps:
      - run: ./notify "$PR_TITLE"
        env:
          PR_TITLE: ${{ github.event.pull_request.title }}
`,
	Fix: `Do not pass attacker-controlled values through environment files: give them to the steps that
need them with a step-level ` + "`env:`" + ` entry, which the runner sets without parsing it.

If a value must cross steps, validate it first (a number, a SHA, a name matching ` + "`^[A-Za-z0-9._-]+$`" + `)
or write it with a random heredoc delimiter (` + "`NAME<<EOF_$(openssl rand -hex 16)`" + `) after stripping newlines,
and never write to ` + "`$GITHUB_PATH`" + ` from untrusted data.`,
	References: []string{
		"https://docs.zizmor.sh/audits/#github-env",
		"https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands#setting-an-environment-variable",
		"https://securitylab.github.com/advisories/GHSL-2024-177_Litestar/",
		"https://www.synacktiv.com/en/publications/github-actions-exploitation-repo-jacking-and-environment-manipulation",
	},
	Equivalents: map[string]string{"zizmor": "github-env", "poutine": "injection (partial)"},
	Run:         runGitHubEnv,
}

var ghenvPrivileged = []string{"pull_request_target", "workflow_run", "issues", "issue_comment", "discussion", "discussion_comment"}

// ghenvEvents returns the privileged events a workflow runs on (in the order of
// ghenvPrivileged, nil for none), and whether it runs on workflow_call: one pass over its
// events.
func ghenvEvents(file *audit.File) (events []string, call bool) {
	var on [8]bool // by index in ghenvPrivileged
	any := false
	for _, e := range file.Workflow.On {
		switch x := e.(type) {
		case *actionlint.WebhookEvent:
			if x.Hook == nil {
				continue
			}
			if i := slices.Index(ghenvPrivileged, x.Hook.Value); i >= 0 {
				on[i], any = true, true
			}
			call = call || x.Hook.Value == "workflow_call"
		case *actionlint.WorkflowCallEvent:
			call = true
		}
	}
	if any {
		for i, name := range ghenvPrivileged {
			if on[i] {
				events = append(events, name)
			}
		}
	}
	return events, call
}

func runGitHubEnv(pass *audit.Pass) error {
	for _, file := range pass.Target.Files {
		var events []string
		switch {
		case file.Workflow != nil:
			var call bool
			if events, call = ghenvEvents(file); len(events) == 0 && !call {
				continue
			}
		case file.Action == nil || !file.Action.IsComposite():
			continue
		}
		u := ghenvUntrustedJobs{steps: file.Steps(), events: events}
		known := map[*actionlint.String]bool{} // see ghenvMayAttack
		for k, ref := range u.steps {
			s := shellScriptOf(ref)
			// Words().GitHubName is strings.Contains(s.Text, "GITHUB_") || strings.Contains(s.Text,
			// "github."), read off the shared word scan (two searches of every script before).
			if s == nil || !s.Words().GitHubName {
				continue
			}
			marks := ghenvMarks(s.Text)
			writes, envWrites := ghenvMaybe(marks)
			if !writes {
				continue
			}
			fl := &ghenvFlow{s: s, marks: marks, events: events}
			// Without a privileged trigger only an attacker's value is reported, and a write to
			// GITHUB_OUTPUT only when it carries at least untrusted files: both need a source.
			// What the job holds is read last: it costs a look at its steps. With no attacker's
			// value, untrusted files matter only when the script may read one, and only under a
			// privileged trigger (ghenvReport drops the rest: a file's taint is not an attacker's).
			if (events == nil || !envWrites) && (!ghenvMaySource(s, marks) || !ghenvMayAttack(fl, known)) &&
				(events == nil || u.upTo(k) == "" || !ghenvMayReadFiles(s.Text)) {
				continue
			}
			fl.untrusted = u.upTo(k)
			fl.vars, fl.inner = map[string]ghenvTaint{}, map[*shellCmd][]*shellCmd{}
			for _, w := range ghenvWrites(fl) {
				ghenvReport(pass, fl, w)
			}
		}
	}
	return nil
}

func ghenvReport(pass *audit.Pass, fl *ghenvFlow, w ghenvWrite) {
	t := w.taint
	output := w.target == "GITHUB_OUTPUT"
	switch {
	case t.level == ghenvSafe, fl.events == nil && t.level < ghenvAttacker, output && t.level < ghenvFile:
		return
	}
	where := "a workflow triggered by " + strings.Join(fl.events, ", ")
	if fl.events == nil {
		where, t.conf = "a reusable workflow or composite action (its callers decide the trigger)", min(t.conf, audit.MediumConfidence)
	}
	var f *audit.Finding
	switch {
	case t.level == ghenvAttacker && t.refName && w.named && w.target != "GITHUB_PATH":
		// A ref name has no newline: it cannot add a variable or forge another output.
		f = pass.Reportf(fl.s.Ref.File, fl.s.Pos(w.offset), "write to %s carries %q, a git ref name an attacker chooses in %s; ref names cannot hold a newline, so it sets only this variable: make sure later steps do not run it as code", w.target, t.what, where)
		f.Severity, t.conf = audit.Low, audit.LowConfidence
	case t.level == ghenvAttacker:
		f = pass.Reportf(fl.s.Ref.File, fl.s.Pos(w.offset), "write to %s carries %q, which an attacker controls in %s", w.target, t.what, where)
	case t.level == ghenvFile:
		f = pass.Reportf(fl.s.Ref.File, fl.s.Pos(w.offset), "write to %s carries %s, in %s", w.target, t.what, where)
	default:
		f = pass.Reportf(fl.s.Ref.File, fl.s.Pos(w.offset), "write to %s carries the computed value %q in %s; make sure an attacker cannot influence it", w.target, t.what, where)
		f.Severity = audit.Low
	}
	f.Confidence = t.conf
	if output && f.Severity > audit.Medium {
		f.Severity = audit.Medium
	}
	job := ""
	if fl.s.Ref.Job != nil {
		job = fl.s.Ref.Job.ID.Value
	}
	f.Key = fmt.Sprintf("%s %s %s %s", job, fl.s.Ref.Label(), w.target, t.what)
}
