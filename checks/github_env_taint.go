package checks

import (
	"regexp"
	"strings"

	"github.com/rampart-sec/rampart/audit"
)

// ghenvLevel is how far an attacker may control a value written to an environment file.
type ghenvLevel int

const (
	ghenvSafe     ghenvLevel = iota
	ghenvUnknown             // computed at run time from something we cannot follow
	ghenvFile                // read from an untrusted checkout or a downloaded artifact
	ghenvAttacker            // an attacker-controlled context, directly or through variables
)

type ghenvTaint struct {
	level ghenvLevel
	what  string // "github.event.pull_request.title", "$TITLE (github.head_ref)"
	conf  audit.Confidence
	// refName is true when every attacker-controlled source is a git ref name (github.head_ref,
	// ...head.ref): git forbids newlines and control characters in ref names.
	refName bool
}

func (t ghenvTaint) max(o ghenvTaint) ghenvTaint {
	if t.level == ghenvAttacker && o.level == ghenvAttacker && t.refName != o.refName {
		// a source that is not a ref name outweighs one that is
		if t.refName {
			return o
		}
		return t
	}
	if o.level > t.level || (o.level == t.level && o.conf > t.conf) {
		return o
	}
	return t
}

// ghenvRefNames are the attacker-controlled contexts that hold a git ref name (or owner:ref).
var ghenvRefNames = map[string]bool{
	"github.head_ref": true, "github.event.pull_request.head.ref": true, "github.event.pull_request.head.label": true,
	"github.event.workflow_run.head_branch": true, "github.event.check_suite.head_branch": true,
	"github.event.check_run.check_suite.head_branch": true,
}

// ghenvValidateRe finds a bash test of a variable against an anchored regular expression:
// [[ "$NAME" =~ ^[A-Za-z0-9._-]+$ ]].
var ghenvValidateRe = regexp.MustCompile(`\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?"?\s*=~\s*['"]?\^(\S+?)\$['"]?\s*\]\]`)

// ghenvStrictRe is what a validating expression may hold once its bracket expressions are
// removed: nothing that matches a newline or any character (".", "\s", "[^...]").
var (
	ghenvStrictRe  = regexp.MustCompile(`^[A-Za-z0-9_()+*?{},|/:@-]*$`)
	ghenvBracketRe = regexp.MustCompile(`\[[^\]]*\]`)
)

// ghenvValidated returns the variables that the script text tests against an anchored pattern
// that no newline can match; an attacker's value that passed it cannot add lines to a file.
func ghenvValidated(text string) map[string]bool {
	var out map[string]bool
	if !strings.Contains(text, "=~") {
		return nil
	}
	for _, m := range ghenvValidateRe.FindAllStringSubmatch(text, -1) {
		re := m[2]
		if strings.Contains(re, "space") || strings.Contains(re, "[^") || strings.Contains(re, "\\s") {
			continue
		}
		re = ghenvBracketRe.ReplaceAllString(re, "")
		re = strings.NewReplacer(`\.`, "", `\-`, "", `\/`, "", `\_`, "").Replace(re)
		if !ghenvStrictRe.MatchString(re) {
			continue
		}
		if out == nil {
			out = map[string]bool{}
		}
		out[m[1]] = true
	}
	return out
}
