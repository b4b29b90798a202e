package checks

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// SecretsInherit flags calls of reusable workflows with `secrets: inherit`.
var SecretsInherit = &audit.Check{
	ID:         "secrets-inherit",
	Title:      "Reusable workflow inherits every secret",
	Severity:   audit.Medium,
	Confidence: audit.HighConfidence,
	Category:   audit.CategoryCredentials,
	Doc: `A job that calls a reusable workflow with ` + "`secrets: inherit`" + ` passes it every secret the caller can
read: repository, organization and environment secrets alike, including ones added later for unrelated
purposes. The called workflow (and each action it runs) can then read credentials it has no use for,
and a compromise of the called workflow, or of its repository, exposes all of them. Nothing in the
caller says which secrets the call actually needs, so reviewers cannot tell either.

When the called workflow is in the audited repository, the finding names the secrets it reads.`,
	Bad: `on: push
permissions: {}
jobs:
  release:
    uses: acme/workflows/.github/workflows/release.yml@v2
    secrets: inherit
`,
	Good: `on: push
permissions: {}
jobs:
  release:
    uses: acme/workflows/.github/workflows/release.yml@v2
    secrets:
      NPM_TOKEN: ${{ secrets.NPM_TOKEN }}
`,
	Fix: `Replace ` + "`secrets: inherit`" + ` with the secrets the called workflow declares under ` + "`on.workflow_call.secrets`" + `,
each passed by name: ` + "`secrets: {NPM_TOKEN: ${{ secrets.NPM_TOKEN }}}`" + `.`,
	References: []string{
		"https://docs.zizmor.sh/audits/#secrets-inherit",
		"https://docs.github.com/en/actions/sharing-automations/reusing-workflows#passing-secrets-to-nested-workflows",
	},
	Equivalents: map[string]string{"zizmor": "secrets-inherit"},
	Run:         runSecretsInherit,
}

func runSecretsInherit(pass *audit.Pass) error {
	for _, file := range pass.Target.Workflows() {
		jobs := file.Jobs() // sorted once per file and shared with the other checks
		for i, j := range jobs {
			wc := j.WorkflowCall
			if wc == nil || !wc.InheritSecrets || wc.Uses == nil {
				continue
			}
			end := file.LineCount()
			if i+1 < len(jobs) && jobs[i+1].Pos != nil {
				end = jobs[i+1].Pos.Line - 1
			}
			pos := sinhInheritPos(file, j.Pos, end)
			if pos == nil {
				pos = wc.Uses.Pos
			}
			msg := fmt.Sprintf("job %q passes every secret to reusable workflow %q with \"secrets: inherit\"", j.ID.Value, wc.Uses.Value)
			if used, ok := sinhCalleeSecrets(pass.Target, wc.Uses.Value); ok {
				if len(used) == 0 {
					msg += "; the called workflow reads no secret"
				} else {
					msg += fmt.Sprintf("; the called workflow reads only %s", strings.Join(used, ", "))
				}
			}
			f := pass.Reportf(file, pos, "%s", msg)
			f.Key = fmt.Sprintf("job %s calls %s with secrets: inherit", j.ID.Value, wc.Uses.Value)
			f.Related = append(f.Related, audit.Location{File: file.Path, Line: wc.Uses.Pos.Line, Column: wc.Uses.Pos.Col, Note: "the called workflow"})
		}
	}
	return nil
}

// sinhInheritPos finds the "secrets: inherit" line of a job between its key and line end.
func sinhInheritPos(file *audit.File, job *actionlint.Pos, end int) *actionlint.Pos {
	if job == nil {
		return nil
	}
	for l := job.Line; l <= end; l++ {
		line := file.Line(l)
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "secrets:") && strings.Contains(t, "inherit") {
			return audit.At(l, len(line)-len(strings.TrimLeft(line, " \t"))+1)
		}
	}
	return nil
}

// sinhCalleeSecrets returns the secrets a local reusable workflow ("./.github/workflows/x.yml") reads;
// ok is false when the workflow is not in the target.
func sinhCalleeSecrets(t *audit.Target, uses string) ([]string, bool) {
	if !strings.HasPrefix(uses, "./") {
		return nil, false
	}
	callee := t.File(path.Clean(strings.TrimPrefix(uses, "./")))
	if callee == nil || callee.Workflow == nil {
		return nil, false
	}
	for _, j := range callee.Workflow.Jobs {
		if j != nil && j.WorkflowCall != nil && j.WorkflowCall.InheritSecrets {
			return nil, false // passes them on in turn
		}
	}
	var names []string
	for _, e := range secwIndex(callee) {
		if len(e.Expands) > 0 {
			return nil, false // reads them all
		}
		for _, n := range e.Names {
			if n != "GITHUB_TOKEN" && !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	slices.Sort(names)
	return names, true
}
