package audit

import (
	"path/filepath"
	"testing"

	"github.com/rhysd/actionlint"
)

// jobKeysAfter and workflowKeysAfter are each kind of key a job and a workflow may have besides
// its steps and jobs; keysAfterSources puts each alone after the steps or the jobs, so that a
// keysBefore that misses one fails TestKeysBefore and TestVisitStringsKeysAfter.
var (
	jobKeysAfter = []string{
		"env:\n      X: y", "env: ${{ fromJSON(vars.E) }}", "outputs:\n      o: ${{ steps.s.outputs.o }}",
		"timeout-minutes: ${{ inputs.t }}", "runs-on: [self-hosted, linux]", "runs-on: {group: g}", "needs: [a]",
		"if: always()", "name: b", "permissions: {contents: read}", "environment: prod", "concurrency: g",
		"defaults: {run: {shell: bash}}", "strategy: {matrix: {x: [1]}}", "continue-on-error: ${{ inputs.c }}",
		"container: node", "services: {db: {image: postgres}}", "snapshot: img",
	}
	workflowKeysAfter = []string{
		"name: after", "run-name: r", "permissions: read-all", "env:\n  Z: ${{ secrets.Z }}",
		"env: ${{ fromJSON(secrets.E) }}", "defaults:\n  run:\n    shell: bash", "concurrency: c",
		"on: [push, pull_request]", "on:\n  workflow_dispatch:\n    inputs:\n      i: {description: d}",
		"on: {schedule: [{cron: '0 0 * * *'}]}", "on: {repository_dispatch: {types: [t]}}",
		"on: {workflow_call: {secrets: {s: {required: true}}}}", "on: {registry_package: {types: [published]}}", "on: {image_version: {names: [n]}}",
	}
)

// keysAfterSources returns the sources with keys after the steps and the jobs, and two in flow
// style and with the keys before.
func keysAfterSources() []string {
	srcs := []string{
		"jobs:\n  a: {steps: [{run: \"echo ${{ secrets.A }}\"}], env: {A: b}, runs-on: x}\non: push\n",
		"on: push\nenv: {A: b}\njobs:\n  a:\n    env:\n      A: b\n    runs-on: x\n    steps:\n      - run: echo ${{ secrets.A }}\n      - run: echo\n",
	}
	for _, k := range jobKeysAfter {
		srcs = append(srcs, "on: push\njobs:\n  a:\n    steps:\n      - run: echo ${{ secrets.A }}\n    "+k+"\n  b:\n    runs-on: x\n    steps:\n      - run: echo\n")
	}
	for _, k := range workflowKeysAfter {
		srcs = append(srcs, "jobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo ${{ secrets.A }}\n"+k+"\n")
	}
	return srcs
}

func keysAfterFiles(t *testing.T) []*File {
	t.Helper()
	var files []*File
	for i, src := range keysAfterSources() {
		tg := &Target{}
		tg.AddSource(".github/workflows/x.yml", []byte(src))
		if len(tg.Files) != 1 || tg.Files[0].Workflow == nil {
			t.Fatalf("source %d does not parse: %v", i, tg.Errors)
		}
		files = append(files, tg.Files[0])
	}
	return files
}

// TestKeysBefore holds workflowKeysBefore and jobKeysBefore to the strings the walk visits at
// workflow level and at a job's own level: where they answer true, every such string stands
// on a line up to the first job's, or the job's first step's.
func TestKeysBefore(t *testing.T) {
	files := keysAfterFiles(t)
	dirs, _ := filepath.Glob("../../shared/corpus/real/*__*")
	for _, d := range dirs {
		tg, err := LoadDir(d, LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, tg.Workflows()...)
	}
	before, after := 0, 0
	maxLine := func(walk func(*stringWalker)) int {
		w := &stringWalker{}
		walk(w)
		m := 0
		for _, r := range w.out {
			m = max(m, r.S.Pos.Line)
		}
		return m
	}
	for _, f := range files {
		jobs := f.Jobs()
		if len(jobs) == 0 || jobs[0].Pos == nil {
			continue
		}
		wf := f.Workflow
		top := maxLine(func(w *stringWalker) {
			w.workflow(&actionlint.Workflow{Name: wf.Name, RunName: wf.RunName, On: wf.On, Permissions: wf.Permissions,
				Env: wf.Env, Defaults: wf.Defaults, Concurrency: wf.Concurrency}, nil)
		})
		if workflowKeysBefore(wf, jobs[0].Pos.Line) {
			before++
			if top > jobs[0].Pos.Line {
				t.Errorf("%s: a workflow-level string on line %d, after the first job's %d", f.Path, top, jobs[0].Pos.Line)
			}
		} else {
			after++
		}
		for i, j := range jobs {
			end := -1
			if i+1 < len(jobs) && jobs[i+1].Pos != nil {
				end = jobs[i+1].Pos.Line
			}
			head := jobHeadLine(j, end)
			own := maxLine(func(w *stringWalker) { w.jobLevel(j) })
			if jobKeysBefore(j, head) {
				before++
				if own > head {
					t.Errorf("%s: job %s has a string of its own on line %d, after its first step's %d", f.Path, j.ID.Value, own, head)
				}
			} else {
				after++
			}
		}
	}
	t.Logf("keys before: %d, maybe after: %d", before, after)
}

// TestVisitStringsKeysAfter is TestVisitStrings' check that a keep accepting only the line of a
// string visits it, on sources with keys after the steps and the jobs.
func TestVisitStringsKeysAfter(t *testing.T) {
	for _, f := range keysAfterFiles(t) {
		for _, r := range f.Strings() {
			s := r.S
			line, seen := s.Pos.Line, false
			f.VisitStrings(func(first, last int) bool { return first <= line && (last < 0 || line <= last) },
				func(r StringRef) { seen = seen || r.S == s })
			if !seen {
				t.Errorf("%s:%d:%d: a keep that accepts line %d skips %q", f.Path, line, s.Pos.Col, line, s.Value)
			}
		}
	}
}
