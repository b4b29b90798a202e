package checks

import (
	"fmt"
	"strings"

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
` + "`actions/setup-node`" + `, ` + "`setup-python`" + `, ` + "`setup-java`" + ` and ` + "`setup-go`" + ` (on by default since v4), ` + "`Swatinem/rust-cache`" + `,
` + "`gradle/actions/setup-gradle`" + `, ` + "`docker/build-push-action`" + ` with ` + "`cache-from: type=gha`" + `, and others) in jobs that
publish (` + "`npm publish`" + `, ` + "`twine upload`" + `, ` + "`gh release create`" + `, ` + "`docker push`" + `, goreleaser, the PyPI publish action...),
in jobs those publishing jobs depend on, and in every job of workflows that only run for releases
(` + "`release:`" + `, ` + "`push: tags:`" + `, pushes to ` + "`release*`" + ` branches). Other jobs of workflows that run on tags as well as on
branches are reported with low confidence; CI workflows that also run on release branches are left alone.`,
	Bad: `on:
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
      - uses: goreleaser/goreleaser-action@v6
        with:
          args: release --clean
`,
	Good: `on:
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
          cache: false
      - uses: goreleaser/goreleaser-action@v6
        with:
          args: release --clean
`,
	Fix: `Turn caching off in release and publishing jobs (` + "`cache: false`" + ` for setup-go, no ` + "`cache:`" + ` for setup-node,
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

func runCachePoisoning(pass *audit.Pass) error {
	for _, file := range pass.Target.Workflows() {
		if file.Workflow == nil {
			continue
		}
		trigger, tagged, releaseOnly := cpReleaseTriggers(file.Workflow)
		jobs := audit.Jobs(file.Workflow)
		publishers := map[string]audit.StepRef{}
		for _, s := range file.Steps() {
			if _, seen := publishers[s.Job.ID.Value]; !seen && pcPublishes(s) != "" {
				publishers[s.Job.ID.Value] = s
			}
		}
		feeds := cpFeeders(file, publishers)
		for _, j := range jobs {
			pub, publishes := publishers[j.ID.Value]
			var why string
			conf := audit.MediumConfidence
			switch {
			case publishes:
				why = fmt.Sprintf("a job that publishes (%s)", pub.Label())
				if pub.Run() != nil {
					why = fmt.Sprintf("a job that publishes (%s runs %s)", pub.Label(), pcPublishes(pub))
				}
			case feeds[strings.ToLower(j.ID.Value)] != "":
				why = fmt.Sprintf("a job that publishing job %q needs", feeds[strings.ToLower(j.ID.Value)])
			case trigger != "" && releaseOnly:
				why = "a workflow that runs on " + trigger
			case tagged != "":
				why, conf = "a workflow that also runs on "+tagged, audit.LowConfidence
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

// cpReleaseTriggers names the workflow's release triggers ("release", "push to tags"), those of them
// that are tags and releases (a CI workflow may also run on release branches), and whether it runs
// for nothing else but manual runs.
func cpReleaseTriggers(w *actionlint.Workflow) (string, string, bool) {
	var names, tagged []string
	only := true
	for _, e := range w.On {
		we, ok := e.(*actionlint.WebhookEvent)
		if !ok || we.Hook == nil {
			if _, call := e.(*actionlint.WorkflowCallEvent); !call {
				if _, dispatch := e.(*actionlint.WorkflowDispatchEvent); !dispatch {
					only = false
				}
			}
			continue
		}
		switch we.Hook.Value {
		case "release":
			names, tagged = append(names, "release"), append(tagged, "release")
		case "push":
			release := false
			if !we.Tags.IsEmpty() {
				names, release = append(names, "push to tags"), true
				tagged = append(tagged, "push to tags")
			}
			if !we.Branches.IsEmpty() {
				for _, b := range we.Branches.Values {
					if b != nil && strings.Contains(strings.ToLower(b.Value), "release") {
						names, release = append(names, fmt.Sprintf("push to branch %q", b.Value)), true
						break
					}
				}
				if !release || !we.Tags.IsEmpty() {
					only = false
				}
			} else if !release {
				only = false
			}
		default:
			only = false
		}
	}
	return strings.Join(names, " and "), strings.Join(tagged, " and "), only && len(names) > 0
}

// cpFeeders maps each job that a publishing job needs (directly or not) and that uploads
// artifacts, which the publishing job may then publish, to that publishing job.
func cpFeeders(file *audit.File, publishers map[string]audit.StepRef) map[string]string {
	w := file.Workflow
	uploads := map[string]bool{}
	for _, s := range file.Steps() {
		if name, _, _, ok := pcUses(s); ok && name == "actions/upload-artifact" {
			uploads[strings.ToLower(s.Job.ID.Value)] = true
		}
	}
	out := map[string]string{}
	var walk func(id, pub string, depth int)
	walk = func(id, pub string, depth int) {
		j := w.Jobs[strings.ToLower(id)]
		if j == nil || depth > 32 {
			return
		}
		for _, n := range j.Needs {
			if n == nil || out[strings.ToLower(n.Value)] != "" {
				continue
			}
			out[strings.ToLower(n.Value)] = pub
			walk(n.Value, pub, depth+1)
		}
	}
	for _, j := range audit.Jobs(w) {
		if _, ok := publishers[j.ID.Value]; ok {
			walk(j.ID.Value, j.ID.Value, 0)
		}
	}
	for id := range out {
		if !uploads[id] {
			delete(out, id)
		}
	}
	for id := range publishers {
		delete(out, strings.ToLower(id))
	}
	return out
}
