package org

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/rampart-sec/rampart/audit"
)

// Marker is the hidden marker that finds the dashboard issue again.
const Marker = "<!-- rampart:org-dashboard -->"

// IssueBodyLimit is GitHub's limit on an issue body, in characters.
const IssueBodyLimit = 65536

// repoLine is what the dashboard keeps of a repository (no findings).
type repoLine struct {
	name, status, reason, grade string
	score                       int
	bySev                       map[audit.Severity]int
	newF, fixed                 int
	prevScore                   *int
}

// hazard is one check's spread across the organization.
type hazard struct {
	check    string
	severity audit.Severity
	repos    int
	findings int
}

type criticalFinding struct {
	repo string
	f    audit.Finding
}

// summary is what the dashboard needs, gathered in one pass over the results.
type summary struct {
	total, scored, failed, skipped int
	grades                         map[string]int
	severities                     map[string]int
	sumScore                       int
	repos                          []repoLine
	hazards                        map[string]*hazard
	critical                       []criticalFinding
	criticalTotal                  int
	base                           *baselineData
}

func (s *summary) average() float64 {
	if s.scored == 0 {
		return 0
	}
	return float64(s.sumScore) / float64(s.scored)
}

// maxCritical bounds the critical findings the summary keeps.
const maxCritical = 200

func newSummary() *summary {
	return &summary{grades: map[string]int{}, severities: map[string]int{}, hazards: map[string]*hazard{}}
}

func (s *summary) add(r *RepoResult) {
	s.total++
	line := repoLine{name: r.Name, status: r.Status, reason: r.Reason, grade: r.Grade, bySev: map[audit.Severity]int{}}
	switch r.Status {
	case StatusScored:
		s.scored++
		if r.Score != nil {
			line.score = *r.Score
			s.sumScore += *r.Score
		}
		s.grades[r.Grade]++
	case StatusFailed:
		s.failed++
	default:
		s.skipped++
	}
	seen := map[string]bool{}
	for _, f := range r.Findings {
		if !f.Counts() {
			continue
		}
		line.bySev[f.Severity]++
		s.severities[f.Severity.String()]++
		h := s.hazards[f.Check]
		if h == nil {
			h = &hazard{check: f.Check, severity: f.Severity}
			s.hazards[f.Check] = h
		}
		h.findings++
		h.severity = max(h.severity, f.Severity)
		if !seen[f.Check] {
			seen[f.Check] = true
			h.repos++
		}
		if f.Severity == audit.Critical {
			s.criticalTotal++
			if len(s.critical) < maxCritical {
				s.critical = append(s.critical, criticalFinding{repo: r.Name, f: f})
			}
		}
	}
	if s.base != nil && r.Status == StatusScored {
		key := strings.ToLower(r.Name)
		if p, ok := s.base.scores[key]; ok {
			line.prevScore = &p
			prev := s.base.fps[key]
			cur := map[string]bool{}
			for _, f := range r.Findings {
				if f.Counts() {
					cur[f.Check+"\x00"+f.Fingerprint] = true
				}
			}
			for k := range cur {
				if !prev[k] {
					line.newF++
				}
			}
			for k := range prev {
				if !cur[k] {
					line.fixed++
				}
			}
		}
	}
	s.repos = append(s.repos, line)
}

func summarize(st *store, base *baselineData) (*summary, error) {
	s := newSummary()
	s.base = base
	return s, st.each(func(r *RepoResult) error { s.add(r); return nil })
}

// baselineData is what the dashboard compares with: an earlier org.json's scores and fingerprints.
type baselineData struct {
	generatedAt string
	average     float64
	scored      int
	history     []HistoryPoint
	scores      map[string]int
	fps         map[string]map[string]bool
}

