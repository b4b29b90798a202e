package audit

import (
	"cmp"

	"github.com/rhysd/actionlint"
	"go.yaml.in/yaml/v4"
)

// FileKind is what an audited file is.
type FileKind int

// The kinds of file rampart audits.
const (
	KindWorkflow FileKind = iota
	KindAction
	KindDependabot
	KindDockerfile
)

func (k FileKind) String() string {
	switch k {
	case KindWorkflow:
		return "workflow"
	case KindAction:
		return "action"
	case KindDependabot:
		return "dependabot"
	case KindDockerfile:
		return "dockerfile"
	}
	return "unknown"
}

// Target is one audited tree: a directory, a file, or a repository at a ref.
type Target struct {
	// Kind is "dir", "file" or "repo".
	Kind string
	// Name is how the user named the target (a path, or owner/repo).
	Name string
	Ref  string
	// Files are the parsed files, sorted by path.
	Files []*File
	// Errors are files that could not be read or parsed.
	Errors []FileError
	// Config is the target's own config file, if it has one.
	Config *Config
	// RootDir is the directory on disk the paths are relative to ("" for remote targets).
	RootDir string
	// Repo is the target's GitHub repository as "owner/name" when known: the remote target
	// itself, or the origin remote of a local checkout; "" otherwise.
	Repo string
	// Markers are the MarkerFiles that exist in the target.
	Markers map[string]bool
	// Partial is true when only part of the repository was loaded (a .github/workflows folder
	// given directly): checks that weigh the absence of a file then cannot conclude.
	Partial bool
}

// File is one audited file with its parsed model.
type File struct {
	// Path is relative to the target root, with / separators.
	Path   string
	Kind   FileKind
	Source []byte
	// Workflow is set for workflows: actionlint's syntax tree.
	Workflow *actionlint.Workflow
	// Action is set for action.yml files.
	Action *Action
	// YAML is the document node of a dependabot.yml.
	YAML *yaml.Node
	// Dockerfile is set for Dockerfiles: its instructions.
	Dockerfile []DockerInstruction

	lines []int // byte offset of each line start
	// exprCache is the expression cache of the engine worker auditing the file (nil outside an audit).
	exprCache exprCache
	ignores   int8 // whether the source holds "ignore[": 0 not yet known, 1 no, 2 yes
	anchors   int8 // whether the source may hold a YAML anchor (mayHaveAnchors): 0 not yet known, 1 no, 2 yes
	memo      map[any]any
	// memoFew holds the first values that Memo stores (memoN of them), memo the others: most
	// files have fewer keys than that, and a look through them compares a type word each,
	// where a look in the map hashes the interface key (~300 instructions, paid by every
	// Memo call of every check; the few keys of the checks' per-file data come first).
	memoFew [memoFewN]memoEntry
	memoN   uint8
	derived derived // what File.Jobs, Steps, Strings and ExprsOf computed
}

// memoFewN is the number of Memo values a file holds without a map. Over the corpus's 1,213 files
// a full audit makes a map for 108 of them at eight, 22 at ten, 10 at twelve, 4 at sixteen.
const memoFewN = 12

type memoEntry struct{ key, val any }

// derived holds the per-file data that nearly every check asks for, in fields of their own rather
// than under Memo keys: Memo hashes an interface key on each call, and ExprsOf alone is called
// tens of thousands of times per corpus pass. A nil slice with its has* flag unset is not yet
// computed.
type derived struct {
	jobs       []*actionlint.Job
	hasJobs    bool
	steps      []StepRef
	hasSteps   bool
	strings    []StringRef
	hasStrings bool
	exprs      map[*actionlint.String][]Expr
}

func (f *File) derivedData() *derived { return &f.derived }

