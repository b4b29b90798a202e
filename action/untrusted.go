package action

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/rampart-sec/rampart/audit"
)

// Limits on a report read from an untrusted artifact.
const (
	MaxReportBytes    = 5 << 20
	MaxReportFindings = 5000
	maxStringBytes    = 16 << 10
	maxListItems      = 1000
)

// ReadUntrustedReport reads a JSON report that someone else's code may have written (an artifact of
// a pull request's run, in a workflow_run job): at most MaxReportBytes, one JSON object with known
// fields only, schema rampart/report/v1, a score from 0 to 100, valid severities and confidences,
// at most MaxReportFindings findings, no string over 16 KiB or with invalid UTF-8. The strings are
// still hostile after this: they reach the comment only through the renderer's escaping.
func ReadUntrustedReport(r io.Reader) (*audit.Report, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxReportBytes+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read the report: %w", err)
	}
	if len(b) > MaxReportBytes {
		return nil, fmt.Errorf("the report is over %d bytes", MaxReportBytes)
	}
	if !utf8.Valid(b) {
		return nil, errors.New("the report is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var rep audit.Report
	if err := dec.Decode(&rep); err != nil {
		return nil, fmt.Errorf("the report is not a rampart JSON report: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("the report has data after its JSON object")
	}
	if err := validate(&rep); err != nil {
		return nil, fmt.Errorf("the report is not valid: %v", err)
	}
	return &rep, nil
}

func validate(r *audit.Report) error {
	if r.Schema != audit.ReportSchema {
		return fmt.Errorf("schema %q, want %q", r.Schema, audit.ReportSchema)
	}
	if r.Score < 0 || r.Score > 100 {
		return fmt.Errorf("score %d is not between 0 and 100", r.Score)
	}
	if r.Grade != audit.Grade(r.Score) {
		return fmt.Errorf("grade %q does not match score %d", r.Grade, r.Score)
	}
	if len(r.Findings) > MaxReportFindings {
		return fmt.Errorf("%d findings, over the cap of %d", len(r.Findings), MaxReportFindings)
	}
	if len(r.Categories) > 64 || len(r.Skipped) > maxListItems || len(r.Errors) > maxListItems || len(r.Exceptions) > maxListItems {
		return errors.New("too many categories, skipped checks, errors or exceptions")
	}
	strs := []string{r.Tool.Name, r.Tool.Version, r.Target.Kind, r.Target.Name, r.Target.Ref}
	for _, c := range r.Categories {
		if c.Score < 0 || c.Score > 100 || c.Weight < 0 || c.Weight > 1 {
			return fmt.Errorf("category %q has an invalid score or weight", string(c.ID))
		}
		strs = append(strs, string(c.ID), c.Title)
	}
	for i, f := range r.Findings {
		if err := validFinding(f); err != nil {
			return fmt.Errorf("finding %d: %v", i+1, err)
		}
	}
	for _, s := range r.Skipped {
		strs = append(strs, s.Check, s.Reason)
	}
	for _, e := range r.Errors {
		strs = append(strs, e.File, e.Message)
	}
	for _, x := range r.Exceptions {
		strs = append(strs, x.Check, x.Path, x.Reason, x.Expires, x.Status)
	}
	if b := r.Baseline; b != nil {
		if b.PreviousScore < 0 || b.PreviousScore > 100 || b.ScoreChange != r.Score-b.PreviousScore || b.New < 0 || b.Existing < 0 {
			return errors.New("the baseline's scores or counts are inconsistent")
		}
		if len(b.Fixed) > MaxReportFindings {
			return fmt.Errorf("%d fixed findings, over the cap of %d", len(b.Fixed), MaxReportFindings)
		}
		for i, f := range b.Fixed {
			if err := validFinding(f); err != nil {
				return fmt.Errorf("fixed finding %d: %v", i+1, err)
			}
		}
		strs = append(strs, b.File)
	}
	for _, s := range strs {
		if len(s) > maxStringBytes {
			return fmt.Errorf("a string is over %d bytes", maxStringBytes)
		}
	}
	return nil
}

func validFinding(f audit.Finding) error {
	if f.Severity < audit.Info || f.Severity > audit.Critical {
		return errors.New("invalid severity")
	}
	if f.Line < 0 || f.Column < 0 || f.EndLine < 0 || len(f.Related) > 32 {
		return errors.New("invalid position or too many related places")
	}
	switch f.Baseline {
	case "", "new", "existing":
	default:
		return fmt.Errorf("invalid baseline mark %q", f.Baseline)
	}
	strs := []string{f.Check, string(f.Category), f.File, f.Message, f.Remediation, f.URL, f.Fingerprint}
	if s := f.Suppression; s != nil {
		strs = append(strs, s.Kind, s.Reason, s.Expires)
	}
	for _, l := range f.Related {
		if l.Line < 0 || l.Column < 0 || l.EndLine < 0 {
			return errors.New("invalid related position")
		}
		strs = append(strs, l.File, l.Note)
	}
	for _, s := range strs {
		if len(s) > maxStringBytes {
			return fmt.Errorf("a string is over %d bytes", maxStringBytes)
		}
	}
	return nil
}
