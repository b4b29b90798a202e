package checks

import (
	"bytes"
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
confidence, and so is an ` + "`env:`" + ` block that is one expression as a whole (` + "`env: ${{ matrix.env }}`" + `), with medium
confidence when the file names the variable anywhere (in the matrix it reads, say).`,
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
		var odd int8 // icOddSource(file.Source), read at the first env: map (0 not yet, 1 no, 2 yes)
		if w := file.Workflow; w != nil {
			if w.Env != nil {
				icEnv(pass, file, w.Env, &odd, func() string { return "workflow env" })
			}
			for _, j := range file.Jobs() { // sorted once per file and shared with other checks
				if j.Env != nil {
					icEnv(pass, file, j.Env, &odd, func() string { return "job " + j.ID.Value + " env" })
				}
				icStepsEnv(pass, file, j, j.Steps, &odd)
			}
		}
		if a := file.Action; a != nil && a.Runs != nil {
			if a.Runs.Env != nil {
				icEnv(pass, file, a.Runs.Env, &odd, func() string { return "action env" })
			}
			icStepsEnv(pass, file, nil, a.Runs.Steps, &odd)
		}
		// The scripts, whose Words().Unsecure is strings.Contains(s.Text, icName), read off the
		// shared word scan (a search of every script before).
		for _, s := range shellScriptsOf(file) {
			if !s.Words().Unsecure {
				continue
			}
			if loc := icScriptRe.FindStringIndex(s.Text); loc != nil {
				label := s.Ref.Label()
				f := pass.Reportf(file, s.Pos(loc[0]), "%s writes %s=true to the job's environment, re-enabling the set-env and add-path commands", label, icName)
				f.Key = label + " script"
			}
		}
	}
	return nil
}

// icKey is icName as a key of actionlint.Env.Vars, which strings.ToLower gives every name.
const icKey = "actions_allow_unsecure_commands"

// icOddSource reports whether a name in src may fold to icName without lower-casing to icKey:
// one with "ſ" (which folds to S but is its own lower case), written as itself or as a YAML
// escape (icLongSEscape), or any in a source the YAML parser decodes from UTF-16 (after a byte
// order mark), where "ſ" has other bytes.
func icOddSource(src []byte) bool {
	return bytes.HasPrefix(src, []byte("\xff\xfe")) || bytes.HasPrefix(src, []byte("\xfe\xff")) || bytes.Contains(src, []byte("ſ")) ||
		icLongSEscape(src)
}

// icLongSEscape reports whether src holds "ſ" as a double-quoted YAML escape, \u017f or
// \U0000017f (hex digits in either case); \x escapes stop at U+00FF.
func icLongSEscape(src []byte) bool {
	for i := 0; ; {
		j := bytes.Index(src[i:], []byte("017"))
		if j < 0 {
			return false
		}
		j += i
		if j+3 < len(src) && src[j+3]|0x20 == 'f' &&
			(j >= 2 && src[j-2] == '\\' && src[j-1] == 'u' || j >= 6 && string(src[j-6:j]) == "\\U0000") {
			return true
		}
		i = j + 1
	}
}

// icEnv reports an env: block that sets ACTIONS_ALLOW_UNSECURE_COMMANDS; where names the block
// for the message (called only when there is something to report). Unless the file's source is
// odd (icOddSource, read into *odd at the file's first env: map), the one key that can hold such
// a name is looked up instead of every key read.
func icEnv(pass *audit.Pass, file *audit.File, env *actionlint.Env, odd *int8, where func() string) {
	if e := env.Expression; e != nil && e.Pos != nil {
		// The whole block is an expression (env: ${{ matrix.env }}): it may set anything. When the
		// file names the variable anywhere (in the matrix it reads, say), that is likely.
		f := pass.Reportf(file, e.Pos, "%s is set as a whole by the expression %q, which may set %s and re-enable the set-env and add-path commands", where(), strings.TrimSpace(e.Value), icName)
		f.Confidence, f.Key = audit.LowConfidence, where()
		if icMentionsName(file.Source) {
			f.Confidence = audit.MediumConfidence
			f.Message += "; the file names " + icName
		}
		return
	}
	var names []string
	if len(env.Vars) == 0 {
		return
	}
	if *odd == 0 {
		*odd = 1
		if icOddSource(file.Source) {
			*odd = 2
		}
	}
	if *odd == 1 {
		if v := env.Vars[icKey]; v != nil && v.Name != nil && v.Value != nil && icIsName(v.Name.Value) {
			names = append(names, icKey)
		}
	} else {
		for k, v := range env.Vars {
			if v != nil && v.Name != nil && v.Value != nil && icIsName(v.Name.Value) {
				names = append(names, k)
			}
		}
	}
	if len(names) == 0 {
		return
	}
	sort.Strings(names)
	for _, k := range names {
		v := env.Vars[k]
		val := strings.TrimSpace(v.Value.Value)
		switch {
		case strings.EqualFold(val, "true"):
			f := pass.Reportf(file, v.Name.Pos, "%s sets %s: true, re-enabling the set-env and add-path commands", where(), icName)
			f.Key = where()
		case strings.Contains(val, "${{"):
			f := pass.Reportf(file, v.Name.Pos, "%s sets %s from the expression %q, which may re-enable the set-env and add-path commands", where(), icName, val)
			f.Confidence, f.Key = audit.LowConfidence, where()
		}
	}
}

// icMentionsName reports whether src holds icName in any ASCII case.
func icMentionsName(src []byte) bool {
	return bytes.Contains(bytes.ToUpper(src), []byte(icName))
}

// icIsName is strings.EqualFold(name, icName), which most env names fail on their length alone:
// a name that folds to icName has as many runes, each ASCII or (for an S) the two-byte long s "ſ".
func icIsName(name string) bool {
	return len(name) >= len(icName) && len(name) <= 2*len(icName) && strings.EqualFold(name, icName)
}

// icStepsEnv checks the env: blocks of steps.
func icStepsEnv(pass *audit.Pass, file *audit.File, job *actionlint.Job, steps []*actionlint.Step, odd *int8) {
	for i, st := range steps {
		if st == nil || st.Env == nil {
			continue
		}
		icEnv(pass, file, st.Env, odd, func() string { return audit.StepRef{File: file, Job: job, Index: i, Step: st}.Label() + " env" })
	}
}
