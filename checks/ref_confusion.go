package checks

import (
	"strings"

	"github.com/rampart-sec/rampart/audit"
)

// RefConfusion flags actions referenced by a name that is both a branch and a tag of their repository.
var RefConfusion = &audit.Check{
	ID:         "ref-confusion",
	Title:      "Action ref names both a branch and a tag",
	Severity:   audit.Medium,
	Confidence: audit.HighConfidence,
	Category:   audit.CategorySupplyChain,
	Online:     true,
	Doc: `A ` + "`uses: owner/repo@v1`" + ` reads as "release v1", but ` + "`v1`" + ` may name a tag *and* a branch of the
action's repository. Which of the two the runner picks is not something a reader of the workflow
can see, and the two can point at different code. A branch can be pushed to by anyone with write
access (or by a compromised bot), without the release process a tag goes through; a branch named
like a release tag is a classic way to make malicious code look like a release.

rampart lists the repository's branches and tags and reports a ` + "`uses:`" + ` whose ref is in both lists.
Commit SHAs are unambiguous and never reported.`,
	Bad: `on: push
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      # example/deploy has both a tag v1 and a branch v1
      - uses: example/deploy@v1
`,
	Good: `on: push
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: example/deploy@8f4b7f84864484a7bf31766abe9204da3cbe65b3 # v1.4.0
`,
	Fix: `Pin the action to the full commit SHA of the release you mean, with the version in a comment
(` + "`uses: owner/repo@<sha> # v1.4.0`" + `). If you maintain the action, delete the branch or rename it so that
no branch shares a name with a tag.`,
	References: []string{
		"https://docs.zizmor.sh/audits/#ref-confusion",
		"https://git-scm.com/docs/gitrevisions#_specifying_revisions",
	},
	Equivalents: map[string]string{"zizmor": "ref-confusion"},
	Run:         runRefConfusion,
}

func runRefConfusion(pass *audit.Pass) error {
	return arRun(pass, arNamedUses, func(api *arAPI, u actionUse) {
		refs, ok := api.Refs(u)
		if !ok {
			return
		}
		tag, branch := arFind(refs.Tags, u.Ref), arFind(refs.Branches, u.Ref)
		if tag == nil || branch == nil {
			return
		}
		where := "both at commit " + arShortSHA(tag.SHA)
		if !strings.EqualFold(tag.SHA, branch.SHA) {
			where = "tag at " + arShortSHA(tag.SHA) + ", branch at " + arShortSHA(branch.SHA)
		}
		f := pass.Reportf(u.File, u.Uses.Pos, "%s %q: ref %q is both a branch and a tag of %s (%s)",
			u.What(), u.Value(), u.Ref, u.Slug(), where)
		if strings.EqualFold(tag.SHA, branch.SHA) {
			// Both name the same code today; the branch can still move.
			f.Severity = audit.Low
		}
		f.Key = u.Key("")
	})
}
