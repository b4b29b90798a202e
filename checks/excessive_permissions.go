package checks

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// ExcessivePermissions flags GITHUB_TOKEN permissions broader than the jobs need: none declared
// (the repository default applies), write-all or read-all, and write scopes granted to every job.
var ExcessivePermissions = &audit.Check{
	ID:         "excessive-permissions",
	Title:      "GITHUB_TOKEN permissions broader than needed",
	Severity:   audit.High,
	Confidence: audit.HighConfidence,
	Category:   audit.CategoryPermissions,
	Fixable:    true,
	Doc: `Every job gets a ` + "`GITHUB_TOKEN`" + `. Whatever runs in the job (each action, each build script,
each dependency they install) can use it, and an injection or a compromised action turns its
permissions into the attacker's: ` + "`contents: write`" + ` pushes code and moves tags, ` + "`id-token: write`" + `
mints cloud credentials, ` + "`packages: write`" + ` publishes images, ` + "`actions: write`" + ` rewrites caches and runs.

Flagged:

- no ` + "`permissions:`" + ` in the workflow nor in a job: the token gets the repository's or organization's
  default, which is read-write in many repositories (medium, medium confidence: the default is a setting
  this check cannot see offline);
- ` + "`write-all`" + ` anywhere (high), ` + "`read-all`" + ` anywhere (low: it grants every read scope, including
  ones the job does not need);
- write scopes at the workflow level that jobs without their own ` + "`permissions:`" + ` inherit (high for
  ` + "`contents`" + `, ` + "`actions`" + `, ` + "`id-token`" + `, ` + "`packages`" + `, ` + "`pull-requests`" + `, ` + "`deployments`" + `...,
  lower for ` + "`checks`" + `, ` + "`statuses`" + `, ` + "`security-events`" + `...; info when the workflow has a single job,
  as the grant then reaches no other job yet).

A write scope in a job's own ` + "`permissions:`" + ` is the least-privilege pattern and is not flagged. A
workflow triggered only by ` + "`workflow_call`" + ` runs with its caller's token (which it can only narrow),
so missing permissions are not flagged there and broad ones are one level lower.`,
	Bad: `on: push
permissions: write-all
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
      - run: make
`,
	Good: `on: push
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
      - run: make
`,
	Fix: `Set ` + "`permissions: {}`" + ` (or ` + "`contents: read`" + `) at the top of the workflow, and grant each job only
the scopes it needs in its own ` + "`permissions:`" + ` block.

Also set the repository's (or organization's) default workflow permissions to read-only
(Settings, Actions, General, "Workflow permissions"). Tools such as GitHub's
` + "`actions-permissions`" + ` monitor or step-security's secure-workflows can suggest the minimal scopes.`,
	References: []string{
		"https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/controlling-permissions-for-github_token",
		"https://docs.zizmor.sh/audits/#excessive-permissions",
		"https://github.com/ossf/scorecard/blob/main/docs/checks.md#token-permissions",
	},
	Equivalents: map[string]string{"zizmor": "excessive-permissions", "scorecard": "Token-Permissions", "poutine": "default_permissions_on_risky_events"},
	Run:         runExcessivePermissions,
}

