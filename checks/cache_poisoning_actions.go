package checks

import (
	"fmt"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// cpToggle says how an action's cache is switched: by an input that turns it on (optIn) or off
// (optOut), whether it is on when the input is absent, and which values of an opt-in input count.
type cpToggle struct {
	input  string
	optOut bool
	// onByDefault: the cache is on when the input is not set.
	onByDefault bool
	// anyValue: any non-empty value of an opt-in input turns the cache on ("cache: npm").
	anyValue bool
	// sinceMajor: onByDefault holds from this major version on (setup-go v4); 0 for always.
	sinceMajor int
	// beforeMajor: onByDefault holds below this major version (setup-uv); 0 for always.
	beforeMajor int
}

// cpCacheActions are the actions that restore a cache, keyed by lower-case name.
var cpCacheActions = map[string]cpToggle{
	"actions/cache":                             {input: "lookup-only", optOut: true, onByDefault: true},
	"actions/cache/restore":                     {onByDefault: true},
	"actions/setup-java":                        {input: "cache", anyValue: true},
	"actions/setup-python":                      {input: "cache", anyValue: true},
	"actions/setup-node":                        {input: "cache", anyValue: true},
	"actions/setup-go":                          {input: "cache", onByDefault: true, sinceMajor: 4},
	"actions/setup-dotnet":                      {input: "cache"},
	"astral-sh/setup-uv":                        {input: "enable-cache", onByDefault: true, beforeMajor: 10},
	"swatinem/rust-cache":                       {input: "lookup-only", optOut: true, onByDefault: true},
	"ruby/setup-ruby":                           {input: "bundler-cache"},
	"pyo3/maturin-action":                       {input: "sccache"},
	"mlugg/setup-zig":                           {input: "use-cache", onByDefault: true},
	"oven-sh/setup-bun":                         {input: "no-cache", optOut: true, onByDefault: true},
	"determinatesystems/magic-nix-cache-action": {input: "use-gha-cache", onByDefault: true},
	"graalvm/setup-graalvm":                     {input: "cache", anyValue: true},
	"gradle/actions/setup-gradle":               {input: "cache-disabled", optOut: true, onByDefault: true},
	"gradle/gradle-build-action":                {input: "cache-disabled", optOut: true, onByDefault: true},
	"actions-rust-lang/setup-rust-toolchain":    {input: "cache", onByDefault: true},
	"mozilla-actions/sccache-action":            {onByDefault: true},
	"nix-community/cache-nix-action":            {onByDefault: true},
	"awalsh128/cache-apt-pkgs-action":           {onByDefault: true},
	"jdx/mise-action":                           {input: "cache", onByDefault: true},
	"ramsey/composer-install":                   {input: "ignore-cache", optOut: true, onByDefault: true},
}

// cpCommentVersion finds the version in a comment after a SHA: the group of the first match of
// #\s*(v?\d+(?:\.\d+)*) in the line.
func cpCommentVersion(line string) (string, bool) {
	digits := func(i int) int {
		for i < len(line) && line[i] >= '0' && line[i] <= '9' {
			i++
		}
		return i
	}
	for off := 0; ; {
		i := strings.IndexByte(line[off:], '#')
		if i < 0 {
			return "", false
		}
		i += off
		off = i + 1
		j := i + 1
		for j < len(line) && (line[j] == ' ' || line[j] == '\t' || line[j] == '\n' || line[j] == '\f' || line[j] == '\r') {
			j++
		}
		k := j
		if k < len(line) && line[k] == 'v' {
			k++
		}
		e := digits(k)
		if e == k {
			continue
		}
		for e+1 < len(line) && line[e] == '.' && line[e+1] >= '0' && line[e+1] <= '9' {
			e = digits(e + 1)
		}
		return line[j:e], true
	}
}

// cpCacheUse says whether a step restores a cache, what it restores, where to report it, and how
// sure that is.
func cpCacheUse(file *audit.File, s audit.StepRef) (string, *actionlint.Pos, audit.Confidence, bool) {
	u, ok := cpCacheCheck(file, s)
	if !ok {
		return "", nil, 0, false
	}
	return u.what(), u.pos, u.conf, true
}

// cpUse is a cache that a step restores, as cpCacheCheck finds it; what builds its description.
type cpUse struct {
	form  cpForm
	name  string // the action
	key   string // docker's input that holds type=gha
	value string // the value of t.input (cpfExpr, cpfValue)
	t     cpToggle
	pos   *actionlint.Pos
	conf  audit.Confidence
}

type cpForm uint8

const (
	cpfDocker  cpForm = iota // docker/build-push-action or bake-action with type=gha in key
	cpfDefault               // on by default, its input not set
	cpfExpr                  // its input is an expression
	cpfValue                 // its input turns it on
)

func (u cpUse) what() string {
	switch u.form {
	case cpfDocker:
		return fmt.Sprintf("restores the GitHub Actions cache (%s: type=gha)", u.key)
	case cpfDefault:
		if u.t.input != "" && !u.t.optOut {
			return fmt.Sprintf("restores a cache (%s caches by default; %q is not set)", u.name, u.t.input)
		}
	case cpfExpr:
		return fmt.Sprintf("may restore a cache (%s: %s)", u.t.input, u.value)
	case cpfValue:
		if !u.t.optOut {
			return fmt.Sprintf("restores a cache (%s: %s)", u.t.input, u.value)
		}
	}
	return fmt.Sprintf("restores a cache (%s)", u.name)
}

// cpCacheCheck is cpCacheUse without the description, which most callers do not need.
func cpCacheCheck(file *audit.File, s audit.StepRef) (cpUse, bool) {
	name, ref, a, ok := pcUses(s)
	if !ok {
		return cpUse{}, false
	}
	if name == "docker/build-push-action" || name == "docker/bake-action" {
		for _, key := range []string{"cache-from", "set"} {
			if v, node := pcInput(a, key); strings.Contains(v, "type=gha") {
				return cpUse{form: cpfDocker, key: key, pos: node.Pos, conf: audit.HighConfidence}, true
			}
		}
		return cpUse{}, false
	}
	t, known := cpCacheActions[name]
	if !known {
		return cpUse{}, false
	}
	v, node := pcInput(a, t.input)
	if name == "actions/setup-node" && (node == nil || v == "") {
		return cpSetupNodeAuto(file, a, ref)
	}
	if t.input == "" || node == nil || v == "" {
		on := t.onByDefault
		if on && (t.sinceMajor > 0 || t.beforeMajor > 0) {
			// Only these defaults depend on the version (the comment after a SHA is read only here).
			major := pcMajor(ref)
			if major < 0 && a.Uses.Pos != nil {
				if m, ok := cpCommentVersion(file.Line(a.Uses.Pos.Line)); ok {
					major = pcMajor(m)
				}
			}
			if t.sinceMajor > 0 && major >= 0 && major < t.sinceMajor {
				on = false
			}
			if on && t.beforeMajor > 0 && (major < 0 || major >= t.beforeMajor) {
				on = false
			}
		}
		if !on {
			return cpUse{}, false
		}
		return cpUse{form: cpfDefault, name: name, t: t, pos: a.Uses.Pos, conf: audit.HighConfidence}, true
	}
	if strings.Contains(v, "${{") {
		if strings.Contains(v, "refs/tags") || strings.Contains(v, "ref_type") || strings.Contains(v, "event_name") {
			return cpUse{}, false
		}
		return cpUse{form: cpfExpr, name: name, t: t, value: v, pos: node.Pos, conf: audit.LowConfidence}, true
	}
	on := t.anyValue && !strings.EqualFold(v, "false") || !t.anyValue && pcTrue(v)
	if t.optOut {
		on = !pcTrue(v)
	}
	if !on {
		return cpUse{}, false
	}
	return cpUse{form: cpfValue, name: name, t: t, value: v, pos: node.Pos, conf: audit.HighConfidence}, true
}

// cpSetupNodeAuto is actions/setup-node without a cache: input. Since v5 it caches by itself when
// package.json names npm as its packageManager, unless package-manager-cache is false; whether
// package.json does is not known here, so that default is a low-confidence finding, and an
// explicit package-manager-cache: true a high-confidence one.
func cpSetupNodeAuto(file *audit.File, a *actionlint.ExecAction, ref string) (cpUse, bool) {
	t := cpToggle{input: "package-manager-cache"}
	v, node := pcInput(a, t.input)
	switch {
	case node != nil && strings.Contains(v, "${{"):
		return cpUse{form: cpfExpr, name: "actions/setup-node", t: t, value: v, pos: node.Pos, conf: audit.LowConfidence}, true
	case node != nil && v != "":
		if !pcTrue(v) {
			return cpUse{}, false
		}
		return cpUse{form: cpfValue, name: "actions/setup-node", t: t, value: v, pos: node.Pos, conf: audit.HighConfidence}, true
	}
	major := pcMajor(ref)
	if major < 0 && a.Uses.Pos != nil {
		if m, ok := cpCommentVersion(file.Line(a.Uses.Pos.Line)); ok {
			major = pcMajor(m)
		}
	}
	if major < 5 {
		return cpUse{}, false
	}
	return cpUse{form: cpfDefault, name: "actions/setup-node", t: t, pos: a.Uses.Pos, conf: audit.LowConfidence}, true
}
