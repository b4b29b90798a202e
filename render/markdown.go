package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/rampart-sec/rampart/audit"
)

// Caps on single audited strings in markdown, in runes, so one huge message cannot crowd out the rest.
const (
	mdMaxMessage = 2000
	mdMaxShort   = 400
)

// writeMarkdown writes Markdown(rep, opts).
func writeMarkdown(w io.Writer, rep *audit.Report, opts Options) error {
	_, err := io.WriteString(w, Markdown(rep, opts))
	return err
}

// Markdown renders the report for a PR comment or a step summary: score and grade first, a
// one-line count by severity, the category table, the findings grouped by severity (critical
// and high open, the rest and the suppressed ones in collapsed <details>), then errors,
// skipped checks and config exceptions that did not apply. Every audited string is escaped
// (see mdText): it cannot inject HTML, links, images or mentions. With opts.MaxBytes the output
// stays within that many bytes, and a note says what was left out.
func Markdown(rep *audit.Report, opts Options) string {
	var head strings.Builder
	fmt.Fprintf(&head, "## rampart: %d/100 (%s)\n\n", rep.Score, mdText(rep.Grade))

	counts := rep.CountBySeverity()
	parts := make([]string, len(severities))
	for i, s := range severities {
		parts[i] = fmt.Sprintf("%d %s", counts[s], s)
	}
	fmt.Fprintf(&head, "**%s**", strings.Join(parts, " · "))
	if n := suppressedCount(rep); n > 0 {
		fmt.Fprintf(&head, " · %d suppressed", n)
	}
	if rep.Target.Name != "" {
		fmt.Fprintf(&head, " · %s", mdCode(truncate(rep.Target.Name, mdMaxShort)))
		if rep.Target.Ref != "" {
			fmt.Fprintf(&head, " at %s", mdCode(truncate(rep.Target.Ref, mdMaxShort)))
		}
	}
	fmt.Fprintf(&head, " · %d files\n\n", rep.Stats.Files)

	if b := rep.Baseline; b != nil {
		fmt.Fprintf(&head, "Against the baseline (score %d): **%+d**, %d new, %d existing, %d fixed.\n\n",
			b.PreviousScore, b.ScoreChange, b.New, b.Existing, len(b.Fixed))
	}

	if len(rep.Categories) > 0 {
		head.WriteString("| Category | Score | Weight | Findings |\n|---|---:|---:|---:|\n")
		for _, c := range rep.Categories {
			title := c.Title
			if title == "" {
				title = string(c.ID)
			}
			if c.Known {
				fmt.Fprintf(&head, "| %s | %d | %.0f%% | %d |\n", mdText(title), c.Score, c.Weight*100, c.Findings)
			} else {
				fmt.Fprintf(&head, "| %s | unknown | – | %d |\n", mdText(title), c.Findings)
			}
		}
		head.WriteString("\n")
	}

	var footer strings.Builder
	footer.WriteString("<sub>rampart")
	if v := rep.Tool.Version; v != "" {
		fmt.Fprintf(&footer, " %s", mdText(v))
	}
	fmt.Fprintf(&footer, " · %d workflows, %d actions, %d dependabot files", rep.Stats.Workflows, rep.Stats.Actions, rep.Stats.Dependabot)
	if rep.Stats.APIRequests > 0 {
		fmt.Fprintf(&footer, ", %d API requests", rep.Stats.APIRequests)
	}
	footer.WriteString("</sub>\n")

	// Errors, skipped checks and exceptions come last but matter: when they are small next to
	// the cap, room is kept for them before any finding is written.
	var tail []mdSection
	if len(rep.Errors) > 0 {
		items := make([]string, len(rep.Errors))
		for i, e := range rep.Errors {
			msg := mdRich(truncate(e.Message, mdMaxMessage))
			if e.File == "" {
				items[i] = "- " + msg + "\n"
			} else {
				items[i] = "- " + mdLocation(e.File, e.Line, e.Column, 0, opts) + ": " + msg + "\n"
			}
		}
		tail = append(tail, mdSection{fmt.Sprintf("Errors (%d)", len(rep.Errors)), true, items, "error"})
	}
	if len(rep.Skipped) > 0 {
		items := make([]string, len(rep.Skipped))
		for i, s := range rep.Skipped {
			items[i] = "- " + mdCode(s.Check) + ": " + mdText(truncate(s.Reason, mdMaxShort)) + "\n"
		}
		tail = append(tail, mdSection{fmt.Sprintf("Skipped checks (%d)", len(rep.Skipped)), true, items, "skipped check"})
	}
	var notApplied []string
	for _, x := range rep.Exceptions {
		if x.Status == "applied" {
			continue
		}
		what := mdCode(x.Check)
		if x.Path != "" {
			what += " on " + mdCode(truncate(x.Path, mdMaxShort))
		}
		status := "matched nothing"
		if x.Status == "expired" {
			status = "expired " + mdText(x.Expires)
		}
		notApplied = append(notApplied, fmt.Sprintf("- %s: %s (%s)\n", what, status, mdText(truncate(x.Reason, mdMaxShort))))
	}
	if len(notApplied) > 0 {
		tail = append(tail, mdSection{fmt.Sprintf("Config exceptions not applied (%d)", len(notApplied)), true, notApplied, "config exception"})
	}
	doc := &mdDoc{max: opts.MaxBytes, reserve: footer.Len() + 600}
	tailSize := 0
	for _, sec := range tail {
		tailSize += sec.size()
	}
	keepTail := opts.MaxBytes > 0 && tailSize <= opts.MaxBytes/4
	if keepTail {
		doc.reserve += tailSize
	}
	doc.b.WriteString(head.String())

	bySev := map[audit.Severity][]audit.Finding{}
	var suppressed []audit.Finding
	for _, f := range sortedFindings(rep.Findings) {
		if f.Suppressed {
			suppressed = append(suppressed, f)
		} else {
			bySev[f.Severity] = append(bySev[f.Severity], f)
		}
	}
	if len(rep.Findings) == 0 {
		doc.b.WriteString("No findings.\n\n")
	}
	for _, s := range severities {
		fs := bySev[s]
		if len(fs) == 0 {
			continue
		}
		items := make([]string, len(fs))
		for i, f := range fs {
			items[i] = mdFinding(f, opts, "")
		}
		title := fmt.Sprintf("%s (%d)", severityTitle(s), len(fs))
		doc.section(title, s >= audit.High, items, fmt.Sprintf("%s finding", s))
	}
	if len(suppressed) > 0 {
		items := make([]string, len(suppressed))
		for i, f := range suppressed {
			items[i] = mdFinding(f, opts, suppressionText(f.Suppression))
		}
		doc.section(fmt.Sprintf("Suppressed (%d)", len(suppressed)), false, items, "suppressed finding")
	}
	if b := rep.Baseline; b != nil && len(b.Fixed) > 0 {
		items := make([]string, len(b.Fixed))
		for i, f := range sortedFindings(b.Fixed) {
			items[i] = mdFinding(f, Options{}, "")
		}
		doc.section(fmt.Sprintf("Fixed since the baseline (%d)", len(b.Fixed)), false, items, "fixed finding")
	}
	for _, sec := range tail {
		if keepTail {
			doc.full = false // the room was kept
			doc.reserve -= sec.size()
		}
		doc.section(sec.title, sec.open, sec.items, sec.noun)
	}
	doc.finish(footer.String())
	return doc.b.String()
}

