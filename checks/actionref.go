package checks

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// actionUse is one remote `uses:` of a target: an action in a step (of a workflow or a composite
// action) or a reusable workflow called by a job, parsed into owner/repo[/path]@ref.
type actionUse struct {
	File *audit.File
	Uses *actionlint.String
	// Owner and Name are lower-cased; Path is what follows owner/name ("" for the repository root).
	Owner, Name, Path string
	// Ref is what follows "@" as written.
	Ref string
	// Reusable is true for a job's reusable workflow.
	Reusable bool

	// job and step (at index) are where the use stands, for where; step is nil for a reusable workflow.
	job   *actionlint.Job
	step  *actionlint.Step
	index int
}

// where names the step or job for messages and fingerprints; it is built only when asked for.
func (u actionUse) where() string {
	switch {
	case u.step == nil:
		return fmt.Sprintf("job %q", u.job.ID.Value)
	case u.job != nil && u.job.ID != nil:
		return fmt.Sprintf("job %q, %s", u.job.ID.Value, audit.StepLabel(u.step, u.index))
	}
	return "composite action, " + audit.StepLabel(u.step, u.index)
}

// Slug is the lower-cased "owner/name" of the repository the action comes from.
func (u actionUse) Slug() string { return u.Owner + "/" + u.Name }

// Package is the lower-cased "owner/name[/path]", as advisories name actions.
func (u actionUse) Package() string {
	if u.Path == "" {
		return u.Slug()
	}
	return u.Slug() + "/" + toLower(u.Path)
}

// Value is the uses: value as written.
func (u actionUse) Value() string { return strings.TrimSpace(u.Uses.Value) }

// IsSHA reports whether the ref is a full 40-character commit SHA.
func (u actionUse) IsSHA() bool { return isFullSHA(u.Ref) }

// What is "action" or "reusable workflow", for messages.
func (u actionUse) What() string {
	if u.Reusable {
		return "reusable workflow"
	}
	return "action"
}

// Key is a fingerprint key: where the use stands and what it names, without line numbers.
func (u actionUse) Key(extra string) string {
	return strings.TrimSpace(u.where() + " " + toLower(u.Value()) + " " + extra)
}

// isFullSHA reports whether s is a full 40-character hexadecimal commit SHA.
func isFullSHA(s string) bool {
	if len(s) != 40 {
		return false
	}
	// Most uses: of the corpus end in one, so that all 40 bytes are looked at: eight at a time
	// (hexWords), five words and-ed together without a branch, where a lookup a byte cost
	// ~290 instructions a SHA.
	s = s[:40]
	return hexWords(lowerLoad(s[0:8]), lowerLoad(s[8:16]), lowerLoad(s[16:24]), lowerLoad(s[24:32]), lowerLoad(s[32:40]))
}

// hexWords reports whether every byte of the words is isHexDigit's. Once no byte has its high
// bit, no sum below carries into the next byte: b+0x50 has its high bit when b >= '0', b+0x46
// when b > '9'; with l = b|0x20 (which maps 'A'..'F' to 'a'..'f' and nothing else there),
// l+0x1f has it when l >= 'a', l+0x19 when l > 'f'.
func hexWords(a, b, c, d, e uint64) bool {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	in := func(x uint64) uint64 {
		l := x | 0x20*lo
		return (x+0x50*lo)&^(x+0x46*lo) | (l+0x1f*lo)&^(l+0x19*lo)
	}
	return (a|b|c|d|e)&hi == 0 && in(a)&in(b)&in(c)&in(d)&in(e)&hi == hi
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func isAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// arValidOwner is a GitHub owner name: letters, digits and inner hyphens.
func arValidOwner(s string) bool {
	if s == "" || !isAlnum(s[0]) || !isAlnum(s[len(s)-1]) {
		return false
	}
	for i := 1; i < len(s)-1; i++ {
		if !isAlnum(s[i]) && s[i] != '-' {
			return false
		}
	}
	return true
}

// arValidName is a repository name: letters, digits, ".", "_" and "-".
func arValidName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && c != '.' && c != '_' && c != '-' {
			return false
		}
	}
	return true
}

// arParseUse parses "owner/repo[/path]@ref"; local (./), docker:// and expression values,
// and values without a ref, are not remote uses this family of checks can ask GitHub about.
func arParseUse(v string) (owner, name, path, ref string, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" || strings.HasPrefix(v, ".") || strings.HasPrefix(v, "docker://") || strings.Contains(v, "${{") {
		return "", "", "", "", false
	}
	at := strings.LastIndex(v, "@")
	if at < 0 || at == len(v)-1 {
		return "", "", "", "", false
	}
	ref = v[at+1:]
	owner, rest, ok := strings.Cut(v[:at], "/")
	if !ok {
		return "", "", "", "", false
	}
	name, path, _ = strings.Cut(rest, "/")
	if !arValidOwner(owner) || !arValidName(name) {
		return "", "", "", "", false
	}
	return toLower(owner), toLower(name), strings.Trim(path, "/"), ref, true
}

type arUsesKey struct{}

// arUses lists every remote uses: of the target's workflows and composite actions, in file order.
// Each file's list is computed once and shared by the checks that ask: callers must not modify it.
func arUses(t *audit.Target) []actionUse {
	var out []actionUse
	for _, file := range t.Files {
		out = append(out, arFileUses(file)...)
	}
	return out
}