// Memo returns the value stored under key, computing and storing it with fn the first time.
// Checks share what they derive from a file through it (the strings of a job, a script's parse,
// a step's expressions), so that it is computed once per file however many checks ask. Keys are
// comparable values of a type private to the caller. The checks of one target run one after the
// other, so Memo needs no lock.
func (f *File) Memo(key any, fn func() any) any {
	for i := range f.memoN {
		if e := &f.memoFew[i]; e.key == key {
			return e.val
		}
	}
	if f.memo != nil {
		if v, ok := f.memo[key]; ok {
			return v
		}
	}
	v := fn()
	if f.memoN < uint8(len(f.memoFew)) {
		f.memoFew[f.memoN] = memoEntry{key, v}
		f.memoN++
		return v
	}
	if f.memo == nil {
		f.memo = map[any]any{}
	}
	f.memo[key] = v
	return v
}

// Action is an action.yml: metadata and, for composite actions, its steps.
type Action struct {
	Name   *actionlint.String
	Inputs map[string]*ActionInput
	Runs   *ActionRuns
}

// ActionInput is one of an action's inputs.
type ActionInput struct {
	Name    *actionlint.String
	Default *actionlint.String
}

// ActionRuns is an action's runs: section.
type ActionRuns struct {
	// Using is "composite", "docker", "node20"...
	Using *actionlint.String
	// Image is a Docker action's image: "Dockerfile" or "docker://...".
	Image *actionlint.String
	Main  *actionlint.String
	Pre   *actionlint.String
	Post  *actionlint.String
	Env   *actionlint.Env
	// Steps are a composite action's steps, as actionlint parses a workflow's.
	Steps []*actionlint.Step
	Pos   *actionlint.Pos
}

// IsComposite reports whether the action runs steps.
func (a *Action) IsComposite() bool {
	return a.Runs != nil && a.Runs.Using != nil && a.Runs.Using.Value == "composite"
}

// DockerInstruction is one instruction of a Dockerfile, continuation lines joined.
type DockerInstruction struct {
	// Cmd is the instruction in upper case: "FROM", "RUN"...
	Cmd string
	// Args is the rest of the instruction, continuation lines joined with spaces.
	Args string
	Line int
}

// Dockerfiles returns the target's Dockerfiles.
func (t *Target) Dockerfiles() []*File { return t.filesOf(KindDockerfile) }

// Dependabot returns the target's dependabot.yml, or nil.
func (t *Target) Dependabot() *File {
	if fs := t.filesOf(KindDependabot); len(fs) > 0 {
		return fs[0]
	}
	return nil
}

// Workflows returns the target's workflow files.
func (t *Target) Workflows() []*File { return t.filesOf(KindWorkflow) }

// Actions returns the target's action.yml files.
func (t *Target) Actions() []*File { return t.filesOf(KindAction) }

// FilesOf returns the target's files of one kind.
func (t *Target) filesOf(k FileKind) []*File {
	var out []*File
	for _, f := range t.Files {
		if f.Kind == k {
			out = append(out, f)
		}
	}
	return out
}

// File returns the file at path, or nil.
func (t *Target) File(path string) *File {
	for _, f := range t.Files {
		if f.Path == path {
			return f
		}
	}
	return nil
}

// Jobs returns the file's workflow jobs in source order, sorted once per file; callers must not
// modify the slice.
func (f *File) Jobs() []*actionlint.Job {
	if f.Workflow == nil {
		return nil
	}
	d := f.derivedData()
	if !d.hasJobs {
		d.jobs, d.hasJobs = Jobs(f.Workflow), true
	}
	return d.jobs
}

// Jobs returns a workflow's jobs in source order.
func Jobs(w *actionlint.Workflow) []*actionlint.Job {
	if w == nil {
		return nil
	}
	jobs := make([]*actionlint.Job, 0, len(w.Jobs))
	for _, j := range w.Jobs {
		if j != nil {
			jobs = append(jobs, j)
		}
	}
	// A workflow has a few jobs (four on average in the corpus): an insertion sort does without
	// slices.SortFunc's generic machinery and comparison calls.
	for i := 1; i < len(jobs); i++ {
		j := i
		for ; j > 0 && comparePos(jobs[j-1].Pos, jobs[i].Pos) > 0; j-- {
		}
		if j < i {
			x := jobs[i]
			copy(jobs[j+1:i+1], jobs[j:i])
			jobs[j] = x
		}
	}
	return jobs
}

