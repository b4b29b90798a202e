package checks

import (
	"reflect"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// tiTestFiles returns the files given, the fixtures (secwTestFiles) and the workflows and actions
// of the corpus, in turn.
func tiTestFiles(t *testing.T, files []*audit.File) []*audit.File {
	files = append(files, secwTestFiles(t)...)
	for _, tg := range corpusTargets(t) {
		for _, f := range tg.Files {
			if f.Workflow != nil || f.Action != nil {
				files = append(files, f)
			}
		}
	}
	return files
}

// TestTiResolvedShared checks that resolve, whose answers the steps of a file or a job share
// (tiResolved), gives at each step what resolveOnce gives there, on the corpus and the fixtures: every step of
// every file is entered in turn as runTemplateInjection does, and resolves every path the file's
// placeholders read plainly, every env name an env: of the file defines, and a few others.
func TestTiResolvedShared(t *testing.T) {
	checked, levels := 0, [3]int{}
	tg := &audit.Target{Kind: "dir", Name: "t"}
	tg.AddSource(".github/workflows/jobs.yml", []byte(tiResolvedTwoJobs))
	files := tiTestFiles(t, tg.Files)
	var resolved tiResolved // kept from file to file, as runTemplateInjection keeps it
	for _, f := range files {
		paths := tiResolvedTestPaths(f)
		ph := tiPlaceholdersOf(f)
		for _, ref := range f.Steps() {
			resolved.enter(f, ref.Job)
			sc := tiScope{file: f, wf: f.Workflow, job: ref.Job, step: ref.Step, ph: ph, jobEnd: -1, resolved: &resolved}
			plain := sc
			plain.resolved = nil
			for _, p := range paths {
				got, want := sc.resolve(p), plain.resolveOnce(p)
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("%s: step %d of job %p: resolve(%q) = %+v, want %+v", f.Path, ref.Index, ref.Job, p, got, want)
				}
				levels[tiResolvedLevel(ref.Step, p)]++
				checked++
			}
		}
	}
	t.Logf("%d resolutions checked, %v of them kept for a file, a job, a step", checked, levels)
	if checked < 100000 || min(levels[0], levels[1], levels[2]) < 1000 {
		t.Errorf("only %d resolutions checked, %v of them kept for a file, a job, a step", checked, levels)
	}
}

// tiResolvedTwoJobs has two jobs whose steps of the same id run different actions, and whose
// matrices and env: differ: what their steps read resolves otherwise in each.
const tiResolvedTwoJobs = `on: pull_request_target
env:
  W: ${{ github.event.pull_request.title }}
jobs:
  a:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        m: ["${{ github.head_ref }}"]
    env:
      J: ${{ github.event.pull_request.body }}
    steps:
      - id: br
        uses: tj-actions/branch-names@v8
      - run: echo ${{ steps.br.outputs.current_branch }} ${{ matrix.m }} ${{ env.J }} ${{ env.W }}
      - env:
          J: safe
        run: echo ${{ env.J }} ${{ env.W }}
  b:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        m: [one, two]
    steps:
      - id: br
        uses: actions/checkout@v4
      - run: echo ${{ steps.br.outputs.current_branch }} ${{ matrix.m }} ${{ env.J }} ${{ env.W }}
`

// tiResolvedTestPaths returns the paths that TestTiResolvedShared resolves in a file.
func tiResolvedTestPaths(f *audit.File) []string {
	seen := map[string]bool{}
	var paths []string
	add := func(p string) {
		if p = strings.ToLower(p); !seen[p] {
			seen[p] = true
			paths = append(paths, p)
		}
	}
	for _, p := range []string{"", "e", "g.x", "env", "env.*", "envx.j", "expr.j", "env.ci", "env.github_token", "github", "githubx.event", "github.event.issue.title", "github.head_ref", "inputs", "inputs.x", "matrix", "matrix.os", "steps", "steps.x.outputs.y", "needs", "needs.x.outputs.y", "secrets.x", "vars.x"} {
		add(p)
	}
	for _, o := range f.Placeholders() {
		end := strings.Index(string(f.Source[o:]), "}}")
		if end < 0 {
			continue
		}
		if chain, ok := tiPlainChain(string(f.Source[int(o)+3 : int(o)+end])); ok {
			add(chain)
		}
	}
	envs := func(e *actionlint.Env) {
		if e != nil {
			for name := range e.Vars {
				add("env." + name)
			}
		}
	}
	if f.Workflow != nil {
		envs(f.Workflow.Env)
	}
	for _, ref := range f.Steps() {
		envs(ref.Step.Env)
		if ref.Job != nil {
			envs(ref.Job.Env)
		}
	}
	return paths
}
