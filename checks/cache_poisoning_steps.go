package checks

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// Helpers shared by cache-poisoning, artifact-poisoning and use-trusted-publishing: what a step
// uses, its inputs and where a text of its script is; the commands of a script are in
// cache_poisoning_commands.go, which steps publish a release in cache_poisoning_publish.go and
// cache_poisoning_words.go.

// pcUses returns the lower-case name (owner/repo[/path]) and ref of the action a step uses;
// ok is false for run: steps, local actions and docker:// images.
func pcUses(s audit.StepRef) (name, ref string, a *actionlint.ExecAction, ok bool) {
	a = s.Uses()
	if a == nil || a.Uses == nil {
		return "", "", nil, false
	}
	v := strings.TrimSpace(a.Uses.Value)
	if strings.HasPrefix(v, "./") || strings.HasPrefix(v, "docker://") || strings.Contains(v, "${{") {
		return "", "", a, false
	}
	name, ref, _ = strings.Cut(v, "@")
	return toLower(strings.TrimSuffix(name, "/")), ref, a, true
}

// pcInput returns an action input's trimmed value and its node ("" and nil when it is not set).
func pcInput(a *actionlint.ExecAction, key string) (string, *actionlint.String) {
	if a == nil {
		return "", nil
	}
	in := a.Inputs[toLower(key)]
	if in == nil || in.Value == nil {
		return "", nil
	}
	return strings.TrimSpace(in.Value.Value), in.Value
}

// pcMajor returns the major version of a tag ref ("v4.1.0" is 4); -1 for a SHA or branch. It
// matches ^v?(\d+)(?:\.|$) on the trimmed ref.
func pcMajor(ref string) int {
	ref = strings.TrimSpace(ref)
	i := 0
	if strings.HasPrefix(ref, "v") {
		i = 1
	}
	e := i
	for e < len(ref) && ref[e] >= '0' && ref[e] <= '9' {
		e++
	}
	if e == i || e < len(ref) && ref[e] != '.' {
		return -1
	}
	n, _ := strconv.Atoi(ref[i:e])
	return n
}

// pcTrue reports whether an input value reads as true; an expression is not.
func pcTrue(v string) bool {
	switch toLower(strings.Trim(v, `"' `)) {
	case "true", "yes", "on", "1":
		return true
	}
	return false
}

// pcHas reports whether words holds any of the given words.
func pcHas(words []string, any ...string) bool {
	for _, w := range words {
		for _, a := range any {
			if w == a {
				return true
			}
		}
	}
	return false
}

// pcLocate returns the source position of the first occurrence of needle inside a string of the
// file (a run: block), or the string's own position.
func pcLocate(file *audit.File, s *actionlint.String, needle string) *actionlint.Pos {
	if s == nil || s.Pos == nil {
		return nil
	}
	start := file.Offset(s.Pos.Line, s.Pos.Col)
	if start < 0 || needle == "" {
		return s.Pos
	}
	if start < len(file.Source) && (file.Source[start] == '|' || file.Source[start] == '>') {
		// A block scalar's text starts on the next line; skip the header and its comment.
		if nl := bytes.IndexByte(file.Source[start:], '\n'); nl >= 0 {
			start += nl + 1
		}
	}
	limit := min(len(file.Source), start+len(s.Value)+(strings.Count(s.Value, "\n")+2)*256)
	if i := bytes.Index(file.Source[start:limit], []byte(needle)); i >= 0 {
		l, c := file.PosAt(start + i)
		return &actionlint.Pos{Line: l, Col: c}
	}
	return s.Pos
}
