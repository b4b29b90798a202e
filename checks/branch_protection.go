package checks

import (
	"context"
	"fmt"
	"sort"

	"github.com/rampart-sec/rampart/audit"
)

// BranchProtection flags the default branch and release branches when classic branch protection
// and rulesets together leave them open to force pushes, deletion, unreviewed or untested merges.
var BranchProtection = &audit.Check{
	ID:         "branch-protection",
	Title:      "Default and release branches lack protection",
	Severity:   audit.High,
	Confidence: audit.HighConfidence,
	Category:   audit.CategorySettings,
	Online:     true,
	Doc: `The default branch is what workflows with secrets run from, what releases are cut from and what
` + "`pull_request_target`" + ` and ` + "`workflow_run`" + ` workflows execute. Whoever can push to it unreviewed, rewrite its
history or delete it can change every workflow and every release. Release branches matter as much.

This check reads the branch's classic protection and the rulesets that apply to it, merged, and
grades them in the tiers of OpenSSF Scorecard's Branch-Protection check. Each missing item is its
own finding, with a severity by tier:

| tier | item | severity |
|---|---|---|
| 1 | force pushes blocked, deletion blocked | high |
| 2 | pull requests with at least one approving review | high |
| 3 | status checks required | medium |
| 4 | two approving reviews, code-owner review | low |
| 5 | stale reviews dismissed, rules enforced for administrators (no bypass) | low |

A branch with no protection at all is one high finding. Review items of tiers 4 and 5 are reported
only once reviews are required. The branches are the default branch and those matching
` + "`release*`" + `; set others with ` + "`checks: {branch-protection: {branches: [\"release/*\", \"stable\"]}}`" + `
(` + "`*`" + ` matches any run of characters, slashes included; the default branch is always checked).

Classic protection needs ` + "`administration: read`" + ` to be read; the default ` + "`GITHUB_TOKEN`" + ` cannot. Without it
the branch is judged from rulesets only, and what rulesets do not provide is reported as unknown,
never as missing.`,
	Bad: `# Repository settings, not this file. Classic protection of "main"
# (GET /repos/OWNER/REPO/branches/main/protection), and no ruleset:
#   allow_force_pushes: true, allow_deletions: true,
#   required_pull_request_reviews: null, required_status_checks: null,
#   enforce_admins: false
# so this workflow, and every other, can be changed by a direct push.
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: make test
`,
	Good: `# Repository settings, not this file. A ruleset (or classic protection) on
# "main" and "release*":
#   block force pushes, restrict deletions,
#   pull request with 2 approvals, code-owner review, stale approvals dismissed,
#   required status check "test", no bypass list (enforced for admins)
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: make test
`,
	Fix: `Protect the branch with a ruleset (Settings → Rules → Rulesets) or a classic branch protection
rule (Settings → Branches): block force pushes and deletion, require a pull request with approving
reviews (two, including code owners; dismiss stale approvals), require status checks, and do not
let administrators bypass the rules.`,
	References: []string{
		"https://docs.github.com/en/repositories/configuring-branches-and-merges-in-your-repository/managing-rulesets/about-rulesets",
		"https://docs.github.com/en/repositories/configuring-branches-and-merges-in-your-repository/managing-protected-branches/about-protected-branches",
		"https://github.com/ossf/scorecard/blob/main/docs/checks.md#branch-protection",
	},
	Equivalents: map[string]string{
		"scorecard": "Branch-Protection",
		"legitify":  "missing_default_branch_protection",
	},
	ValidateSettings: func(settings map[string]any) error {
		_, err := bpPatterns(settings)
		return err
	},
	Run: runBranchProtection,
}

// bpDefaultPatterns are the release branches checked when the config names none.
var bpDefaultPatterns = []string{"release*"}

// bpPatterns reads the check's branches setting: a list of branch name patterns.
func bpPatterns(settings map[string]any) ([]string, error) {
	for k := range settings {
		if k != "branches" {
			return nil, fmt.Errorf("unknown option %q (the option is branches: a list of branch name patterns)", k)
		}
	}
	raw, ok := settings["branches"]
	if !ok || raw == nil {
		return bpDefaultPatterns, nil
	}
	list, ok := raw.([]any)
	if !ok {
		return nil, fmt.Errorf("branches must be a list of branch name patterns, such as [\"release/*\", \"main\"]")
	}
	var out []string
	for _, v := range list {
		s, ok := v.(string)
		if !ok || s == "" {
			return nil, fmt.Errorf("branches: %v is not a branch name pattern", v)
		}
		if _, err := settingsGlob(s); err != nil {
			return nil, fmt.Errorf("branches: pattern %q: %v", s, err)
		}
		out = append(out, s)
	}
	return out, nil
}

func runBranchProtection(pass *audit.Pass) error {
	patterns, err := bpPatterns(pass.Settings)
	if err != nil {
		return err
	}
	return settingsRun(pass, func(ctx context.Context, repo audit.RepoSettings, info *audit.RepoInfo) error {
		return bpCheck(ctx, pass, repo, info, patterns)
	})
}

// bpCheck judges the default branch and the release branches that match patterns.
func bpCheck(ctx context.Context, pass *audit.Pass, repo audit.RepoSettings, info *audit.RepoInfo, patterns []string) error {
	branches := []string{}
	if info.DefaultBranch != "" {
		branches = append(branches, info.DefaultBranch)
	}
	all, err := repo.Branches(ctx)
	switch {
	case audit.IsUnknown(err):
		pass.Unknown("release branches: %s", err.Error())
	case err != nil:
		return err
	}
	var others []string
	for _, b := range all {
		if b != info.DefaultBranch && bpMatches(patterns, b) {
			others = append(others, b)
		}
	}
	sort.Strings(others)
	branches = append(branches, others...)
	for _, b := range branches {
		label := fmt.Sprintf("branch %q", b)
		if b == info.DefaultBranch {
			label = "default " + label
		}
		p, err := repo.Protection(ctx, b)
		if err != nil {
			if err := settingsErr(pass, err); err != nil {
				return err
			}
			continue
		}
		bpJudge(pass, label, p)
	}
	return nil
}

func bpMatches(patterns []string, branch string) bool {
	for _, p := range patterns {
		if re, err := settingsGlob(p); err == nil && re.MatchString(branch) {
			return true
		}
	}
	return false
}
