package checks

import (
	"fmt"
	"regexp"
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

var cpCommentVersionRe = regexp.MustCompile(`#\s*(v?\d+(?:\.\d+)*)`)

// cpCacheUse says whether a step restores a cache, what it restores, where to report it, and how
// sure that is.
func cpCacheUse(file *audit.File, s audit.StepRef) (string, *actionlint.Pos, audit.Confidence, bool) {
	name, ref, a, ok := pcUses(s)
	if !ok {
		return "", nil, 0, false
	}
	if name == "docker/build-push-action" || name == "docker/bake-action" {
		for _, key := range []string{"cache-from", "set"} {
			if v, node := pcInput(a, key); strings.Contains(v, "type=gha") {
				return fmt.Sprintf("restores the GitHub Actions cache (%s: type=gha)", key), node.Pos, audit.HighConfidence, true
			}
		}
		return "", nil, 0, false
	}
	t, known := cpCacheActions[name]
	if !known {
		return "", nil, 0, false
	}
	what := fmt.Sprintf("restores a cache (%s)", name)
	v, node := pcInput(a, t.input)
	if t.input == "" || node == nil || v == "" {
		on := t.onByDefault
		major := pcMajor(ref)
		if major < 0 && a.Uses.Pos != nil {
			if m := cpCommentVersionRe.FindStringSubmatch(file.Line(a.Uses.Pos.Line)); m != nil {
				major = pcMajor(m[1])
			}
		}
		if on && t.sinceMajor > 0 && major >= 0 && major < t.sinceMajor {
			on = false
		}
		if on && t.beforeMajor > 0 && (major < 0 || major >= t.beforeMajor) {
			on = false
		}
		if !on {
			return "", nil, 0, false
		}
		if t.input != "" && !t.optOut {
			what = fmt.Sprintf("restores a cache (%s caches by default; %q is not set)", name, t.input)
		}
		return what, a.Uses.Pos, audit.HighConfidence, true
	}
	if strings.Contains(v, "${{") {
		// Written with releases in mind: `cache: ${{ !startsWith(github.ref, 'refs/tags/') }}`.
		if strings.Contains(v, "refs/tags") || strings.Contains(v, "ref_type") || strings.Contains(v, "event_name") {
			return "", nil, 0, false
		}
		return fmt.Sprintf("may restore a cache (%s: %s)", t.input, v), node.Pos, audit.LowConfidence, true
	}
	on := t.anyValue && !strings.EqualFold(v, "false") || !t.anyValue && pcTrue(v)
	if t.optOut {
		on = !pcTrue(v)
	}
	if !on {
		return "", nil, 0, false
	}
	if !t.optOut {
		what = fmt.Sprintf("restores a cache (%s: %s)", t.input, v)
	}
	return what, node.Pos, audit.HighConfidence, true
}
