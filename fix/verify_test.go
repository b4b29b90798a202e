package fix

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rampart-sec/rampart/checks"
)

const injected = `on: issues
permissions: {}
jobs:
  triage:
    runs-on: ubuntu-latest
    steps:
      - run: echo "${{ github.event.issue.title }}"
`

func testFixer() *Fixer {
	return &Fixer{Checks: checks.All(), Persona: "auditor", MinConfidence: audit.LowConfidence,
		Options: audit.AuditOptions{Now: time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)}}
}

// TestVerifyRejects drops patches that break the YAML, that leave the finding, or that bring a
// new one, and keeps the good patch given with them.
func TestVerifyRejects(t *testing.T) {
	const p = ".github/workflows/x.yml"
	tg := &audit.Target{Kind: "dir", Name: "."}
	tg.AddSource(p, []byte(injected))
	fx := testFixer()
	rep := fx.audit(tg)
	var f audit.Finding
	for _, x := range rep.Report.Findings {
		if x.Check == "template-injection" {
			f = x
		}
	}
	if f.Check == "" {
		t.Fatal("no template-injection finding in the fixture")
	}
	src := tg.File(p).Source
	at := bytes.Index(src, []byte("${{"))
	end := at + len("${{ github.event.issue.title }}")
	cases := map[string]Patch{
		"breaks the YAML":    {Edits: []Edit{{Start: 0, End: 0, Text: "jobs: [\n"}}},
		"leaves the finding": {Edits: []Edit{{Start: len(src), End: len(src), Text: "# nothing\n"}}},
		"brings a new one":   {Edits: []Edit{{Start: at, End: end, Text: "${{ github.event.issue.body }}"}}},
	}
	for name, pt := range cases {
		pt.Summary, pt.Findings = name, []audit.Finding{f}
		_, _, outs := fx.applyVerified(tg, rep, p, []Patch{pt})
		if len(outs) != 1 || outs[0].Status != "dropped" {
			t.Errorf("%s: want the patch dropped, got %+v", name, outs)
			continue
		}
		t.Logf("%s: %s", name, outs[0].Note)
	}
	good := Patch{Summary: "good", Findings: []audit.Finding{f}, Edits: []Edit{
		{Start: at, End: end, Text: "${TITLE}"},
		{Start: bytes.Index(src, []byte("      - run")) + 8, End: bytes.Index(src, []byte("      - run")) + 8, Text: "env:\n          TITLE: ${{ github.event.issue.title }}\n        "},
	}}
	bad := cases["breaks the YAML"]
	bad.Findings = []audit.Finding{f}
	next, _, outs := fx.applyVerified(tg, rep, p, []Patch{bad, good})
	if len(outs) != 2 || outs[0].Status != "dropped" || outs[1].Status != "fixed" {
		t.Fatalf("want the bad patch dropped and the good one kept, got %+v", outs)
	}
	if !strings.Contains(string(next.File(p).Source), "TITLE: ${{ github.event.issue.title }}") {
		t.Errorf("good patch not applied:\n%s", next.File(p).Source)
	}
}

// TestCRLF keeps a CRLF file's line endings, including in the inserted lines.
func TestCRLF(t *testing.T) {
	src := strings.ReplaceAll(`on: push
permissions:
  contents: read
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4 # repo
        with: # inputs
          fetch-depth: 0
      - run: make
`, "\n", "\r\n")
	tg := &audit.Target{Kind: "dir", Name: "."}
	tg.AddSource(".github/workflows/x.yml", []byte(src))
	fx := testFixer()
	fx.Only = map[string]bool{"artipacked": true}
	res, err := fx.Fix(tg)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Changes) != 1 {
		t.Fatalf("want one change, got %d (%+v)", len(res.Changes), res.Outcomes)
	}
	got := string(res.Changes[0].After)
	want := strings.Replace(src, "fetch-depth: 0\r\n", "fetch-depth: 0\r\n          persist-credentials: false\r\n", 1)
	if got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if strings.Count(got, "\n") != strings.Count(got, "\r\n") {
		t.Errorf("a bare LF crept in: %q", got)
	}
}

func TestDeriveNameAndQuoting(t *testing.T) {
	s := `a=${{ x }} "b ${{ y }}" 'c ${{ z }}' $(echo ${{ w }}) # ${{ v }}`
	var at []span
	for off := 0; ; {
		i := strings.Index(s[off:], "${{")
		if i < 0 {
			break
		}
		at = append(at, span{off + i, 8})
		off += i + 8
	}
	q := shellQuoting(s, at)
	want := []quoting{qCode, qDouble, qSingle, qCode, qComment}
	for i, sp := range at {
		if q[sp.off] != want[i] {
			t.Errorf("placeholder %d: quoting %d, want %d", i, q[sp.off], want[i])
		}
	}
}
