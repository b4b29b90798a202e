package action

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rampart-sec/rampart/checks"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
)

// hostile is a workflow whose every name tries to break out of the comment: mentions, raw HTML,
// javascript: links, backticks and a forged marker, in the file name, the job id and a step name.
const hostileName = ".github/workflows/@octocat <img src=x onerror=alert(1)> [x](javascript:alert(1)) `x` <!-- rampart:report -->.yml"

const hostile = `on: pull_request_target
permissions: write-all
jobs:
  "evil@octocat<img src=x onerror=alert(1)>":
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - name: "<!-- rampart:report --> @octocat <img src=x onerror=alert(1)> [x](javascript:alert(1)) ` + "```" + ` ` + "`code`" + ` <script>alert(1)</script> www.evil.example https://evil.example/@x"
        run: echo "${{ github.event.pull_request.title }}" && make
      - uses: "evil/@octocat<img src=x onerror=alert(1)>@main"
`

func auditDir(t *testing.T, files map[string]string) *audit.Report {
	t.Helper()
	root := t.TempDir()
	for p, c := range files {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tg, err := audit.LoadDir(root, audit.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	eng := &audit.Engine{Checks: checks.All(), Version: "test"}
	rep := eng.Audit([]*audit.Target{tg}, audit.AuditOptions{MinSeverity: audit.Info, MinConfidence: audit.LowConfidence,
		OfflineReason: "offline test", Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Persona: "auditor"}).Report
	rep.Target = audit.TargetInfo{Kind: "repo", Name: "octo/<img src=x>@admin", Ref: "main"}
	return rep
}

func toHTML(t *testing.T, md string) string {
	t.Helper()
	var buf bytes.Buffer
	// Unsafe: raw HTML passes through, as GitHub passes its allowed tags; anything the comment
	// let through would show here.
	gm := goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithRendererOptions(html.WithUnsafe()))
	if err := gm.Convert([]byte(md), &buf); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// The comment rendered to HTML (GFM, raw HTML allowed) keeps every hostile string inert.
func TestBodyHostileInputIsInert(t *testing.T) {
	base := auditDir(t, map[string]string{".github/workflows/ok.yml": "on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n"})
	rep := auditDir(t, map[string]string{hostileName: hostile})
	if len(rep.Findings) < 3 {
		t.Fatalf("the hostile fixture gave only %d findings", len(rep.Findings))
	}
	audit.CompareBaseline(rep, base, "base")
	md := Body(rep, BodyOptions{ServerURL: "https://github.com", Repository: "octo/repo", Ref: strings.Repeat("a", 40), Base: strings.Repeat("b", 40)})
	checkGolden(t, "hostile.md", md)

	if n := strings.Count(md, "<!-- rampart:report"); n != 1 {
		t.Errorf("the markdown holds %d markers, want exactly 1 (the first line)", n)
	}
	if !strings.HasPrefix(md, Marker+"\n") {
		t.Error("the marker is not the first line")
	}
	if regexp.MustCompile(`@octocat|@admin|@x`).MatchString(md) {
		t.Error("an @-mention survived without a zero-width space")
	}
	out := toHTML(t, md)
	lower := strings.ToLower(out)
	for _, bad := range []string{"<img", "<script", "href=\"javascript", "<!-- rampart:report --> @", "href=\"https://evil", "href=\"http://www"} {
		if strings.Contains(lower, bad) {
			t.Errorf("the HTML contains %q", bad)
		}
	}
	if m := regexp.MustCompile(`<[^>]*\bon\w+=`).FindString(lower); m != "" {
		t.Errorf("an event handler attribute reached a tag: %q", m)
	}
	if n := strings.Count(out, "<!-- rampart:report -->"); n != 1 {
		t.Errorf("the HTML holds %d markers, want 1", n)
	}
	// Every link is ours: to github.com blobs of the head.
	for _, m := range regexp.MustCompile(`href="([^"]*)"`).FindAllStringSubmatch(out, -1) {
		if !strings.HasPrefix(m[1], "https://github.com/octo/repo/blob/"+strings.Repeat("a", 40)+"/") {
			t.Errorf("unexpected link %q", m[1])
		}
	}
	// The comment's structure survived: one details per opening.
	if strings.Count(out, "<details>") != strings.Count(out, "</details>") {
		t.Error("unbalanced <details>")
	}
}

// A large report stays within GitHub's comment and summary caps, with a note on what was left out.
func TestBodyCaps(t *testing.T) {
	rep := &audit.Report{Schema: audit.ReportSchema, Score: 0, Grade: "F", Findings: []audit.Finding{}}
	for i := range 3000 {
		rep.Findings = append(rep.Findings, audit.Finding{Check: "template-injection", Severity: audit.Severity(i % 5),
			File: ".github/workflows/ci.yml", Line: i + 1, Column: 1, Message: strings.Repeat("long message ", 40),
			Fingerprint: fmt.Sprint(i), Baseline: "new"})
	}
	rep.Baseline = &audit.BaselineDelta{PreviousScore: 50, ScoreChange: -50, New: 3000, Fixed: []audit.Finding{}}
	for _, limit := range []int{MaxCommentBytes, MaxSummaryBytes, 5000} {
		md := Body(rep, BodyOptions{ServerURL: "https://github.com", Repository: "o/r", Ref: strings.Repeat("a", 40), MaxBytes: limit})
		if len(md) > limit {
			t.Errorf("cap %d: body is %d bytes", limit, len(md))
		}
		if !strings.HasPrefix(md, Marker+"\n### rampart: score 50 → 0 (-50), 600 new critical, 600 new high") {
			t.Errorf("cap %d: headline lost:\n%.300s", limit, md)
		}
		if limit > 5000 && !strings.Contains(md, "This report was shortened to fit") {
			t.Errorf("cap %d: no note on what was left out", limit)
		}
	}
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	p := filepath.Join("..", "testdata", "action", name)
	if os.Getenv("RAMPART_UPDATE_GOLDEN") == "1" {
		if err := os.WriteFile(p, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (RAMPART_UPDATE_GOLDEN=1 creates it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file (RAMPART_UPDATE_GOLDEN=1 rewrites it):\n%s", name, got)
	}
}

// Values cannot inject step outputs: each gets its own random delimiter, absent from it.
func TestWriteOutputsInjection(t *testing.T) {
	f := filepath.Join(t.TempDir(), "out")
	evil := "x\nghadelimiter_\nEOF\n_GitHubActionsFileCommandDelimeter_\nscore<<EOF\n100\nEOF"
	if err := WriteOutputs(f, []Output{{"grade", evil}, {"score", "42"}}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(f)
	lines := strings.Split(string(b), "\n")
	name, delim, _ := strings.Cut(lines[0], "<<")
	if name != "grade" || !strings.HasPrefix(delim, "ghadelimiter_") || len(delim) < 40 {
		t.Fatalf("first line %q", lines[0])
	}
	// The value ends only at its own delimiter, after all of evil's lines.
	end := 1 + strings.Count(evil, "\n") + 1
	if lines[end] != delim || strings.Contains(evil, delim) {
		t.Fatalf("the value was cut early:\n%s", b)
	}
	if lines[end+1] != "score<<"+strings.TrimPrefix(lines[end+1], "score<<") || lines[end+2] != "42" {
		t.Fatalf("second output:\n%s", b)
	}
	if err := WriteOutputs("", nil); err == nil {
		t.Error("no GITHUB_OUTPUT: want an error, not a panic")
	}
	if err := WriteOutputs(f, []Output{{"a\nb", "x"}}); err == nil {
		t.Error("an invalid output name was accepted")
	}
}

func TestWriteSummaryCap(t *testing.T) {
	f := filepath.Join(t.TempDir(), "summary")
	if err := WriteSummary(f, strings.Repeat("x", MaxSummaryBytes-10)); err != nil {
		t.Fatal(err)
	}
	if err := WriteSummary(f, strings.Repeat("y", 11)); err == nil {
		t.Error("the summary went over 1 MiB")
	}
	if err := WriteSummary("", "x"); err == nil {
		t.Error("no GITHUB_STEP_SUMMARY: want an error")
	}
}

func TestReadEnvInputs(t *testing.T) {
	env := map[string]string{"INPUT_FAIL-ON": "Medium", "INPUT_MIN-SCORE": "70", "INPUT_SARIF-FILE": "out/r.sarif",
		"INPUT_COMMENT": "never", "INPUT_ONLINE": "false", "INPUT_TOKEN": " t0k ", "GITHUB_REPOSITORY": "o/r"}
	e, err := ReadEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	want := Inputs{Token: "t0k", Path: ".", FailOn: "medium", MinScore: 70, Comment: "never", SARIFFile: "out/r.sarif", Format: "text", Online: false}
	if e.Inputs != want {
		t.Errorf("inputs %+v, want %+v", e.Inputs, want)
	}
	env["GITHUB_REPOSITORY"] = "o/r/../x"
	if _, err := ReadEnv(func(k string) string { return env[k] }); err == nil {
		t.Error("a bad GITHUB_REPOSITORY was accepted")
	}
}

func TestReadEvent(t *testing.T) {
	dir := filepath.Join("..", "testdata", "events")
	ev, err := ReadEvent("pull_request", filepath.Join(dir, "pull_request.opened.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := PullRequest{Number: 2, BaseSHA: "f95f852bd8fca8fcc58a9a2d6c842781e32a215e", HeadSHA: "ec26c3e57ca3a959ca5aad62de7213c562f8c821",
		BaseRef: "master", HeadRef: "changes", BaseRepo: "Codertocat/Hello-World", HeadRepo: "Codertocat/Hello-World"}
	if *ev.PR != want {
		t.Errorf("PR %+v, want %+v", *ev.PR, want)
	}
	ev, err = ReadEvent("pull_request", filepath.Join(dir, "pull_request.opened.fork.json"))
	if err != nil || !ev.PR.Fork || ev.PR.HeadRepo != "forker/Hello-World" {
		t.Errorf("fork PR: %+v, %v", ev.PR, err)
	}
	if ev, err := ReadEvent("pull_request", filepath.Join(dir, "pull_request.synchronize.json")); err != nil || ev.PR.Number != 2 {
		t.Errorf("synchronize: %v", err)
	}
	for _, n := range []string{"push", "schedule", "workflow_dispatch", "pull_request_target"} {
		if ev, err := ReadEvent(n, filepath.Join(dir, "push.json")); err != nil || ev.PR != nil {
			t.Errorf("%s: %+v %v", n, ev, err)
		}
	}
	if _, err := ReadEvent("pull_request", filepath.Join(dir, "push.json")); err == nil {
		t.Error("a push payload was accepted as a pull request")
	}
}

func TestAddedLines(t *testing.T) {
	patch := "@@ -1,3 +1,4 @@\n a\n-b\n+B\n+C\n c\n@@ -10,2 +11,3 @@\n x\n+y\n\\ No newline at end of file\n z"
	got := AddedLines(patch)
	for _, l := range []int{2, 3, 12} {
		if !got[l] {
			t.Errorf("line %d not added: %v", l, got)
		}
	}
	if len(got) != 3 {
		t.Errorf("added %v, want 2, 3, 12", got)
	}
}

// Annotations stay within what GitHub shows (10 per level), new findings on changed lines first.
func TestAnnotationsLimits(t *testing.T) {
	rep := &audit.Report{Schema: audit.ReportSchema, Score: 10, Grade: "F"}
	for i := range 30 {
		f := audit.Finding{Check: "template-injection", Severity: audit.High, File: "a.yml", Line: i + 1, Column: 1, Message: "m", Fingerprint: fmt.Sprint(i), Baseline: "existing"}
		if i == 25 {
			f.Baseline = "new"
		}
		if i == 27 {
			f.Baseline, f.File = "new", "b.yml"
		}
		rep.Findings = append(rep.Findings, f)
	}
	for i := range 15 {
		rep.Findings = append(rep.Findings, audit.Finding{Check: "x", Severity: audit.Medium, File: "c.yml", Line: i + 1, Message: "m", Fingerprint: "m" + fmt.Sprint(i)})
	}
	rep.Baseline = &audit.BaselineDelta{New: 2}
	var buf bytes.Buffer
	if err := Annotations(&buf, rep, Changed{"b.yml": {28: true}}, checks.All()); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	count := map[string]int{}
	for _, l := range lines {
		count[regexp.MustCompile(`^::\w+`).FindString(l)]++
	}
	if count["::error"] != 10 || count["::warning"] != 10 || count["::notice"] != 1 {
		t.Errorf("levels %v", count)
	}
	if !strings.Contains(lines[0], "file=b.yml,line=28") || !strings.Contains(lines[1], "file=a.yml,line=26") {
		t.Errorf("order: %q, %q", lines[0], lines[1])
	}
	if last := lines[len(lines)-1]; !strings.Contains(last, "25 more not shown as annotations") {
		t.Errorf("closing notice %q", last)
	}
}

func TestReadUntrustedReport(t *testing.T) {
	ok := `{"schema":"rampart/report/v1","tool":{"name":"rampart","version":"1"},"target":{"kind":"repo","name":"o/r"},"score":75,"grade":"C",
"categories":[],"findings":[{"check":"x","severity":"high","confidence":"high","category":"injection","file":"a.yml","line":1,"column":1,"end_line":1,
"message":"<img src=x>","remediation":"","url":"","fingerprint":"f","suppressed":false,"suppression":null,"points":25}],"skipped":[],"errors":[],"stats":{"files":1,"workflows":1,"actions":0,"api_requests":0,"duration_ms":1}}`
	if _, err := ReadUntrustedReport(strings.NewReader(ok)); err != nil {
		t.Fatal(err)
	}
	for name, bad := range map[string]string{
		"unknown field":  strings.Replace(ok, `"score":75`, `"score":75,"html":"<b>"`, 1),
		"wrong schema":   strings.Replace(ok, "rampart/report/v1", "rampart/report/v9", 1),
		"grade mismatch": strings.Replace(ok, `"grade":"C"`, `"grade":"A"`, 1),
		"bad severity":   strings.Replace(ok, `"severity":"high"`, `"severity":"apocalyptic"`, 1),
		"negative line":  strings.Replace(ok, `"line":1`, `"line":-1`, 1),
		"two objects":    ok + ok,
		"not utf-8":      strings.Replace(ok, "<img src=x>", "\xff", 1),
		"huge string":    strings.Replace(ok, "<img src=x>", strings.Repeat("a", 17<<10), 1),
		"too big":        ok + strings.Repeat(" ", MaxReportBytes),
	} {
		if _, err := ReadUntrustedReport(strings.NewReader(bad)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	many := strings.Replace(ok, `"findings":[`, `"findings":[`+strings.Repeat(`{"check":"x","severity":"low","confidence":"low","category":"c","file":"","line":0,"column":0,"end_line":0,"message":"","remediation":"","url":"","fingerprint":"","suppressed":false,"suppression":null,"points":0},`, MaxReportFindings), 1)
	if _, err := ReadUntrustedReport(strings.NewReader(many)); err == nil || !strings.Contains(err.Error(), "over the cap") {
		t.Errorf("too many findings: %v", err)
	}
}
