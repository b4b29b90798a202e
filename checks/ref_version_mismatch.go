package checks

import (
	"strings"

	"github.com/rampart-sec/rampart/audit"
)

// RefVersionMismatch flags SHA pins whose version comment names a release at another commit.
var RefVersionMismatch = &audit.Check{
	ID:         "ref-version-mismatch",
	Title:      "Version comment does not match the pinned commit",
	Severity:   audit.Medium,
	Confidence: audit.HighConfidence,
	Category:   audit.CategorySupplyChain,
	Online:     true,
	Doc: `A SHA pin carries its version in a comment (` + "`uses: owner/repo@<sha> # v4.2.2`" + `) because people read
the comment, not the SHA. Reviewers approve "v4.2.2", Dependabot and Renovate update from it, and
dashboards list it. When the tag ` + "`v4.2.2`" + ` points at another commit, the comment lies: the workflow runs
some other code, an old vulnerable release or a commit slipped in with a reassuring label.

rampart reads the version comment in the forms Dependabot, Renovate, pinact and ratchet write
(` + "`# v4.2.2`" + `, ` + "`# tag=v4.2.2`" + `, ` + "`# version: 4.2.2`" + `, ` + "`# ratchet:owner/repo@v4.2.2`" + `) and compares it with the
repository's tags. A pin of an annotated tag's object (the SHA ` + "`git ls-remote`" + ` shows without ` + "`^{}`" + `)
counts as its tag. It accepts a comment without the tag's ` + "`v`" + ` prefix, and a major-version comment
(` + "`# v4`" + `) on the commit of a ` + "`v4.x.y`" + ` release even after the moving ` + "`v4`" + ` tag went on. A comment naming a
version that is no tag of the repository is reported at low severity.`,
	Bad: `on: push
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      # the commit of v4.1.0, labelled as v4.2.2
      - uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11 # v4.2.2
`,
	Good: `on: push
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
`,
	Fix: `Check which of the two you meant. If the SHA is right, correct the comment to the tag that points
at it; if the version is right, pin the commit its tag points at
(` + "`git ls-remote https://github.com/OWNER/REPO refs/tags/v4.2.2`" + `). If neither was chosen on purpose, find out
who changed the line and why.`,
	References: []string{
		"https://docs.zizmor.sh/audits/#ref-version-mismatch",
		"https://docs.github.com/en/code-security/dependabot/working-with-dependabot/keeping-your-actions-up-to-date-with-dependabot",
	},
	Equivalents: map[string]string{"zizmor": "ref-version-mismatch"},
	Run:         runRefVersionMismatch,
}

func runRefVersionMismatch(pass *audit.Pass) error {
	return arRun(pass, arSHAUses, func(api *arAPI, u actionUse) {
		comment := arVersionComment(u)
		if comment == "" {
			return
		}
		refs, ok := api.Refs(u)
		if !ok {
			return
		}
		tag := rvmFindTag(refs, comment)
		switch {
		case tag != nil && (strings.EqualFold(tag.SHA, u.Ref) || strings.EqualFold(tag.ObjectSHA, u.Ref)), rvmSameSeries(refs, comment, u.Ref):
			// The pin is the tag's commit, or its annotated tag object.
			return
		case tag != nil:
			f := pass.Reportf(u.File, u.Uses.Pos, "%s %q: the comment says %q, but tag %s of %s points at %s; the pinned %s %s is %s",
				u.What(), u.Value(), comment, tag.Name, u.Slug(), arShortSHA(tag.SHA), rvmPinned(refs, u.Ref), arShortSHA(u.Ref), arTagsDescribe(refs, u.Ref))
			f.Key = u.Key(comment)
		default:
			if b := arFind(refs.Branches, comment); b != nil && strings.EqualFold(b.SHA, u.Ref) {
				return
			}
			f := pass.Reportf(u.File, u.Uses.Pos, "%s %q: the comment says %q, which is no tag of %s; the pinned %s %s is %s",
				u.What(), u.Value(), comment, u.Slug(), rvmPinned(refs, u.Ref), arShortSHA(u.Ref), arTagsDescribe(refs, u.Ref))
			f.Severity, f.Confidence = audit.Low, audit.MediumConfidence
			f.Key = u.Key(comment)
		}
	})
}

// rvmPinned names what a SHA pin is, for messages: "commit", or "tag object" for an annotated tag's.
func rvmPinned(refs *audit.Refs, sha string) string {
	if arIsTagObject(refs, sha) {
		return "tag object"
	}
	return "commit"
}

// rvmFindTag finds the tag a comment names: exactly, then ignoring case and a "v" prefix.
func rvmFindTag(refs *audit.Refs, comment string) *audit.GitRef {
	if t := arFind(refs.Tags, comment); t != nil {
		return t
	}
	want := strings.TrimPrefix(strings.ToLower(comment), "v")
	for i := range refs.Tags {
		if strings.TrimPrefix(strings.ToLower(refs.Tags[i].Name), "v") == want {
			return &refs.Tags[i]
		}
	}
	return nil
}

// rvmSameSeries reports whether a partial version comment ("v4", "v4.2") is honest about the
// pinned commit: a tag at that commit is a release of the series it names ("v4.2.2").
func rvmSameSeries(refs *audit.Refs, comment, sha string) bool {
	c, ok := arParseVersion(comment)
	if !ok || c.Pre != "" || len(c.Nums) >= 3 {
		return false
	}
	for _, name := range arInSeries(arTagsAt(refs, sha), c) {
		if v, _ := arParseVersion(name); len(v.Nums) > len(c.Nums) {
			return true
		}
	}
	return false
}
