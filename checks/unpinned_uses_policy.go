package checks

import (
	"fmt"
	"sort"
	"strings"
)

// pinPolicy is what an unpinned-uses policy asks of a reference.
type pinPolicy string

// The unpinned-uses policies, from strictest to loosest.
const (
	hashPin pinPolicy = "hash-pin"
	refPin  pinPolicy = "ref-pin"
	anyPin  pinPolicy = "any"
)

// usesPolicy maps patterns ("owner/repo", "owner/*", "*") to policies.
type usesPolicy map[string]pinPolicy

// parseUsesPolicy reads the check's policy setting; without one, every action must be hash-pinned.
func parseUsesPolicy(settings map[string]any) (usesPolicy, error) {
	p := usesPolicy{"*": hashPin}
	raw, ok := settings["policy"]
	if !ok || raw == nil {
		return p, nil
	}
	m, ok := raw.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("checks.unpinned-uses.policy must be a mapping of patterns to %s, %s or %s", hashPin, refPin, anyPin)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v, _ := m[k].(string)
		switch pinPolicy(v) {
		case hashPin, refPin, anyPin:
		default:
			return nil, fmt.Errorf("checks.unpinned-uses.policy: pattern %q has policy %v; want %s, %s or %s", k, m[k], hashPin, refPin, anyPin)
		}
		pat := toLower(strings.TrimSpace(k))
		if strings.Contains(strings.TrimSuffix(pat, "/*"), "*") && pat != "*" {
			return nil, fmt.Errorf("checks.unpinned-uses.policy: pattern %q: a \"*\" may only stand alone or end the pattern as \"/*\"", k)
		}
		p[pat] = pinPolicy(v)
	}
	return p, nil
}

// lookup returns the policy for an action named owner/repo[/path] and the pattern that chose it.
// The most specific pattern wins: an exact name, then the longest "prefix/*", then "*".
func (p usesPolicy) lookup(name string) (pinPolicy, string) {
	if len(p) == 1 {
		if pol, ok := p["*"]; ok {
			return pol, "*" // the default policy alone
		}
	}
	name = toLower(name)
	best, bestScore := "*", -1
	for pat := range p {
		score := -1
		switch {
		case pat == "*":
			score = 0
		case strings.HasSuffix(pat, "/*"):
			if prefix := strings.TrimSuffix(pat, "*"); strings.HasPrefix(name, prefix) {
				score = 2 * strings.Count(prefix, "/")
			}
		case pat == name || strings.Count(pat, "/") == 1 && strings.HasPrefix(name, pat+"/"):
			// "owner/repo" also covers the actions and workflows inside that repository.
			score = 2*strings.Count(pat, "/") + 1
		}
		if score > bestScore || score == bestScore && pat < best {
			best, bestScore = pat, score
		}
	}
	if bestScore < 0 {
		return hashPin, ""
	}
	return p[best], best
}

// usesRef is a parsed remote uses: value, "owner/repo[/path]@ref".
type usesRef struct {
	Name  string // owner/repo[/path]
	Owner string
	Repo  string // owner/repo
	Ref   string
	// HasRef is false when the value has no "@".
	HasRef bool
}

func parseUsesRef(v string) (usesRef, bool) {
	v = strings.TrimSpace(v)
	if v == "" || strings.HasPrefix(v, "./") || strings.HasPrefix(v, "../") || strings.HasPrefix(v, "$/") || strings.HasPrefix(v, "docker://") || strings.Contains(v, "${{") {
		return usesRef{}, false
	}
	r := usesRef{Name: v}
	if i := strings.LastIndex(v, "@"); i >= 0 {
		r.Name, r.Ref, r.HasRef = v[:i], v[i+1:], true
	}
	owner, rest, ok := strings.Cut(r.Name, "/")
	repo, _, _ := strings.Cut(rest, "/")
	if !ok || owner == "" || repo == "" {
		return usesRef{}, false
	}
	r.Owner, r.Repo = toLower(owner), toLower(r.Name[:len(owner)+1+len(repo)])
	return r, true
}

// githubOwners are the owners whose actions GitHub itself publishes.
var githubOwners = map[string]bool{"actions": true, "github": true, "dependabot": true}

// isShortSHA reports whether ref is 7 to 39 hexadecimal digits with at least one letter
// (all digits reads as a version or a number, not a SHA).
func isShortSHA(ref string) bool {
	if len(ref) < 7 || len(ref) > 39 {
		return false
	}
	letter := false
	for i := 0; i < len(ref); i++ {
		c := ref[i]
		if !isHexDigit(c) {
			return false
		}
		letter = letter || c > '9'
	}
	return letter
}

// isVersionRef reports whether ref looks like a release tag: v4, 1.2.3, v2.0.0-beta.1. It is
// ^[vV]?\d+(\.\d+)*([-+._][0-9A-Za-z.\-+_]*)?$ written out, which reduces to digits after an
// optional v, then nothing, or one of -+._ and any of those characters, letters and digits.
func isVersionRef(ref string) bool {
	i := 0
	if i < len(ref) && (ref[i] == 'v' || ref[i] == 'V') {
		i++
	}
	start := i
	for i < len(ref) && '0' <= ref[i] && ref[i] <= '9' {
		i++
	}
	if i == start {
		return false
	}
	if i == len(ref) {
		return true
	}
	if c := ref[i]; c != '-' && c != '+' && c != '.' && c != '_' {
		return false
	}
	for i++; i < len(ref); i++ {
		if c := ref[i]; !isAlnum(c) && c != '.' && c != '-' && c != '+' && c != '_' {
			return false
		}
	}
	return true
}

// branchNames are refs that are almost always branches (or tags moved on every release).
var branchNames = map[string]bool{
	"main": true, "master": true, "develop": true, "development": true, "dev": true, "trunk": true,
	"head": true, "latest": true, "stable": true, "nightly": true, "edge": true, "next": true,
	"canary": true, "release": true, "unstable": true, "beta": true, "alpha": true,
}

// refKind classifies a ref: "sha", "short-sha", "branch", "tag" or "none".
func refKind(r usesRef) string {
	switch {
	case !r.HasRef || r.Ref == "":
		return "none"
	case isFullSHA(r.Ref):
		return "sha"
	case isShortSHA(r.Ref):
		return "short-sha"
	case isVersionRef(r.Ref):
		return "tag"
	case branchNames[toLower(r.Ref)] || strings.Contains(r.Ref, "/"):
		return "branch"
	}
	return "ref"
}
