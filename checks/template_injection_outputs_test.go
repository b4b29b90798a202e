package checks

import (
	"slices"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// tiOutputsWorkflow uses actions of tiOutputSources in other cases, after a step of a fold-equal
// id that uses none, and beside names of their lengths that are none of them.
const tiOutputsWorkflow = `on: pull_request_target
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - id: Branch
        uses: actions/checkout@v4
      - id: branch
        uses: XT0RTED/Pull-Request-Comment-Branch@v1
      - id: names
        uses: tj-actions/branch-names
      - id: other
        uses: tj-actions/branch-nameX@v8
      - run: echo "${{ steps.branch.outputs.head_ref }} ${{ steps.names.outputs.current_branch }}"
  b:
    runs-on: ubuntu-latest
    steps:
      - id: files
        uses: Tj-Actions/Changed-Files@v45
        with:
          safe_output: "FALSE"
      - run: echo "${{ steps.files.outputs.all_changed_files }}"
`

// tiOutputsKelvin uses an action of tiOutputSources spelt with the Kelvin sign, whose lower case
// is "k": a name longer than its lower case.
const tiOutputsKelvin = `on: issue_comment
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - id: comment
        uses: Khan/pull-request-comment-trigger@v1
      - run: echo "${{ steps.comment.outputs.comment_body }}"
`

// tiOutputsNone uses an action of each length of tiOutputSources' names, none of them.
const tiOutputsNone = `on: pull_request_target
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - id: x
        uses: xt0rted/pull-request-comment-brancX@v1
      - id: y
        uses: tj-actions/changed-filex@v1
      - run: echo "${{ steps.x.outputs.head_ref }} ${{ steps.y.outputs.all_changed_files }}"
`

// TestTiStepOutputShared checks that stepOutputIsAttackers, which looks only at the steps of a job
// that use an action of tiOutputSources (tiOutputSteps, kept in tiResolved), answers as its plain
// walk through the job's steps does, on the corpus, the fixtures and the files above, for every step id of
// the file in three cases and every output name tiOutputSources knows.
func TestTiStepOutputShared(t *testing.T) {
	tg := &audit.Target{Kind: "dir", Name: "t"}
	tg.AddSource(".github/workflows/outputs.yml", []byte(tiOutputsWorkflow))
	tg.AddSource(".github/workflows/none.yml", []byte(tiOutputsNone))
	tg.AddSource(".github/workflows/kelvin.yml", []byte(tiOutputsKelvin))
	files := tiTestFiles(t, tg.Files)
	outputs := []string{"head_ref", "current_branch", "head_ref_branch", "comment_body", "all_changed_files", "other"}
	var resolved tiResolved
	checked, yes, withSources := 0, 0, 0
	for _, f := range files {
		for _, steps := range tiTestStepLists(f) {
			got, want := tiOutputSteps(nil, steps), tiOutputStepsPlain(steps)
			if !slices.Equal(got, want) {
				t.Fatalf("%s: tiOutputSteps = %v, want %v", f.Path, got, want)
			}
			if len(want) > 0 {
				withSources++
			}
		}
		var ids []string
		for _, ref := range f.Steps() {
			if ref.Step.ID != nil {
				id := ref.Step.ID.Value
				ids = append(ids, id, strings.ToLower(id), strings.ToUpper(id))
			}
		}
		for _, ref := range f.Steps() {
			resolved.enter(f, ref.Job)
			sc := tiScope{file: f, wf: f.Workflow, job: ref.Job, step: ref.Step, resolved: &resolved}
			plain := sc
			plain.resolved = nil
			for _, id := range ids {
				for _, out := range outputs {
					got, want := sc.stepOutputIsAttackers(id, out), plain.stepOutputIsAttackers(id, out)
					if got != want {
						t.Fatalf("%s: step %d: stepOutputIsAttackers(%q, %q) = %v, want %v", f.Path, ref.Index, id, out, got, want)
					}
					checked++
					if got {
						yes++
					}
				}
			}
		}
	}
	if yes < 4 || withSources < 4 {
		t.Fatalf("only %d attacker-controlled outputs in %d step lists with sources: the files above no longer reach them", yes, withSources)
	}
	t.Logf("%d questions, %d attacker-controlled, %d step lists with sources", checked, yes, withSources)
}

// tiTestStepLists returns the step lists of the file: each job's, or the composite action's.
func tiTestStepLists(f *audit.File) [][]*actionlint.Step {
	var out [][]*actionlint.Step
	for _, j := range f.Jobs() {
		out = append(out, j.Steps)
	}
	if f.Action != nil && f.Action.Runs != nil {
		out = append(out, f.Action.Runs.Steps)
	}
	return out
}

// tiOutputStepsPlain is tiOutputSteps without the length filter.
func tiOutputStepsPlain(steps []*actionlint.Step) []int32 {
	var out []int32
	for i, st := range steps {
		if st == nil || st.ID == nil {
			continue
		}
		if u, ok := st.Exec.(*actionlint.ExecAction); ok && u.Uses != nil {
			name, _, _ := strings.Cut(strings.ToLower(u.Uses.Value), "@")
			if tiOutputSources[name] != nil {
				out = append(out, int32(i))
			}
		}
	}
	return out
}
