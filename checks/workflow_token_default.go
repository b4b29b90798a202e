package checks

import (
	"fmt"
	"path"
	"strings"

	"github.com/rampart-sec/rampart/audit"
)

// WorkflowTokenDefault flags a repository whose GITHUB_TOKEN is read-write by default, or may
// approve pull requests.
var WorkflowTokenDefault = &audit.Check{
	ID:         "workflow-token-default",
	Title:      "GITHUB_TOKEN defaults to write access or may approve pull requests",
	Severity:   audit.High,
	Confidence: audit.HighConfidence,
	Category:   audit.CategorySettings,
	Online:     true,
	Doc: `A workflow or job without a ` + "`permissions:`" + ` block gets the repository's default ` + "`GITHUB_TOKEN`" + `
permissions. When that default is "Read and write permissions" (the setting of repositories and
organizations created before February 2023), every such job can push code, create releases, write
packages and edit issues, and so can any action or build script it runs: one compromised
dependency is then a compromised repository. Workflows added later inherit the same power.

"Allow GitHub Actions to create and approve pull requests" lets a workflow approve a pull request,
so a single person (or a compromised workflow) can satisfy a required review and bypass branch
protection.

The setting is read at the repository level, or the organization's when it is enforced there.`,
	Bad: `# Repository settings, not this file. Settings → Actions → General → Workflow permissions
# (GET /repos/OWNER/REPO/actions/permissions/workflow):
#   default_workflow_permissions: write
#   can_approve_pull_request_reviews: true
on: push
jobs:
  test:                 # no permissions: block, so the token can push and approve
    runs-on: ubuntu-latest
    steps:
      - run: make test
`,
	Good: `# Repository settings, not this file:
#   default_workflow_permissions: read
#   can_approve_pull_request_reviews: false
on: push
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: make test
`,
	Fix: `In Settings → Actions → General → Workflow permissions (of the repository, or of the organization),
choose "Read repository contents and packages permissions" and untick "Allow GitHub Actions to
create and approve pull requests"; give each workflow the ` + "`permissions:`" + ` it needs.`,
	References: []string{
		"https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/enabling-features-for-your-repository/managing-github-actions-settings-for-a-repository#setting-the-permissions-of-the-github_token-for-your-repository",
		"https://docs.github.com/en/actions/security-for-github-actions/security-guides/automatic-token-authentication#permissions-for-the-github_token",
		"https://docs.github.com/en/rest/actions/permissions#get-default-workflow-permissions-for-a-repository",
	},
	Equivalents: map[string]string{
		"scorecard": "Token-Permissions",
		"legitify":  "token_default_permissions_is_read_write, actions_can_approve_pull_requests",
	},
	Run: runWorkflowTokenDefault,
}

func runWorkflowTokenDefault(pass *audit.Pass) error {
	return settingsActions(pass, nil, func(s *audit.ActionsSettings) {
		switch s.DefaultWorkflowPermissions {
		case "":
			pass.Unknown("default workflow permissions unreadable with this token (needs administration: read)")
		case "write":
			settingsReportf(pass, audit.High, "default write", "",
				"the default GITHUB_TOKEN permissions are read and write%s%s", settingsLevel(s), wtdInheritors(pass.Target))
		}
		switch {
		case s.CanApprovePullRequests == nil:
			pass.Unknown("whether GitHub Actions may approve pull requests is unreadable with this token (needs administration: read)")
		case *s.CanApprovePullRequests:
			settingsReportf(pass, audit.Medium, "can approve", "Untick \"Allow GitHub Actions to create and approve pull requests\" in Settings → Actions → General.",
				"GitHub Actions may create and approve pull requests%s: a workflow's approval can satisfy required reviews", settingsLevel(s))
		}
	})
}

// wtdInheritors names the audited workflows with a job that sets no permissions, which get the default.
func wtdInheritors(t *audit.Target) string {
	var names []string
	for _, f := range t.Workflows() {
		w := f.Workflow
		if w == nil || w.Permissions != nil || !strings.HasPrefix(f.Path, ".github/workflows/") {
			continue
		}
		for _, j := range w.Jobs {
			if j != nil && j.Permissions == nil {
				names = append(names, path.Base(f.Path))
				break
			}
		}
	}
	switch {
	case len(names) == 0:
		return "; the audited workflows set their own permissions, but a new one would get write access"
	case len(names) > 5:
		return fmt.Sprintf("; %d workflows rely on it (%s, ...)", len(names), strings.Join(names[:5], ", "))
	}
	return fmt.Sprintf("; %d workflow(s) rely on it (%s)", len(names), strings.Join(names, ", "))
}
