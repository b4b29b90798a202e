package checks

import (
	"slices"
	"strings"

	"github.com/rampart-sec/rampart/audit"
)

// ghenvFlow follows data through one script: its variables, the step/job/workflow env, the
// workflow's privileged events and whether the job holds untrusted files.
type ghenvFlow struct {
	s         *shellScript
	marks     ghenvMark // the tokens of the script (see ghenvMarks)
	events    []string  // privileged events; nil for actions and reusable workflows (caller unknown)
	untrusted string    // what brought untrusted files into the job ("" when none)
	vars      map[string]ghenvTaint
	validated map[string]bool // variables checked against a strict pattern before the write
	// validEnd is the end of the text whose ghenvValidated validated is, once validDone; -1
	// when the script tests nothing (=~).
	validEnd  int
	validDone bool
	inner     map[*shellCmd][]*shellCmd
	depth     int
}

// validate sets validated to ghenvValidated(s.Text[:off]), the variables validated before a
// write at off. Every match of ghenvValidateRe holds =~ and ends with ]], so the result is that
// of the text up to the last ]] before off, and it is kept while that does not change (writes
// come in text order).
func (fl *ghenvFlow) validate(off int) {
	text := fl.s.Text
	if !fl.validDone && !strings.Contains(text, "=~") {
		fl.validDone, fl.validEnd, fl.validated = true, -1, nil
	}
	if fl.validDone && fl.validEnd < 0 {
		return
	}
	end := strings.LastIndex(text[:off], "]]")
	if end >= 0 {
		end += len("]]")
	} else {
		end = 0
	}
	if fl.validDone && end == fl.validEnd {
		return
	}
	fl.validDone, fl.validEnd = true, end
	fl.validated = ghenvValidated(text[:end])
}

// ghenvSafeVars are default variables whose values an outsider does not choose.
var ghenvSafeVars = map[string]bool{
	"GITHUB_SHA": true, "GITHUB_RUN_ID": true, "GITHUB_RUN_NUMBER": true, "GITHUB_RUN_ATTEMPT": true,
	"GITHUB_WORKSPACE": true, "GITHUB_REPOSITORY": true, "GITHUB_REPOSITORY_OWNER": true, "GITHUB_REPOSITORY_ID": true,
	"GITHUB_SERVER_URL": true, "GITHUB_API_URL": true, "GITHUB_GRAPHQL_URL": true, "GITHUB_EVENT_NAME": true,
	"GITHUB_BASE_REF": true, "GITHUB_REF": true, "GITHUB_REF_NAME": true, "GITHUB_ACTOR": true, "GITHUB_ACTOR_ID": true,
	"GITHUB_TRIGGERING_ACTOR": true, "GITHUB_WORKFLOW": true, "GITHUB_JOB": true, "GITHUB_ACTION": true,
	"GITHUB_ACTION_PATH": true, "GITHUB_ENV": true, "GITHUB_PATH": true, "GITHUB_OUTPUT": true, "GITHUB_STEP_SUMMARY": true,
	"HOME": true, "PATH": true, "PWD": true, "USER": true, "RANDOM": true, "RUNNER_TEMP": true, "RUNNER_TOOL_CACHE": true,
	"RUNNER_OS": true, "RUNNER_ARCH": true, "RUNNER_NAME": true, "RUNNER_WORKSPACE": true, "ImageOS": true,
	"ImageVersion": true, "JAVA_HOME": true, "ANDROID_HOME": true, "ANDROID_SDK_ROOT": true, "pythonLocation": true,
}

// ghenvPure are commands whose output comes only from their arguments and input.
var ghenvPure = map[string]bool{
	"echo": true, "printf": true, "date": true, "pwd": true, "basename": true, "dirname": true, "realpath": true,
	"nproc": true, "uname": true, "whoami": true, "hostname": true, "mktemp": true, "seq": true, "expr": true,
	"tr": true, "sed": true, "awk": true, "grep": true, "cut": true, "head": true, "tail": true, "sort": true,
	"uniq": true, "wc": true, "base64": true, "sha256sum": true, "shasum": true, "md5sum": true, "rev": true,
	"jq": true, "yq": true, "cat": true, "tee": true, "id": true, "readlink": true, "test": true,
	"[": true, "true": true, "getconf": true, "sw_vers": true, "lsb_release": true,
}

// ghenvReaders read the files named by their arguments (after skip leading non-flag arguments).
var ghenvReaders = map[string]int{"cat": 0, "head": 0, "tail": 0, "jq": 1, "yq": 1}

