package checks

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// ghenvUntrustedJobs finds, only as far as asked, what brought untrusted files into each job of
// a file (see ghenvUntrusted): most scripts never need it.
type ghenvUntrustedJobs struct {
	steps  []audit.StepRef
	events []string
	next   int               // the steps before it are looked at
	byJob  map[string]string // job id -> the first step's ghenvUntrusted, once not ""
}

// upTo returns what brought untrusted files into the job of steps[k] in its steps up to k.
func (u *ghenvUntrustedJobs) upTo(k int) string {
	for ; u.next <= k; u.next++ {
		ref := u.steps[u.next]
		if ref.Job == nil || u.byJob[ref.Job.ID.Value] != "" {
			continue
		}
		if why := ghenvUntrusted(ref, u.events); why != "" {
			if u.byJob == nil {
				u.byJob = map[string]string{}
			}
			u.byJob[ref.Job.ID.Value] = why
		}
	}
	if job := u.steps[k].Job; job != nil {
		return u.byJob[job.ID.Value]
	}
	return ""
}

// ghenvUntrusted says what a step brings into its job that an attacker wrote: a pull request
// checkout or another run's artifact.
func ghenvUntrusted(ref audit.StepRef, events []string) string {
	if a := ref.Uses(); a != nil && a.Uses != nil {
		name := ghenvActionName(a.Uses.Value)
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
	if s := shellScriptOf(ref); s != nil && ghenvGhFetches(s.Text) {
		return "a downloaded artifact or pull request checkout"
	}
	return ""
}

// ghenvActionName returns a uses: value's action in lower case, its @ref cut off; an ASCII value
// (nearly all) is not copied unless it has an upper-case letter.
func ghenvActionName(uses string) string {
	name, _, _ := strings.Cut(uses, "@")
	for i := 0; i < len(name); i++ {
		if c := name[i]; c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
			name, _, _ = strings.Cut(strings.ToLower(uses), "@")
			break
		}
	}
	return name
}

// ghenvGhFetches reports whether a script holds "gh run download" or "gh pr checkout". Each is
// looked for by a byte that is rare in scripts (the w of download, the k of checkout).
func ghenvGhFetches(text string) bool {
	return ghenvHasAt(text, "gh run download", 'w') || ghenvHasAt(text, "gh pr checkout", 'k')
}

// ghenvHasAt reports whether text holds needle, found by the first place of key in needle.
func ghenvHasAt(text, needle string, key byte) bool {
	at := strings.IndexByte(needle, key)
	for off := at; off < len(text); {
		i := strings.IndexByte(text[off:], key)
		if i < 0 {
			return false
		}
		i += off
		off = i + 1
		if s := i - at; s+len(needle) <= len(text) && text[s:s+len(needle)] == needle {
			return true
		}
	}
	return false
}

// ghenvMayReadFiles reports whether a script may read a file of the job's untrusted files, what
// a write without an attacker's value needs to be reported (fl.cmd gives nothing else the level
// ghenvFile; PowerShell and cmd scripts never get it): a command named cat, head, tail, jq or yq,
// git log or git show, or a '<' redirection. A command's name is in the text as a word (no
// letter, digit, '_', '.' or '-' right before or after it: a path's last element, or the name
// of git's subcommand) unless quotes join its pieces (c"at"), so such a join lets the script
// through too.
func ghenvMayReadFiles(text string) bool {
	if strings.IndexByte(text, '<') >= 0 || shellHasWord(text, "git") && (shellHasWord(text, "log") || shellHasWord(text, "show")) {
		return true
	}
	for _, name := range []string{"cat", "head", "tail", "jq", "yq"} {
		if shellHasWord(text, name) {
			return true
		}
	}
	for i := 0; i < len(text); i++ {
		if (text[i] == '"' || text[i] == '\'') && i > 0 && shellJoinsAt(text, i) {
			return true
		}
	}
	return false
}

// ghenvMayName reports whether a placeholder of text may name github or env as the root of a
// path (ASCII letters in any case), the only roots that fl.expr follows to an attacker's value,
// so that the placeholders of the scripts (most) that name neither are never parsed. It looks
// from the first "${{" to the end of the text, for github or env as a word: not right after a
// letter, digit, '_' or '.' (a longer name, a property) nor right before a letter, digit, '_'
// or '-' (a longer name). $GITHUB_OUTPUT and $GITHUB_ENV are not such words. Nor is a github
// that ghenvSafeGitHubAt finds to be the whole path of a property that no outsider sets.
func ghenvMayName(text string) bool {
	i := strings.Index(text, "${{")
	if i < 0 {
		return false
	}
	for i += 3; i < len(text); i++ {
		// Found by their rarer bytes: the b of github, the v of env.
		var word string
		switch text[i] | 0x20 {
		case 'b':
			word = "github"
		case 'v':
			word = "env"
		default:
			continue
		}
		start := i - (len(word) - 1)
		end := i + 1
		if start >= 0 && shellASCIIPrefixFold(text[start:end], word) &&
			(start == 0 || !ghenvNameByte(text[start-1]) && text[start-1] != '.') && (end == len(text) || !ghenvNameByte(text[end]) && text[end] != '-') &&
			(word == "env" || !ghenvSafeGitHubAt(text, end)) {
			return true
		}
	}
	return false
}

