package checks

import (
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

var dtPrivilegedNames = []string{"pull_request_target", "workflow_run", "issue_comment"}

func dtOwnEvents(w *actionlint.Workflow) dtPrivilegedEvents {
	ev := dtPrivilegedEvents{guarded: true}
	for _, e := range w.On {
		we, ok := e.(*actionlint.WebhookEvent)
		if !ok || we.Hook == nil {
			continue
		}
		name := we.Hook.Value
		if !slices.Contains(dtPrivilegedNames, name) || slices.Contains(ev.names, name) {
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

// dtEventsOf returns a workflow's privileged triggers; a reusable workflow inherits those of the
// workflows of the target that call it.
func dtEventsOf(t *audit.Target, file *audit.File) dtPrivilegedEvents {
	ev := dtOwnEvents(file.Workflow)
	if !dtIsReusable(file.Workflow) {
		return ev
	}
	for _, caller := range t.Workflows() {
		if caller.Workflow == nil || caller == file {
			continue
		}
		cev := dtOwnEvents(caller.Workflow)
		if len(cev.names) == 0 {
			continue
		}
		for _, j := range caller.Workflow.Jobs {
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
				ev.via = caller.Path
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

var dtSecretRe = regexp.MustCompile(`secrets\.([A-Za-z0-9_]+)`)

// dtPrivileges says what an outsider's run gets: secrets and the token's write access.
func dtPrivileges(file *audit.File) string {
	var out []string
	for _, m := range dtSecretRe.FindAllStringSubmatch(string(file.Source), -1) {
		if !strings.EqualFold(m[1], "GITHUB_TOKEN") {
			out = append(out, "the repository's secrets")
			break
		}
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
		if dtPermissionCheckRe.MatchString(text) {
			return dtTriggerGate{sev: audit.Medium, what: "a permission check in " + audit.StepLabel(st, i) + " (if it fails the job for outsiders)"}
		}
	}
	return dtNoTriggerGate
}
