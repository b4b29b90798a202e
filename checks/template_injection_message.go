package checks

import (
	"fmt"
	"regexp"
	"strings"
)

// tiMessage says what expands where, who controls it, and how to fix it.
func tiMessage(srcs []tiSource, r tiRating, sink tiSink, where, text string) string {
	s := srcs[0]
	if s.via != "" {
		s.via = tiSpell(s.via, text)
	} else {
		s.path = tiSpell(s.path, text)
	}
	var what string
	switch {
	case s.caller != "":
		what = fmt.Sprintf("%s, which %s passes %s,", s.path, s.caller, s.passed)
	case s.constCallers:
		what = s.path + ", which every caller in this repository sets to a constant or trusted value,"
	case s.kind == tiAttacker:
		what = "attacker-controlled " + s.path
	case s.kind == tiMaintainer:
		what = s.path + " (written by maintainers, but it may quote contributors' text, as generated release notes do)"
	case s.kind == tiCaller:
		what = s.path + ", which the caller sets,"
	case s.kind == tiDispatch:
		what = s.path + ", typed in by whoever dispatches the workflow,"
	case s.kind == tiGuess:
		what = s.path + ", a free-text field of the event,"
	default:
		what = s.path + ", computed at run time,"
	}
	if s.via != "" {
		what = fmt.Sprintf("%s, which holds %s,", s.via, strings.TrimSuffix(what, ","))
	}
	if more := len(srcs) - 1; more > 0 {
		what = fmt.Sprintf("%s (and %d more)", strings.TrimSuffix(what, ","), more)
	}
	into := "the run: script"
	if sink.action != "" {
		into = fmt.Sprintf("the code input %q", sink.name)
	}
	msg := fmt.Sprintf("%s expands into %s of %s", what, into, where)
	switch {
	case r.privileged != "":
		msg += fmt.Sprintf(", which %s runs with the repository's secrets and a write token", r.privileged)
	case r.unset != "":
		msg += fmt.Sprintf(" (no trigger of this workflow sets it: %s)", r.unset)
	}
	if r.gate != "" {
		msg += " (one level lower: " + r.gate + ")"
	}
	return msg + "; " + tiFixHint(s, sink, text)
}

var nonIdent = regexp.MustCompile(`[^A-Z0-9_]+`)

var envRef = regexp.MustCompile(`(?i)\benv\.([a-z_][a-z0-9_-]*)`)

// tiFixHint names the environment variable to use instead; text is the expression as written.
func tiFixHint(s tiSource, sink tiSink, text string) string {
	path := s.path
	if s.via != "" {
		path = s.via
	}
	if name, ok := strings.CutPrefix(path, "env."); ok {
		for _, m := range envRef.FindAllStringSubmatch(text, -1) {
			if strings.EqualFold(m[1], name) {
				return tiUse(m[1], sink) + " instead"
			}
		}
	}
	var keep []string
	for _, seg := range strings.Split(path, ".") {
		switch seg {
		case "github", "event", "outputs", "inputs", "steps", "needs", "env", "*":
			continue
		case "pull_request":
			seg = "pr"
		}
		keep = append(keep, seg)
	}
	if len(keep) > 2 {
		keep = keep[len(keep)-2:]
	}
	name := strings.Trim(nonIdent.ReplaceAllString(strings.ToUpper(strings.Join(keep, "_")), "_"), "_")
	if name == "" {
		name = "VALUE"
	}
	return "pass it through env: and " + tiUse(name, sink)
}

func tiUse(name string, sink tiSink) string {
	switch {
	case sink.js:
		return "read process.env." + name
	case sink.name == "run" && sink.action == "":
		return fmt.Sprintf("use %q", "$"+name)
	}
	return "refer to $" + name
}

// tiSpell writes a context path (kept in lower case) as the expression text spells it.
func tiSpell(path, text string) string {
	if lower := strings.ToLower(text); len(lower) == len(text) {
		if i := strings.Index(lower, path); i >= 0 {
			return text[i : i+len(path)]
		}
	}
	return path
}
