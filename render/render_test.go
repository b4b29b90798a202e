package render

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/audit"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// hostile is workflow content an attacker controls, as a check would quote it in a message.
const hostile = "<script>alert(1)</script> @octocat #1 ```x``` ](http://evil) ![i](https://evil/i.png) " +
	"www.evil.example <!-- rampart:report --> $x$ *em* _u_ ~~s~~ | cell |\n::error::x\r\n##[error]legacy " +
	"%0A::warning::y \x1b[31mred\x1b]0;title\x07 \u009b2J \u202eevil"

const hostilePath = ".github/workflows/evil](http:,evil) @octocat `x`.yml"

func testChecks() []*audit.Check {
	run := func(*audit.Pass) error { return nil }
	return []*audit.Check{
		{ID: "template-injection", Title: "Code injection through template expansion", Severity: audit.High,
			Confidence: audit.HighConfidence, Category: audit.CategoryInjection,
			Doc: "Expanding `${{ github.event.* }}` into a `run:` script lets an attacker run code.\n\nSecond paragraph.",
			Bad: "run: echo ${{ github.event.issue.title }}", Good: "run: echo \"$TITLE\"",
			Fix: "Pass the value through an environment variable.", Run: run,
			References:  []string{"https://docs.github.com/en/actions/security-for-github-actions"},
			Equivalents: map[string]string{"zizmor": "template-injection"}},
		{ID: "dangerous-triggers", Title: "Privileged trigger runs untrusted code", Severity: audit.High,
			Confidence: audit.MediumConfidence, Category: audit.CategoryTriggers,
			Doc: "pull_request_target runs with a write token.", Bad: "on: pull_request_target", Good: "on: pull_request",
			Fix: "Use pull_request.", Run: run},
		{ID: "excessive-permissions", Title: "Token has more permissions than it needs", Severity: audit.Medium,
			Confidence: audit.HighConfidence, Category: audit.CategoryPermissions,
			Doc: "A broad token widens the blast radius.", Bad: "permissions: write-all", Good: "permissions: {}",
			Fix: "Set `permissions: {}` at the top and grant per job.", Run: run},
		{ID: "unpinned-uses", Title: "Action not pinned to a commit", Severity: audit.Medium,
			Confidence: audit.HighConfidence, Category: audit.CategorySupplyChain, Fixable: true,
			Doc: "A tag can be moved.", Bad: "uses: actions/checkout@v4", Good: "uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4",
			Fix: "Pin to a full commit SHA.", Run: run},
		{ID: "impostor-commit", Title: "Pinned commit is not in the action's repository", Severity: audit.Critical,
			Confidence: audit.HighConfidence, Category: audit.CategorySupplyChain, Online: true,
			Doc: "A SHA from a fork.", Bad: "uses: a/b@0000000000000000000000000000000000000000", Good: "uses: a/b@v1",
			Fix: "Pin to a commit of the action's own repository.", Run: run},
	}
}

