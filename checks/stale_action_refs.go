package checks

import (
	"strings"

	"github.com/rampart-sec/rampart/audit"
)

// StaleActionRefs flags actions pinned to a commit that no tag of their repository points at.
var StaleActionRefs = &audit.Check{
	ID:         "stale-action-refs",
	Title:      "Action pinned to a commit that is not a release",
	Severity:   audit.Low,
	Confidence: audit.HighConfidence,
	Category:   audit.CategorySupplyChain,
	Online:     true,
	Persona:    "pedantic",
	Doc: `A SHA pin is only as good as the commit it names. When no tag of the action's repository
points at the pinned commit, the workflow runs code that was never released: a commit from the
middle of a branch, a work in progress, or one that a later release reverted. Nobody announced
it, advisories do not say whether it is affected, and Dependabot and Renovate cannot tell which
version it is, so the pin is never updated.

A pin of an annotated tag's object (the SHA ` + "`git ls-remote`" + ` shows without ` + "`^{}`" + `) is a pin of its tag,
not a stale commit.

This is a pedantic check (` + "`--persona pedantic`" + `): some actions publish no tags at all and are meant
to be used from a branch. A commit that is on no branch or tag either is reported by
` + "`impostor-commit`" + ` instead.`,
	Bad: `on: push
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      # a commit of actions/checkout's main branch between two releases
      - uses: actions/checkout@85e6279cec87321a52edac9c87bce653a07cf6c2
`,
	Good: `on: push
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
`,
	Fix: `Pin the commit of a release tag instead, and keep the version in a comment
(` + "`uses: owner/repo@<sha> # v1.2.3`" + `). If you need an unreleased fix, ask the maintainers for a release,
or fork the action and release it yourself.`,
	References: []string{
		"https://docs.zizmor.sh/audits/#stale-action-refs",
		"https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#using-third-party-actions",
	},
	Equivalents: map[string]string{"zizmor": "stale-action-refs"},
	Run:         runStaleActionRefs,
}

func runStaleActionRefs(pass *audit.Pass) error {
	return arRun(pass, arSHAUses, func(api *arAPI, u actionUse) {
		refs, ok := api.Refs(u)
		if !ok || len(arTagsAt(refs, u.Ref)) > 0 {
			return
		}
		if reachable, known := api.Reachable(u, u.Ref); !known || !reachable {
			// Unknown, or an impostor commit: impostor-commit reports that.
			return
		}
		var detail string
		switch branches := arBranchesAt(refs, u.Ref); {
		case len(refs.Tags) == 0:
			detail = u.Slug() + " has no tags at all"
		case len(branches) > 0:
			detail = "it is the head of branch " + strings.Join(branches, ", ") + ", not a release"
		default:
			detail = "it is not a release"
		}
		f := pass.Reportf(u.File, u.Uses.Pos, "%s %q is pinned to commit %s, which no tag of %s points at: %s",
			u.What(), u.Value(), arShortSHA(u.Ref), u.Slug(), detail)
		if len(refs.Tags) == 0 {
			f.Confidence = audit.MediumConfidence
		}
		f.Key = u.Key("")
	})
}