func comparePos(a, b *actionlint.Pos) int {
	if a == nil || b == nil {
		return cmp.Compare(btoi(a != nil), btoi(b != nil))
	}
	if c := cmp.Compare(a.Line, b.Line); c != 0 {
		return c
	}
	return cmp.Compare(a.Col, b.Col)
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// StepRef is one step with where it stands: in a workflow's job, or in a composite action.
type StepRef struct {
	File *File
	// Job is nil for a composite action's step.
	Job   *actionlint.Job
	Index int
	Step  *actionlint.Step
}

// Run returns the step's run: script, or nil when it uses an action.
func (s StepRef) Run() *actionlint.ExecRun {
	r, _ := s.Step.Exec.(*actionlint.ExecRun)
	return r
}

// Uses returns the step's uses: action, or nil when it runs a script.
func (s StepRef) Uses() *actionlint.ExecAction {
	a, _ := s.Step.Exec.(*actionlint.ExecAction)
	return a
}

// Label names the step for messages: its name, id, or position.
func (s StepRef) Label() string { return StepLabel(s.Step, s.Index) }

// StepLabel names a step for messages: its name, its id, or "step N".
func StepLabel(st *actionlint.Step, index int) string {
	switch {
	case st.Name != nil && st.Name.Value != "":
		return "step " + quote(st.Name.Value)
	case st.ID != nil && st.ID.Value != "":
		return "step " + quote(st.ID.Value)
	case st.Exec != nil:
		if a, ok := st.Exec.(*actionlint.ExecAction); ok && a.Uses != nil {
			return "step " + itoa(index+1) + " (" + a.Uses.Value + ")"
		}
	}
	return "step " + itoa(index+1)
}

// Steps returns every step of the file: each job's steps in order, or a composite action's
// steps. It is computed once per file; callers must not modify the slice.
func (f *File) Steps() []StepRef {
	d := f.derivedData()
	if !d.hasSteps {
		d.steps, d.hasSteps = f.steps(), true
	}
	return d.steps
}

func (f *File) steps() []StepRef {
	n := 0
	if f.Workflow != nil {
		for _, j := range f.Workflow.Jobs {
			if j != nil {
				n += len(j.Steps)
			}
		}
	} else if f.Action != nil && f.Action.Runs != nil {
		n = len(f.Action.Runs.Steps)
	}
	out := make([]StepRef, 0, n)
	switch {
	case f.Workflow != nil:
		for _, j := range f.Jobs() {
			for i, s := range j.Steps {
				if s != nil {
					out = append(out, StepRef{File: f, Job: j, Index: i, Step: s})
				}
			}
		}
	case f.Action != nil && f.Action.Runs != nil:
		for i, s := range f.Action.Runs.Steps {
			if s != nil {
				out = append(out, StepRef{File: f, Index: i, Step: s})
			}
		}
	}
	return out
}

// Steps returns every step of every workflow and composite action of the target.
func (t *Target) Steps() []StepRef {
	var out []StepRef
	for _, f := range t.Files {
		out = append(out, f.Steps()...)
	}
	return out
}

// Clone returns a copy of the target whose files share the parsed trees but none of the
// memoized data, for measuring a check as if it ran first.
func (t *Target) Clone() *Target {
	c := *t
	c.Files = make([]*File, len(t.Files))
	for i, f := range t.Files {
		nf := *f
		nf.memo, nf.memoFew, nf.memoN, nf.lines, nf.ignores, nf.derived, nf.exprCache = nil, [memoFewN]memoEntry{}, 0, nil, 0, derived{}, nil // anchors stays: it depends on the source only
		c.Files[i] = &nf
	}
	return &c
}