func loadBaseline(path string) (*baselineData, error) {
	b := &baselineData{scores: map[string]int{}, fps: map[string]map[string]bool{}}
	sum := 0
	rep, err := readReport(path, func(r *RepoResult) error {
		if r.Status != StatusScored || r.Score == nil {
			return nil
		}
		key := strings.ToLower(r.Name)
		b.scores[key] = *r.Score
		sum += *r.Score
		b.scored++
		fp := map[string]bool{}
		for _, f := range r.Findings {
			if f.Counts() {
				fp[f.Check+"\x00"+f.Fingerprint] = true
			}
		}
		b.fps[key] = fp
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("--baseline: %w", err)
	}
	b.generatedAt = rep.GeneratedAt
	if b.scored > 0 {
		b.average = float64(sum) / float64(b.scored)
	}
	b.history = rep.History
	if len(b.history) == 0 || b.history[len(b.history)-1].At != rep.GeneratedAt {
		b.history = append(b.history, HistoryPoint{At: rep.GeneratedAt, Average: round1(b.average), Scored: b.scored})
	}
	if len(b.history) > 12 {
		b.history = b.history[len(b.history)-12:]
	}
	return b, nil
}

func round1(f float64) float64 { return float64(int(f*10+0.5)) / 10 }

var grades = []string{"A", "B", "C", "D", "F"}

// Dashboard renders org.md (and the dashboard issue's body): the charts, then the tables. With
// maxChars > 0 the long tables are cut so that the whole stays within maxChars.
func Dashboard(rep *Report, sum *summary, base *baselineData, maxChars int) string {
	var head strings.Builder
	head.WriteString(Marker + "\n")
	fmt.Fprintf(&head, "# rampart org report: %s\n\n", mdText(rep.Org))
	shard := ""
	if rep.Shard.Count > 1 {
		shard = fmt.Sprintf(", shard %d of %d", rep.Shard.Index, rep.Shard.Count)
	}
	fmt.Fprintf(&head, "%d repositories%s: **%d scored**, %d failed, %d skipped; average score **%.1f**. Generated %s with %d GraphQL and %d REST requests.\n\n",
		sum.total, shard, sum.scored, sum.failed, sum.skipped, sum.average(), mdText(rep.GeneratedAt),
		rep.Stats.APIRequests.GraphQL, rep.Stats.APIRequests.REST)

	// Charts.
	head.WriteString("## Grades\n\n```mermaid\nxychart-beta\n    title \"Repositories by grade\"\n    x-axis [A, B, C, D, F]\n")
	maxG := 1
	var vals []string
	for _, g := range grades {
		maxG = max(maxG, sum.grades[g])
		vals = append(vals, fmt.Sprint(sum.grades[g]))
	}
	fmt.Fprintf(&head, "    y-axis \"Repositories\" 0 --> %d\n    bar [%s]\n```\n\n", maxG, strings.Join(vals, ", "))
	head.WriteString("| grade | repositories |\n|---|---:|\n")
	for _, g := range grades {
		fmt.Fprintf(&head, "| %s | %d |\n", g, sum.grades[g])
	}
	head.WriteString("\n")
	if base != nil {
		hist := append(slices.Clone(base.history), HistoryPoint{At: rep.GeneratedAt, Average: round1(sum.average()), Scored: sum.scored})
		if len(hist) > 12 {
			hist = hist[len(hist)-12:]
		}
		var xs, ys []string
		for _, h := range hist {
			d := h.At
			if len(d) >= 10 {
				d = d[:10]
			}
			xs = append(xs, fmt.Sprintf("%q", strings.Map(chartSafe, d)))
			ys = append(ys, fmt.Sprintf("%.1f", h.Average))
		}
		fmt.Fprintf(&head, "## Score trend\n\nAverage score %.1f, %+.1f since the baseline of %s.\n\n", sum.average(), sum.average()-base.average, mdText(base.generatedAt))
		fmt.Fprintf(&head, "```mermaid\nxychart-beta\n    title \"Average score\"\n    x-axis [%s]\n    y-axis \"Score\" 0 --> 100\n    line [%s]\n```\n\n",
			strings.Join(xs, ", "), strings.Join(ys, ", "))
	}

	// Sections, in order; the long ones are cut to fit.
	type section struct {
		title string
		head  string
		rows  []string
		noun  string
	}
	var secs []section

	if sum.criticalTotal > 0 {
		sec := section{title: fmt.Sprintf("Critical findings (%d)", sum.criticalTotal), noun: "critical findings",
			head: "| repository | file | finding |\n|---|---|---|\n"}
		for _, c := range sum.critical {
			loc := fmt.Sprintf("%s:%d", c.f.File, c.f.Line)
			sec.rows = append(sec.rows, fmt.Sprintf("| %s | %s | %s: %s |\n", mdText(c.repo), mdCode(loc), mdCode(c.f.Check), mdRich(truncate(c.f.Message, 300))))
		}
		if sum.criticalTotal > len(sum.critical) {
			sec.rows = append(sec.rows, fmt.Sprintf("| … | | %d more in org.json |\n", sum.criticalTotal-len(sum.critical)))
		}
		secs = append(secs, sec)
	}

	hz := make([]*hazard, 0, len(sum.hazards))
	for _, h := range sum.hazards {
		hz = append(hz, h)
	}
	slices.SortFunc(hz, func(a, b *hazard) int {
		return cmp.Or(cmp.Compare(b.repos, a.repos), cmp.Compare(b.severity, a.severity), cmp.Compare(a.check, b.check))
	})
	if len(hz) > 0 {
		sec := section{title: "Most common hazards", noun: "hazards",
			head: "| check | worst severity | repositories | findings |\n|---|---|---:|---:|\n"}
		for _, h := range hz {
			sec.rows = append(sec.rows, fmt.Sprintf("| %s | %s | %d | %d |\n", mdCode(h.check), h.severity, h.repos, h.findings))
		}
		secs = append(secs, sec)
	}

	ranked := slices.Clone(sum.repos)
	statusRank := map[string]int{StatusScored: 0, StatusFailed: 1, StatusSkipped: 2}
	slices.SortFunc(ranked, func(a, b repoLine) int {
		return cmp.Or(cmp.Compare(statusRank[a.status], statusRank[b.status]), cmp.Compare(a.score, b.score),
			cmp.Compare(b.bySev[audit.Critical], a.bySev[audit.Critical]), cmp.Compare(b.bySev[audit.High], a.bySev[audit.High]),
			strings.Compare(a.name, b.name))
	})
	var scoredRows, otherRows []string
	for _, r := range ranked {
		switch r.status {
		case StatusScored:
			change := ""
			if base != nil {
				switch {
				case r.prevScore == nil:
					change = " | new"
				default:
					change = fmt.Sprintf(" | %+d (+%d new, −%d fixed)", r.score-*r.prevScore, r.newF, r.fixed)
				}
			}
			scoredRows = append(scoredRows, fmt.Sprintf("| %s | %d | %s | %d | %d | %d | %d%s |\n", mdText(r.name), r.score, r.grade,
				r.bySev[audit.Critical], r.bySev[audit.High], r.bySev[audit.Medium], r.bySev[audit.Low], change))
		default:
			otherRows = append(otherRows, fmt.Sprintf("| %s | %s | %s |\n", mdText(r.name), r.status, mdRich(truncate(r.reason, 300))))
		}
	}
	if len(scoredRows) > 0 {
		h := "| repository | score | grade | critical | high | medium | low |"
		sep := "|---|---:|---|---:|---:|---:|---:|"
		if base != nil {
			h += " change |"
			sep += "---|"
		}
		secs = append(secs, section{title: "Repositories, worst first", noun: "repositories", head: h + "\n" + sep + "\n", rows: scoredRows})
	}
	if len(otherRows) > 0 {
		secs = append(secs, section{title: "Failed and skipped repositories", noun: "repositories",
			head: "| repository | status | reason |\n|---|---|---|\n", rows: otherRows})
	}
	footer := "\n<sub>Written by rampart org. The full results are in org.json (and per-repository SARIF with --sarif).</sub>\n"

	out := head.String()
	budget := -1
	if maxChars > 0 {
		budget = maxChars - len([]rune(out)) - len([]rune(footer))
	}
	var b strings.Builder
	b.WriteString(out)
	for i, sec := range secs {
		title := fmt.Sprintf("## %s\n\n", sec.title)
		// Leave the later sections a fair share of what is left.
		share := budget
		if budget >= 0 {
			share = budget / (len(secs) - i)
			if i == len(secs)-1 {
				share = budget
			}
		}
		var sb strings.Builder
		sb.WriteString(title + sec.head)
		used := len([]rune(sb.String()))
		kept := 0
		for _, row := range sec.rows {
			n := len([]rune(row))
			if share >= 0 && used+n+80 > share {
				break
			}
			sb.WriteString(row)
			used += n
			kept++
		}
		if kept < len(sec.rows) {
			sb.WriteString(fmt.Sprintf("\n… and %d more %s (see org.json).\n", len(sec.rows)-kept, sec.noun))
		}
		sb.WriteString("\n")
		if share >= 0 && kept == 0 && len([]rune(sb.String())) > share {
			continue
		}
		b.WriteString(sb.String())
		if budget >= 0 {
			budget -= len([]rune(sb.String()))
		}
	}
	b.WriteString(footer)
	return b.String()
}

// chartSafe keeps a Mermaid label to digits, letters and dashes.
func chartSafe(r rune) rune {
	if r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-' {
		return r
	}
	return -1
}
