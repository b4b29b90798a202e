package checks

import (
	"slices"
	"strings"

	"github.com/rampart-sec/rampart/audit"
)

// ghenvUntrusted says what a step brings into its job that an attacker wrote: a pull request
// checkout or another run's artifact.
func ghenvUntrusted(ref audit.StepRef, events []string) string {
	if a := ref.Uses(); a != nil && a.Uses != nil {
		name, _, _ := strings.Cut(strings.ToLower(a.Uses.Value), "@")
		_, hasRunID := a.Inputs["run-id"]
		switch {
		case name == "dawidd6/action-download-artifact",
			name == "actions/download-artifact" && (hasRunID || len(events) == 1 && events[0] == "workflow_run"):
			return "a downloaded artifact"
		case name == "actions/checkout":
			if r := a.Inputs["ref"]; r != nil && r.Value != nil && ghenvHeadRe.MatchString(r.Value.Value) {
				return "the pull request checkout"
			}
		}
		return ""
	}
	if s := shellScriptOf(ref); s != nil && (strings.Contains(s.Text, "gh run download") || strings.Contains(s.Text, "gh pr checkout")) {
		return "a downloaded artifact or pull request checkout"
	}
	return ""
}

// ghenvTokens are what a write to an environment file names, in lower case: $GITHUB_ENV,
// ${{ github.env }}, $env:GITHUB_PATH, %GITHUB_OUTPUT%...; the first are those of GITHUB_OUTPUT.
var ghenvTokens = []string{"github_output", "github_env", "github_path", "github.env", "github.path"}

// ghenvMaybe reports whether a script may write to an environment file (writes), and to
// GITHUB_ENV or GITHUB_PATH (env), so that scripts that do not are never parsed.
func ghenvMaybe(s *shellScript) (writes, env bool) {
	f := ghenvJoined(s)
	for i, t := range ghenvTokens {
		if strings.Contains(f, t) {
			writes = true
			if i > 0 {
				return true, true
			}
		}
	}
	return writes, false
}

// ghenvJoined is the script folded (see shellScript.Folded) with its line continuations
// removed: one may split a variable's name ($GITHUB_\<newline>ENV).
func ghenvJoined(s *shellScript) string {
	f := s.Folded()
	if strings.Contains(f, "\\\n") {
		f = strings.ReplaceAll(f, "\\\n", "")
	}
	return f
}

// ghenvMaySource reports whether a script may read an attacker-controlled value: it needs a
// ${{ }} placeholder, $GITHUB_HEAD_REF, $GITHUB_EVENT_PATH, or a variable of an env: block
// (the step's, the job's or the workflow's) set by a placeholder.
func ghenvMaySource(s *shellScript) bool {
	f := ghenvJoined(s)
	if strings.Contains(f, "${{") || strings.Contains(f, "github_head_ref") || strings.Contains(f, "github_event_path") {
		return true
	}
	for _, env := range ghenvEnvs(s.Ref) {
		if env == nil {
			continue
		}
		for _, v := range env.Vars {
			if v != nil && v.Value != nil && strings.Contains(v.Value.Value, "${{") {
				return true
			}
		}
	}
	return false
}

// ghenvMayAttack reports whether an attacker's value may reach a write of the script: without
// untrusted files in the job, that is what a write in a workflow without a privileged trigger,
// or a write to GITHUB_OUTPUT only, needs to be reported. Such a value comes from a placeholder
// of the script or of an env: variable of the step, the job or the workflow (through
// ghenvFlow.expr), from $GITHUB_HEAD_REF under pull_request_target, or from $GITHUB_EVENT_PATH
// under a privileged trigger; the script's own variables only carry those.
func ghenvMayAttack(fl *ghenvFlow) bool {
	s := fl.s
	f := ghenvJoined(s)
	if strings.Contains(f, "github_head_ref") && slices.Contains(fl.events, "pull_request_target") ||
		strings.Contains(f, "github_event_path") && fl.events != nil {
		return true
	}
	attacks := func(exprs []audit.Expr) bool {
		for _, e := range exprs {
			if fl.expr(e.Node, 0).level == ghenvAttacker {
				return true
			}
		}
		return false
	}
	if attacks(s.Exprs()) {
		return true
	}
	for _, env := range ghenvEnvs(s.Ref) {
		if env == nil {
			continue
		}
		for _, v := range env.Vars {
			if v != nil && v.Value != nil && attacks(s.Ref.File.ExprsOf(v.Value)) {
				return true
			}
		}
	}
	return false
}
