package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// DependabotMissingActions flags actions pinned to commit SHAs that no update bot keeps current.
var DependabotMissingActions = &audit.Check{
	ID:         "dependabot-missing-actions",
	Title:      "SHA-pinned actions that no update bot keeps current",
	Severity:   audit.Low,
	Confidence: audit.MediumConfidence,
	Category:   audit.CategorySupplyChain,
	Doc: `Pinning ` + "`uses:`" + ` to a full commit SHA is the right defence against a moved tag, but a pin does not move
by itself: without Dependabot or Renovate proposing new SHAs, the pinned commits age, miss the actions'
security fixes (and runtime upgrades before GitHub retires Node versions), and are bumped by hand, often
by copying a tag's SHA from an untrusted place. The pins are only as good as the process that refreshes them.

The check fires when a workflow or composite action pins an action by SHA and none of these is found:
a ` + "`package-ecosystem: github-actions`" + ` entry in ` + "`.github/dependabot.yml`" + ` (one with
` + "`open-pull-requests-limit: 0`" + ` does not count: it proposes no version updates); a Renovate config
(` + "`renovate.json`" + `, ` + "`renovate.json5`" + `, ` + "`.renovaterc`" + `, ` + "`.renovaterc.json`" + `/` + "`.json5`" + `, the same under
` + "`.github/`" + ` or ` + "`.gitlab/`" + `, or a ` + "`\"renovate\"`" + ` key in ` + "`package.json`" + `) at the root of a local checkout; a
workflow that runs Renovate itself (` + "`uses: renovatebot/github-action`" + `); or a ` + "`# renovate:`" + ` annotation
comment in a workflow (Renovate's custom-manager convention). A ` + "`# dependabot`" + ` comment is not evidence
of anything and is not accepted. Remote targets (` + "`owner/repo`" + `) are fetched without their Renovate config,
so there the finding has low confidence.

The finding stands at the ` + "`updates:`" + ` of ` + "`dependabot.yml`" + ` when there is one, else at the first SHA pin. Dependabot's
` + "`github-actions`" + ` ecosystem with ` + "`directory: /`" + ` covers ` + "`.github/workflows`" + `; composite actions elsewhere need
their folders under ` + "`directories:`" + ` (not checked here).`,
	Bad: `on: push
permissions: {}
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
      - run: make test
`,
	Good: `# Renovate runs from this workflow and keeps the SHA pins below up to date.
on:
  schedule:
    - cron: "0 4 * * 1"
permissions: {}
jobs:
  renovate:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
      - uses: renovatebot/github-action@e3a862510f27d57a380efb11611d0c4e5f70fd9c # v41.0.6
        with:
          token: ${{ secrets.RENOVATE_TOKEN }}
`,
	Fix: `Add a ` + "`github-actions`" + ` entry to ` + "`.github/dependabot.yml`" + ` (Dependabot then proposes each new SHA with the
` + "`# vX.Y.Z`" + ` comment beside it), or enable Renovate for the repository.

` + "```yaml" + `
version: 2
updates:
  - package-ecosystem: github-actions
    directory: /
    schedule:
      interval: weekly
    cooldown:
      default-days: 7
` + "```" + `

With Renovate, the ` + "`helpers:pinGitHubActionDigests`" + ` preset keeps digests pinned and current.`,
	References: []string{
		"https://docs.github.com/en/code-security/dependabot/working-with-dependabot/keeping-your-actions-up-to-date-with-dependabot",
		"https://docs.renovatebot.com/modules/manager/github-actions/",
		"https://github.com/ossf/scorecard/blob/main/docs/checks.md#dependency-update-tool",
	},
	Equivalents: map[string]string{"scorecard": "Dependency-Update-Tool"},
	Run:         runDependabotMissingActions,
}

