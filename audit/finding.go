package audit

// Location is a place in an audited file: 1-based line and column.
type Location struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	EndLine int    `json:"end_line,omitempty"`
	// Note says what is at this place ("checks out the pull request head").
	Note string `json:"note,omitempty"`
}

// Suppression says why a finding does not count.
type Suppression struct {
	// Kind is "inline" (a comment in the file) or "config" (an exception in the config file).
	Kind   string `json:"kind"`
	Reason string `json:"reason"`
	// Expires is the exception's expiry date (YYYY-MM-DD), when it has one.
	Expires string `json:"expires,omitempty"`
}

// Finding is one hazard found by a check.
type Finding struct {
	Check       string     `json:"check"`
	Severity    Severity   `json:"severity"`
	Confidence  Confidence `json:"confidence"`
	Category    Category   `json:"category"`
	File        string     `json:"file"`
	Line        int        `json:"line"`
	Column      int        `json:"column"`
	EndLine     int        `json:"end_line"`
	Message     string     `json:"message"`
	Remediation string     `json:"remediation"`
	URL         string     `json:"url"`
	// Fingerprint identifies the finding across line moves: it leaves out line numbers.
	Fingerprint string       `json:"fingerprint"`
	Suppressed  bool         `json:"suppressed"`
	Suppression *Suppression `json:"suppression"`
	// Related are other places that make up the finding (the checkout step of a dangerous trigger).
	Related []Location `json:"related,omitempty"`
	// Points is what the finding costs in the overall score.
	Points float64 `json:"points"`
	// Baseline is "new" or "existing" when the report was compared with a baseline.
	Baseline string `json:"baseline,omitempty"`
	// Key, when a check sets it, makes the fingerprint: a stable description of what was found where
	// ("job build, step 3, github.event.issue.title"). Without it the source line's text is used.
	Key string `json:"-"`
}

// Location returns where the finding is.
func (f *Finding) Location() Location {
	return Location{File: f.File, Line: f.Line, Column: f.Column, EndLine: f.EndLine}
}

// Counts reports whether the finding counts towards the score and --fail-on.
func (f *Finding) Counts() bool { return !f.Suppressed }
