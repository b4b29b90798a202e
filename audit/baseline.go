package audit

import (
	"encoding/json"
	"fmt"
	"os"
)

// LoadReport reads a JSON report written by --format json.
func LoadReport(path string) (*Report, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read baseline: %w", err)
	}
	var r Report
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("baseline %q is not a rampart JSON report: %v", path, err)
	}
	if r.Schema != ReportSchema {
		return nil, fmt.Errorf("baseline %q has schema %q, want %q", path, r.Schema, ReportSchema)
	}
	return &r, nil
}

// CompareBaseline marks each finding of rep as "new" or "existing" by fingerprint, and records
// the baseline's findings that are gone and the score change.
func CompareBaseline(rep, base *Report, file string) {
	before := map[string]bool{}
	for _, f := range base.Findings {
		if f.Counts() {
			before[f.Fingerprint] = true
		}
	}
	now := map[string]bool{}
	d := &BaselineDelta{File: file, PreviousScore: base.Score, ScoreChange: rep.Score - base.Score, Fixed: []Finding{}}
	for i := range rep.Findings {
		f := &rep.Findings[i]
		now[f.Fingerprint] = true
		if before[f.Fingerprint] {
			f.Baseline = "existing"
			if f.Counts() {
				d.Existing++
			}
		} else {
			f.Baseline = "new"
			if f.Counts() {
				d.New++
			}
		}
	}
	for _, f := range base.Findings {
		if f.Counts() && !now[f.Fingerprint] {
			d.Fixed = append(d.Fixed, f)
		}
	}
	rep.Baseline = d
}
