package action

import (
	"fmt"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rampart-sec/rampart/render"
)

// Marker is the hidden first line of rampart's pull request comment: the sticky comment is found
// again by it (and by its author).
const Marker = "<!-- rampart:report -->"

// MaxCommentBytes is GitHub's cap on an issue comment body (65,536 characters; a byte cap is at
// least as strict).
const MaxCommentBytes = 65536

// BodyOptions shape the comment and summary.
type BodyOptions struct {
	// ServerURL, Repository and Ref link each location to the file at the pull request head.
	ServerURL, Repository, Ref string
	// Base names the base commit the report was compared with (a validated commit id), or "".
	Base string
	// MaxBytes caps the body (MaxCommentBytes when 0).
	MaxBytes int
	// Notes are rampart's own remarks (never text from the audited repository), each one paragraph.
	Notes []string
}

// Body is the pull request comment (and step summary): the hidden marker, then the change the pull
// request makes ("score 72 → 81 (+9), 1 new high, 2 fixed"), the new and fixed findings with links
// to the head, then the full report collapsed (every finding, the category scores, settings results,
// skipped checks and errors). Every string from the report passes through render's markdown
// escaping; the text written here is made of numbers, severity names and Notes only.
func Body(rep *audit.Report, o BodyOptions) string {
	limit := o.MaxBytes
	if limit <= 0 {
		limit = MaxCommentBytes
	}
	ro := render.Options{ServerURL: o.ServerURL, Repository: o.Repository, Ref: o.Ref}
	var b strings.Builder
	b.WriteString(Marker + "\n")
	fmt.Fprintf(&b, "### rampart: %s\n\n", Headline(rep))
	if base := rep.Baseline; base != nil {
		against := "the base branch"
		if IsSHA(o.Base) {
			against = "the base commit <code>" + o.Base[:7] + "</code>"
		}
		fmt.Fprintf(&b, "Grade **%s**, compared with %s. ", audit.Grade(rep.Score), against)
	} else {
		fmt.Fprintf(&b, "Grade **%s**. ", audit.Grade(rep.Score))
	}
	fmt.Fprintf(&b, "%s.\n\n", countText(rep.CountBySeverity(), ""))
	for _, n := range o.Notes {
		b.WriteString("> [!NOTE]\n> " + strings.ReplaceAll(strings.TrimSpace(n), "\n", "\n> ") + "\n\n")
	}

	if base := rep.Baseline; base != nil {
		var fresh []audit.Finding
		for _, f := range rep.Findings {
			if f.Baseline == "new" && f.Counts() {
				fresh = append(fresh, f)
			}
		}
		if len(fresh) == 0 && len(base.Fixed) == 0 {
			b.WriteString("No new findings, none fixed.\n\n")
		} else {
			sub := &audit.Report{Schema: rep.Schema, Tool: rep.Tool, Score: rep.Score, Grade: rep.Grade,
				Findings: fresh, Baseline: &audit.BaselineDelta{Fixed: base.Fixed}}
			so := ro
			so.MaxBytes = limit / 2
			fmt.Fprintf(&b, "#### New in this pull request (%d), fixed (%d)\n\n", len(fresh), len(base.Fixed))
			b.WriteString(demote(sections(render.Markdown(sub, so))))
		}
	}

	const open, closing = "<details><summary>Full report: every finding, category scores, skipped checks</summary>\n\n", "\n</details>\n"
	room := limit - b.Len() - len(open) - len(closing) - 64
	if room < 1024 {
		b.WriteString("_The full report did not fit in this comment: see the job's step summary, log or JSON report._\n")
		return capBody(b.String(), limit)
	}
	fo := ro
	fo.MaxBytes = room
	b.WriteString(open)
	b.WriteString(render.Markdown(rep, fo))
	b.WriteString(closing)
	return capBody(b.String(), limit)
}

// Headline is the change a pull request makes ("score 72 → 81 (+9), 1 new high, 2 fixed") or,
// without a comparison, the score and count ("score 81/100 (B), 3 findings").
func Headline(rep *audit.Report) string {
	if base := rep.Baseline; base != nil {
		newBy := map[audit.Severity]int{}
		for _, f := range rep.Findings {
			if f.Baseline == "new" && f.Counts() {
				newBy[f.Severity]++
			}
		}
		parts := []string{fmt.Sprintf("score %d → %d (%+d)", base.PreviousScore, rep.Score, rep.Score-base.PreviousScore)}
		if nw := countText(newBy, "new "); nw != "no findings" {
			parts = append(parts, nw)
		} else {
			parts = append(parts, "no new findings")
		}
		if n := len(base.Fixed); n > 0 {
			parts = append(parts, fmt.Sprintf("%d fixed", n))
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprintf("score %d/100 (%s), %s", rep.Score, audit.Grade(rep.Score), countText(rep.CountBySeverity(), ""))
}

// countText is "1 high, 2 medium" (with prefix before each severity), or "no findings".
func countText(by map[audit.Severity]int, prefix string) string {
	var parts []string
	sevs := []audit.Severity{audit.Critical, audit.High, audit.Medium, audit.Low, audit.Info}
	for _, s := range sevs {
		if n := by[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s%s", n, prefix, s))
		}
	}
	if len(parts) == 0 {
		return "no findings"
	}
	return strings.Join(parts, ", ")
}

// sections returns the finding sections of a render.Markdown document: without its heading,
// count line and category table, and without its footer.
func sections(md string) string {
	start := -1
	for _, m := range []string{"\n### ", "\n<details><summary>", "\n> [!NOTE]"} {
		if i := strings.Index(md, m); i >= 0 && (start < 0 || i < start) {
			start = i
		}
	}
	if start < 0 {
		return ""
	}
	md = md[start+1:]
	if i := strings.LastIndex(md, "<sub>rampart"); i >= 0 {
		md = md[:i]
	}
	return md
}

// demote turns the renderer's "### " headings into "##### " ones, under the comment's own heading.
// Audited strings never start a line (the renderer keeps them on their item's line), so only the
// renderer's headings match.
func demote(md string) string {
	lines := strings.Split(md, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "### ") {
			lines[i] = "##" + l
		}
	}
	return strings.Join(lines, "\n")
}

// capBody cuts s to limit bytes at a line break (a last resort: the parts are already capped).
func capBody(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	const note = "\n_(cut to fit GitHub's limit)_\n"
	cut := limit - len(note)
	if i := strings.LastIndexByte(s[:cut], '\n'); i > 0 {
		cut = i
	}
	return s[:cut] + note
}

// Something reports whether a report has something to say in a pull request: a finding that
// counts, or a change against the base.
func Something(rep *audit.Report) bool {
	if len(rep.Counted()) > 0 {
		return true
	}
	return rep.Baseline != nil && (rep.Baseline.New > 0 || len(rep.Baseline.Fixed) > 0)
}
