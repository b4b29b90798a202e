package checks

import (
	"fmt"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// cpRelevantJobs returns the jobs of a workflow that have a step that may restore a cache
// (one that uses an action of pcfCache), and those that need one of them, directly or not: the only jobs whose
// publishing steps can bear on a finding. It is nil when no step may restore a cache.
// reportable says whether a step does restore one (cpCacheCheck): every finding is one, so
// that a workflow without one needs no look at what its jobs publish.
func cpRelevantJobs(file *audit.File) (out map[*actionlint.Job]bool, reportable bool) {
	facts := pcFactsOf(file)
	if facts.any&pcfCache == 0 {
		return nil, false
	}
	for k, s := range file.Steps() {
		if s.Job == nil || out[s.Job] && reportable || facts.steps[k].kind&pcfCache == 0 {
			continue
		}
		if out == nil {
			out = map[*actionlint.Job]bool{}
		}
		out[s.Job] = true
		if !reportable {
			_, reportable = cpCacheCheck(file, s)
		}
	}
	if out == nil {
		return nil, false
	}
	w := file.Workflow
	for changed := true; changed; {
		changed = false
		for _, j := range file.Jobs() {
			if out[j] {
				continue
			}
			for _, n := range j.Needs {
				if n != nil && out[w.Jobs[toLower(n.Value)]] {
					out[j], changed = true, true
					break
				}
			}
		}
	}
	return out, reportable
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
					if b != nil && strings.Contains(toLower(b.Value), "release") {
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
	if facts := pcFactsOf(file); facts.any&pcfUpload != 0 {
		for k, s := range file.Steps() {
			if facts.steps[k].kind&pcfUpload != 0 {
				uploads[toLower(s.Job.ID.Value)] = true
			}
		}
	}
	out := map[string]string{}
	var walk func(id, pub string, depth int)
	walk = func(id, pub string, depth int) {
		j := w.Jobs[toLower(id)]
		if j == nil || depth > 32 {
			return
		}
		for _, n := range j.Needs {
			if n == nil || out[toLower(n.Value)] != "" {
				continue
			}
			out[toLower(n.Value)] = pub
			walk(n.Value, pub, depth+1)
		}
	}
	for _, j := range file.Jobs() {
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
		delete(out, toLower(id))
	}
	return out
}
