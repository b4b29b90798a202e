package checks

import (
	"github.com/rampart-sec/rampart/audit"
)

// ImpostorCommit flags actions and reusable workflows pinned to a commit that is on no branch
// or tag of the repository they name: a commit that only a fork of that repository holds.
var ImpostorCommit = &audit.Check{
	ID:         "impostor-commit",
	Title:      "Action pinned to a commit that is not in its repository (impostor commit)",
	Severity:   audit.Critical,
	Confidence: audit.HighConfidence,
	Category:   audit.CategorySupplyChain,
	Online:     true,
	Doc: `GitHub stores a repository and all its forks as one network of objects, and resolves
` + "`uses: owner/repo@<sha>`" + ` against the whole network. Anyone can fork ` + "`actions/checkout`" + `, push a
malicious commit to the fork, and send a pull request that "pins" ` + "`actions/checkout`" + ` to that commit's
SHA, with a ` + "`# v4.2.2`" + ` comment to look routine. The workflow then runs the attacker's code under the name
of the real action; the SHA looks like the strongest pin there is, so reviewers wave it through.

rampart asks GitHub whether the pinned commit is on some branch or tag of the named repository
(a SHA that a branch or tag points at directly needs no further request). A commit on none of
them is an impostor (or, rarely, history that was force-pushed away, which nobody maintains
either). A true finding means someone tried to slip code into your workflows: treat
it as an incident, not as a pin to refresh.

Pinning to the SHA of an annotated *tag object* instead of its commit is also reported by some
tools as an impostor; pin the commit (` + "`git ls-remote`" + ` shows it on the ` + "`^{}`" + ` line).`,
	Bad: `on: push
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      # a commit that only exists in a fork of actions/checkout
      - uses: actions/checkout@c7d749a2d57b4b375d1ebcd17cfbfb60c676f18e # v4.2.2
`,
	Good: `on: push
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
`,
	Fix: `Find out how the SHA got there (the pull request and its author) and whether the workflow ran with
it: if it did, treat the secrets it could read as leaked. Then pin the commit of a real release of
the action: ` + "`git ls-remote https://github.com/OWNER/REPO refs/tags/v1.2.3`" + `.`,
	References: []string{
		"https://www.chainguard.dev/unchained/what-the-fork-imposter-commits-in-github-actions-and-ci-cd",
		"https://docs.zizmor.sh/audits/#impostor-commit",
		"https://github.com/chainguard-dev/clank",
	},
	Equivalents: map[string]string{"zizmor": "impostor-commit"},
	Run:         runImpostorCommit,
}

func runImpostorCommit(pass *audit.Pass) error {
	return arRun(pass, arSHAUses, func(api *arAPI, u actionUse) {
		if ok, known := api.Reachable(u, u.Ref); !known || ok {
			return
		}
		f := pass.Reportf(u.File, u.Uses.Pos, "%s %q is pinned to commit %s, which is on no branch or tag of %s: an impostor commit from a fork, or history rewritten away",
			u.What(), u.Value(), arShortSHA(u.Ref), u.Slug())
		f.Key = u.Key("")
	})
}
