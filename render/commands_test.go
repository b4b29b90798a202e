package render

import (
	"strings"
	"testing"
	"unicode"

	"github.com/rampart-sec/rampart/audit"
)

// runnerCommand reports whether the Actions runner reads a workflow command in a line of a job's
// log: "::name ...::" at the start after leading white space (TryParseV2, which trims it first),
// or the legacy "##[name ...]" anywhere in the line (TryParse, which the runner tries next).
func runnerCommand(line string) bool {
	t := strings.TrimLeftFunc(line, unicode.IsSpace)
	if strings.HasPrefix(t, "::") && strings.Contains(t[2:], "::") {
		return true
	}
	if i := strings.Index(line, "##["); i >= 0 && strings.Contains(line[i:], "]") {
		return true
	}
	return false
}

// commandReport puts workflow commands wherever the audited repository can: in a directory name
// that starts a path, in messages (after a line break and white space, and in the middle of a
// line), in related notes, reasons and error messages.
func commandReport() *audit.Report {
	const cmd = "x ##[set-output name=score]100 y\n  ::set-output name=findings::0\n\u00a0::add-mask::z\n##[stop-commands]t"
	rep := testReport()
	rep.Findings = append(rep.Findings,
		audit.Finding{Check: "unpinned-uses", Severity: audit.High, Confidence: audit.HighConfidence, Category: audit.CategorySupplyChain,
			File: "::error::x/action.yml", Line: 2, Column: 3, Message: cmd, Remediation: cmd, Fingerprint: "1",
			Related: []audit.Location{{File: "##[warning]r/action.yml", Line: 1, Note: cmd}}},
		audit.Finding{Check: "unpinned-uses", Severity: audit.High, Confidence: audit.HighConfidence, Category: audit.CategorySupplyChain,
			File: "##[error]y/action.yml", Line: 2, Column: 3, Message: cmd, Fingerprint: "2", Suppressed: true,
			Suppression: &audit.Suppression{Kind: "inline", Reason: cmd}})
	rep.Errors = append(rep.Errors, audit.FileError{File: "  ::error::z/action.yml", Line: 1, Message: cmd}, audit.FileError{Message: cmd})
	rep.Skipped = append(rep.Skipped, audit.Skipped{Check: "::a::b", Reason: cmd})
	return rep
}

func TestNoWorkflowCommandsInReports(t *testing.T) {
	rep := commandReport()
	for _, format := range []string{"text", "json", "sarif", "markdown"} {
		for _, color := range []bool{false, true} {
			out := render(t, format, rep, Options{Checks: testChecks(), Color: color})
			for i, line := range strings.Split(out, "\n") {
				if runnerCommand(line) {
					t.Errorf("%s (colour %v) line %d is a workflow command for the runner: %q", format, color, i+1, line)
				}
			}
		}
	}
	// In the github format, the only commands are rampart's annotations: no line holds a legacy one.
	for i, line := range strings.Split(render(t, "github", rep, testOptions()), "\n") {
		if j := strings.Index(line, "##["); j >= 0 && !annotation.MatchString(line) {
			t.Errorf("github line %d holds a legacy command outside an annotation: %q", i+1, line)
		}
	}
}

func TestTerminalTextBreaksCommands(t *testing.T) {
	for _, s := range []string{"::error::x", " \t::warning::y", "\u3000::notice::z", "a ##[add-mask]b", "ok\n  ::error::x\n##[x]y"} {
		for _, line := range strings.Split(TerminalText(s, "  "), "\n") {
			if runnerCommand(line) {
				t.Errorf("TerminalText(%q) holds a command line: %q", s, line)
			}
		}
		if got := TerminalLine(s); runnerCommand(got) || strings.Contains(got, "\n") {
			t.Errorf("TerminalLine(%q) = %q", s, got)
		}
	}
	if got := TerminalLine("std::vector and # [x]"); got != "std::vector and # [x]" {
		t.Errorf("TerminalLine changed harmless text: %q", got)
	}
}

// A path with "." or ".." segments (a report from an untrusted artifact) gets no link: the link
// would lead out of the repository's files to any page of the server.
func TestBlobURLRefusesDotSegments(t *testing.T) {
	opts := testOptions()
	for _, p := range []string{"../../../evil/repo", ".github/../../../x", "a//b", "./.", "a/./b"} {
		if u := blobURL(p, 1, 0, opts); u != "" {
			t.Errorf("blobURL(%q) = %q, want no link", p, u)
		}
	}
	if u := blobURL("./.github/workflows/ci.yml", 3, 0, opts); u != "https://github.com/acme/app/blob/main/.github/workflows/ci.yml#L3" {
		t.Errorf("blobURL of a clean path = %q", u)
	}
}
