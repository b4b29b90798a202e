package audit

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// echoCheck reports every run: step, at the step's run: key.
var echoCheck = &Check{ID: "echo-check", Title: "t", Severity: High, Confidence: HighConfidence, Category: CategoryHygiene,
	Equivalents: map[string]string{"zizmor": "echo-check"},
	Run: func(p *Pass) error {
		for _, f := range p.Target.Workflows() {
			for _, s := range f.Steps() {
				if r := s.Run(); r != nil {
					p.Reportf(f, r.Run.Pos, "runs %q", strings.TrimSpace(r.Run.Value))
				}
			}
		}
		return nil
	}}

func auditSrc(t *testing.T, src string, cfg *Config, opts AuditOptions) *Report {
	t.Helper()
	tg := &Target{Kind: "dir", Name: "x", Config: cfg}
	tg.AddSource(".github/workflows/ci.yml", []byte(src))
	if opts.Now.IsZero() {
		opts.Now = time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	}
	return (&Engine{Checks: []*Check{echoCheck}}).Audit([]*Target{tg}, opts).Report
}

const suppressSrc = `on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: one # rampart: ignore[echo-check] reviewed, constant
      # zizmor: ignore[echo-check]
      - run: two
      - run: three # rampart: ignore[other-check] not this one
      - run: four
      - run: five
`

func TestSuppressionAndExceptions(t *testing.T) {
	cfg, err := ParseConfig([]byte(`
checks:
  echo-check: {severity: medium}
exceptions:
  - check: echo-check
    path: .github/workflows/*.yml
    line: 10
    reason: accepted until the migration
    expires: 2027-01-31
  - check: echo-check
    line: 11
    reason: was accepted
    expires: 2026-01-01
  - check: "*"
    path: nothing/*.yml
    reason: never matches
`), nil)
	if err != nil {
		t.Fatal(err)
	}
	rep := auditSrc(t, suppressSrc, cfg, AuditOptions{})
	got := map[string]string{}
	for _, f := range rep.Findings {
		state := "counts"
		if f.Suppressed {
			state = f.Suppression.Kind + ":" + f.Suppression.Reason
		}
		got[f.Message] = state
		if f.Severity != Medium {
			t.Errorf("severity remap not applied: %s", f.Severity)
		}
	}
	want := map[string]string{
		`runs "one"`:   "inline:rampart: reviewed, constant",
		`runs "two"`:   "inline:zizmor: (no reason given)",
		`runs "three"`: "counts",
		`runs "four"`:  "config:accepted until the migration",
		`runs "five"`:  "counts",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q", k, got[k], v)
		}
	}
	status := []string{}
	for _, e := range rep.Exceptions {
		status = append(status, e.Status)
	}
	if strings.Join(status, ",") != "applied,expired,unused" {
		t.Errorf("exception statuses %v", status)
	}
}

func TestConfigErrors(t *testing.T) {
	for src, frag := range map[string]string{
		"exceptions:\n  - check: echo-check\n":                              "reason",
		"exceptions:\n  - check: x\n    reason: r\n    expires: tomorrow\n": "expires",
		"checkz: {}\n":                       "unknown key",
		"checks:\n  nope: {disable: true}\n": "unknown check",
		"fail-on: severe\n":                  "unknown severity",
		"min-score: 101\n":                   "min-score",
	} {
		_, err := ParseConfig([]byte(src), map[string]bool{"echo-check": true, "x": true})
		if err == nil || !strings.Contains(err.Error(), frag) {
			t.Errorf("%q: error %v, want it to mention %q", src, err, frag)
		}
	}
}

func TestFingerprintSurvivesLineMoves(t *testing.T) {
	a := auditSrc(t, suppressSrc, nil, AuditOptions{})
	moved := strings.Replace(suppressSrc, "jobs:\n", "jobs:\n  # a comment\n\n", 1)
	b := auditSrc(t, moved, nil, AuditOptions{})
	if len(a.Findings) != len(b.Findings) {
		t.Fatal("different findings")
	}
	for i := range a.Findings {
		if a.Findings[i].Fingerprint != b.Findings[i].Fingerprint || a.Findings[i].Line == b.Findings[i].Line {
			t.Errorf("finding %d: fingerprint %s vs %s (lines %d, %d)", i, a.Findings[i].Fingerprint, b.Findings[i].Fingerprint, a.Findings[i].Line, b.Findings[i].Line)
		}
	}
	CompareBaseline(b, a, "base.json")
	if b.Baseline.New != 0 || b.Baseline.Existing != 3 || len(b.Baseline.Fixed) != 0 {
		t.Errorf("baseline delta %+v", b.Baseline)
	}
}

