package render

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/rampart-sec/rampart/audit"
)

// annotationLevel maps a severity to a workflow-command annotation: error for critical and
// high, warning for medium, notice for low and info.
func annotationLevel(s audit.Severity) string {
	switch {
	case s >= audit.High:
		return "error"
	case s == audit.Medium:
		return "warning"
	}
	return "notice"
}

// writeGitHub writes workflow-command annotations (::error file=...,line=...::message), one
// line per finding that counts (suppressed ones are left out), a warning per file that could
// not be audited, and a closing ::notice:: with the score. Properties and messages are escaped
// as the runner's toolkit does, so no audited string can hold a line break and start a
// workflow command of its own.
func writeGitHub(w io.Writer, rep *audit.Report, opts Options) error {
	bw := bufio.NewWriter(w)
	checks := checkIndex(opts.Checks)
	for _, f := range sortedFindings(rep.Findings) {
		if f.Suppressed {
			continue
		}
		title := f.Check + " (" + f.Severity.String() + ")"
		if c := checks[f.Check]; c != nil && c.Title != "" {
			title = c.Title + " [" + f.Check + ", " + f.Severity.String() + "]"
		}
		msg := f.Message
		for _, r := range f.Related {
			msg += "\nrelated: " + position(r.File, r.Line, r.Column)
			if r.Note != "" {
				msg += ": " + r.Note
			}
		}
		if f.Remediation != "" {
			msg += "\nfix: " + f.Remediation
		}
		writeCommand(bw, annotationLevel(f.Severity), annotationProps(f.File, f.Line, f.Column, f.EndLine, title), msg)
	}
	for _, e := range rep.Errors {
		writeCommand(bw, "warning", annotationProps(e.File, e.Line, e.Column, 0, "rampart could not audit this file"), e.Message)
	}
	summary := fmt.Sprintf("score %d/100 (%s): %s", rep.Score, rep.Grade, countLine(rep, ", "))
	if n := suppressedCount(rep); n > 0 {
		summary += fmt.Sprintf("; %d suppressed", n)
	}
	if n := len(rep.Skipped); n > 0 {
		ids := make([]string, n)
		for i, s := range rep.Skipped {
			ids[i] = s.Check
		}
		summary += fmt.Sprintf("; %d checks skipped (%s)", n, strings.Join(ids, ", "))
	}
	writeCommand(bw, "notice", []string{"title=" + ghProperty("rampart")}, summary)
	return bw.Flush()
}

// annotationProps builds the file, line, col, endLine and title properties, leaving out the unknown.
func annotationProps(file string, line, col, endLine int, title string) []string {
	var props []string
	if file != "" {
		props = append(props, "file="+ghProperty(file))
		if line > 0 {
			props = append(props, fmt.Sprintf("line=%d", line))
			if col > 0 {
				props = append(props, fmt.Sprintf("col=%d", col))
			}
			if endLine >= line {
				props = append(props, fmt.Sprintf("endLine=%d", endLine))
			}
		}
	}
	if title != "" {
		props = append(props, "title="+ghProperty(title))
	}
	return props
}

// writeCommand writes "::name prop,prop::data" on one line.
func writeCommand(w io.Writer, name string, props []string, data string) {
	sep := ""
	if len(props) > 0 {
		sep = " "
	}
	fmt.Fprintf(w, "::%s%s%s::%s\n", name, sep, strings.Join(props, ","), ghData(data))
}
