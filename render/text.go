package render

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/rampart-sec/rampart/audit"
)

// ANSI styles of the text output.
const (
	ansiReset   = "\x1b[0m"
	ansiBold    = "\x1b[1m"
	ansiDim     = "\x1b[2m"
	ansiRed     = "\x1b[31m"
	ansiGreen   = "\x1b[32m"
	ansiYellow  = "\x1b[33m"
	ansiBlue    = "\x1b[34m"
	ansiMagenta = "\x1b[35m"
	ansiCyan    = "\x1b[36m"
)

var severityStyle = map[audit.Severity]string{
	audit.Critical: ansiBold + ansiMagenta,
	audit.High:     ansiRed,
	audit.Medium:   ansiYellow,
	audit.Low:      ansiCyan,
	audit.Info:     ansiBlue,
}

// painter applies ANSI styles when colour is on, and nothing otherwise.
type painter bool

func (p painter) paint(style, s string) string {
	if !p || style == "" {
		return s
	}
	return style + s + ansiReset
}

// writeText writes the findings grouped by file, one "path:line:col: severity check: message"
// line each with the remediation indented below, then suppressed findings, errors, skipped
// checks, and a closing line with the score and counts. Every audited string is cleaned of
// control characters first, so a hostile workflow cannot drive the terminal.
func writeText(w io.Writer, rep *audit.Report, opts Options) error {
	bw := bufio.NewWriter(w)
	p := painter(opts.Color)
	const indent = "    "

	var counted, suppressed []audit.Finding
	for _, f := range sortedFindings(rep.Findings) {
		if f.Suppressed {
			suppressed = append(suppressed, f)
		} else {
			counted = append(counted, f)
		}
	}

	for i, f := range counted {
		if i > 0 && f.File != counted[i-1].File {
			fmt.Fprintln(bw)
		}
		fmt.Fprintf(bw, "%s: %s %s: %s\n",
			p.paint(ansiBold, cleanLine(position(f.File, f.Line, f.Column))),
			p.paint(severityStyle[f.Severity], f.Severity.String()),
			p.paint(ansiBold, cleanLine(f.Check)),
			cleanText(f.Message, indent))
		for _, r := range f.Related {
			loc := cleanLine(position(r.File, r.Line, r.Column))
			if r.Note != "" {
				loc += ": " + cleanText(r.Note, indent+"  ")
			}
			fmt.Fprintf(bw, "%s%s %s\n", indent, p.paint(ansiDim, "related:"), loc)
		}
		if f.Remediation != "" {
			fmt.Fprintf(bw, "%s%s %s\n", indent, p.paint(ansiGreen, "fix:"), cleanText(f.Remediation, indent+"  "))
		}
	}

	if len(suppressed) > 0 {
		if len(counted) > 0 {
			fmt.Fprintln(bw)
		}
		fmt.Fprintf(bw, "%s\n", p.paint(ansiBold, fmt.Sprintf("suppressed (%d):", len(suppressed))))
		for _, f := range suppressed {
			fmt.Fprintln(bw, p.paint(ansiDim, fmt.Sprintf("  %s: %s %s: %s (%s)",
				cleanLine(position(f.File, f.Line, f.Column)), f.Severity, cleanLine(f.Check),
				cleanLine(f.Message), cleanLine(suppressionText(f.Suppression)))))
		}
	}

	if len(rep.Errors) > 0 {
		fmt.Fprintf(bw, "\n%s\n", p.paint(ansiBold+ansiRed, fmt.Sprintf("errors (%d):", len(rep.Errors))))
		for _, e := range rep.Errors {
			if e.File == "" {
				fmt.Fprintf(bw, "  %s\n", cleanText(e.Message, "    "))
			} else {
				fmt.Fprintf(bw, "  %s: %s\n", cleanLine(position(e.File, e.Line, e.Column)), cleanText(e.Message, "    "))
			}
		}
	}

	if len(rep.Skipped) > 0 {
		fmt.Fprintf(bw, "\n%s\n", p.paint(ansiBold, fmt.Sprintf("skipped checks (%d):", len(rep.Skipped))))
		// Checks skipped for the same reason share one line: "--offline: impostor-commit, ref-confusion, ...".
		var reasons []string
		byReason := map[string][]string{}
		for _, s := range rep.Skipped {
			if _, ok := byReason[s.Reason]; !ok {
				reasons = append(reasons, s.Reason)
			}
			byReason[s.Reason] = append(byReason[s.Reason], cleanLine(s.Check))
		}
		for _, r := range reasons {
			ids := byReason[r]
			if len(ids) == 1 {
				fmt.Fprintf(bw, "  %s: %s\n", ids[0], cleanLine(r))
				continue
			}
			fmt.Fprintf(bw, "  %s (%d checks): %s\n", cleanLine(r), len(ids), strings.Join(ids, ", "))
		}
	}

	var notable []audit.ExceptionStatus
	for _, x := range rep.Exceptions {
		if x.Status != "applied" {
			notable = append(notable, x)
		}
	}
	if len(notable) > 0 {
		fmt.Fprintf(bw, "\n%s\n", p.paint(ansiBold+ansiYellow, fmt.Sprintf("config exceptions not applied (%d):", len(notable))))
		for _, x := range notable {
			what := cleanLine(x.Check)
			if x.Path != "" {
				what += " " + cleanLine(x.Path)
			}
			status := x.Status
			if x.Status == "expired" {
				status = "expired " + cleanLine(x.Expires)
			} else if x.Status == "unused" {
				status = "matched nothing"
			}
			fmt.Fprintf(bw, "  %s: %s (%s)\n", what, status, cleanLine(x.Reason))
		}
	}

	if b := rep.Baseline; b != nil {
		fmt.Fprintf(bw, "\nbaseline %s: score %+d since %d; %d new, %d existing, %d fixed\n",
			cleanLine(b.File), b.ScoreChange, b.PreviousScore, b.New, b.Existing, len(b.Fixed))
	}

	if len(rep.Findings) > 0 || len(rep.Errors) > 0 || len(rep.Skipped) > 0 || len(notable) > 0 || rep.Baseline != nil {
		fmt.Fprintln(bw)
	}
	fmt.Fprintf(bw, "%s: score %s: %s", p.paint(ansiBold, "rampart"),
		p.paint(ansiBold+gradeStyle(rep.Grade), fmt.Sprintf("%d/100 (%s)", rep.Score, cleanLine(rep.Grade))),
		countLine(rep, ", "))
	if n := len(suppressed); n > 0 {
		fmt.Fprintf(bw, "; %d suppressed", n)
	}
	fmt.Fprintf(bw, "; %d files\n", rep.Stats.Files)
	return bw.Flush()
}

func gradeStyle(g string) string {
	switch g {
	case "A", "B":
		return ansiGreen
	case "C", "D":
		return ansiYellow
	}
	return ansiRed
}