func TestFiltersAndDisable(t *testing.T) {
	rep := auditSrc(t, suppressSrc, nil, AuditOptions{MinSeverity: Critical})
	if len(rep.Findings) != 0 {
		t.Errorf("min-severity critical left %d findings", len(rep.Findings))
	}
	cfg := &Config{Checks: map[string]CheckConfig{"echo-check": {Disable: true}}}
	rep = auditSrc(t, suppressSrc, cfg, AuditOptions{})
	if len(rep.Findings) != 0 || len(rep.Skipped) != 1 || rep.Skipped[0].Reason != "disabled in the config" {
		t.Errorf("disabled: %+v %+v", rep.Findings, rep.Skipped)
	}
}

func TestFailingCheckIsAFailureNotAFinding(t *testing.T) {
	boom := &Check{ID: "boom", Category: CategoryHygiene, Run: func(p *Pass) error {
		panic("bug")
	}}
	tg := &Target{Kind: "dir", Name: "x"}
	tg.AddSource(".github/workflows/ci.yml", []byte(okWorkflow))
	res := (&Engine{Checks: []*Check{boom, echoCheck}}).Audit([]*Target{tg}, AuditOptions{})
	if !res.Failed || len(res.Report.Findings) != 1 {
		t.Errorf("failed=%v findings=%d", res.Failed, len(res.Report.Findings))
	}
	if !strings.Contains(res.Report.Errors[0].Message, "check boom failed: panic: bug") {
		t.Errorf("errors %+v", res.Report.Errors)
	}
}

// TestRepeatsAreDroppedBeforeFingerprints checks that a finding reported twice (same check,
// place and message) is kept once, and that what differs in check or message at the same place is
// kept, each with its own fingerprint.
func TestRepeatsAreDroppedBeforeFingerprints(t *testing.T) {
	tg := &Target{Kind: "dir", Name: "x"}
	tg.AddSource(".github/workflows/ci.yml", []byte("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: x\n"))
	file := tg.Files[0]
	mk := func(check, msg string, line int) *Finding {
		return &Finding{Check: check, File: file.Path, Line: line, Column: 9, Message: msg, Severity: High, Confidence: HighConfidence}
	}
	raw := []*Finding{mk("a", "one", 6), mk("b", "one", 6), mk("a", "one", 6), mk("a", "two", 6), mk("a", "one", 3), mk("b", "one", 6)}
	out, _ := Process(tg, raw, ProcessOptions{})
	var got []string
	prints := map[string]bool{}
	for _, f := range out {
		got = append(got, f.Check+" "+f.Message+" "+itoa(f.Line))
		if prints[f.Fingerprint] {
			t.Errorf("fingerprint %s given twice", f.Fingerprint)
		}
		prints[f.Fingerprint] = true
	}
	want := []string{"a one 3", "a one 6", "a two 6", "b one 6"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("findings %q, want %q", got, want)
	}
}

// TestInlineIgnoreWithKeys: findings with keys leave the file's line index unmade (their
// fingerprints do not read the line), and ignore comments are found all the same.
func TestInlineIgnoreWithKeys(t *testing.T) {
	keyed := &Check{ID: "keyed-check", Title: "t", Severity: High, Confidence: HighConfidence, Category: CategoryHygiene,
		Run: func(p *Pass) error {
			for _, f := range p.Target.Workflows() {
				for i, s := range f.Steps() {
					if r := s.Run(); r != nil {
						p.Reportf(f, r.Run.Pos, "runs %q", strings.TrimSpace(r.Run.Value)).Key = "step " + itoa(i)
					}
				}
			}
			return nil
		}}
	for _, src := range []string{
		"on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: two\n      - run: one # rampart: ignore[keyed-check] fine\n",
		"on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: two\n      # rampart: ignore[keyed-check] fine\n      - run: one\n",
	} {
		tg := &Target{Kind: "dir", Name: "x"}
		tg.AddSource(".github/workflows/ci.yml", []byte(src))
		rep := (&Engine{Checks: []*Check{keyed}}).Audit([]*Target{tg}, AuditOptions{Now: time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)}).Report
		var got []string
		for _, f := range rep.Findings {
			got = append(got, fmt.Sprintf("%s suppressed=%v", f.Message, f.Suppressed))
		}
		want := []string{`runs "one" suppressed=true`, `runs "two" suppressed=false`}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("findings %q, want %q", got, want)
		}
	}
}
