package checks

import (
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"go.yaml.in/yaml/v4"
)

// DependabotExecution flags Dependabot update entries that let package managers run the
// dependencies' own code while Dependabot updates them.
var DependabotExecution = &audit.Check{
	ID:          "dependabot-execution",
	Title:       "Dependabot allowed to execute dependencies' code",
	Severity:    audit.High,
	Confidence:  audit.HighConfidence,
	Category:    audit.CategorySupplyChain,
	ExamplePath: ".github/dependabot.yml",
	Doc: `Some package managers run code from the dependencies they resolve: ` + "`setup.py`" + ` for ` + "`pip`" + `, a
gemspec or ` + "`Gemfile`" + ` for ` + "`bundler`" + `, ` + "`mix.exs`" + ` for ` + "`mix`" + `. Dependabot refuses to do so unless an
update entry says ` + "`insecure-external-code-execution: allow`" + `. With it, any new version of any dependency
(including one published minutes ago by whoever took over a maintainer's account) runs inside the
Dependabot update job, where the credentials of the private registries the entry is given
(` + "`registries:`" + `) are available to it, and can shape the pull request Dependabot then opens.`,
	Bad: `version: 2
registries:
  python-internal:
    type: python-index
    url: https://pypi.example.com/simple
    token: ${{secrets.PYPI_TOKEN}}
updates:
  - package-ecosystem: pip
    directory: /
    insecure-external-code-execution: allow
    registries: [python-internal]
    schedule:
      interval: weekly
    cooldown:
      default-days: 7
`,
	Good: `version: 2
registries:
  python-internal:
    type: python-index
    url: https://pypi.example.com/simple
    token: ${{secrets.PYPI_TOKEN}}
updates:
  - package-ecosystem: pip
    directory: /
    insecure-external-code-execution: deny
    registries: [python-internal]
    schedule:
      interval: weekly
    cooldown:
      default-days: 7
`,
	Fix: `Remove ` + "`insecure-external-code-execution: allow`" + ` (or set it to ` + "`deny`" + `, the default). If Dependabot then
cannot resolve a dependency, declare its metadata statically (a ` + "`pyproject.toml`" + `, a lockfile) rather than
let its code run; if you must allow execution, give that entry no private registry.`,
	References: []string{
		"https://docs.github.com/en/code-security/dependabot/working-with-dependabot/dependabot-options-reference#insecure-external-code-execution--",
		"https://docs.zizmor.sh/audits/#dependabot-execution",
	},
	Equivalents: map[string]string{"zizmor": "dependabot-execution"},
	Run:         runDependabotExecution,
}

func runDependabotExecution(pass *audit.Pass) error {
	file := pass.Target.Dependabot()
	for _, u := range dbUpdates(file) {
		_, v := dbGet(u.Node, "insecure-external-code-execution")
		if v == nil || v.Kind != yaml.ScalarNode || !strings.EqualFold(strings.TrimSpace(v.Value), "allow") {
			continue
		}
		f := pass.Reportf(file, dbPos(v), "%s sets insecure-external-code-execution to %q: the package manager runs the dependencies' own code during updates", u.Label(), v.Value)
		if _, regs := dbGet(u.Node, "registries"); regs != nil {
			f.Message += ", with the entry's private registry credentials at hand"
		}
		f.Key = u.Key("allow")
		f.Related = append(f.Related, audit.Location{File: file.Path, Line: u.EcosystemNode.Line, Column: u.EcosystemNode.Column, EndLine: u.EcosystemNode.Line, Note: "update entry"})
	}
	return nil
}
