package checks

import (
	"strings"

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
	for _, file := range pass.Target.Files {
		for _, s := range shellScriptsOf(file) {
			utScript(pass, s)
		}
	}
	return nil
}

func utScript(pass *audit.Pass, s *shellScript) {
	if !s.shellPosix() {
		// Every match of utPwshCmds starts with one of its names (see shellPwshToolMaybe).
		if utPwshSubMaybe(s) && shellPwshToolMaybe(s.Text) && utPwshMaybe(s.Folded()) {
			utPwsh(pass, s)
		}
		return
	}
	// utCheck needs what utMay looks for (unless quotes join a word that it looks for: utMaybe
	// then decides), and what utMaybe looks for: a program's name directly followed by a
	// subcommand's.
	w := s.Words()
	joined := w.Joined(s.Text, utJoinMatters)
	if !joined && !utMay(s, w) || !utMaybe(s.Folded()) {
		return
	}
	// A plain list of commands is read without the parse (see plainCmds); else, with installs on
	// simple lines only, utCheck can tell without the parse that there is nothing to report.
	cmds, plain := s.CmdsIfPlain()
	if !plain {
		if !joined && utNoneAt(s, w) {
			return
		}
		cmds = s.Cmds()
	}
	{
		for _, c := range cmds {
			for _, p := range utCheck(c) {
				f := pass.Reportf(s.Ref.File, s.Pos(p.word.Offset), "%s", p.msg)
				if p.low {
					f.Confidence = audit.LowConfidence
				}
				job := ""
				if s.Ref.Job != nil {
					job = s.Ref.Job.ID.Value
				}
				f.Key = job + " " + s.Ref.Label() + " " + p.msg
			}
		}
	}
}

// utMaybe reports whether a POSIX script (folded: see shellScript.Folded) may run an install
// that utCheck knows, so that scripts that do not are never parsed: each needs the program's
// name as a word, then blanks, then its subcommand (npm's -g and go's @version anywhere).
func utMaybe(f string) bool {
	install := strings.Contains(f, "install")
	switch {
	case install && (utFollowed(f, "pip", "install") || utFollowed(f, "pipx", "install") || utFollowed(f, "cargo", "install", "binstall") ||
		utFollowed(f, "gem", "install") || utFollowed(f, "choco", "install")):
		return true
	case strings.Contains(f, "tool") && (utFollowed(f, "uv", "tool") || utFollowed(f, "dotnet", "tool")):
		return true
	case strings.Contains(f, "global") && utFollowed(f, "yarn", "global"):
		return true
	case strings.Contains(f, "upgrade") && utFollowed(f, "choco", "upgrade"):
		return true
	case (strings.Contains(f, "-g") || strings.Contains(f, "--location")) &&
		(utFollowed(f, "npm", "install", "i", "add") || utFollowed(f, "pnpm", "install", "i", "add") || utFollowed(f, "bun", "install", "i", "add")):
		return true
	case strings.Contains(f, "@") && (install || strings.Contains(f, "run")) && utFollowed(f, "go", "install", "run"):
		return true
	}
	return false
}

// utFollowed reports whether folded text holds name as a command's name (a word, or the last
// element of a path; "pip" also with a version, pip3.12) followed by one of subs as the next word.
func utFollowed(f, name string, subs ...string) bool {
	for off := 0; ; {
		i := strings.Index(f[off:], name)
		if i < 0 {
			return false
		}
		i += off
		off = i + 1
		if i > 0 && shellWordByte(f[i-1]) {
			continue
		}
		j := i + len(name)
		if name == "pip" {
			for j < len(f) && (f[j] >= '0' && f[j] <= '9' || f[j] == '.') {
				j++
			}
		}
		// The name's word ends here (a trailing / is dropped from a program's name); blanks and
		// line continuations separate it from the next word.
		for j < len(f) && f[j] == '/' {
			j++
		}
		k := j
		for k < len(f) && (f[k] == ' ' || f[k] == '\t' || f[k] == '\\' && k+1 < len(f) && f[k+1] == '\n') {
			if f[k] == '\\' {
				k++
			}
			k++
		}
		if k == j {
			continue
		}
		for _, sub := range subs {
			if strings.HasPrefix(f[k:], sub) && (k+len(sub) == len(f) || !shellWordByte(f[k+len(sub)])) {
				return true
			}
		}
	}
}

// utPwshSubMaybe reports whether a PowerShell or cmd script may hold a subcommand that utCheck
// needs: install (binstall), tool, global, upgrade, run or add, or else i, which needs -g,
// --global or --location global. utPwsh compares a word as it is, its quotes trimmed, and finds
// the words with strings.Fields: such a word is in the text after a blank or a quote and before
// one, or before the end of its command (a newline, ';', '|', '&' or the end of the text), so
// the word scan has an anchor there, unless the text holds a space that strings.Fields splits
// at and shellBound lacks (FieldsSpace); utPwshSubMaybeText then decides.
func utPwshSubMaybe(s *shellScript) bool {
	w := s.Words()
	if w.FieldsSpace {
		return utPwshSubMaybeText(s.Text)
	}
	i := false
	for _, a := range w.Anchors {
		switch a.Kind {
		case saInstall, saBinstall, saTool, saGlobal, saUpgrade, saRun, saAdd:
			return true
		case saI:
			i = true
		}
	}
	return i && (strings.Contains(s.Text, "-g") || strings.Contains(s.Text, "global"))
}

// utPwshSubMaybeText is utPwshSubMaybe by the text alone: the subcommands, or -g, anywhere in it.
func utPwshSubMaybeText(text string) bool {
	for _, w := range []string{"install", "tool", "global", "upgrade", "run", "add", "-g"} {
		if strings.Contains(text, w) {
			return true
		}
	}
	return false
}

// utPwshMaybe reports whether a PowerShell or cmd script (folded) may hold a command of utPwshCmds.
func utPwshMaybe(f string) bool {
	for _, name := range []string{"pip", "py", "npm", "go", "cargo", "gem", "choco", "dotnet", "uv"} {
		if strings.Contains(f, name) {
			return true
		}
	}
	return false
}
