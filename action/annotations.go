package action

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rampart-sec/rampart/render"
)

// AnnotationsPerLevel is how many annotations of each level (error, warning, notice) GitHub shows
// for one step; more are dropped.
const AnnotationsPerLevel = 10

// level is the annotation level render's github format gives a severity.
func level(s audit.Severity) int {
	switch {
	case s >= audit.High:
		return 0 // error
	case s == audit.Medium:
		return 1 // warning
	}
	return 2 // notice
}

// Annotations writes workflow-command annotations within what GitHub shows: at most
// AnnotationsPerLevel errors, warnings and notices. New findings on lines the pull request changes
// come first, then other new findings, then the rest, most severe first. Files that could not be
// audited take the warnings left. A closing notice gives the score and says how many were left out.
// The commands come from render's github format, which escapes every audited string.
func Annotations(w io.Writer, rep *audit.Report, changed Changed, checks []*audit.Check) error {
	rank := func(f audit.Finding) int {
		switch {
		case f.Baseline == "new" && changed.Has(f.File, f.Line):
			return 0
		case f.Baseline == "new":
			return 1
		}
		return 2
	}
	fs := rep.Counted()
	slices.SortStableFunc(fs, func(a, b audit.Finding) int {
		return cmp.Or(cmp.Compare(rank(a), rank(b)), cmp.Compare(b.Severity, a.Severity),
			strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), strings.Compare(a.Check, b.Check))
	})
	budget := [3]int{AnnotationsPerLevel, AnnotationsPerLevel, AnnotationsPerLevel - 1} // one notice is the summary
	var chosen []audit.Finding
	for _, f := range fs {
		if l := level(f.Severity); budget[l] > 0 {
			budget[l]--
			chosen = append(chosen, f)
		}
	}
	errs := rep.Errors
	if len(errs) > budget[1] {
		errs = errs[:budget[1]]
	}
	// One render per finding keeps the priority order in the log; render's closing score notice
	// (the last line of each) is dropped: ours follows.
	var out strings.Builder
	one := func(sub *audit.Report) error {
		var buf bytes.Buffer
		if err := render.Write(&buf, "github", sub, render.Options{Checks: checks}); err != nil {
			return err
		}
		lines := strings.SplitAfter(buf.String(), "\n")
		for _, l := range lines {
			if l != "" && !strings.HasPrefix(l, "::notice title=rampart::") {
				out.WriteString(l)
			}
		}
		return nil
	}
	for _, f := range chosen {
		if err := one(&audit.Report{Schema: rep.Schema, Score: rep.Score, Grade: rep.Grade, Findings: []audit.Finding{f}}); err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		if err := one(&audit.Report{Schema: rep.Schema, Score: rep.Score, Grade: rep.Grade, Findings: []audit.Finding{}, Errors: errs}); err != nil {
			return err
		}
	}
	left := len(fs) - len(chosen) + len(rep.Errors) - len(errs)
	summary := fmt.Sprintf("score %d/100 (%s): %s", rep.Score, audit.Grade(rep.Score), countText(rep.CountBySeverity(), ""))
	if b := rep.Baseline; b != nil {
		summary += fmt.Sprintf("; %d new, %d fixed against the base", b.New, len(b.Fixed))
	}
	if left > 0 {
		summary += fmt.Sprintf("; %d more not shown as annotations (GitHub shows %d of each level per step): see the step summary", left, AnnotationsPerLevel)
	}
	_, err := fmt.Fprintf(w, "%s::notice title=rampart::%s\n", out.String(), summary)
	return err
}
