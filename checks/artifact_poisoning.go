package checks

import (
	"fmt"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// ArtifactPoisoning flags privileged workflows that download the artifacts of a pull request's run
// and then run code next to them or feed their content to the environment.
var ArtifactPoisoning = &audit.Check{
	ID:         "artifact-poisoning",
	Title:      "Privileged workflow runs or trusts artifacts from an untrusted run",
	Severity:   audit.High,
	Confidence: audit.MediumConfidence,
	Category:   audit.CategoryTriggers,
	Doc: `A common split for pull requests from forks is a ` + "`pull_request`" + ` workflow, without secrets, that builds and
uploads its results as artifacts, and a ` + "`workflow_run`" + ` workflow, with secrets and a write token, that downloads
them to comment on the pull request or deploy a preview. The artifacts were made by the pull request's code, so
their content is the attacker's: every file name and byte of it.

Two things turn that into code execution in the privileged workflow. Extracting the artifact into the workspace
(the default ` + "`path`" + ` of ` + "`actions/download-artifact`" + ` and ` + "`dawidd6/action-download-artifact`" + `, or an ` + "`unzip`" + ` there)
can overwrite files that later steps run: a checked-out script, ` + "`package.json`" + `, a local action, a Makefile.
And writing artifact content to ` + "`GITHUB_ENV`" + ` or ` + "`GITHUB_PATH`" + ` (` + "`echo \"PR=$(cat pr.txt)\" >> $GITHUB_ENV`" + `) lets it set
variables such as ` + "`NODE_OPTIONS`" + ` or ` + "`LD_PRELOAD`" + ` for every later step; ` + "`GITHUB_OUTPUT`" + ` passes it on to later expressions.

The check looks at ` + "`workflow_run`" + ` and ` + "`pull_request_target`" + ` workflows for downloads of another run's artifacts
(` + "`actions/download-artifact`" + ` with ` + "`run-id`" + `, ` + "`dawidd6/action-download-artifact`" + `, ` + "`gh run download`" + `, github-script
calling ` + "`downloadArtifact`" + `), then for later steps of the same job that run code in the workspace (high) or write
file content to ` + "`GITHUB_ENV`" + ` or ` + "`GITHUB_PATH`" + ` (high) or ` + "`GITHUB_OUTPUT`" + ` (medium). A download into the workspace
that nothing uses yet is reported with low confidence.`,
	Bad: artpExample + `          run-id: ${{ github.event.workflow_run.id }}
          github-token: ${{ github.token }}
      - run: npm ci && node scripts/comment.js
`,
	Good: artpExample + `          path: ${{ runner.temp }}/pr
          run-id: ${{ github.event.workflow_run.id }}
          github-token: ${{ github.token }}
      - run: npm ci && node scripts/comment.js "$RUNNER_TEMP/pr/report.json"
`,
	Fix: `Download artifacts of another run outside the workspace (` + "`path: ${{ runner.temp }}/artifacts`" + `), treat every file
as untrusted data, and validate what you read (a pull request number must be a number) before using it. Never
write artifact content to ` + "`GITHUB_ENV`" + ` or ` + "`GITHUB_PATH`" + `, and never run anything from an artifact.`,
	References: []string{
		"https://securitylab.github.com/resources/github-actions-preventing-pwn-requests/",
		"https://codeql.github.com/codeql-query-help/actions/actions-artifact-poisoning-critical/",
		"https://docs.github.com/en/actions/reference/workflows-and-actions/events-that-trigger-workflows#workflow_run",
	},
	Run: runArtifactPoisoning,
}

// artpExample is the start of ArtifactPoisoning's examples: a workflow_run job that downloads the
// pull request run's artifact.
const artpExample = `on:
  workflow_run:
    workflows: [CI]
    types: [completed]
permissions:
  pull-requests: write
jobs:
  comment:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/download-artifact@v4
        with:
          name: pr
`

func runArtifactPoisoning(pass *audit.Pass) error {
	for _, file := range pass.Target.Workflows() {
		if file.Workflow == nil {
			continue
		}
		trigger := artpTrigger(file.Workflow)
		if trigger == "" {
			continue
		}
		for _, j := range file.Jobs() { // sorted once per file and shared with the other checks
			artpJob(pass, file, j, trigger)
		}
	}
	return nil
}

// artpJob reports each untrusted download of a job with the first later step that uses it unsafely.
func artpJob(pass *audit.Pass, file *audit.File, j *actionlint.Job, trigger string) {
	for i, st := range j.Steps {
		if st == nil {
			continue
		}
		dl := artpDownload(audit.StepRef{File: file, Job: j, Index: i, Step: st}, trigger)
		if dl == nil {
			continue
		}
		label := audit.StepLabel(st, i)
		var use *artpUse
		for k := i + 1; k < len(j.Steps) && use == nil; k++ {
			if j.Steps[k] != nil {
				use = artpUses(audit.StepRef{File: file, Job: j, Index: k, Step: j.Steps[k]}, dl)
			}
		}
		var f *audit.Finding
		switch {
		case use != nil:
			f = pass.Reportf(file, use.pos, "%s %s in a %s workflow, and %s %s", label, dl.what, trigger, use.label, use.what)
			f.Severity, f.Confidence = use.sev, use.conf
			if dl.pos != nil {
				f.Related = []audit.Location{{File: file.Path, Line: dl.pos.Line, Column: dl.pos.Col, Note: "downloads the artifacts"}}
			}
		case dl.inWorkspace && dl.dir == "":
			f = pass.Reportf(file, dl.pos, "%s %s in a %s workflow; no later step seems to run or trust them, but their files can overwrite the workspace", label, dl.what, trigger)
			f.Severity, f.Confidence = audit.Low, audit.LowConfidence
		default:
			continue
		}
		f.Key = fmt.Sprintf("job %s: %s", j.ID.Value, label)
	}
}

// artpTrigger names the workflow's trigger that runs privileged after untrusted runs.
func artpTrigger(w *actionlint.Workflow) string {
	name := ""
	for _, e := range w.On {
		if we, ok := e.(*actionlint.WebhookEvent); ok && we.Hook != nil {
			switch we.Hook.Value {
			case "workflow_run":
				return "workflow_run"
			case "pull_request_target":
				name = "pull_request_target"
			}
		}
	}
	return name
}
