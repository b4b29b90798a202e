package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// UnpinnedImages flags job containers, service containers, Docker actions' images and Dockerfiles' base images that are not
// pinned to a digest.
var UnpinnedImages = &audit.Check{
	ID:         "unpinned-images",
	Title:      "Container image not pinned to a digest",
	Severity:   audit.High,
	Confidence: audit.HighConfidence,
	Category:   audit.CategorySupplyChain,
	Doc: `A job's ` + "`container:`" + `, its ` + "`services:`" + ` and a Docker action's ` + "`runs.image: docker://...`" + `
are pulled by name when the job starts. A tag is a movable pointer: whoever can push to the image's
repository (or compromises it, or the registry) decides what runs next to your checkout, secrets and
token. Without a tag, or at ` + "`latest`" + `, the image changes with every push (high); a version tag
changes less often but can still be overwritten (medium). Only a digest (` + "`@sha256:...`" + `) names
fixed content.

An image given by an expression is expanded through the job's matrix when it can be; otherwise it is
reported with low confidence (a fallback, ` + "`${{ matrix.db || '' }}`" + `, is read with it). ` + "`uses: docker://...`" + ` steps are
checked by unpinned-uses. Images that ` + "`run:`" + ` scripts start or pull by name (` + "`docker run`" + `, ` + "`docker pull`" + `,
` + "`docker create`" + `, podman's too) are reported one level lower, with medium confidence (low when the job builds images, which it
may run under the same name); an image the workflow itself tags (` + "`docker build -t`" + `, ` + "`tags:`" + `), one given by a variable
or an expression, and a command line with an option not known to the check are left alone.

The repository's Dockerfiles (` + "`Dockerfile`" + `, ` + "`Dockerfile.*`" + `, ` + "`*.dockerfile`" + `) are checked too, as OpenSSF
Scorecard's Pinned-Dependencies does: every ` + "`FROM`" + ` line, and the images of ` + "`COPY --from=`" + ` and
` + "`RUN --mount=...,from=`" + `, are what the image is built on, and a Docker action builds its Dockerfile on every
run. ` + "`FROM scratch`" + ` and a ` + "`FROM`" + ` or ` + "`--from`" + ` naming an earlier stage pull nothing; ` + "`--platform=`" + `
is skipped. An image written with build arguments (` + "`FROM ${BASE}`" + `, ` + "`golang:${GO_VERSION}-alpine`" + `) is
expanded through the global ` + "`ARG NAME=default`" + ` lines before the first ` + "`FROM`" + `, the values a plain
` + "`docker build`" + ` uses; an argument without a default, or one the builder sets (` + "`TARGETARCH`" + `), leaves the image
unknown and it is reported with low confidence.`,
	Bad: `on: push
permissions: {}
jobs:
  test:
    runs-on: ubuntu-latest
    container: node:22
    services:
      db:
        image: postgres
    steps:
      - run: npm test
`,
	Good: `on: push
permissions: {}
jobs:
  test:
    runs-on: ubuntu-latest
    container: node:22@sha256:0c0941a2a2e1f2d9ca1b3c2e3f0e8f5bd1f3cd63a6b7a2b7ed9b3a1b1e0e4f5a
    services:
      db:
        image: postgres:17@sha256:6cf6142afacfa89fb28b894d6391c7dcbf6523c33178bdc33e782b3b533a9342
    steps:
      - run: npm test
`,
	Fix: `Pin each image to its digest and keep the tag for readers: ` + "`image: postgres:17@sha256:<digest>`" + `.
Dependabot (the ` + "`docker`" + ` ecosystem) and Renovate keep such pins up to date.

In a Dockerfile: ` + "`FROM golang:1.24@sha256:<digest> AS build`" + `; with a build argument, pin its default:
` + "`ARG BASE=alpine:3.21@sha256:<digest>`" + `.

Get the digest with ` + "`docker buildx imagetools inspect postgres:17`" + ` (the ` + "`Digest:`" + ` of the index) or
` + "`crane digest postgres:17`" + `.`,
	References: []string{
		"https://docs.zizmor.sh/audits/#unpinned-images",
		"https://docs.docker.com/reference/cli/docker/image/pull/#pull-an-image-by-digest-immutable-identifier",
		"https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#jobsjob_idcontainerimage",
		"https://github.com/ossf/scorecard/blob/main/docs/checks.md#pinned-dependencies",
		"https://docs.docker.com/reference/dockerfile/#understand-how-arg-and-from-interact",
	},
	Equivalents: map[string]string{"zizmor": "unpinned-images", "scorecard": "Pinned-Dependencies"},
	Run:         runUnpinnedImages,
}

