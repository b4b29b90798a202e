package checks

import (
	"fmt"
	"path"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// ForbiddenUses flags actions and reusable workflows that the config's allow-actions list leaves
// out or its deny-actions list names.
var ForbiddenUses = &audit.Check{
	ID:         "forbidden-uses",
	Title:      "Action not allowed by the config's allow or deny list",
	Severity:   audit.High,
	Confidence: audit.HighConfidence,
	Category:   audit.CategorySupplyChain,
	Doc: `Organizations often allow only actions they have reviewed: GitHub's own, their own, and a short list of
vetted third parties; or they ban actions known to be compromised or abandoned. GitHub can enforce an allow
list in the organization's settings, but only on GitHub Enterprise or for public repositories, and not for
actions referenced by a composite action. This check enforces the lists in ` + "`.github/rampart.yml`" + ` (or the
file given with ` + "`--config`" + `) wherever rampart runs:

` + "```yaml" + `
allow-actions: ["actions/*", "github/codeql-action/*", "myorg/*"]
deny-actions: ["tj-actions/changed-files", "someone/action@main"]
` + "```" + `

With ` + "`allow-actions`" + `, every ` + "`uses:`" + ` (step or reusable workflow) must match one of its patterns; with
` + "`deny-actions`" + `, none may match one of those. A pattern is ` + "`*`" + `, ` + "`owner/*`" + ` (or just ` + "`owner`" + `), ` + "`owner/repo`" + ` (which also covers the
actions inside the repository, ` + "`owner/repo/path`" + `), ` + "`owner/repo/*`" + `, an exact ` + "`owner/repo/path`" + `, any of them followed by
` + "`@ref`" + ` to match one ref only, or another shell-style glob. Matching ignores case. Local actions (` + "`./path`" + `)
are always allowed; ` + "`docker://`" + ` images are checked only when a pattern starts with ` + "`docker://`" + `. Without either
list the check reports nothing.`,
	Bad: `# with .github/rampart.yml holding: allow-actions: ["actions/*"]
on: push
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
      - uses: tj-actions/changed-files@ed68ef82c095e0d48ec87eccea555d944a631a4c # v46.0.5
`,
	Good: `# with .github/rampart.yml holding: allow-actions: ["actions/*"]
on: push
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
      - run: git diff --name-only "$BEFORE" HEAD
        env:
          BEFORE: ${{ github.event.before }}
`,
	Fix: `Replace the action with an allowed one or with a few lines of script, or, after reviewing it, add it to
` + "`allow-actions`" + ` (or take it off ` + "`deny-actions`" + `) in the config.`,
	References: []string{
		"https://docs.zizmor.sh/audits/#forbidden-uses",
		"https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/enabling-features-for-your-repository/managing-github-actions-settings-for-a-repository#allowing-select-actions-and-reusable-workflows-to-run",
	},
	Equivalents:   map[string]string{"zizmor": "forbidden-uses"},
	ExampleConfig: "allow-actions: [\"actions/*\"]\n",
	Run:           runForbiddenUses,
}

func runForbiddenUses(pass *audit.Pass) error {
	cfg := pass.Config
	if cfg == nil || len(cfg.AllowActions) == 0 && len(cfg.DenyActions) == 0 {
		return nil
	}
	for _, list := range [][]string{cfg.AllowActions, cfg.DenyActions} {
		for _, p := range list {
			if _, err := path.Match(strings.ToLower(p), ""); err != nil {
				return fmt.Errorf("allow-actions/deny-actions: bad pattern %q: %v", p, err)
			}
		}
	}
	docker := false
	for _, p := range append(append([]string{}, cfg.AllowActions...), cfg.DenyActions...) {
		docker = docker || strings.HasPrefix(strings.ToLower(p), "docker://")
	}
	for _, file := range pass.Target.Files {
		for _, s := range file.Steps() {
			if a := s.Uses(); a != nil && a.Uses != nil {
				where := "composite action, " + s.Label()
				if s.Job != nil {
					where = fmt.Sprintf("job %q, %s", s.Job.ID.Value, s.Label())
				}
				fuCheck(pass, cfg, file, a.Uses, "action", where, docker)
			}
		}
		for _, j := range arJobs(file) {
			if j.WorkflowCall != nil && j.WorkflowCall.Uses != nil {
				fuCheck(pass, cfg, file, j.WorkflowCall.Uses, "reusable workflow", fmt.Sprintf("job %q", j.ID.Value), docker)
			}
		}
	}
	return nil
}

func fuCheck(pass *audit.Pass, cfg *audit.Config, file *audit.File, uses *actionlint.String, what, where string, docker bool) {
	v := strings.TrimSpace(uses.Value)
	if v == "" || strings.HasPrefix(v, "./") || strings.Contains(v, "${{") || strings.HasPrefix(v, "docker://") && !docker {
		return
	}
	name, ref := v, ""
	if !strings.HasPrefix(v, "docker://") {
		name, ref, _ = strings.Cut(v, "@")
	}
	var msg string
	if p := fuMatch(cfg.DenyActions, name, ref); p != "" {
		msg = fmt.Sprintf("%s %q matches deny-actions pattern %q", what, v, p)
	} else if len(cfg.AllowActions) > 0 && fuMatch(cfg.AllowActions, name, ref) == "" {
		msg = fmt.Sprintf("%s %q matches no allow-actions pattern", what, v)
	} else {
		return
	}
	f := pass.Reportf(file, uses.Pos, "%s (%s)", msg, where)
	f.Key = where + " " + strings.ToLower(name)
}

// fuMatch returns the first pattern that matches an action name (owner/repo[/path]) and ref.
func fuMatch(patterns []string, name, ref string) string {
	name = strings.ToLower(name)
	for _, p := range patterns {
		pat := strings.ToLower(strings.TrimSpace(p))
		pname, pref, hasRef := strings.Cut(pat, "@")
		if strings.HasPrefix(pat, "docker://") {
			pname, hasRef = pat, false
		}
		if hasRef && pref != ref && !fuGlob(pref, strings.ToLower(ref)) {
			continue
		}
		if fuName(pname, name) {
			return p
		}
	}
	return ""
}

// fuName matches a name pattern: "*", "owner/*" and "owner/repo/*" cover any depth below them,
// "owner/repo" covers the repository's inner actions too, anything else is a glob.
func fuName(pat, name string) bool {
	switch {
	case pat == "*":
		return true
	case strings.HasSuffix(pat, "/*") && !strings.ContainsAny(strings.TrimSuffix(pat, "/*"), "*?["):
		return strings.HasPrefix(name, strings.TrimSuffix(pat, "*"))
	case pat == name:
		return true
	case !strings.ContainsAny(pat, "/*?[:"):
		// A bare owner stands for owner/*.
		return strings.HasPrefix(name, pat+"/")
	case strings.Count(pat, "/") == 1 && !strings.ContainsAny(pat, "*?[") && !strings.HasPrefix(pat, "docker://"):
		return strings.HasPrefix(name, pat+"/")
	}
	return fuGlob(pat, name)
}

func fuGlob(pat, s string) bool {
	ok, err := path.Match(pat, s)
	return err == nil && ok
}
