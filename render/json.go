package render

import (
	"encoding/json"
	"io"
	"slices"

	"github.com/rampart-sec/rampart/audit"
)

// writeJSON writes the report schema of SPEC.md: the Report indented by two spaces, with a
// trailing newline, and every array present ([] rather than null).
func writeJSON(w io.Writer, rep *audit.Report, _ Options) error {
	b, err := json.MarshalIndent(normalized(rep), "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(BreakCommands(b), '\n'))
	return err
}

// normalized returns a shallow copy of rep whose arrays are never nil.
func normalized(rep *audit.Report) *audit.Report {
	r := *rep
	r.Categories = nonNil(r.Categories)
	r.Findings = nonNil(r.Findings)
	r.Skipped = nonNil(r.Skipped)
	r.Errors = nonNil(r.Errors)
	if r.Baseline != nil {
		b := *r.Baseline
		b.Fixed = nonNil(b.Fixed)
		r.Baseline = &b
	}
	return &r
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return slices.Clip(s)
}
