package audit

// ReportSchema is the JSON report's schema id.
const ReportSchema = "rampart/report/v1"

// Report is the outcome of one audit: what every renderer shows.
type Report struct {
	Schema     string          `json:"schema"`
	Tool       Tool            `json:"tool"`
	Target     TargetInfo      `json:"target"`
	Score      int             `json:"score"`
	Grade      string          `json:"grade"`
	Categories []CategoryScore `json:"categories"`
	Findings   []Finding       `json:"findings"`
	Skipped    []Skipped       `json:"skipped"`
	Errors     []FileError     `json:"errors"`
	// Exceptions lists the config file's exceptions and whether each applied, expired or matched nothing.
	Exceptions []ExceptionStatus `json:"exceptions,omitempty"`
	// Baseline is set when the report was compared with an earlier one.
	Baseline *BaselineDelta `json:"baseline,omitempty"`
	Stats    Stats          `json:"stats"`
}

// Tool names the program that wrote the report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// TargetInfo says what was audited.
type TargetInfo struct {
	// Kind is "dir", "file", "repo" or "org".
	Kind string `json:"kind"`
	Name string `json:"name"`
	Ref  string `json:"ref,omitempty"`
}

// CategoryScore is one category's part of the score.
type CategoryScore struct {
	ID     Category `json:"id"`
	Title  string   `json:"title"`
	Score  int      `json:"score"`
	Weight float64  `json:"weight"`
	// Known is false when no check of the category could run (it then has no weight in the score).
	Known bool `json:"known"`
	// Findings counts the findings that cost the category points.
	Findings int `json:"findings"`
}

// Skipped is a check that could not run, and why. Its category's score does not count it.
type Skipped struct {
	Check  string `json:"check"`
	Reason string `json:"reason"`
}

// FileError is a file that was not audited, or only in part, and why.
type FileError struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Message string `json:"message"`
}

// ExceptionStatus is what became of one config exception.
type ExceptionStatus struct {
	Check   string `json:"check"`
	Path    string `json:"path,omitempty"`
	Reason  string `json:"reason"`
	Expires string `json:"expires,omitempty"`
	// Status is "applied", "expired" or "unused".
	Status  string `json:"status"`
	Matched int    `json:"matched"`
}

// BaselineDelta compares the report with a baseline report.
type BaselineDelta struct {
	File          string `json:"file"`
	PreviousScore int    `json:"previous_score"`
	ScoreChange   int    `json:"score_change"`
	New           int    `json:"new"`
	Existing      int    `json:"existing"`
	// Fixed are the baseline's findings that are gone.
	Fixed []Finding `json:"fixed"`
}

// Stats counts what the audit read and did.
type Stats struct {
	Files       int `json:"files"`
	Workflows   int `json:"workflows"`
	Actions     int `json:"actions"`
	Dependabot  int `json:"dependabot"`
	Dockerfiles int `json:"dockerfiles"`
	APIRequests int `json:"api_requests"`
	DurationMS  int `json:"duration_ms"`
}

// Counted returns the findings that count towards the score and --fail-on.
func (r *Report) Counted() []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.Counts() {
			out = append(out, f)
		}
	}
	return out
}

// CountBySeverity counts the findings that count, per severity.
func (r *Report) CountBySeverity() map[Severity]int {
	m := map[Severity]int{}
	for _, f := range r.Findings {
		if f.Counts() {
			m[f.Severity]++
		}
	}
	return m
}