// testReport is a report with a bit of everything, and hostile strings wherever the audited
// repository can put them.
func testReport() *audit.Report {
	return &audit.Report{
		Schema: audit.ReportSchema,
		Tool:   audit.Tool{Name: "rampart", Version: "1.2.3"},
		Target: audit.TargetInfo{Kind: "dir", Name: "."},
		Score:  58, Grade: "F",
		Categories: []audit.CategoryScore{
			{ID: audit.CategoryInjection, Title: "Script and expression injection", Score: 50, Weight: 0.25, Known: true, Findings: 1},
			{ID: audit.CategoryTriggers, Title: "Dangerous triggers and privileged workflows", Score: 100, Weight: 0.2, Known: true},
			{ID: audit.CategoryPermissions, Title: "Token permissions", Score: 90, Weight: 0.2, Known: true, Findings: 1},
			{ID: audit.CategorySupplyChain, Title: "Pinned dependencies and supply chain", Score: 72, Weight: 0.2, Known: true, Findings: 2},
			{ID: audit.CategorySettings, Title: "Repository settings", Score: 0, Weight: 0.15, Known: false},
		},
		Findings: []audit.Finding{
			{Check: "template-injection", Severity: audit.Critical, Confidence: audit.HighConfidence, Category: audit.CategoryInjection,
				File: ".github/workflows/ci.yml", Line: 12, Column: 15, EndLine: 13,
				Message:     "`${{ github.event.issue.title }}` is expanded into a run script: " + hostile,
				Remediation: "Pass it through `env:` and use \"$TITLE\" in the script.",
				URL:         audit.DocsBase + "#template-injection", Fingerprint: "0123456789abcdef01234567",
				Related: []audit.Location{{File: ".github/workflows/ci.yml", Line: 3, Column: 3, Note: "triggered by issues " + "@octocat <b>"}},
				Points:  12.5},
			{Check: "dangerous-triggers", Severity: audit.High, Confidence: audit.MediumConfidence, Category: audit.CategoryTriggers,
				File: ".github/workflows/ci.yml", Line: 3, Column: 3, EndLine: 3,
				Message: "pull_request_target checks out the pull request head", Remediation: "Use pull_request.",
				Fingerprint: "aaaaaaaaaaaaaaaaaaaaaaaa", Suppressed: true,
				Suppression: &audit.Suppression{Kind: "inline", Reason: "rampart: only labels " + hostile}},
			{Check: "unpinned-uses", Severity: audit.High, Confidence: audit.HighConfidence, Category: audit.CategorySupplyChain,
				File: ".github/workflows/ci.yml", Line: 20, Column: 15, EndLine: 20,
				Message: "actions/checkout@v4 is not pinned to a commit", Remediation: "Pin to a full commit SHA.",
				Fingerprint: "bbbbbbbbbbbbbbbbbbbbbbbb", Points: 5},
			{Check: "excessive-permissions", Severity: audit.Medium, Confidence: audit.HighConfidence, Category: audit.CategoryPermissions,
				File: hostilePath, Line: 1, Column: 1,
				Message: "the workflow has write-all: " + hostile, Remediation: "Set `permissions: {}`.",
				Fingerprint: "cccccccccccccccccccccccc", Points: 2},
			{Check: "unpinned-uses", Severity: audit.Low, Confidence: audit.LowConfidence, Category: audit.CategorySupplyChain,
				File: "action.yml", Line: 7, Column: 11, EndLine: 7,
				Message: "./local is a local action", Fingerprint: "dddddddddddddddddddddddd", Points: 0.3},
			{Check: "unpinned-uses", Severity: audit.Medium, Confidence: audit.HighConfidence, Category: audit.CategorySupplyChain,
				File: "action.yml", Line: 9, Column: 11, EndLine: 9,
				Message: "docker://alpine is not pinned", Fingerprint: "eeeeeeeeeeeeeeeeeeeeeeee",
				Suppressed: true, Suppression: &audit.Suppression{Kind: "config", Reason: "vendored image", Expires: "2027-06-30"}},
			{Check: "branch-protection", Severity: audit.Medium, Confidence: audit.HighConfidence, Category: audit.CategorySettings,
				Message: "the default branch main is not protected", Remediation: "Protect it with a ruleset.",
				Fingerprint: "9999999999999999999999999"},
			{Check: "unpinned-uses", Severity: audit.Info, Confidence: audit.HighConfidence, Category: audit.CategorySupplyChain,
				File: "action.yml", Line: 11, Column: 11,
				Message: "actions/cache@v4 is pinned to a tag of a trusted owner", Fingerprint: "ffffffffffffffffffffffff"},
		},
		Skipped: []audit.Skipped{{Check: "impostor-commit", Reason: "no token: API-backed check skipped"}},
		Errors: []audit.FileError{
			{File: ".github/workflows/broken.yml", Line: 4, Column: 2, Message: "could not parse: " + hostile},
		},
		Exceptions: []audit.ExceptionStatus{
			{Check: "unpinned-uses", Path: "action.yml", Reason: "vendored image", Expires: "2027-06-30", Status: "applied", Matched: 1},
			{Check: "dangerous-triggers", Path: ".github/workflows/old.yml", Reason: "legacy", Expires: "2024-01-01", Status: "expired"},
		},
		Stats: audit.Stats{Files: 4, Workflows: 2, Actions: 1, Dependabot: 0, DurationMS: 14},
	}
}

func testOptions() Options {
	return Options{Checks: testChecks(), ServerURL: "https://github.com", Repository: "acme/app", Ref: "main"}
}