func runUnpinnedImages(pass *audit.Pass) error {
	for _, file := range pass.Target.Workflows() {
		for _, j := range uiJobs(file) {
			job := fmt.Sprintf("job %q", j.ID.Value)
			if j.Container != nil {
				checkImage(pass, file, j, j.Container.Image, job+" container image")
			}
			if j.Services == nil {
				continue
			}
			names := make([]string, 0, len(j.Services.Value))
			for name := range j.Services.Value {
				names = append(names, name)
			}
			slices.Sort(names)
			for _, name := range names {
				if s := j.Services.Value[name]; s != nil && s.Container != nil {
					label := name
					if s.Name != nil {
						label = s.Name.Value
					}
					checkImage(pass, file, j, s.Container.Image, fmt.Sprintf("%s service %q image", job, label))
				}
			}
		}
	}
	for _, file := range pass.Target.Actions() {
		if r := file.Action.Runs; r != nil && r.Image != nil && strings.HasPrefix(strings.TrimSpace(r.Image.Value), "docker://") {
			checkImage(pass, file, nil, r.Image, "Docker action image")
		}
	}
	for _, file := range pass.Target.Files {
		if file.Workflow != nil || file.Action != nil {
			uiScriptImages(pass, file)
		}
	}
	checkDockerfiles(pass)
	return nil
}

// uiJobs returns the jobs of a workflow that have a container or services, in source order (of
// File.Jobs, sorted once for all the checks).
func uiJobs(file *audit.File) []*actionlint.Job {
	var out []*actionlint.Job
	for _, j := range file.Jobs() {
		if j.Container != nil || j.Services != nil {
			out = append(out, j)
		}
	}
	return out
}

// checkImage reports an image that is not pinned to a digest; what names it for the message.
func checkImage(pass *audit.Pass, file *audit.File, job *actionlint.Job, img *actionlint.String, what string) {
	if img == nil || strings.TrimSpace(img.Value) == "" {
		return
	}
	what = strings.Replace(what, "Docker", "docker", 1)
	v := strings.TrimSpace(img.Value)
	ref := parseImage(v)
	if ref.Pinned() {
		return
	}
	if !strings.Contains(v, "${{") {
		f := pass.Reportf(file, img.Pos, "%s %q %s", what, v, ref.Problem())
		f.Severity = ref.Severity()
		f.Key = what + " " + ref.Name
		return
	}
	values, ok := matrixImages(file, job, v)
	if !ok {
		f := pass.Reportf(file, img.Pos, "%s %q comes from an expression and may not be pinned to a digest", what, v)
		f.Severity, f.Confidence = audit.Medium, audit.LowConfidence
		f.Key = what + " " + v
		return
	}
	var bad []matrixValue
	sev := audit.Medium
	for _, mv := range values {
		if ref := parseImage(mv.value); !ref.Pinned() && ref.Name != "" {
			bad = append(bad, mv)
			sev = max(sev, ref.Severity())
		}
	}
	if len(bad) == 0 {
		return
	}
	var f *audit.Finding
	if len(bad) == 1 {
		f = pass.Reportf(file, img.Pos, "%s %q (%s = %q) %s", what, v, bad[0].path, bad[0].value, parseImage(bad[0].value).Problem())
	} else {
		shown := make([]string, 0, 3)
		for _, mv := range bad[:min(3, len(bad))] {
			shown = append(shown, fmt.Sprintf("%q", mv.value))
		}
		if len(bad) > 3 {
			shown = append(shown, "...")
		}
		f = pass.Reportf(file, img.Pos, "%s %q takes %d values from %s that are not pinned to a @sha256: digest: %s", what, v, len(bad), bad[0].path, strings.Join(shown, ", "))
	}
	f.Severity = sev
	f.Key = what + " " + v
	for _, mv := range bad {
		if mv.pos != nil {
			f.Related = append(f.Related, audit.Location{File: file.Path, Line: mv.pos.Line, Column: mv.pos.Col, EndLine: mv.pos.Line, Note: mv.value + " " + parseImage(mv.value).Problem()})
		}
	}
}