func severityTitle(s audit.Severity) string {
	n := s.String()
	return strings.ToUpper(n[:1]) + n[1:]
}

// mdFinding is one finding as a list item: location, check, message, related places and the fix.
func mdFinding(f audit.Finding, opts Options, suppression string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "- %s **%s**", mdLocation(f.File, f.Line, f.Column, f.EndLine, opts), mdText(f.Check))
	if f.Baseline == "new" {
		b.WriteString(" (new)")
	}
	fmt.Fprintf(&b, ": %s\n", mdRich(truncate(strings.TrimSpace(f.Message), mdMaxMessage)))
	if suppression != "" {
		fmt.Fprintf(&b, "  - %s\n", mdText(truncate(suppression, mdMaxShort)))
	}
	for _, r := range f.Related {
		fmt.Fprintf(&b, "  - related: %s", mdLocation(r.File, r.Line, r.Column, r.EndLine, opts))
		if r.Note != "" {
			fmt.Fprintf(&b, ": %s", mdRich(truncate(r.Note, mdMaxShort)))
		}
		b.WriteString("\n")
	}
	if f.Remediation != "" && suppression == "" {
		fmt.Fprintf(&b, "  - fix: %s\n", mdRich(truncate(f.Remediation, mdMaxMessage)))
	}
	return b.String()
}

// mdLocation shows path:line:col in monospace, linked to the file on GitHub when the options
// name the server, repository and ref.
func mdLocation(file string, line, col, endLine int, opts Options) string {
	text := mdCode(truncate(position(file, line, col), mdMaxShort))
	if u := blobURL(file, line, endLine, opts); u != "" {
		return "[" + text + "](" + u + ")"
	}
	return text
}

