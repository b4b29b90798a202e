package checks

import (
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

type shellKey struct{}

// shellScriptSet is what shellScriptsOf memoizes: the scripts, and where shellScriptOf looks
// first (after the script it found last: callers go through the steps in order).
type shellScriptSet struct {
	list []*shellScript
	next int
}

// shellScriptsOf returns the run: scripts of a workflow or composite action, in step order,
// computed once per file.
func shellScriptsOf(f *audit.File) []*shellScript {
	if set := shellScriptSetOf(f); set != nil {
		return set.list
	}
	return nil
}

func shellScriptSetOf(f *audit.File) *shellScriptSet {
	if f.Workflow == nil && (f.Action == nil || f.Action.Runs == nil) {
		return nil
	}
	return f.Memo(shellKey{}, func() any {
		steps := f.Steps()
		n := 0
		for _, ref := range steps {
			if r := ref.Run(); r != nil && r.Run != nil {
				n++
			}
		}
		if n == 0 {
			return &shellScriptSet{}
		}
		all := make([]shellScript, n)
		out := make([]*shellScript, n)
		var job *actionlint.Job
		jobShell := ""
		i := 0
		for _, ref := range steps {
			r := ref.Run()
			if r == nil || r.Run == nil {
				continue
			}
			var sh string
			if r.Shell == nil && ref.Job == job && jobShell != "" {
				sh = jobShell // the same defaults as the job's previous script
			} else {
				sh = shellName(ref, r)
				if r.Shell == nil {
					job, jobShell = ref.Job, sh
				}
			}
			sc := &all[i] // set field by field: a copy of the whole struct costs more
			sc.Ref, sc.Run, sc.Shell, sc.Text = ref, r.Run, sh, r.Run.Value
			out[i] = sc
			i++
		}
		return &shellScriptSet{list: out}
	}).(*shellScriptSet)
}

// shellScriptOf returns the step's script; nil for a uses: step.
func shellScriptOf(ref audit.StepRef) *shellScript {
	r := ref.Run()
	if r == nil || r.Run == nil {
		return nil
	}
	set := shellScriptSetOf(ref.File)
	if set == nil {
		return nil
	}
	for k := range set.list {
		i := (set.next + k) % len(set.list)
		if s := set.list[i]; s.Run == r.Run {
			set.next = i + 1
			return s
		}
	}
	return nil
}

// shellName resolves the shell a run: step uses: its shell:, the job's and the workflow's
// defaults, else bash, or pwsh on Windows runners.
func shellName(ref audit.StepRef, r *actionlint.ExecRun) string {
	sh := r.Shell
	if sh == nil && ref.Job != nil && ref.Job.Defaults != nil && ref.Job.Defaults.Run != nil {
		sh = ref.Job.Defaults.Run.Shell
	}
	if sh == nil && ref.File.Workflow != nil && ref.File.Workflow.Defaults != nil && ref.File.Workflow.Defaults.Run != nil {
		sh = ref.File.Workflow.Defaults.Run.Shell
	}
	if sh != nil && strings.TrimSpace(sh.Value) != "" && !strings.Contains(sh.Value, "${{") {
		// The first field, as strings.Fields(sh.Value)[0] without building the list of fields.
		first := strings.TrimLeftFunc(sh.Value, unicode.IsSpace)
		if i := strings.IndexFunc(first, unicode.IsSpace); i >= 0 {
			first = first[:i]
		}
		name := toLower(path.Base(first))
		name = strings.TrimSuffix(name, ".exe")
		if name == "powershell" {
			name = "pwsh"
		}
		return name
	}
	if ref.Job != nil && ref.Job.RunsOn != nil {
		for _, l := range ref.Job.RunsOn.Labels {
			if l != nil && shellASCIIPrefixFold(l.Value, "windows") {
				return "pwsh"
			}
		}
	}
	return "bash"
}

// shellASCIIPrefixFold reports whether strings.HasPrefix(strings.ToLower(s), prefix) for a
// prefix of ASCII lower-case letters, without the copy when s is ASCII (some non-ASCII letters
// lower to ASCII ones: İ to i, K to k).
func shellASCIIPrefixFold(s, prefix string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return strings.HasPrefix(strings.ToLower(s), prefix)
		}
	}
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		if shellFoldTable[s[i]] != prefix[i] {
			return false
		}
	}
	return true
}
