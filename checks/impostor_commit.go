package checks

import (
	"strings"

	"github.com/rampart-sec/rampart/audit"
)

// ImpostorCommit flags actions and reusable workflows pinned to a commit that is on no branch
// or tag of the repository they name (a commit that only a fork of that repository holds), or
// that only a tag reaches and no branch.
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

A tag is no proof either: whoever can push a tag can point it at a fork's commit, as in the
attacks on tj-actions/changed-files and Trivy's actions, where release tags were moved to
malicious commits. So for a pin that a tag points at (or that only a tag's history holds) rampart
also asks whether the commit is on a branch: one compare with the default branch answers for
nearly every release. A commit that only tags reach is reported at high severity and medium
confidence (a release cut from a branch that was deleted afterwards looks the same).

A pin of an annotated *tag object* (the SHA ` + "`git ls-remote`" + ` shows without ` + "`^{}`" + `) counts as its tag and
is not an impostor; its tag's commit is what is checked.`,
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
		refs, ok := api.Refs(u)
		if !ok || len(arBranchesAt(refs, u.Ref)) > 0 {
			return
		}
		if tags := arTagRefsAt(refs, u.Ref); len(tags) > 0 {
			// A tag's commit (or its tag object): is the commit on a branch, or only the tag's?
			if on, known := api.OnBranch(u, tags[0].SHA); known && !on {
				icTagOnly(pass, u, icNames(tags))
			}
			return
		}
		reachable, known := api.Reachable(u, u.Ref)
		if !known {
			return
		}
		if !reachable {
			f := pass.Reportf(u.File, u.Uses.Pos, "%s %q is pinned to commit %s, which is on no branch or tag of %s: an impostor commit from a fork, or history rewritten away",
				u.What(), u.Value(), arShortSHA(u.Ref), u.Slug())
			f.Key = u.Key("")
			return
		}
		if on, known := api.OnBranch(u, u.Ref); known && !on {
			icTagOnly(pass, u, "only the history of a tag holds it")
		}
	})
}

// icTagOnly reports a pinned commit that tags reach but no branch does.
func icTagOnly(pass *audit.Pass, u actionUse, why string) {
	f := pass.Reportf(u.File, u.Uses.Pos, "%s %q: pinned commit %s is on no branch of %s; %s: a tag moved to a fork's commit, or a release of a deleted branch",
		u.What(), u.Value(), arShortSHA(u.Ref), u.Slug(), why)
	f.Severity, f.Confidence = audit.High, audit.MediumConfidence
	f.Key = u.Key("tag-only")
}

// icNames says which tags point at a commit, for messages: "only tag v1 points at it", or
// "only tags v1, v1.2.3 point at it".
func icNames(tags []audit.GitRef) string {
	names := make([]string, len(tags))
	for i, t := range tags {
		names[i] = t.Name
	}
	if len(names) == 1 {
		return "only tag " + names[0] + " points at it"
	}
	return "only tags " + strings.Join(names, ", ") + " point at it"
}
