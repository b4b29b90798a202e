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
	// Where names the step or job for messages and fingerprints.
	Where string
	// Reusable is true for a job's reusable workflow.
	Reusable bool
}

// Slug is the lower-cased "owner/name" of the repository the action comes from.
func (u actionUse) Slug() string { return u.Owner + "/" + u.Name }

// Package is the lower-cased "owner/name[/path]", as advisories name actions.
func (u actionUse) Package() string {
	if u.Path == "" {
		return u.Slug()
	}
	return u.Slug() + "/" + strings.ToLower(u.Path)
}

// Value is the uses: value as written.
func (u actionUse) Value() string { return strings.TrimSpace(u.Uses.Value) }

// IsSHA reports whether the ref is a full 40-character commit SHA.
func (u actionUse) IsSHA() bool { return arSHARe.MatchString(u.Ref) }

// What is "action" or "reusable workflow", for messages.
func (u actionUse) What() string {
	if u.Reusable {
		return "reusable workflow"
	}
	return "action"
}

// Key is a fingerprint key: where the use stands and what it names, without line numbers.
func (u actionUse) Key(extra string) string {
	return strings.TrimSpace(u.Where + " " + strings.ToLower(u.Value()) + " " + extra)
}

var (
	arSHARe   = regexp.MustCompile(`^[0-9a-fA-F]{40}$`)
	arOwnerRe = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$`)
	arNameRe  = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)
)

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
	parts := strings.SplitN(v[:at], "/", 3)
	if len(parts) < 2 || !arOwnerRe.MatchString(parts[0]) || !arNameRe.MatchString(parts[1]) {
		return "", "", "", "", false
	}
	if len(parts) == 3 {
		path = strings.Trim(parts[2], "/")
	}
	return strings.ToLower(parts[0]), strings.ToLower(parts[1]), path, ref, true
}

// arUses lists every remote uses: of the target's workflows and composite actions, in file order.
func arUses(t *audit.Target) []actionUse {
	var out []actionUse
	for _, file := range t.Files {
		for _, s := range file.Steps() {
			a := s.Uses()
			if a == nil || a.Uses == nil {
				continue
			}
			where := "composite action, " + s.Label()
			if s.Job != nil && s.Job.ID != nil {
				where = fmt.Sprintf("job %q, %s", s.Job.ID.Value, s.Label())
			}
			if u, ok := arNewUse(file, a.Uses, where, false); ok {
				out = append(out, u)
			}
		}
		for _, j := range audit.Jobs(file.Workflow) {
			if j.WorkflowCall == nil || j.WorkflowCall.Uses == nil || j.ID == nil {
				continue
			}
			if u, ok := arNewUse(file, j.WorkflowCall.Uses, fmt.Sprintf("job %q", j.ID.Value), true); ok {
				out = append(out, u)
			}
		}
	}
	return out
}

func arNewUse(file *audit.File, s *actionlint.String, where string, reusable bool) (actionUse, bool) {
	owner, name, path, ref, ok := arParseUse(s.Value)
	if !ok {
		return actionUse{}, false
	}
	return actionUse{File: file, Uses: s, Owner: owner, Name: name, Path: path, Ref: ref, Where: where, Reusable: reusable}, true
}

// arShortSHA abbreviates a commit SHA for messages.
func arShortSHA(sha string) string {
	if len(sha) > 12 {
		return strings.ToLower(sha[:12])
	}
	return strings.ToLower(sha)
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
	low := strings.ToLower(seg)
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
