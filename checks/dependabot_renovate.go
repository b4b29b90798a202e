package checks

import (
	"bytes"

	"github.com/rampart-sec/rampart/audit"
)

// dbDependabotFile returns the target's dependabot.yml, or nil.
func dbDependabotFile(t *audit.Target) (f *audit.File, inTarget bool) {
	if f := t.Dependabot(); f != nil {
		return f, true
	}
	return nil, false
}

// dbRenovateFound reports whether the target shows that Renovate runs on it: a config file (in the
// target's markers, which the loader found through its root) or a `# renovate:` comment. A
// workflow running Renovate (uses: renovatebot/...) is found by the caller's walk of the uses.
func dbRenovateFound(t *audit.Target) bool {
	if t.Has(audit.MarkerRenovatePackageJSON) {
		return true
	}
	for _, p := range audit.MarkerFiles {
		if t.Has(p) {
			return true
		}
	}
	for _, f := range t.Files {
		if f.Kind == audit.KindWorkflow && dbRenovateComment(f.Source) {
			return true
		}
	}
	return false
}

// dbRenovateComment reports whether src has a `# renovate:` comment, as dbRenovateCommentRe
// ((?i)#\s*renovate\s*:) matches it, from each "#" rather than with the regular expression: "renovate"
// has no letter that folds outside ASCII, and \s is [\t\n\f\r ].
func dbRenovateComment(src []byte) bool {
	const word = "renovate"
	for off := 0; ; {
		i := bytes.IndexByte(src[off:], '#')
		if i < 0 {
			return false
		}
		j := off + i + 1
		off = j
		for j < len(src) && dbSpace(src[j]) {
			j++
		}
		if len(src)-j < len(word) {
			continue
		}
		k := 0
		for k < len(word) && (src[j+k] == word[k] || src[j+k] == word[k]-('a'-'A')) {
			k++
		}
		if k < len(word) {
			continue
		}
		j += len(word)
		for j < len(src) && dbSpace(src[j]) {
			j++
		}
		if j < len(src) && src[j] == ':' {
			return true
		}
	}
}

func dbSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' }