func render(t *testing.T, format string, rep *audit.Report, opts Options) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, format, rep, opts); err != nil {
		t.Fatalf("Write(%s): %v", format, err)
	}
	return buf.String()
}

func TestGolden(t *testing.T) {
	for _, format := range Formats() {
		t.Run(format, func(t *testing.T) {
			got := render(t, format, testReport(), testOptions())
			if again := render(t, format, testReport(), testOptions()); again != got {
				t.Fatalf("%s output is not deterministic", format)
			}
			path := filepath.Join("..", "testdata", "golden", "report."+format)
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./render -update)", err)
			}
			if got != string(want) {
				t.Errorf("%s output differs from %s (run go test ./render -update and review the diff)\ngot:\n%s", format, path, got)
			}
		})
	}
}

func TestColourText(t *testing.T) {
	plain := render(t, "text", testReport(), Options{})
	if strings.ContainsRune(plain, 0x1b) {
		t.Errorf("text without colour holds an ESC byte")
	}
	coloured := render(t, "text", testReport(), Options{Color: true})
	// The only escape sequences are our own SGR colours.
	rest := regexp.MustCompile(`\x1b\[[0-9;]*m`).ReplaceAllString(coloured, "")
	if strings.ContainsRune(rest, 0x1b) {
		t.Errorf("coloured text holds an escape sequence that is not an SGR colour")
	}
	if rest != plain {
		t.Errorf("coloured text without its colours differs from plain text")
	}
}

func TestTextHasNoControlCharacters(t *testing.T) {
	out := render(t, "text", testReport(), Options{})
	for i, r := range out {
		if r != '\n' && isControl(r) && r != '\t' {
			t.Fatalf("control character %U at byte %d of the text output", r, i)
		}
	}
	// An audited line break cannot start a line that looks like a finding of ours.
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "::") || strings.HasPrefix(line, "##[") {
			t.Errorf("audited text starts a line: %q", line)
		}
	}
}

var annotation = regexp.MustCompile(`^::(error|warning|notice)( [a-zA-Z]+=[^:,\n]*(,[a-zA-Z]+=[^:,\n]*)*)?::`)

