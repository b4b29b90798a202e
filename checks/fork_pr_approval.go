package checks

import "github.com/rampart-sec/rampart/audit"

// ForkPRApproval flags a public repository that runs workflows of fork pull requests from some
// outside contributors without a maintainer's approval.
var ForkPRApproval = &audit.Check{
	ID:         "fork-pr-approval",
	Title:      "Workflows of fork pull requests run without approval",
	Severity:   audit.Medium,
	Confidence: audit.HighConfidence,
	Category:   audit.CategorySettings,
	Online:     true,
	Doc: `In a public repository, a pull request from a fork runs the ` + "`pull_request`" + ` workflows with the
fork's code: its build scripts, tests and changed workflow files. GitHub asks a maintainer to
approve the run only for some contributors. With "Require approval for first-time contributors who
are new to GitHub" (GitHub's default) an account a few days old with one merged typo fix runs
arbitrary code on your runners without anyone looking: crypto-mining, cache poisoning of the
default branch's caches, or abuse of self-hosted runners. "First-time contributors" is better;
"all outside collaborators" makes every outside run a decision.

Private and internal repositories have their own fork settings and are not checked.`,
	Bad: `# Repository settings of a public repository, not this file. Settings → Actions → General →
# Approval for running fork pull request workflows from contributors
# (GET /repos/OWNER/REPO/actions/permissions/fork-pr-contributor-approval):
#   approval_policy: first_time_contributors_new_to_github
on: pull_request        # runs the fork's code from most outside contributors unapproved
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: make test
`,
	Good: `# Repository settings, not this file:
#   approval_policy: all_external_contributors
on: pull_request
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: make test
`,
	Fix: `In Settings → Actions → General → "Approval for running fork pull request workflows from
contributors", choose "Require approval for all external contributors".`,
	References: []string{
		"https://docs.github.com/en/actions/managing-workflow-runs-and-deployments/managing-workflow-runs/approving-workflow-runs-from-public-forks",
		"https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/enabling-features-for-your-repository/managing-github-actions-settings-for-a-repository#controlling-changes-from-forks-to-workflows-in-public-repositories",
	},
	Run: runForkPRApproval,
}

func runForkPRApproval(pass *audit.Pass) error {
	return settingsActions(pass, fpaPublic, func(s *audit.ActionsSettings) {
		switch s.ForkPRApproval {
		case "":
			pass.Unknown("the approval policy for fork pull request workflows is unreadable with this token (needs administration: read)")
		case "first_time_contributors_new_to_github":
			settingsReportf(pass, audit.Medium, s.ForkPRApproval, "",
				"workflows of fork pull requests need approval only for first-time contributors new to GitHub%s: any other outside account runs code on the runners unreviewed", settingsLevel(s))
		case "first_time_contributors":
			settingsReportf(pass, audit.Low, s.ForkPRApproval, "",
				"workflows of fork pull requests need approval only for first-time contributors%s: an outside contributor with one merged pull request runs code on the runners unreviewed", settingsLevel(s))
		}
	})
}

// fpaPublic reports whether the repository is public: only those get fork pull requests from strangers.
func fpaPublic(info *audit.RepoInfo) bool {
	return !info.Private && (info.Visibility == "" || info.Visibility == "public")
}
