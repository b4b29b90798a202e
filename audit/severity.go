package audit

import (
	"fmt"
	"strings"
)

// Severity is how bad a finding is when it is real.
type Severity int

// Severities, from least to most severe.
const (
	Info Severity = iota
	Low
	Medium
	High
	Critical
)

var severityNames = [...]string{"info", "low", "medium", "high", "critical"}

func (s Severity) String() string {
	if s < Info || s > Critical {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity reads a severity name ("high"), case-insensitively.
func ParseSeverity(name string) (Severity, error) {
	for i, n := range severityNames {
		if strings.EqualFold(strings.TrimSpace(name), n) {
			return Severity(i), nil
		}
	}
	return Info, fmt.Errorf("unknown severity %q (want one of %s)", name, strings.Join(severityNames[:], ", "))
}

// MarshalText writes the severity's name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a severity's name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Confidence is how sure a check is that a finding is real.
type Confidence int

// Confidences, from least to most sure.
const (
	LowConfidence Confidence = iota
	MediumConfidence
	HighConfidence
)

var confidenceNames = [...]string{"low", "medium", "high"}

func (c Confidence) String() string {
	if c < LowConfidence || c > HighConfidence {
		return fmt.Sprintf("confidence(%d)", int(c))
	}
	return confidenceNames[c]
}

// ParseConfidence reads a confidence name ("medium"), case-insensitively.
func ParseConfidence(name string) (Confidence, error) {
	for i, n := range confidenceNames {
		if strings.EqualFold(strings.TrimSpace(name), n) {
			return Confidence(i), nil
		}
	}
	return LowConfidence, fmt.Errorf("unknown confidence %q (want one of %s)", name, strings.Join(confidenceNames[:], ", "))
}

// MarshalText writes the confidence's name.
func (c Confidence) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText reads a confidence's name.
func (c *Confidence) UnmarshalText(b []byte) error {
	v, err := ParseConfidence(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}