func runExcessivePermissions(pass *audit.Pass) error {
	// The jobs without their own permissions: block, one list for every workflow of the target
	// (checkPermissions and inheritors read it and keep none of it): grown by append for each
	// workflow, it was most of the check's allocations.
	var inheriting []*actionlint.Job
	for _, file := range pass.Target.Workflows() {
		w := file.Workflow
		jobs := file.Jobs()
		reusable := reusableOnly(w)
		inheriting = inheriting[:0]
		for _, j := range jobs {
			if j.Permissions == nil {
				inheriting = append(inheriting, j)
			} else {
				checkPermissions(pass, file, j.Permissions, j, nil, len(jobs), reusable)
			}
		}
		if w.Permissions != nil {
			checkPermissions(pass, file, w.Permissions, nil, inheriting, len(jobs), reusable)
			continue
		}
		if reusable || len(inheriting) == 0 {
			continue
		}
		if len(inheriting) == len(jobs) {
			line, col := jobsKey(file)
			scope := "its job"
			if len(jobs) > 1 {
				scope = fmt.Sprintf("any of its %d jobs", len(jobs))
			}
			f := pass.Reportf(file, audit.At(line, col), "no permissions: block in the workflow nor in %s: the token gets the repository's default permissions, which may include write access", scope)
			f.Severity, f.Confidence, f.Key = audit.Medium, audit.MediumConfidence, "workflow default permissions"
			continue
		}
		for _, j := range inheriting {
			f := pass.Reportf(file, j.ID.Pos, "")
			f.Message = "job " + strconv.Quote(j.ID.Value) + " has no permissions: block and the workflow sets none: its token gets the repository's default permissions, which may include write access"
			f.Severity, f.Confidence, f.Key = audit.Medium, audit.MediumConfidence, "job "+j.ID.Value+" default permissions"
		}
	}
	return nil
}

// checkPermissions reports write-all, read-all and, at the workflow level, inherited write scopes.
// inheriting are the jobs that take the workflow's permissions (nil for a job's own block).
// job is nil for the workflow's block.
func checkPermissions(pass *audit.Pass, file *audit.File, p *actionlint.Permissions, job *actionlint.Job, inheriting []*actionlint.Job, njobs int, reusable bool) {
	workflow := job == nil
	if workflow && len(inheriting) == 0 {
		return // every job sets its own permissions: the workflow's grant nothing
	}
	if !workflow && p.All == nil {
		return // scoped writes in a job's own block are the least-privilege pattern
	}
	owner := "the workflow"
	if !workflow {
		owner = "job " + strconv.Quote(job.ID.Value)
	}
	note := ""
	if reusable {
		note = " (capped by the caller's token: this workflow only runs through workflow_call)"
	}
	if p.All != nil {
		v := strings.ToLower(strings.TrimSpace(p.All.Value))
		var f *audit.Finding
		switch v {
		case "write-all":
			f = pass.Reportf(file, p.Pos, "")
			f.Message, f.Severity = owner+" grants write-all permissions"+note, lower(audit.High, reusable)
		case "read-all":
			f = pass.Reportf(file, p.Pos, "")
			f.Message, f.Severity = owner+" grants read-all permissions: every read scope, not only those its steps need"+note, audit.Low
		default:
			return // {} or an expression: nothing to judge
		}
		f.Key = owner + " permissions " + v
		f.Related = inheritors(file, inheriting, v)
		return
	}
	if !workflow {
		return // scoped writes in a job's own block are the least-privilege pattern
	}
	// Most workflow-level blocks grant only reads: find that out before sorting the scopes' names.
	var names []string
	for name, s := range p.Scopes {
		if s != nil && s.Value != nil && strings.EqualFold(strings.TrimSpace(s.Value.Value), "write") {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		s := p.Scopes[name]
		if s == nil || s.Value == nil || !strings.EqualFold(strings.TrimSpace(s.Value.Value), "write") {
			continue
		}
		sev, ok := writeScopeSeverity[name]
		if !ok {
			sev = audit.Medium
		}
		jobsNote := "all " + strconv.Itoa(njobs) + " jobs inherit it"
		if len(inheriting) < njobs {
			jobsNote = strconv.Itoa(len(inheriting)) + " of " + strconv.Itoa(njobs) + " jobs inherit it"
		}
		if njobs == 1 {
			sev, jobsNote = audit.Info, "the only job inherits it; later jobs would too"
		}
		pos := s.Name.Pos
		f := pass.Reportf(file, pos, "")
		f.Message = s.Name.Value + ": write is granted at the workflow level (" + jobsNote + "): grant it in the jobs that need it" + note
		f.Severity = lower(sev, reusable)
		f.Key = "workflow permissions " + name
		f.Related = inheritors(file, inheriting, name+": write")
	}
}
