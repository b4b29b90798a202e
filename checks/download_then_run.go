package checks

import (
	"regexp"
	"slices"
	"strings"

	"github.com/rampart-sec/rampart/audit"
)

// DownloadThenRun flags scripts that download code and run it without checking what they got:
// curl | bash, bash <(curl ...), sh -c "$(curl ...)", iex (iwr ...), and a script downloaded to a
// file and run in the same step with no checksum or signature check in between.
var DownloadThenRun = &audit.Check{
	ID:         "download-then-run",
	Title:      "Downloaded script run without verification",
	Severity:   audit.Medium,
	Confidence: audit.HighConfidence,
	Category:   audit.CategorySupplyChain,
	Doc: `A step that pipes a download into a shell (` + "`curl -sSL https://x.sh | bash`" + `) runs whatever the server
returns at that moment, with the job's token, secrets and write access to its outputs. Whoever controls
the URL (the project, its hosting, a compromised CDN or DNS) controls the build, and nothing records what
ran. This is OpenSSF Scorecard's "downloadThenRun" in Pinned-Dependencies.

Flagged forms: a download piped into an interpreter (` + "`sh`, `bash`, `sudo bash`, `python`, `node`..." + `),
` + "`bash <(curl ...)`" + `, ` + "`sh -c \"$(curl ...)\"`" + `, ` + "`eval \"$(wget -O- ...)\"`" + `, PowerShell's
` + "`iex (iwr ...)`" + ` and ` + "`irm ... | iex`" + `, and a script saved with ` + "`curl -o`/`wget -O`" + ` and then run in
the same step. A checksum or signature check of the file in between (` + "`sha256sum -c`" + `,
` + "`shasum -a 256 -c`" + `, ` + "`gpg --verify`" + `, ` + "`cosign verify-blob`" + `, ` + "`minisign -V`" + `) clears it. A URL pinned
to a commit SHA lowers the severity: the content is fixed, but still unverified.`,
	Bad: `on: push
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: curl -fsSL https://get.example.com/install.sh | sudo bash
`,
	Good: `on: push
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: |
          curl -fsSL -o install.sh https://get.example.com/v1.4.2/install.sh
          echo "6f1ed002ab5595859014ebf0951522d9b3d6f53d4a6b5f0e3c0d4a1c6f1e2d3c  install.sh" | sha256sum -c -
          sudo bash install.sh
`,
	Fix: `Download a fixed version to a file, check it against a checksum you recorded (or a signature), then
run it; better, use a pinned action or the distribution's package manager instead of an install script.

` + "```sh\ncurl -fsSLo install.sh https://example.com/v1.4.2/install.sh\necho \"<sha256>  install.sh\" | sha256sum -c -\nbash install.sh\n```",
	References: []string{
		"https://github.com/ossf/scorecard/blob/main/docs/checks.md#pinned-dependencies",
		"https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#using-third-party-actions",
	},
	Equivalents: map[string]string{"scorecard": "Pinned-Dependencies (downloadThenRun)", "poutine": "unverified_script_exec"},
	Run:         runDownloadThenRun,
}

var (
	dtrPwshRe = regexp.MustCompile(`(?i)\b(iex|invoke-expression)\b[^\n]*\b(iwr|irm|invoke-webrequest|invoke-restmethod|downloadstring|curl|wget)\b|\b(iwr|irm|invoke-webrequest|invoke-restmethod|downloadstring)\b[^\n]*\|\s*(iex|invoke-expression)\b|scriptblock\]::create\([^\n]*\b(iwr|irm|invoke-webrequest|invoke-restmethod|downloadstring)\b`)
	dtrSHARe  = regexp.MustCompile(`/[0-9a-f]{40}/`)
)

func runDownloadThenRun(pass *audit.Pass) error {
	for _, file := range pass.Target.Files {
		for _, s := range shellScriptsOf(file) {
			dtrScript(pass, s)
		}
	}
	return nil
}

func dtrScript(pass *audit.Pass, s *shellScript) {
	// dtrPosix needs what dtrPosixMay looks for (unless quotes join a word that it looks for:
	// the tests below then decide); dtrPwshRe iex, invoke-expression or scriptblock]::
	// (PwshExec), or a letter that case folding matches to an ASCII one (OddFold).
	w := s.Words()
	posix := s.shellPosix() && (w.Joined(s.Text, dtrJoinMatters) || dtrPosixMay(s, w))
	if !posix && !w.PwshExec && !w.OddFold {
		return
	}
	{
		if !dtrMaybe(s.Folded()) && !shellOddFold(s.Text) {
			return
		}
		seen := map[int]bool{}
		report := func(off int, format string, args ...any) {
			p := s.Pos(off)
			if p == nil || seen[p.Line] {
				return
			}
			seen[p.Line] = true
			f := pass.Reportf(s.Ref.File, p, format, args...)
			if dtrSHARe.MatchString(s.Text) {
				f.Severity = audit.Low
			}
			job := ""
			if s.Ref.Job != nil {
				job = s.Ref.Job.ID.Value
			}
			f.Key = job + " " + s.Ref.Label() + " " + f.Message
		}
		// The folded text holds more than the lower-case text that the check has always looked
		// in (no quotes): that one decides, for the few scripts that get this far.
		maybe := -1
		exact := func() bool {
			if maybe < 0 {
				maybe = 0
				if dtrMaybe(strings.ToLower(s.Text)) {
					maybe = 1
				}
			}
			return maybe == 1
		}
		if posix && dtrPosixMaybe(s.Folded()) && exact() {
			dtrPosix(s, report)
		}
		if !dtrPwshMaybe(s) || !exact() {
			return
		}
		for _, loc := range dtrPwshRe.FindAllStringIndex(s.Text, -1) {
			report(loc[0], "runs a downloaded PowerShell script with Invoke-Expression: %q", dtrClip(s.Text[loc[0]:loc[1]]))
		}
	}
}

// dtrMaybe reports whether a script (folded: see shellScript.Folded) may download something.
func dtrMaybe(folded string) bool {
	for _, w := range []string{"curl", "wget", "iwr", "irm", "invoke-", "downloadstring", "fetch", "http "} {
		if strings.Contains(folded, w) {
			return true
		}
	}
	return false
}

// dtrPosixMaybe reports whether dtrPosix may find something in a POSIX script (folded): a
// downloader's name as a word, and something that runs code: an interpreter, eval, source, "."
// or a script's name.
func dtrPosixMaybe(f string) bool {
	if !slices.ContainsFunc(dtrDownloaderNames, func(n string) bool { return shellHasWord(f, n) }) {
		return false
	}
	return slices.ContainsFunc(dtrRunnerNames, func(n string) bool { return shellHasWord(f, n) }) ||
		slices.ContainsFunc(dtrScriptExt, func(ext string) bool { return strings.Contains(f, ext) })
}

var (
	dtrDownloaderNames = []string{"curl", "wget", "fetch", "http", "https"}
	dtrRunnerNames     = []string{"sh", "bash", "python", "python3", "node", "eval", "source", ".", "perl", "ruby", "php",
		"zsh", "dash", "ksh", "python2", "pwsh", "powershell"}
)

// dtrPwshMaybe reports whether dtrPwshRe may match: each of its forms needs iex,
// invoke-expression or scriptblock]::create.
func dtrPwshMaybe(s *shellScript) bool {
	f := s.Folded()
	return strings.Contains(f, "iex") || strings.Contains(f, "invoke-expression") || strings.Contains(f, "scriptblock]::create(") ||
		shellOddFold(s.Text)
}

func dtrClip(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}
