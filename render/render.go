// Package render writes a Report in each output format: text for people at a terminal, JSON
// (the report schema of SPEC.md), SARIF 2.1.0 for code scanning, markdown for PR comments and
// step summaries, and workflow-command annotations for the Actions runner.
//
// Every renderer treats the strings of the report that come from the audited repository
// (messages, paths, reasons) as hostile: see escape.go.
package render

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/rampart-sec/rampart/audit"
)

// Options tune the renderers; the zero value is valid.
type Options struct {
	// Color turns on ANSI colour in text output (the CLI decides: a terminal, and no NO_COLOR).
	Color bool
	// Checks is the registry, for SARIF rules and help text.
	Checks []*audit.Check
	// ServerURL, Repository and Ref make the markdown link each location to the file on GitHub
	// (ServerURL/Repository/blob/Ref/path#L12); any of them empty means no links.
	ServerURL, Repository, Ref string
	// MaxBytes caps the markdown output (65,536 for a PR comment, 1 MiB for a step summary);
	// what does not fit is left out with a note that says what. 0 means no cap.
	MaxBytes int
	// Failed says a check itself failed and the audit is incomplete (audit.Result.Failed);
	// SARIF then reports executionSuccessful false.
	Failed bool
}

// A renderer writes one format.
type renderer func(w io.Writer, rep *audit.Report, opts Options) error

var renderers = map[string]renderer{
	"text":     writeText,
	"json":     writeJSON,
	"sarif":    writeSARIF,
	"markdown": writeMarkdown,
	"github":   writeGitHub,
}

// Formats returns the names of the output formats, in the order the help text lists them.
func Formats() []string { return []string{"text", "json", "sarif", "markdown", "github"} }

// Write renders rep in format to w.
func Write(w io.Writer, format string, rep *audit.Report, opts Options) error {
	r, ok := renderers[format]
	if !ok {
		return fmt.Errorf("unknown format %q (want one of %s)", format, strings.Join(Formats(), ", "))
	}
	if rep == nil {
		return fmt.Errorf("no report to render")
	}
	return r(w, rep, opts)
}

// severities are the severities from the most to the least severe.
var severities = []audit.Severity{audit.Critical, audit.High, audit.Medium, audit.Low, audit.Info}

// countLine is "1 critical, 2 high, 0 medium, 1 low, 0 info" over the findings that count.
func countLine(rep *audit.Report, sep string) string {
	counts := rep.CountBySeverity()
	parts := make([]string, len(severities))
	for i, s := range severities {
		parts[i] = fmt.Sprintf("%d %s", counts[s], s)
	}
	return strings.Join(parts, sep)
}

func suppressedCount(rep *audit.Report) int {
	n := 0
	for _, f := range rep.Findings {
		if f.Suppressed {
			n++
		}
	}
	return n
}

// checkIndex maps check ids to the registry's checks.
func checkIndex(checks []*audit.Check) map[string]*audit.Check {
	m := make(map[string]*audit.Check, len(checks))
	for _, c := range checks {
		if c != nil {
			m[c.ID] = c
		}
	}
	return m
}

// position is "path:line:col", leaving out what is unknown (0).
func position(file string, line, col int) string {
	s := file
	if s == "" {
		s = "(repository)"
	}
	if line > 0 {
		s += fmt.Sprintf(":%d", line)
		if col > 0 {
			s += fmt.Sprintf(":%d", col)
		}
	}
	return s
}

// suppressionText says why a finding is suppressed.
func suppressionText(s *audit.Suppression) string {
	if s == nil {
		return "suppressed"
	}
	how := "ignored inline"
	if s.Kind == "config" {
		how = "config exception"
		if s.Expires != "" {
			how += ", expires " + s.Expires
		}
	}
	return how + ": " + s.Reason
}

// sortedFindings returns the findings in the report's order (file, line, column, check, message),
// whatever order they came in.
func sortedFindings(fs []audit.Finding) []audit.Finding {
	out := slices.Clone(fs)
	audit.SortFindings(out)
	return out
}