// blobURL is the link to a file and line on GitHub, or "" when the options do not say where.
// Every part is percent-encoded, so nothing in it can end the markdown link early.
func blobURL(file string, line, endLine int, opts Options) string {
	base := strings.TrimRight(opts.ServerURL, "/")
	if base == "" || opts.Repository == "" || opts.Ref == "" || file == "" {
		return ""
	}
	if !strings.HasPrefix(base, "https://") && !strings.HasPrefix(base, "http://") {
		return ""
	}
	for _, r := range base {
		if r <= ' ' || r >= 0x7F || strings.ContainsRune("\"'()<>[]\\`{}|^", r) {
			return ""
		}
	}
	file = strings.TrimPrefix(file, "./")
	// A "." or ".." segment (a report read from an untrusted artifact can hold one) would lead
	// the link out of the repository's files, to any page of the server: no link then.
	// Percent-encoding does not help: browsers read %2e%2e as "..".
	for _, seg := range strings.Split(opts.Repository+"/"+opts.Ref+"/"+file, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return ""
		}
	}
	u := base + "/" + uriPath(opts.Repository) + "/blob/" + uriPath(opts.Ref) + "/" + uriPath(file)
	if line > 0 {
		u += fmt.Sprintf("#L%d", line)
		if endLine > line {
			u += fmt.Sprintf("-L%d", endLine)
		}
	}
	return u
}

// mdSection is a section not yet written.
type mdSection struct {
	title string
	open  bool
	items []string
	noun  string
}

// size is what the section takes in full.
func (s mdSection) size() int {
	start, end := sectionFrame(s.title, s.open)
	n := len(start) + len(end)
	for _, it := range s.items {
		n += len(it)
	}
	return n
}

func sectionFrame(title string, open bool) (start, end string) {
	if open {
		return "### " + title + "\n\n", "\n"
	}
	return "<details><summary>" + title + "</summary>\n\n", "\n</details>\n\n"
}

// mdDoc writes sections within a byte budget and counts what did not fit.
type mdDoc struct {
	b strings.Builder
	// max is the cap in bytes (0: none); reserve is kept free for the closing note and footer.
	max, reserve int
	full         bool
	omitted      []string
	omitCounts   map[string]int
}

// section writes a heading (open) or a collapsed <details> block (closed) with its items,
// as many as fit.
func (d *mdDoc) section(title string, open bool, items []string, noun string) {
	start, end := sectionFrame(title, open)
	started := false
	for _, it := range items {
		need := len(it) + len(end)
		if !started {
			need += len(start)
		}
		if d.full || (d.max > 0 && d.b.Len()+need+d.reserve > d.max) {
			d.full = true
			d.omit(noun)
			continue
		}
		if !started {
			d.b.WriteString(start)
			started = true
		}
		d.b.WriteString(it)
	}
	if started {
		d.b.WriteString(end)
	}
}

func (d *mdDoc) omit(noun string) {
	if d.omitCounts == nil {
		d.omitCounts = map[string]int{}
	}
	if d.omitCounts[noun] == 0 {
		d.omitted = append(d.omitted, noun)
	}
	d.omitCounts[noun]++
}

// finish adds the note on what was left out and the footer, and enforces the cap.
func (d *mdDoc) finish(footer string) {
	if len(d.omitted) > 0 {
		parts := make([]string, len(d.omitted))
		for i, noun := range d.omitted {
			n := d.omitCounts[noun]
			if n != 1 {
				noun += "s"
			}
			parts[i] = fmt.Sprintf("%d %s", n, noun)
		}
		fmt.Fprintf(&d.b, "> [!NOTE]\n> This report was shortened to fit %d bytes: left out %s. "+
			"The full report is in the job log and the JSON or SARIF output.\n\n", d.max, strings.Join(parts, ", "))
	}
	d.b.WriteString(footer)
	if d.max > 0 && d.b.Len() > d.max {
		// Only the heading and table can get here, with a tiny cap: cut at a line break.
		const note = "\n_(cut to fit)_\n"
		s := d.b.String()
		cut := d.max - len(note)
		if cut < 0 {
			cut = 0
		}
		if i := strings.LastIndexByte(s[:cut], '\n'); i >= 0 {
			cut = i
		} else {
			cut = 0
		}
		s = s[:cut]
		if len(s)+len(note) <= d.max {
			s += note
		}
		d.b.Reset()
		d.b.WriteString(s)
	}
}
