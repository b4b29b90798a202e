package audit

import (
	"fmt"
	"strings"
)

// ScoreDoc explains the score, from the same tables Score uses (`rampart explain score`, README).
func ScoreDoc() string {
	var b strings.Builder
	b.WriteString(`# How the score is computed

The score runs from 0 to 100 with a grade: A 90+, B 80+, C 70+, D 60+, F below.
Every point lost is traced to a finding: each finding in the JSON report carries the points it costs.

1. A finding that counts (not suppressed, not filtered out) costs its category
   penalty(severity) × factor(confidence):

`)
	b.WriteString("   | severity | penalty |\n   |---|---|\n")
	for s := Critical; s >= Info; s-- {
		fmt.Fprintf(&b, "   | %s | %g |\n", s, Penalties[s])
	}
	b.WriteString("\n   | confidence | factor |\n   |---|---|\n")
	for c := HighConfidence; c >= LowConfidence; c-- {
		fmt.Fprintf(&b, "   | %s | %g |\n", c, ConfidenceFactors[c])
	}
	b.WriteString(`
2. Repeats weigh less: within one check and one category, findings are ranked by cost and the
   k-th costs 1/k of its own cost. Twenty copies of one mistake cost less than twenty different
   mistakes, and yet each copy costs something. A category loses at most 100 points.
3. The score is the weighted mean of the category scores (100 minus deductions) over the
   categories that are known. A category is unknown when none of its checks could run (no token
   for the API-backed checks, or all disabled): it then neither adds nor removes points, and the
   report lists the skipped checks and why.

`)
	b.WriteString("| category | weight | title |\n|---|---|---|\n")
	for _, c := range Categories {
		fmt.Fprintf(&b, "| `%s` | %g | %s |\n", c.ID, c.Weight, c.Title)
	}
	b.WriteString(`
Properties, each tested: deterministic, independent of file and finding order, and monotone (a
new finding never raises the score; fixing one never lowers it). Suppressed findings (inline
ignores, config exceptions) stay in the report but cost nothing; an expired exception stops
applying. --min-severity and --min-confidence filter findings out before scoring.
`)
	return b.String()
}