func (fl *ghenvFlow) cmd(c *shellCmd) ghenvTaint {
	t := ghenvTaint{}
	if c == nil || fl.depth > 8 {
		return t
	}
	fl.depth++
	defer func() { fl.depth-- }()
	argv := c.Argv()
	name := c.Name()
	pure := len(argv) == 0 || ghenvPure[name] || name == "git" && len(argv) > 1 && argv[1].Text == "rev-parse"
	if !pure {
		t = ghenvTaint{level: ghenvUnknown, what: "the output of " + name, conf: audit.LowConfidence}
		if fl.untrusted != "" && name == "git" && len(argv) > 1 && (argv[1].Text == "log" || argv[1].Text == "show") {
			t = t.max(ghenvTaint{level: ghenvFile, what: "git " + argv[1].Text + " of " + fl.untrusted, conf: audit.MediumConfidence})
		}
	}
	// What goes into a program we cannot follow comes out as something we cannot follow: its
	// output may be a number or a yes/no derived from the attacker's text.
	in := ghenvTaint{}
	file := func(what string) {
		if fl.untrusted != "" {
			in = in.max(ghenvTaint{level: ghenvFile, what: "file " + what + " of " + fl.untrusted, conf: audit.MediumConfidence})
		} else {
			in = in.max(ghenvTaint{level: ghenvUnknown, what: "file " + what, conf: audit.LowConfidence})
		}
	}
	skip, reader := ghenvReaders[name]
	for i, w := range argv {
		if i == 0 {
			continue
		}
		in = in.max(fl.word(w))
		if slices.Contains(w.Params, "GITHUB_EVENT_PATH") && fl.events != nil {
			in = in.max(ghenvTaint{level: ghenvAttacker, what: "the event payload ($GITHUB_EVENT_PATH)", conf: audit.MediumConfidence})
		}
		if reader && !strings.HasPrefix(w.Text, "-") {
			if skip > 0 {
				skip--
			} else if !slices.Contains(w.Params, "GITHUB_EVENT_PATH") {
				file(w.Text)
			}
		}
	}
	for _, a := range c.Assigns {
		if a.Value != nil {
			in = in.max(fl.word(a.Value))
		}
	}
	for _, r := range c.Redirs {
		switch {
		case r.Hdoc != nil:
			in = in.max(fl.word(r.Hdoc))
		case r.Op == "<" && r.Target != nil && !r.Target.Substs:
			in = in.max(fl.word(r.Target))
			file(r.Target.Text)
		}
	}
	for _, ic := range fl.inner[c] {
		in = in.max(fl.cmd(ic))
	}
	if !pure && in.level > ghenvUnknown {
		in = ghenvTaint{level: ghenvUnknown, what: "the output of " + name + " given " + in.what, conf: audit.LowConfidence}
	}
	t = t.max(in)
	return t.max(fl.cmd(c.PipedFrom))
}

// word is the taint of a word's placeholders and variables (its substitutions are inner commands).
func (fl *ghenvFlow) word(w *shellWord) ghenvTaint {
	t := ghenvTaint{}
	for _, e := range fl.s.ExprsIn(w.Offset, w.End) {
		t = t.max(fl.expr(e.Node, 0))
	}
	for _, p := range w.Params {
		t = t.max(fl.param(p))
	}
	return t
}

func (fl *ghenvFlow) param(name string) ghenvTaint {
	if fl.validated[name] {
		return ghenvTaint{}
	}
	if t, ok := fl.vars[name]; ok {
		if t.level > ghenvSafe {
			t.what = "$" + name + " (" + t.what + ")"
		}
		return t
	}
	if v := ghenvEnvVar(fl.s.Ref, name, false); v != nil {
		t := ghenvTaint{}
		for _, e := range fl.s.Ref.File.ExprsOf(v) {
			t = t.max(fl.expr(e.Node, 0))
		}
		if t.level > ghenvSafe {
			t.what = "$" + name + " (" + t.what + ")"
		}
		return t
	}
	switch {
	case name == "GITHUB_HEAD_REF" && slices.Contains(fl.events, "pull_request_target"):
		return ghenvTaint{level: ghenvAttacker, what: "$GITHUB_HEAD_REF", conf: audit.HighConfidence, refName: true}
	case ghenvSafeVars[name] || strings.HasPrefix(name, "RUNNER_") || (name >= "0" && name <= "9") || name == "@" || name == "?" || name == "#":
		return ghenvTaint{}
	}
	return ghenvTaint{level: ghenvUnknown, what: "$" + name, conf: audit.LowConfidence}
}