func runDependabotMissingActions(pass *audit.Pass) error {
	t := pass.Target
	if t.Kind == "file" || t.Partial {
		// A single file, or a .github/workflows folder alone, says nothing about the
		// repository's update tooling.
		return nil
	}
	// An enabled github-actions entry of dependabot.yml settles it, as most repositories have:
	// before the walk of every uses: and the costlier search for Renovate.
	dep, inTarget := dbDependabotFile(t)
	var off *dbUpdate
	for _, u := range dbUpdates(dep) {
		if u.Ecosystem != "github-actions" {
			continue
		}
		if _, lim := dbGet(u.Node, "open-pull-requests-limit"); lim != nil {
			if n, ok := dbInt(lim); ok && n == 0 {
				off = &u
				continue
			}
		}
		return nil
	}
	// The SHA pins of each file (uuPinsOf, which unpinned-uses counted while the trees were in
	// the caches), and whether Renovate runs from a workflow.
	npins := 0
	for _, file := range t.Files {
		p := uuPinsOf(file)
		if p.renovate {
			return nil // Renovate runs from a workflow
		}
		npins += p.n
	}
	if npins == 0 || dbRenovateFound(t) {
		return nil
	}
	pins, slugs := dbmaFirstPins(t)
	shown := strings.Join(slugs[:min(3, len(slugs))], ", ")
	if len(slugs) > 3 {
		shown += ", ..."
	}
	what, them := fmt.Sprintf("%d action references pinned to commit SHAs (%s)", npins, shown), "them"
	if npins == 1 {
		what, them = fmt.Sprintf("1 action reference pinned to a commit SHA (%s)", shown), "it"
	}

	first := pins[0]
	var f *audit.Finding
	switch {
	case dep != nil && inTarget && off != nil:
		_, lim := dbGet(off.Node, "open-pull-requests-limit")
		f = pass.Reportf(dep, dbPos(lim), "%s has open-pull-requests-limit 0, so nothing refreshes the %s", off.Label(), what)
	case dep != nil && inTarget:
		pos := audit.At(1, 1)
		if k, _ := dbGet(dep.YAML.Content[0], "updates"); k != nil {
			pos = dbPos(k)
		}
		f = pass.Reportf(dep, pos, "%s has no \"github-actions\" entry, so nothing refreshes the %s", dep.Path, what)
	case dep != nil:
		f = pass.Reportf(first.File, first.Uses.Pos, "%s, and neither Dependabot (%s has no enabled \"github-actions\" entry) nor Renovate keeps %s up to date", what, dep.Path, them)
	default:
		f = pass.Reportf(first.File, first.Uses.Pos, "%s, and neither Dependabot (no .github/dependabot.yml) nor Renovate keeps %s up to date", what, them)
		for _, e := range t.Errors {
			if e.File == ".github/dependabot.yml" || e.File == ".github/dependabot.yaml" {
				f.Confidence = audit.LowConfidence
				f.Message = fmt.Sprintf("%s, and neither Dependabot (%s could not be read) nor Renovate keeps %s up to date", what, e.File, them)
			}
		}
	}
	f.Key = "no github-actions updates"
	for _, u := range pins {
		if u.Uses.Pos != nil && (u.File.Path != f.File || u.Uses.Pos.Line != f.Line) {
			f.Related = append(f.Related, audit.Location{File: u.File.Path, Line: u.Uses.Pos.Line, Column: u.Uses.Pos.Col, EndLine: u.Uses.Pos.Line, Note: "pinned to " + arShortSHA(u.Ref)})
		}
	}
	return nil
}

// dbmaFirstPins returns the first five uses: of a target pinned to a full SHA, and the first
// four distinct owner/name of them (lower-cased), for the finding: the walk stops at the first
// file that completes both.
func dbmaFirstPins(t *audit.Target) (pins []actionUse, slugs []string) {
	// Called only when the target has a pin: the lists made at their full size up front.
	pins, slugs = make([]actionUse, 0, 5), make([]string, 0, 4)
	for _, file := range t.Files {
		arEachUse(file, func(s *actionlint.String, j *actionlint.Job, st *actionlint.Step, i int) {
			if len(pins) >= 5 && len(slugs) > 3 {
				return // the rest of the file's uses: (arEachUse cannot stop) without a look
			}
			v := strings.TrimSpace(s.Value)
			at, sha := uuSplitSHA(v)
			if !sha {
				return
			}
			// arUseSlug takes what arParseUse takes, and its slug is ASCII (arUseClass), so
			// toLower of it is arParseUse's lower-cased owner + "/" + name: a target with fewer
			// than four actions pinned comes here for each of its pins, and arParseUse's strings
			// are built for the first five only.
			slug, _, ok := arUseSlug(v, at, true)
			if !ok {
				return
			}
			if len(pins) < 5 {
				owner, name, path, ref, _ := arParseUse(v)
				pins = append(pins, actionUse{File: file, Uses: s, Owner: owner, Name: name, Path: path, Ref: ref, Reusable: st == nil, job: j, step: st, index: i})
			}
			if len(slugs) <= 3 && !slices.ContainsFunc(slugs, func(s string) bool { return strings.EqualFold(s, slug) }) {
				slugs = append(slugs, toLower(slug))
			}
		})
		if len(pins) >= 5 && len(slugs) > 3 {
			break
		}
	}
	return pins, slugs
}
