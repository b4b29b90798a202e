package checks

import (
	"context"
	"fmt"
	"strings"

	"github.com/rampart-sec/rampart/audit"
)

// CodeownersWorkflows flags a repository where changes to .github/workflows/ need no review by
// designated owners: no CODEOWNERS rule owns the workflows, or code-owner review is not required.
var CodeownersWorkflows = &audit.Check{
	ID:         "codeowners-workflows",
	Title:      "Workflow changes need no code-owner review",
	Severity:   audit.Medium,
	Confidence: audit.HighConfidence,
	Category:   audit.CategorySettings,
	Online:     true,
	Doc: `Workflows hold the keys: their secrets, their ` + "`GITHUB_TOKEN`" + ` and their OIDC trust. A change to
` + "`.github/workflows/`" + ` that any reviewer may approve (or that needs no review) can add a step that
exfiltrates them, switch a trigger to ` + "`pull_request_target`" + `, or unpin an action. A CODEOWNERS rule
that gives ` + "`.github/workflows/`" + ` to the people who understand CI/CD security, together with
"Require review from Code Owners" on the default branch, makes their approval mandatory.

The check reads the CODEOWNERS file GitHub uses (the first of ` + "`.github/CODEOWNERS`" + `, ` + "`CODEOWNERS`" + `,
` + "`docs/CODEOWNERS`" + ` on the default branch) with GitHub's rules: the last matching rule wins, ` + "`*`" + `
covers everything, and a rule with no owners leaves its paths unowned. It asks who owns each
audited workflow and a new file in ` + "`.github/workflows/`" + `.`,
	Bad: `# .github/CODEOWNERS, not this file:
#   *                     @acme/developers
#   /.github/workflows/
# (the last matching rule wins and has no owners: nobody owns the workflows)
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: make test
`,
	Good: `# .github/CODEOWNERS, not this file:
#   *                     @acme/developers
#   /.github/workflows/   @acme/security
# and "Require review from Code Owners" on the default branch
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: make test
`,
	Fix: `Add a rule such as ` + "`/.github/workflows/ @org/security-team`" + ` at the end of ` + "`.github/CODEOWNERS`" + `
(later rules win), and tick "Require review from Code Owners" in the default branch's ruleset or
branch protection rule.`,
	References: []string{
		"https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-code-owners",
		"https://docs.github.com/en/repositories/configuring-branches-and-merges-in-your-repository/managing-protected-branches/about-protected-branches#require-pull-request-reviews-before-merging",
	},
	Equivalents: map[string]string{
		"scorecard": "Branch-Protection",
		"legitify":  "code_review_not_limited_to_code_owners",
	},
	Run: runCodeownersWorkflows,
}

// coPaths are where GitHub looks for CODEOWNERS, in order.
var coPaths = []string{".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"}

// coNewWorkflow stands for a workflow file someone adds.
const coNewWorkflow = ".github/workflows/new-workflow.yml"

func runCodeownersWorkflows(pass *audit.Pass) error {
	return settingsRun(pass, func(ctx context.Context, repo audit.RepoSettings, info *audit.RepoInfo) error {
		return coCheck(ctx, pass, repo, info)
	})
}

// coCheck reads whether code-owner review is required on the default branch and who owns the workflows.
func coCheck(ctx context.Context, pass *audit.Pass, repo audit.RepoSettings, info *audit.RepoInfo) error {
	// Is code-owner review required on the default branch? nil when unknown.
	var required *bool
	branch := info.DefaultBranch
	p, err := repo.Protection(ctx, branch)
	switch {
	case audit.IsUnknown(err):
		pass.Unknown("code-owner review on %q: %s", branch, err.Error())
	case err != nil:
		return err
	case p != nil && !p.RequiresCodeOwners && len(p.Unknown) > 0:
		pass.Unknown("code-owner review on %q: %s", branch, strings.Join(p.Unknown, "; "))
	default:
		r := p != nil && p.RequiresCodeOwners
		required = &r
	}
	notRequired := ""
	if required != nil && !*required {
		notRequired = fmt.Sprintf("; code-owner review is not required on %q either", branch)
	}

	file, src := "", ""
	for _, path := range coPaths {
		b, err := repo.File(ctx, path)
		if err != nil {
			if err := settingsErr(pass, err); err != nil {
				return err
			}
			return nil
		}
		if b != nil {
			file, src = path, string(b)
			break
		}
	}
	if file == "" {
		settingsReportf(pass, audit.Medium, "no codeowners", "",
			"no CODEOWNERS file (.github/CODEOWNERS, CODEOWNERS or docs/CODEOWNERS): nobody owns .github/workflows/, so workflow changes need no review by designated owners%s", notRequired)
		return nil
	}
	rules := coParse(src)
	probes := []string{}
	for _, f := range pass.Target.Workflows() {
		if strings.HasPrefix(f.Path, ".github/workflows/") {
			probes = append(probes, f.Path)
		}
	}
	probes = append(probes, coNewWorkflow)
	for _, path := range probes {
		r := coOwner(rules, path)
		if r != nil && len(r.owners) > 0 {
			continue
		}
		what := "a new workflow file"
		if path != coNewWorkflow {
			what = path
		}
		line, why := 1, fmt.Sprintf("no rule of %s matches %s", file, what)
		if r != nil {
			line, why = r.line, fmt.Sprintf("the last rule of %s matching %s, %q on line %d, has no owners", file, what, r.pattern, r.line)
		}
		f := pass.Reportf(&audit.File{Path: file}, audit.At(line, 1),
			"%s: workflow changes need no review by designated owners%s", why, notRequired)
		f.Key = "uncovered"
		return nil
	}
	if required != nil && !*required {
		settingsReportf(pass, audit.Low, "not required",
			"Tick \"Require review from Code Owners\" in the default branch's ruleset or branch protection rule.",
			"%s gives .github/workflows/ owners, but code-owner review is not required on %q, so their review is only requested", file, branch)
	}
	return nil
}
