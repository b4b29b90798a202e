package checks

import (
	"bytes"
	"regexp"
	"slices"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// dtPrivilegedEvents are the triggers of a workflow that run it with the base repository's
// secrets and token on behalf of someone who may be an outsider.
type dtPrivilegedEvents struct {
	names []string
	// guarded is true when every such trigger is one actions/checkout's fork guard covers.
	guarded bool
	// trigger is the pull_request_target or workflow_run event, for the trigger-only finding.
	trigger *actionlint.WebhookEvent
	// via names the calling workflow, for a reusable workflow.
	via string
}

// dtPrivilegedName reports whether an event is one of dtPrivilegedEvents': pull_request_target,
// workflow_run or issue_comment (a switch the compiler turns into length and word comparisons).
func dtPrivilegedName(name string) bool {
	switch name {
	case "pull_request_target", "workflow_run", "issue_comment":
		return true
	}
	return false
}

func dtOwnEvents(w *actionlint.Workflow) dtPrivilegedEvents {
	ev := dtPrivilegedEvents{guarded: true}
	for _, e := range w.On {
		we, ok := e.(*actionlint.WebhookEvent)
		if !ok || we.Hook == nil {
			continue
		}
		name := we.Hook.Value
		if !dtPrivilegedName(name) || slices.Contains(ev.names, name) {
			continue
		}
		ev.names = append(ev.names, name)
		if name == "issue_comment" {
			ev.guarded = false
		} else if ev.trigger == nil {
			ev.trigger = we
		}
	}
	return ev
}

func dtIsReusable(w *actionlint.Workflow) bool {
	for _, e := range w.On {
		if _, ok := e.(*actionlint.WorkflowCallEvent); ok {
			return true
		}
	}
	return false
}

// dtCaller is a workflow of the target with its own privileged triggers.
type dtCaller struct {
	file *audit.File
	ev   dtPrivilegedEvents
}

// dtCallers lists the target's workflows that have privileged triggers of their own, in order:
// the only ones that can hand a trigger to a reusable workflow.
func dtCallers(t *audit.Target) []dtCaller {
	var out []dtCaller
	for _, f := range t.Files {
		if f.Kind != audit.KindWorkflow || f.Workflow == nil {
			continue
		}
		if ev := dtOwnEvents(f.Workflow); len(ev.names) > 0 {
			out = append(out, dtCaller{f, ev})
		}
	}
	return out
}

// dtEventsOf returns a workflow's privileged triggers; a reusable workflow inherits those of the
// workflows of the target (callers, from dtCallers) that call it.
func dtEventsOf(callers []dtCaller, file *audit.File) dtPrivilegedEvents {
	// The workflow's own events: dtCallers found them for every workflow that has some, and a
	// workflow without is what dtOwnEvents makes of one.
	ev := dtPrivilegedEvents{guarded: true}
	others := false // whether another workflow has privileged triggers to hand on
	for _, c := range callers {
		if c.file == file {
			ev = c.ev
			ev.names = slices.Clip(ev.names) // inherited names go to a copy
		} else {
			others = true
		}
	}
	if !others || !dtIsReusable(file.Workflow) {
		return ev
	}
	for _, c := range callers {
		if c.file == file {
			continue
		}
		cev := c.ev
		for _, j := range c.file.Workflow.Jobs {
			if j == nil || j.WorkflowCall == nil || j.WorkflowCall.Uses == nil || dtCleanDir(j.WorkflowCall.Uses.Value) != file.Path {
				continue
			}
			for _, n := range cev.names {
				if !slices.Contains(ev.names, n) {
					ev.names = append(ev.names, n)
				}
			}
			ev.guarded = ev.guarded && cev.guarded
			if ev.via == "" {
				ev.via = c.file.Path
			}
		}
	}
	return ev
}

// dtEnvLookup finds an environment variable's value for a step: the step's, the job's, the workflow's.
func dtEnvLookup(w *actionlint.Workflow, j *actionlint.Job, st *actionlint.Step) func(string) *actionlint.String {
	return func(name string) *actionlint.String {
		for _, e := range []*actionlint.Env{st.Env, j.Env, w.Env} {
			if e == nil {
				continue
			}
			for _, v := range e.Vars {
				if v != nil && v.Name != nil && strings.EqualFold(v.Name.Value, name) {
					return v.Value
				}
			}
		}
		return nil
	}
}

// dtReadsSecrets reports whether src names a secret other than GITHUB_TOKEN: a match of
// secrets\.([A-Za-z0-9_]+) whose name is not GITHUB_TOKEN in any case.
func dtReadsSecrets(src []byte) bool {
	for off := 0; ; {
		i := bytes.Index(src[off:], []byte("secrets."))
		if i < 0 {
			return false
		}
		start := off + i + len("secrets.")
		end := start
		for end < len(src) && (isAlnum(src[end]) || src[end] == '_') {
			end++
		}
		if end > start && !bytes.EqualFold(src[start:end], []byte("GITHUB_TOKEN")) {
			return true
		}
		off = off + i + 1
	}
}

// dtPrivileges says what an outsider's run gets: secrets and the token's write access.
func dtPrivileges(file *audit.File) string {
	var out []string
	if dtReadsSecrets(file.Source) {
		out = append(out, "the repository's secrets")
	}
	perms := []*actionlint.Permissions{file.Workflow.Permissions}
	if perms[0] == nil {
		perms = perms[:0]
		for _, j := range file.Workflow.Jobs {
			if j != nil && j.WorkflowCall == nil {
				perms = append(perms, j.Permissions)
			}
		}
	}
	switch {
	case slices.Contains(perms, nil):
		out = append(out, "a token with the default permissions")
	case slices.ContainsFunc(perms, dtWrites):
		out = append(out, "a token with write access")
	}
	if len(out) == 0 {
		return ""
	}
	return ", with " + strings.Join(out, " and ")
}

func dtWrites(p *actionlint.Permissions) bool {
	if p.All != nil && p.All.Value == "write-all" {
		return true
	}
	for _, s := range p.Scopes {
		if s != nil && s.Value != nil && s.Value.Value == "write" {
			return true
		}
	}
	return false
}

// dtOnlyLabeler is zizmor's exception: a workflow whose only step runs actions/labeler.
func dtOnlyLabeler(w *actionlint.Workflow) bool {
	steps := 0
	for _, j := range w.Jobs {
		if j == nil || j.WorkflowCall != nil {
			return false
		}
		for _, s := range j.Steps {
			a, ok := s.Exec.(*actionlint.ExecAction)
			if !ok || a.Uses == nil || !strings.HasPrefix(strings.ToLower(a.Uses.Value), "actions/labeler@") {
				return false
			}
			steps++
		}
	}
	return steps > 0
}

var dtPermissionCheckRe = regexp.MustCompile(`(?i)author_association|authorAssociation|getCollaboratorPermissionLevel|/collaborators/[^/\s]+/permission`)

// dtMayCheckPermission is dtPermissionCheckRe's prefilter. Each of its matches holds "ociation"
// (author_association, authorAssociation) or "ollaborator" (the other two) in some ASCII case,
// and no byte beyond ASCII folds onto a letter of those words (of the ASCII letters only "k" and
// "s" have such partners): a script without either is no match, told by a lookup a byte where
// the regular expression walked ~50 instructions a byte over the scripts before a checkout.
func dtMayCheckPermission(text string) bool {
	for i := 0; i < len(text); i++ {
		if shellFoldTable[text[i]] == 'o' && (asciiFoldAt(text, i, "ociation") || asciiFoldAt(text, i, "ollaborator")) {
			return true
		}
	}
	return false
}

// dtScriptGate finds a step before the checkout whose script checks the author's association or
// permission, as a script that fails the job for outsiders does.
func dtScriptGate(j *actionlint.Job, before int) dtTriggerGate {
	for i := 0; i < before && i < len(j.Steps); i++ {
		st := j.Steps[i]
		if st == nil || st.ContinueOnError != nil && st.ContinueOnError.Value {
			continue
		}
		text := ""
		switch e := st.Exec.(type) {
		case *actionlint.ExecRun:
			if e.Run != nil {
				text = e.Run.Value
			}
		case *actionlint.ExecAction:
			if in := e.Inputs["script"]; in != nil && in.Value != nil {
				text = in.Value.Value
			}
		}
		if dtMayCheckPermission(text) && dtPermissionCheckRe.MatchString(text) {
			return dtTriggerGate{sev: audit.Medium, what: "a permission check in " + audit.StepLabel(st, i) + " (if it fails the job for outsiders)"}
		}
	}
	return dtNoTriggerGate
}
