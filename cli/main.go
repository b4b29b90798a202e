// Package cli is rampart's command line: commands, flags and exit codes.
package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/rampart-sec/rampart/render"
)

const usage = `rampart audits GitHub Actions workflows and CI pipelines for security hazards.

Usage:
  rampart [scan] [TARGET...] [flags]   audit directories, files or owner/repo[@ref] (default .)
  rampart checks [--format text|json]  list the checks
  rampart explain ID|score             show a check's documentation, or how the score is computed
  rampart fix [TARGET...] [--dry-run]  rewrite workflows to fix what can be fixed safely (docs/fix.md)
  rampart org ORG [--out DIR]          audit every repository of an organization or user
  rampart merge DIR...                 join the shards of an org scan
  rampart version                      print version, commit and Go version
  rampart action                       the GitHub Action's entrypoint (see docs/action.md)
  rampart comment --report R --pr N    post the sticky PR comment from an action's report

Run 'rampart scan -h' for the scan flags. Exit codes: 0 clean, 1 findings at or above --fail-on
or score below --min-score, 2 usage or config error, 3 the audit could not be done.
`

// Main runs the command line and returns the exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		args = args[1:]
	}
	cmd := "scan"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "scan", "checks", "explain", "version", "help", "org", "merge", "fix", "action", "comment":
			cmd, args = args[0], args[1:]
		}
	}
	var err error
	code := ExitOK
	switch cmd {
	case "scan":
		code, err = runScan(args, stdout, stderr)
	case "checks":
		err = runChecks(args, stdout, stderr)
	case "explain":
		err = runExplain(args, stdout, stderr)
	case "version":
		printVersion(stdout)
	case "org":
		code, err = runOrg(args, stderr)
	case "merge":
		code, err = runMerge(args, stderr)
	case "help":
		fmt.Fprint(stdout, usage)
	case "action":
		code, err = runAction(args, stdout, stderr)
	case "comment":
		code, err = runComment(args, stdout, stderr)
	case "fix":
		code, err = runFix(args, stdout, stderr)
	default:
		err = usageError{fmt.Sprintf("%q is not available in this build yet; see 'rampart help'", "rampart "+cmd)}
	}
	if err == nil {
		return code
	}
	// Errors quote audited content (file names, YAML parser messages, API answers): they are
	// printed as render prints audited text, so none can drive a terminal or start a workflow
	// command in a job log.
	fmt.Fprintf(stderr, "rampart: %s\n", render.TerminalText(err.Error(), "  "))
	var ue usageError
	var ae auditError
	switch {
	case errors.As(err, &ue):
		return ExitUsage
	case errors.As(err, &ae):
		return ExitNoAudit
	case errors.Is(err, errHelp):
		return ExitOK
	}
	return ExitNoAudit
}

var errHelp = errors.New("help requested")
