package checks

import (
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// tiSink is a string that runs as code: a run: script or a code-taking input of an action.
type tiSink struct {
	value *actionlint.String
	// name is "run" or the input's name; action is the action that evaluates the input.
	name, action string
	// js is true when the code is JavaScript (environment variables are read as process.env.X).
	js bool
}

// tiCodeInputs are actions that evaluate one of their inputs as code (from CodeQL's
// code-injection sink models and zizmor's additions). Input names are in lower case.
var tiCodeInputs = map[string]struct {
	input string
	js    bool
}{
	"actions/github-script":             {"script", true},
	"cardinalby/js-eval-action":         {"expression", true},
	"azure/cli":                         {"inlinescript", false},
	"azure/powershell":                  {"inlinescript", false},
	"appleboy/ssh-action":               {"script", false},
	"amadevus/pwsh-script":              {"script", false},
	"jannekem/run-python-script-action": {"script", false},
	"gabrielbb/xvfb-action":             {"run", false},
	"nick-fields/retry":                 {"command", false},
	"nick-invision/retry":               {"command", false},
	"wandalen/wretry.action":            {"command", false},
	"addnab/docker-run-action":          {"run", false},
	"uraimo/run-on-arch-action":         {"run", false},
	"mikefarah/yq":                      {"cmd", false},
}

// stepSink returns the string of a step that runs as code, if it has one.
func stepSink(ref audit.StepRef) (tiSink, bool) {
	switch e := ref.Step.Exec.(type) {
	case *actionlint.ExecRun:
		if e.Run != nil {
			return tiSink{value: e.Run, name: "run"}, true
		}
		return tiSink{}, false
	case *actionlint.ExecAction:
		return actionSink(e)
	}
	return tiSink{}, false
}

// actionSink returns the code input of an action that evaluates one.
func actionSink(u *actionlint.ExecAction) (tiSink, bool) {
	if u.Uses == nil || len(u.Inputs) == 0 {
		return tiSink{}, false // without with:, no code input is set
	}
	name := tiActionName(u.Uses.Value)
	ci, ok := tiCodeInputs[name]
	if !ok {
		return tiSink{}, false // the inputs of most actions are not looked at
	}
	in := u.Inputs[ci.input]
	if in == nil || in.Value == nil {
		return tiSink{}, false
	}
	return tiSink{value: in.Value, name: in.Name.Value, action: name, js: ci.js}, true
}

// tiActionName is the owner/repo of a uses: value in lower case, without its path and ref: cut
// at the "@" and the second "/" by library searches, and lower-cased without a copy when it
// holds nothing to change (toLower), where a loop took four branches a byte. Lower-casing keeps
// every "@" and "/" and adds none, so the name may be cut before it is lower-cased.
func tiActionName(uses string) string {
	name := uses
	if at := strings.IndexByte(name, '@'); at >= 0 {
		name = name[:at]
	}
	if i := strings.IndexByte(name, '/'); i >= 0 {
		if j := strings.IndexByte(name[i+1:], '/'); j >= 0 {
			name = name[:i+1+j]
		}
	}
	return toLower(name)
}

// tiTriggers are the events that start a workflow; any is true when the event is the caller's
// (reusable workflows, composite actions).
type tiTriggers struct {
	events map[string]bool
	any    bool
}

func workflowTriggers(f *audit.File) tiTriggers {
	t := tiTriggers{events: map[string]bool{}}
	for _, ev := range f.Workflow.On {
		name := ev.EventName()
		t.events[name] = true
		t.any = t.any || name == "workflow_call"
	}
	return t
}

type tiRating struct {
	severity   audit.Severity
	confidence audit.Confidence
	// privileged is the privileged trigger that sets the value; unset means no trigger sets it.
	privileged, unset string
	// gate says that the severity was lowered one level for a condition that admits only
	// trusted actors; related are the callers that pass attacker-controlled data.
	gate    string
	related []audit.Location
}

// rateSource gives a source its severity and confidence under the workflow's triggers.
func rateSource(s tiSource, t tiTriggers) tiRating {
	switch s.kind {
	case tiAttacker, tiMaintainer:
		var carriers []string
		for _, e := range s.events {
			if t.events[e] {
				carriers = append(carriers, e)
			}
		}
		if s.events == nil { // an action's output: whatever event the workflow runs on
			carriers = setList(t.events)
		}
		if len(carriers) == 0 && !t.any {
			return tiRating{severity: audit.Low, confidence: audit.LowConfidence, unset: strings.Join(setList(t.events), ", ")}
		}
		if s.kind == tiMaintainer {
			return tiRating{severity: audit.Medium, confidence: audit.MediumConfidence}
		}
		for _, e := range carriers {
			if tiPrivileged[e] {
				return tiRating{severity: audit.Critical, confidence: audit.HighConfidence, privileged: e}
			}
		}
		return tiRating{severity: audit.High, confidence: audit.HighConfidence}
	case tiCaller:
		return tiRating{severity: audit.Medium, confidence: audit.LowConfidence}
	case tiDispatch:
		return tiRating{severity: audit.Low, confidence: audit.LowConfidence}
	}
	return tiRating{severity: audit.Low, confidence: audit.LowConfidence}
}