// arFileUses lists a file's remote uses: each job's steps in order, then the jobs' reusable
// workflows (or a composite action's steps).
func arFileUses(file *audit.File) []actionUse {
	if file.Workflow == nil && (file.Action == nil || file.Action.Runs == nil) {
		return nil
	}
	return file.Memo(arUsesKey{}, func() any {
		var out []actionUse
		arEachUse(file, func(s *actionlint.String, j *actionlint.Job, st *actionlint.Step, i int) {
			if owner, name, path, ref, ok := arParseUse(s.Value); ok {
				if out == nil {
					out = make([]actionUse, 0, 8)
				}
				out = append(out, actionUse{File: file, Uses: s, Owner: owner, Name: name, Path: path, Ref: ref, Reusable: st == nil, job: j, step: st, index: i})
			}
		})
		return out[:len(out):len(out)]
	}).([]actionUse)
}

// arEachUse calls fn with every uses: of a file, in arFileUses' order, remote or not: s, and
// where it stands (st is nil for a job's reusable workflow, j for a composite action's step).
func arEachUse(file *audit.File, fn func(s *actionlint.String, j *actionlint.Job, st *actionlint.Step, i int)) {
	steps := func(j *actionlint.Job, sts []*actionlint.Step) {
		for i, st := range sts {
			if st == nil {
				continue
			}
			if a, ok := st.Exec.(*actionlint.ExecAction); ok && a.Uses != nil {
				fn(a.Uses, j, st, i)
			}
		}
	}
	switch {
	case file.Workflow != nil:
		jobs := arJobs(file)
		for _, j := range jobs {
			steps(j, j.Steps)
		}
		for _, j := range jobs {
			if j.WorkflowCall != nil && j.WorkflowCall.Uses != nil && j.ID != nil {
				fn(j.WorkflowCall.Uses, j, nil, 0)
			}
		}
	case file.Action != nil && file.Action.Runs != nil:
		steps(nil, file.Action.Runs.Steps)
	}
}

// arJobs is audit.Jobs of the file's workflow, sorted once per file and shared by the checks of
// this family (uses:, if: conditions, permissions, images): callers must not modify it.
func arJobs(file *audit.File) []*actionlint.Job { return file.Jobs() }

// arShortSHA abbreviates a commit SHA for messages.
func arShortSHA(sha string) string {
	if len(sha) > 12 {
		return toLower(sha[:12])
	}
	return toLower(sha)
}

// arVersionComment returns the version a `# v1.2.3` comment after the uses: value names, or "".
// It reads the forms Dependabot, Renovate, pinact and ratchet write ("# v1.2.3", "# tag=v1.2.3",
// "# version: 1.2.3", "# ratchet:owner/repo@v1.2.3"), skips suppression comments before it
// ("# zizmor: ignore[x] # v1.2.3"), and ignores words after the version ("# v1.2.3 (2025-01-01)").
func arVersionComment(u actionUse) string {
	if u.Uses.Pos == nil {
		return ""
	}
	line := u.File.Line(u.Uses.Pos.Line)
	start := u.Uses.Pos.Col - 1
	if start < 0 || start > len(line) {
		return ""
	}
	rest := line[start:]
	if i := strings.Index(rest, strings.TrimSpace(u.Uses.Value)); i >= 0 {
		rest = rest[i+len(strings.TrimSpace(u.Uses.Value)):]
	}
	hash := strings.Index(rest, "#")
	if hash < 0 {
		return ""
	}
	for _, seg := range strings.Split(rest[hash+1:], "#") {
		if v := arVersionInComment(seg); v != "" {
			return v
		}
	}
	return ""
}

var arCommentPrefixRe = regexp.MustCompile(`^(?i:tag|version|ver|pin)\s*[:=@]\s*`)

// arVersionInComment reads one "# ..." segment; it returns "" when the segment names no version.
func arVersionInComment(seg string) string {
	seg = strings.TrimSpace(seg)
	low := toLower(seg)
	if strings.HasPrefix(low, "rampart:") || strings.HasPrefix(low, "zizmor:") || strings.HasPrefix(low, "want ") {
		return ""
	}
	prefixed := false
	if m := arCommentPrefixRe.FindString(seg); m != "" {
		seg, prefixed = seg[len(m):], true
	} else if strings.HasPrefix(low, "ratchet:") {
		// "# ratchet:owner/repo@v1.2.3": the version follows the last "@" of the first word.
		first, _, _ := strings.Cut(strings.TrimSpace(seg[len("ratchet:"):]), " ")
		at := strings.LastIndex(first, "@")
		if at < 0 {
			return ""
		}
		seg, prefixed = first[at+1:], true
	}
	fields := strings.Fields(seg)
	if len(fields) == 0 {
		return ""
	}
	tok := strings.TrimRight(fields[0], ",;)")
	if prefixed || arVersionTokenRe.MatchString(tok) {
		return tok
	}
	return ""
}

// arVersionTokenRe is a token that reads as a release version: v4, v4.2.2, 1.2.3-rc.1.
var arVersionTokenRe = regexp.MustCompile(`^[vV]?\d+(\.\d+)*([-+.]?[0-9A-Za-z][0-9A-Za-z.+-]*)?$`)
