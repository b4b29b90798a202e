package checks

import (
	"fmt"

	"github.com/rampart-sec/rampart/audit"
)

// UnpinnedTools flags package installs in run: scripts that take whatever version is newest:
// pip, pipx, uv tool, npm -g, go install @latest, cargo, gem, choco and dotnet tool installs.
var UnpinnedTools = &audit.Check{
	ID:         "unpinned-tools",
	Title:      "Tool installed without a pinned version",
	Severity:   audit.Low,
	Confidence: audit.HighConfidence,
	Category:   audit.CategorySupplyChain,
	Doc: `A ` + "`pip install ruff`" + `, ` + "`npm install -g pnpm`" + ` or ` + "`go install golang.org/x/tools/cmd/goimports@latest`" + `
in a step installs whatever its registry serves at that moment. A compromised or typo-squatted release
(the ` + "`ultralytics`" + ` PyPI package, the ` + "`nx`" + ` and ` + "`@ctrl/tinycolor`" + ` npm worms) reaches the job, its
token and its secrets on the next run, and builds stop being reproducible. This is OpenSSF Scorecard's
Pinned-Dependencies for pip, npm, go and the other package managers.

Flagged: ` + "`pip`/`pip3`/`python -m pip`/`uv pip install NAME`" + ` without ` + "`==VERSION`" + `, ` + "`pipx install`" + ` and
` + "`uv tool install`" + ` without a version, ` + "`npm install -g`" + `, ` + "`yarn global add`" + ` and ` + "`pnpm add -g`" + `
without an exact version, ` + "`go install`/`go run PKG@latest`" + ` (or a branch), ` + "`cargo install`" + `
without ` + "`--version`" + ` (or ` + "`NAME@VERSION`" + `), ` + "`gem install`" + ` without ` + "`-v`" + `, ` + "`choco install`" + ` and
` + "`dotnet tool install`" + ` without ` + "`--version`" + `. Installs of local paths, wheels, lock files
(` + "`npm ci`" + `, ` + "`npm install`" + ` in a project) and constraint files are not. ` + "`pip install -r FILE`" + `
without ` + "`--require-hashes`" + ` and upgrades of pip, setuptools and wheel themselves are reported with low
confidence.`,
	Bad: `on: push
permissions: {}
jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - run: |
          pip install ruff
          npm install -g prettier
          go install golang.org/x/tools/cmd/goimports@latest
`,
	Good: `on: push
permissions: {}
jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - run: |
          pip install ruff==0.6.9
          npm install -g prettier@3.3.3
          go install golang.org/x/tools/cmd/goimports@v0.26.0
`,
	Fix: `Pin every tool to an exact version (` + "`ruff==0.6.9`, `prettier@3.3.3`, `goimports@v0.26.0`, `cargo install --locked --version 1.2.3`" + `);
better, install from a lock file with hashes (` + "`pip install --require-hashes -r requirements.txt`" + `, ` + "`npm ci`" + `).

Dependabot and Renovate can keep versions in requirements files and lock files up to date; versions
written inline in workflows need a Renovate regex manager.`,
	References: []string{
		"https://github.com/ossf/scorecard/blob/main/docs/checks.md#pinned-dependencies",
		"https://pip.pypa.io/en/stable/topics/secure-installs/",
		"https://docs.npmjs.com/cli/commands/npm-ci",
	},
	Equivalents: map[string]string{"scorecard": "Pinned-Dependencies (pipCommand, npmCommand, goCommand)"},
	Run:         runUnpinnedTools,
}

func runUnpinnedTools(pass *audit.Pass) error {
	for _, s := range shellScripts(pass.Target) {
		if !s.shellPosix() {
			utPwsh(pass, s)
			continue
		}
		for _, c := range s.Cmds {
			for _, p := range utCheck(c) {
				f := pass.Reportf(s.Ref.File, s.Pos(p.word.Offset), "%s", p.msg)
				if p.low {
					f.Confidence = audit.LowConfidence
				}
				job := ""
				if s.Ref.Job != nil {
					job = s.Ref.Job.ID.Value
				}
				f.Key = fmt.Sprintf("%s %s %s", job, s.Ref.Label(), p.msg)
			}
		}
	}
	return nil
}
