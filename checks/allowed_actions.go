package checks

import "github.com/rampart-sec/rampart/audit"

// AllowedActions flags a repository whose Actions policy lets workflows use any action or reusable
// workflow from any repository.
var AllowedActions = &audit.Check{
	ID:         "allowed-actions",
	Title:      "Any action may run: the Actions policy allows all actions",
	Severity:   audit.Medium,
	Confidence: audit.HighConfidence,
	Category:   audit.CategorySettings,
	Online:     true,
	Persona:    "auditor",
	Doc: `With "Allow all actions and reusable workflows" (GitHub's default), a workflow may use any action
of any repository, so a typo-squatted, abandoned or hijacked action is one line of a pull request
away, and nothing stops a new dependency from being added without review. Restricting the policy to
actions created by GitHub, by Marketplace verified creators, and a list of trusted owners (or to
the repository's own actions) makes every new third-party action a deliberate settings change.

Many open-source projects rely on a wide range of actions and keep the default; this check runs
with ` + "`--persona auditor`" + `. The same policy can be enforced per workflow file with rampart's
` + "`allow-actions`" + ` list in the config.`,
	Bad: `# Repository settings, not this file. Settings → Actions → General → Actions permissions
# (GET /repos/OWNER/REPO/actions/permissions):
#   allowed_actions: all
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: some-stranger/setup-tool@v1   # allowed, whoever wrote it
      - run: make test
`,
	Good: `# Repository settings, not this file:
#   allowed_actions: selected
#   selected actions: github_owned_allowed: true, verified_allowed: true,
#                     patterns_allowed: ["myorg/*"]
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: myorg/setup-tool@v1
      - run: make test
`,
	Fix: `In Settings → Actions → General → Actions permissions (of the repository, or of the organization),
choose "Allow OWNER, and select non-OWNER, actions and reusable workflows", tick the actions created
by GitHub and (if you trust them) by verified creators, and list the other owners and actions you use.`,
	References: []string{
		"https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/enabling-features-for-your-repository/managing-github-actions-settings-for-a-repository#managing-github-actions-permissions-for-your-repository",
		"https://docs.github.com/en/rest/actions/permissions#get-github-actions-permissions-for-a-repository",
	},
	Equivalents: map[string]string{"legitify": "all_github_actions_are_allowed"},
	Run:         runAllowedActions,
}

func runAllowedActions(pass *audit.Pass) error {
	return settingsActions(pass, nil, func(s *audit.ActionsSettings) {
		switch s.AllowedActions {
		case "":
			pass.Unknown("the allowed actions policy is unreadable with this token (needs administration: read)")
		case "all":
			settingsReportf(pass, audit.Medium, "all actions", "",
				"the Actions policy allows all actions and reusable workflows%s: any action of any repository may run", settingsLevel(s))
		}
	})
}
