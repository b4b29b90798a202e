package checks

import (
	"regexp"

	"github.com/rampart-sec/rampart/audit"
)

var dbRenovateCommentRe = regexp.MustCompile(`(?i)#\s*renovate\s*:`)

// dbDependabotFile returns the target's dependabot.yml, or nil.
func dbDependabotFile(t *audit.Target) (f *audit.File, inTarget bool) {
	if f := t.Dependabot(); f != nil {
		return f, true
	}
	return nil, false
}

// dbRenovateFound reports whether the target shows that Renovate runs on it: a config file (in the
// target's markers, which the loader found through its root), a workflow running Renovate, or a `# renovate:` comment.
func dbRenovateFound(t *audit.Target) bool {
	for _, p := range append(audit.MarkerFiles, audit.MarkerRenovatePackageJSON) {
		if t.Has(p) {
			return true
		}
	}
	for _, u := range arUses(t) {
		if u.Owner == "renovatebot" {
			return true
		}
	}
	for _, f := range t.Workflows() {
		if dbRenovateCommentRe.Match(f.Source) {
			return true
		}
	}
	return false
}