func TestGitHubAnnotationsCannotInjectCommands(t *testing.T) {
	rep := testReport()
	out := render(t, "github", rep, testOptions())
	if strings.ContainsAny(out, "\r\x1b\x07") || strings.Contains(out, "\u202e") {
		t.Errorf("github output holds a raw control character")
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	want := len(rep.Counted()) + len(rep.Errors) + 1
	if len(lines) != want {
		t.Errorf("got %d lines, want %d (one per counted finding and error, and the score)", len(lines), want)
	}
	for _, l := range lines {
		if !annotation.MatchString(l) {
			t.Errorf("line is not a well-formed annotation: %q", l)
		}
		// Only the command's own "::" pair may appear before the message.
		body := annotation.ReplaceAllString(l, "")
		if strings.Contains(body, "\n") {
			t.Errorf("message holds a line break: %q", l)
		}
	}
	if strings.Contains(out, "dangerous-triggers") {
		t.Errorf("suppressed finding annotated")
	}
	if !strings.HasPrefix(lines[len(lines)-1], "::notice title=rampart::score 58/100 (F)") {
		t.Errorf("last line is not the score notice: %q", lines[len(lines)-1])
	}
	// The property values escape ':' and ','.
	if !strings.Contains(out, "file=.github/workflows/evil](http%3A%2Cevil) @octocat `x`.yml") {
		t.Errorf("file property not escaped:\n%s", out)
	}
}

var allowedTag = regexp.MustCompile(`^</?(code|details|summary|sub)>$`)

func TestMarkdownEscapesAuditedStrings(t *testing.T) {
	out := Markdown(testReport(), testOptions())
	for _, bad := range []string{"<script", "<!-- rampart", "<b>", "](http://evil", "](http:,evil", "![i]", "@octocat", "#1 ", "http://", "https://evil", "www.evil", "```", "\x1b", "\u202e", "\r"} {
		if strings.Contains(out, bad) {
			t.Errorf("markdown holds %q", bad)
		}
	}
	for _, tag := range regexp.MustCompile(`<[^>]*>`).FindAllString(out, -1) {
		if !allowedTag.MatchString(tag) {
			t.Errorf("markdown holds the tag %q", tag)
		}
	}
	if !strings.Contains(out, "@"+zwsp+"octocat") {
		t.Errorf("mention not broken by a zero-width space")
	}
	// Every [ or ( that opens a link is ours: unescaped brackets only around our links.
	for _, m := range regexp.MustCompile(`(^|[^\\])\]\(([^)]*)\)`).FindAllStringSubmatch(out, -1) {
		if !strings.HasPrefix(m[2], "https://github.com/acme/app/blob/main/") {
			t.Errorf("link to %q", m[2])
		}
	}
	if c, o := strings.Count(out, "<details>"), strings.Count(out, "</details>"); c != o {
		t.Errorf("%d <details> but %d </details>", c, o)
	}
	if !strings.HasPrefix(out, "## rampart: 58/100 (F)\n") {
		t.Errorf("markdown does not start with the score: %q", out[:40])
	}
	if !strings.Contains(out, "(https://github.com/acme/app/blob/main/.github/workflows/evil%5D%28http%3A%2Cevil%29%20%40octocat%20%60x%60.yml#L1)") {
		t.Errorf("hostile path not percent-encoded in its link")
	}
}

func TestMdRich(t *testing.T) {
	for in, want := range map[string]string{
		"uses `a@b` here":   "uses <code>a@\u200bb</code> here",
		"odd ` backtick":    "odd \\` backtick",
		"empty `` pair":     "empty \\`\\` pair",
		"`<x>`":             "<code>&lt;x&gt;</code>",
		"[a](b)":            "\\[a\\]\\(b\\)",
		"see https://x.y/z": "see https:\u200b//x.y/z",
	} {
		if got := mdRich(in); got != want {
			t.Errorf("mdRich(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMarkdownMaxBytes(t *testing.T) {
	rep := testReport()
	for i := range 500 {
		rep.Findings = append(rep.Findings, audit.Finding{Check: "unpinned-uses", Severity: audit.Severity(i % 5),
			Confidence: audit.HighConfidence, Category: audit.CategorySupplyChain, File: ".github/workflows/big.yml",
			Line: i + 1, Column: 3, Message: strings.Repeat("long message ", 20), Fingerprint: fmt.Sprint(i)})
	}
	for _, max := range []int{65536, 8192, 3000} {
		out := Markdown(rep, Options{MaxBytes: max, Checks: testChecks()})
		if len(out) > max {
			t.Errorf("MaxBytes %d: got %d bytes", max, len(out))
		}
		if !strings.Contains(out, "This report was shortened to fit") || !strings.Contains(out, "left out") {
			t.Errorf("MaxBytes %d: no note on what was left out", max)
		}
		if c, o := strings.Count(out, "<details>"), strings.Count(out, "</details>"); c != o {
			t.Errorf("MaxBytes %d: %d <details> but %d </details>", max, c, o)
		}
		if !strings.Contains(out, "### Errors (1)") || !strings.Contains(out, "### Skipped checks (1)") {
			t.Errorf("MaxBytes %d: errors or skipped checks left out to make room for findings", max)
		}
		if !strings.HasPrefix(out, "## rampart:") || !strings.HasSuffix(out, "</sub>\n") {
			t.Errorf("MaxBytes %d: heading or footer lost", max)
		}
	}
	if out := Markdown(rep, Options{MaxBytes: 100}); len(out) > 100 {
		t.Errorf("MaxBytes 100: got %d bytes", len(out))
	}
	if out := Markdown(rep, Options{}); strings.Contains(out, "shortened") {
		t.Errorf("no cap, yet shortened")
	}
}

func TestJSONArraysNeverNull(t *testing.T) {
	out := render(t, "json", &audit.Report{Schema: audit.ReportSchema, Score: 100, Grade: "A"}, Options{})
	for _, key := range []string{"categories", "findings", "skipped", "errors"} {
		if !strings.Contains(out, `"`+key+`": []`) {
			t.Errorf("%q is not []:\n%s", key, out)
		}
	}
	if !strings.HasSuffix(out, "}\n") {
		t.Errorf("no trailing newline")
	}
	var back audit.Report
	if err := json.Unmarshal([]byte(render(t, "json", testReport(), Options{})), &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Findings) != len(testReport().Findings) || back.Findings[0].Message != testReport().Findings[0].Message {
		t.Errorf("JSON does not round-trip")
	}
}

func TestSARIFStructure(t *testing.T) {
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID         string `json:"id"`
						Properties struct {
							SecuritySeverity string `json:"security-severity"`
						} `json:"properties"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID              string            `json:"ruleId"`
				RuleIndex           int               `json:"ruleIndex"`
				Level               string            `json:"level"`
				PartialFingerprints map[string]string `json:"partialFingerprints"`
				Suppressions        []struct {
					Kind string `json:"kind"`
				} `json:"suppressions"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI       string `json:"uri"`
							URIBaseID string `json:"uriBaseId"`
						} `json:"artifactLocation"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
			Invocations []struct {
				ExecutionSuccessful        bool              `json:"executionSuccessful"`
				ToolExecutionNotifications []json.RawMessage `json:"toolExecutionNotifications"`
			} `json:"invocations"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(render(t, "sarif", testReport(), testOptions())), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	rules := run.Tool.Driver.Rules
	// One rule per check of the registry, then one for a check id the registry lacks.
	if len(rules) != len(testChecks())+1 || rules[len(rules)-1].ID != "branch-protection" {
		t.Errorf("%d rules, want one per check and one for branch-protection", len(rules))
	}
	kinds := map[string]bool{}
	for _, r := range run.Results {
		if r.RuleIndex < 0 || r.RuleIndex >= len(rules) || rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("result %s has ruleIndex %d", r.RuleID, r.RuleIndex)
		}
		if r.PartialFingerprints[FingerprintKey] == "" {
			t.Errorf("result %s has no fingerprint", r.RuleID)
		}
		for _, s := range r.Suppressions {
			kinds[s.Kind] = true
		}
		for _, l := range r.Locations {
			if u := l.PhysicalLocation.ArtifactLocation.URI; strings.ContainsAny(u, " :()[]<>`@,") || l.PhysicalLocation.ArtifactLocation.URIBaseID != "%SRCROOT%" {
				t.Errorf("location uri %q not encoded or not relative to %%SRCROOT%%", u)
			}
		}
	}
	if !kinds["inSource"] || !kinds["external"] {
		t.Errorf("suppression kinds: %v", kinds)
	}
	if inv := run.Invocations[0]; !inv.ExecutionSuccessful || len(inv.ToolExecutionNotifications) != 1 {
		t.Errorf("invocation: %+v", inv)
	}
	if rules[0].Properties.SecuritySeverity != "9.5" { // template-injection has a critical finding
		t.Errorf("template-injection security-severity %q", rules[0].Properties.SecuritySeverity)
	}
	var failed bytes.Buffer
	opts := testOptions()
	opts.Failed = true
	if err := Write(&failed, "sarif", testReport(), opts); err != nil || !strings.Contains(failed.String(), `"executionSuccessful": false`) {
		t.Errorf("failed audit not reported as unsuccessful")
	}
}

func TestWriteUnknownFormat(t *testing.T) {
	err := Write(&bytes.Buffer{}, "xml", testReport(), Options{})
	if err == nil || !strings.Contains(err.Error(), `"xml"`) {
		t.Errorf("got %v", err)
	}
}

func TestEmptyReport(t *testing.T) {
	rep := &audit.Report{Schema: audit.ReportSchema, Score: 100, Grade: "A"}
	for _, f := range Formats() {
		if out := render(t, f, rep, Options{}); out == "" {
			t.Errorf("%s: empty output", f)
		}
	}
	if out := render(t, "text", rep, Options{}); out != "rampart: score 100/100 (A): 0 critical, 0 high, 0 medium, 0 low, 0 info; 0 files\n" {
		t.Errorf("text: %q", out)
	}
}

func TestRuleName(t *testing.T) {
	for id, want := range map[string]string{"template-injection": "TemplateInjection", "artipacked": "", "a-b-c": "ABC"} {
		if got := ruleName(id); got != want {
			t.Errorf("ruleName(%q) = %q, want %q", id, got, want)
		}
	}
}
