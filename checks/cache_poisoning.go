package checks

import (
	"fmt"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// CachePoisoning flags build caches restored in workflows and jobs that publish releases.
var CachePoisoning = &audit.Check{
	ID:         "cache-poisoning",
	Title:      "Build cache restored in a release or publishing job",
	Severity:   audit.High,
	Confidence: audit.MediumConfidence,
	Category:   audit.CategorySupplyChain,
	Doc: `GitHub's Actions cache is shared by every workflow of a repository: a cache written by a run on the
default branch is restored by runs on every other branch and tag. Whoever gets code to run in any
workflow on the default branch (a ` + "`pull_request_target`" + ` or ` + "`issue_comment`" + ` workflow that runs pull request
code, a template injection, a compromised dependency of a test job) can write a poisoned entry under a key
the release build will restore, or evict the real entry and replace it. The release workflow then builds
and publishes binaries, packages or images from poisoned dependencies or compiler caches, and signs them.

The check reports cache-restoring steps (` + "`actions/cache`" + `, ` + "`actions/cache/restore`" + `, the ` + "`cache:`" + ` options of
` + "`actions/setup-node`" + ` (` + "`cache:`" + `, or ` + "`package-manager-cache`" + `: since v5 it caches by itself when package.json names npm
as its packageManager, a low-confidence finding since package.json is not read), ` + "`setup-python`" + `, ` + "`setup-java`" + ` and
` + "`setup-go`" + ` (on by default since v4), ` + "`Swatinem/rust-cache`" + `,
` + "`gradle/actions/setup-gradle`" + `, ` + "`docker/build-push-action`" + ` with ` + "`cache-from: type=gha`" + `, and others) in jobs that
publish (` + "`npm publish`" + `, ` + "`twine upload`" + `, ` + "`gh release create`" + `, ` + "`docker push`" + `, goreleaser, the PyPI publish action...),
in jobs those publishing jobs depend on, and in every job of workflows that only run for releases
(` + "`release:`" + `, ` + "`push: tags:`" + `, pushes to ` + "`release*`" + ` branches). Other jobs of workflows that run on tags as well as on
branches are reported with low confidence; CI workflows that also run on release branches are left alone.`,
	Bad: cpExample + `      - uses: goreleaser/goreleaser-action@v6
        with:
          args: release --clean
`,
	Good: cpExample + `          cache: false
      - uses: goreleaser/goreleaser-action@v6
        with:
          args: release --clean
`,
	Fix: `Turn caching off in release and publishing jobs (` + "`cache: false`" + ` for setup-go, no ` + "`cache:`" + ` and
` + "`package-manager-cache: false`" + ` for setup-node,
setup-python and setup-java, ` + "`lookup-only: true`" + ` or no ` + "`actions/cache`" + ` step, no ` + "`cache-from: type=gha`" + `): a clean
release build is slower but cannot inherit a poisoned entry.

If the build is too slow without a cache, restore only caches that the release workflow itself wrote under a
key no other workflow can produce, and keep the workflows that run untrusted code from writing to the cache.`,
	References: []string{
		"https://adnanthekhan.com/2024/05/06/the-monsters-in-your-build-cache-github-actions-cache-poisoning/",
		"https://docs.github.com/en/actions/reference/workflows-and-actions/dependency-caching#restrictions-for-accessing-a-cache",
		"https://docs.zizmor.sh/audits/#cache-poisoning",
	},
	Equivalents: map[string]string{"zizmor": "cache-poisoning"},
	Run:         runCachePoisoning,
}

// cpExample is the start of CachePoisoning's examples: a release job that sets up Go, whose cache
// setup-go restores unless told not to.
const cpExample = `on:
  push:
    tags: ["v*"]
permissions:
  contents: write
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-go@v5
        with:
          go-version-file: go.mod
`

func runCachePoisoning(pass *audit.Pass) error {
	for _, file := range pass.Target.Workflows() {
		if file.Workflow == nil {
			continue
		}
		// Only a step that may restore a cache is reported: a workflow without one is done, and
		// only the jobs that have one, or need one that has, are asked whether they publish.
		relevant, reportable := cpRelevantJobs(file)
		if !reportable {
			continue
		}
		jobs := file.Jobs()
		trigger, tagged, releaseOnly := cpReleaseTriggers(file.Workflow)
		publishers := map[string]audit.StepRef{}
		facts := pcFactsOf(file)
		for k, s := range file.Steps() {
			// Only a publishing action, or a script with a word of pcGateWords, can publish
			// (pcPublishes): the other steps are passed over on what pcFacts knows of them.
			if st := facts.steps[k]; st.kind&pcfPublish == 0 && st.mask == 0 || !relevant[s.Job] {
				continue
			}
			if _, seen := publishers[s.Job.ID.Value]; !seen && pcPublishes(s, facts.mask(k, s)) != "" {
				publishers[s.Job.ID.Value] = s
			}
		}
		feeds := cpFeeders(file, publishers)
		for _, j := range jobs {
			if !relevant[j] {
				continue
			}
			pub, publishes := publishers[j.ID.Value]
			var why string
			conf := audit.MediumConfidence
			switch {
			case publishes:
			case feeds[toLower(j.ID.Value)] != "":
			case trigger != "" && releaseOnly:
			case tagged != "":
				conf = audit.LowConfidence
			default:
				continue
			}
			for i, st := range j.Steps {
				if st == nil {
					continue
				}
				ref := audit.StepRef{File: file, Job: j, Index: i, Step: st}
				what, pos, c, ok := cpCacheUse(file, ref)
				if !ok {
					continue
				}
				if why == "" {
					why = cpWhy(j, pub, publishes, feeds, trigger, releaseOnly, tagged)
				}
				f := pass.Reportf(file, pos, "%s %s in %s", ref.Label(), what, why)
				f.Confidence = min(conf, c)
				f.Key = fmt.Sprintf("job %s: %s: %s", j.ID.Value, ref.Label(), what)
				if publishes && pub.Step.Pos != nil {
					f.Related = []audit.Location{{File: file.Path, Line: pub.Step.Pos.Line, Column: pub.Step.Pos.Col, Note: "publishes"}}
				}
			}
		}
	}
	return nil
}

// cpWhy says why a cache in job j is a risk, as runCachePoisoning's switch decides.
func cpWhy(j *actionlint.Job, pub audit.StepRef, publishes bool, feeds map[string]string, trigger string, releaseOnly bool, tagged string) string {
	switch {
	case publishes:
		if r := pub.Run(); r != nil {
			return fmt.Sprintf("a job that publishes (%s runs %s)", pub.Label(), pcPublishes(pub, pcPublishMaskOf(r.Run.Value)))
		}
		return fmt.Sprintf("a job that publishes (%s)", pub.Label())
	case feeds[toLower(j.ID.Value)] != "":
		return fmt.Sprintf("a job that publishing job %q needs", feeds[toLower(j.ID.Value)])
	case trigger != "" && releaseOnly:
		return "a workflow that runs on " + trigger
	}
	return "a workflow that also runs on " + tagged
}