// ghenvSafeGitHubAt reports whether the github that ends at text[i] is the whole path of a
// property that fl.expr never finds attacker controlled (ghenvSafeGitHub): ".name", then
// blanks, then no '.' or '[' that would make the path longer. Most env: values that name github
// read one (${{ github.token }}, ${{ github.workspace }}/out), and are then not parsed.
func ghenvSafeGitHubAt(text string, i int) bool {
	if i >= len(text) || text[i] != '.' {
		return false
	}
	j := i + 1
	for j < len(text) && (ghenvNameByte(text[j]) || text[j] == '-') {
		j++
	}
	if !ghenvSafeGitHub(text[i+1 : j]) {
		return false
	}
	for j < len(text) && (text[j] == ' ' || text[j] == '\t' || text[j] == '\n' || text[j] == '\r') {
		j++
	}
	return j == len(text) || text[j] != '.' && text[j] != '['
}

// ghenvSafeGitHub reports whether github.<name> (as the source writes it, lower case) is a
// property that no outsider sets: classifyGitHub does not find it attacker controlled
// (TestGhenvMayName holds the list to it).
func ghenvSafeGitHub(name string) bool {
	switch name {
	case "token", "repository", "repository_owner", "repository_id", "workspace", "sha", "server_url", "api_url",
		"graphql_url", "event_name", "run_id", "run_number", "run_attempt", "ref", "ref_name", "ref_type", "job",
		"action_path", "workflow", "workflow_ref", "actor", "actor_id", "triggering_actor", "base_ref":
		return true
	}
	return false
}

// ghenvFoldContains reports whether text holds word (ASCII lower case), ASCII letters in any
// case; a non-ASCII text is lowered first.
func ghenvFoldContains(text, word string) bool {
	for i := 0; i < len(text); i++ {
		if text[i] >= utf8.RuneSelf {
			return strings.Contains(strings.ToLower(text), word)
		}
	}
	for i := 0; i+len(word) <= len(text); i++ {
		if shellFoldTable[text[i]] == word[0] && shellASCIIPrefixFold(text[i:i+len(word)], word) {
			return true
		}
	}
	return false
}

// ghenvNameByte reports whether c may be in a name of an expression: a letter, digit or '_'.
func ghenvNameByte(c byte) bool {
	return 'a' <= c|0x20 && c|0x20 <= 'z' || '0' <= c && c <= '9' || c == '_'
}

// ghenvMaySource reports whether a script may read an attacker-controlled value: it needs a
// ${{ }} placeholder, $GITHUB_HEAD_REF, $GITHUB_EVENT_PATH, or a variable of an env: block
// (the step's, the job's or the workflow's) set by a placeholder.
func ghenvMaySource(s *shellScript, m ghenvMark) bool {
	if m&(ghenvmExpr|ghenvmHeadRef|ghenvmEventPath) != 0 {
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
//
// known holds, for the file, whether the placeholders of an env: value that names no env
// context give an attacker's value: that depends only on the file and its events, not on the
// step, so each is followed once for all the file's scripts.
func ghenvMayAttack(fl *ghenvFlow, known map[*actionlint.String]bool) bool {
	s, m := fl.s, fl.marks
	if m&ghenvmHeadRef != 0 && slices.Contains(fl.events, "pull_request_target") ||
		m&ghenvmEventPath != 0 && fl.events != nil {
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
	if ghenvMayName(s.Text) && attacks(s.Exprs()) {
		return true
	}
	for _, env := range ghenvEnvs(s.Ref) {
		if env == nil {
			continue
		}
		for _, v := range env.Vars {
			if v == nil || v.Value == nil || !ghenvMayName(v.Value.Value) {
				continue
			}
			a, ok := known[v.Value]
			if !ok {
				a = attacks(s.Ref.File.ExprsOf(v.Value))
				if !ghenvFoldContains(v.Value.Value, "env") {
					known[v.Value] = a
				}
			}
			if a {
				return true
			}
		}
	}
	return false
}
