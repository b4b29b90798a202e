package render

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/audit"
)

var anyTag = regexp.MustCompile(`<[^>]*>`)

// FuzzRenderHostileStrings puts arbitrary strings wherever the audited repository can put them,
// and checks what every format promises: text has no control character and no line the runner
// reads as a command; JSON and SARIF parse; github lines are well-formed annotations; markdown
// holds no tag but its own, no link but its own, no mention.
func FuzzRenderHostileStrings(f *testing.F) {
	f.Add(hostile, hostilePath, "x")
	f.Add("a\n::error::b", "::x/action.yml", "##[add-mask]y")
	f.Add("`a` ``b`` `", "a/../../b", "\u00a0::c::d")
	f.Add("<!-- rampart:report -->", "[a](b)", "@x #1 www.y http://z")
	f.Fuzz(func(t *testing.T, msg, file, other string) {
		rep := testReport()
		rep.Findings = append(rep.Findings, audit.Finding{Check: other, Severity: audit.High, Confidence: audit.HighConfidence,
			File: file, Line: 1, Column: 1, Message: msg, Remediation: other, Fingerprint: "f",
			Related: []audit.Location{{File: other, Line: 2, Note: msg}}},
			audit.Finding{Check: "x", Severity: audit.Low, File: file, Message: other, Suppressed: true,
				Suppression: &audit.Suppression{Kind: "inline", Reason: msg}})
		rep.Errors = append(rep.Errors, audit.FileError{File: file, Line: 1, Message: msg})
		rep.Skipped = append(rep.Skipped, audit.Skipped{Check: other, Reason: msg})
		opts := testOptions()

		text := render(t, "text", rep, opts)
		for i, r := range text {
			if r != '\n' && r != '\t' && isControl(r) {
				t.Fatalf("text: control character %U at byte %d", r, i)
			}
		}
		for _, format := range []string{"text", "json", "sarif"} {
			for _, l := range strings.Split(render(t, format, rep, opts), "\n") {
				if runnerCommand(l) {
					t.Fatalf("%s: line is a workflow command: %q", format, l)
				}
			}
		}
		for _, format := range []string{"json", "sarif"} {
			if !json.Valid([]byte(render(t, format, rep, opts))) {
				t.Fatalf("%s is not valid JSON", format)
			}
		}
		for _, l := range strings.Split(strings.TrimSuffix(render(t, "github", rep, opts), "\n"), "\n") {
			if !annotation.MatchString(l) {
				t.Fatalf("github: not an annotation: %q", l)
			}
		}
		md := Markdown(rep, opts)
		for _, tag := range anyTag.FindAllString(md, -1) {
			if !allowedTag.MatchString(tag) {
				t.Fatalf("markdown holds the tag %q", tag)
			}
		}
		for _, m := range regexp.MustCompile(`(^|[^\\])\]\(([^)]*)\)`).FindAllStringSubmatch(md, -1) {
			if !strings.HasPrefix(m[2], "https://github.com/acme/app/blob/main/") {
				t.Fatalf("markdown links to %q", m[2])
			}
		}
		if regexp.MustCompile(`@[A-Za-z0-9]`).MatchString(md) {
			t.Fatalf("markdown holds a mention")
		}
	})
}
