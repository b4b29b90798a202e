package checks

import (
	"regexp"
	"sort"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// InsecureCommands flags ACTIONS_ALLOW_UNSECURE_COMMANDS, which turns the deprecated set-env and
// add-path workflow commands back on.
var InsecureCommands = &audit.Check{
	ID:         "insecure-commands",
	Title:      "Insecure workflow commands enabled",
	Severity:   audit.High,
	Confidence: audit.HighConfidence,
	Category:   audit.CategoryInjection,
	Doc: `GitHub disabled the ` + "`::set-env::`" + ` and ` + "`::add-path::`" + ` workflow commands in 2020 because any
process that prints to a step's output can use them: a test that echoes a pull request title, a log line of
a dependency, a compiler error quoting attacker text. Printing ` + "`::set-env name=LD_PRELOAD::/tmp/x.so`" + `
then sets an environment variable for every later step of the job (CVE-2020-15228).
Setting ` + "`ACTIONS_ALLOW_UNSECURE_COMMANDS: true`" + ` in an ` + "`env:`" + ` block (workflow, job, step or action)
or writing it to ` + "`$GITHUB_ENV`" + ` turns them back on. A value given by an expression is reported with low
confidence.`,
	Bad: `on: push
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    env:
      ACTIONS_ALLOW_UNSECURE_COMMANDS: true
    steps:
      - run: echo "::add-path::$HOME/bin"
`,
	Good: `on: push
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: echo "$HOME/bin" >> "$GITHUB_PATH"
`,
	Fix: `Remove ` + "`ACTIONS_ALLOW_UNSECURE_COMMANDS`" + ` and use the environment files instead:
` + "`echo \"NAME=value\" >> \"$GITHUB_ENV\"`" + ` and ` + "`echo \"$DIR\" >> \"$GITHUB_PATH\"`" + `. Update actions that still
print ` + "`::set-env`" + ` or ` + "`::add-path`" + ` to a version that does not.`,
	References: []string{
		"https://docs.zizmor.sh/audits/#insecure-commands",
		"https://github.blog/changelog/2020-10-01-github-actions-deprecating-set-env-and-add-path-commands/",
		"https://github.com/advisories/GHSA-mfwh-5m23-j46w",
	},
	Equivalents: map[string]string{"zizmor": "insecure-commands"},
	Run:         runInsecureCommands,
}

const icName = "ACTIONS_ALLOW_UNSECURE_COMMANDS"

var icScriptRe = regexp.MustCompile(`(?i)ACTIONS_ALLOW_UNSECURE_COMMANDS\s*=\s*["']?true\b[^\n]*(GITHUB_ENV|::set-env)|::set-env name=ACTIONS_ALLOW_UNSECURE_COMMANDS::true`)

func runInsecureCommands(pass *audit.Pass) error {
	for _, file := range pass.Target.Files {
		check := func(env *actionlint.Env, where string) { icEnv(pass, file, env, where) }
		if w := file.Workflow; w != nil {
			check(w.Env, "workflow env")
			for _, j := range audit.Jobs(w) {
				check(j.Env, "job "+j.ID.Value+" env")
			}
		}
		if a := file.Action; a != nil && a.Runs != nil {
			check(a.Runs.Env, "action env")
		}
		for _, ref := range file.Steps() {
			check(ref.Step.Env, ref.Label()+" env")
			if s := shellScriptOf(ref); s != nil && strings.Contains(s.Text, icName) {
				if loc := icScriptRe.FindStringIndex(s.Text); loc != nil {
					f := pass.Reportf(file, s.Pos(loc[0]), "%s writes %s=true to the job's environment, re-enabling the set-env and add-path commands", ref.Label(), icName)
					f.Key = ref.Label() + " script"
				}
			}
		}
	}
	return nil
}

func icEnv(pass *audit.Pass, file *audit.File, env *actionlint.Env, where string) {
	if env == nil {
		return
	}
	names := make([]string, 0, len(env.Vars))
	for k := range env.Vars {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		v := env.Vars[k]
		if v == nil || v.Name == nil || !strings.EqualFold(v.Name.Value, icName) || v.Value == nil {
			continue
		}
		val := strings.TrimSpace(v.Value.Value)
		switch {
		case strings.EqualFold(val, "true"):
			f := pass.Reportf(file, v.Name.Pos, "%s sets %s: true, re-enabling the set-env and add-path commands", where, icName)
			f.Key = where
		case strings.Contains(val, "${{"):
			f := pass.Reportf(file, v.Name.Pos, "%s sets %s from the expression %q, which may re-enable the set-env and add-path commands", where, icName, val)
			f.Confidence, f.Key = audit.LowConfidence, where
		}
	}
}
