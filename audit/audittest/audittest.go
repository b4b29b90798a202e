// Package audittest runs a check over annotated fixtures, as go/analysis's analysistest does.
//
// A fixture marks every finding it expects on the line where it is expected:
//
//   - run: echo "${{ github.event.issue.title }}" # want "github.event.issue.title"
//
// `# want "re1" "re2"` expects two findings on the line; `# want +2 "re"` expects one two lines
// further down (for lines inside a run: block). Each regexp is matched against
// "<severity>: <message>", so `# want "critical: "` asserts a severity. A finding that no want
// matches fails the test, and so does a want that no finding matches. Suppressed findings are
// not expected to match anything.
//
// Fixtures are the files of testdata/<check-id>/: NAME.yml is audited as
// .github/workflows/NAME.yml, NAME.action.yml as NAME/action.yml, and NAME.txtar as a whole
// repository (its files at the paths the archive names, a .github/rampart.yml among them
// if it wants a config, a github.yml for the fake GitHub of online checks, and a want file
// for findings that stand on no file of the archive).
package audittest

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rampart-sec/rampart/audit"
	"go.yaml.in/yaml/v4"
	"golang.org/x/tools/txtar"
)

// Now is the date fixtures are audited on (exception expiry).
var Now = time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)

// Run audits each fixture in dir with the check and compares findings with the wants.
func Run(t *testing.T, dir string, c *audit.Check) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("fixtures of %s: %v", c.ID, err)
	}
	n := 0
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() {
			continue
		}
		var target *audit.Target
		switch {
		case strings.HasSuffix(name, ".action.yml"):
			target = single("fixtures/"+strings.TrimSuffix(name, ".action.yml")+"/action.yml", filepath.Join(dir, name), t)
		case strings.HasSuffix(name, ".yml") || strings.HasSuffix(name, ".yaml"):
			target = single(".github/workflows/"+name, filepath.Join(dir, name), t)
		case strings.HasSuffix(name, ".txtar"):
			target = archive(filepath.Join(dir, name), t)
		default:
			continue
		}
		n++
		t.Run(name, func(t *testing.T) { Check(t, target, c) })
	}
	if n == 0 {
		t.Fatalf("no fixtures in %s", dir)
	}
}

func single(path, file string, t *testing.T) *audit.Target {
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	tg := &audit.Target{Kind: "dir", Name: "fixture"}
	tg.AddSource(path, b)
	return tg
}

func archive(file string, t *testing.T) *audit.Target {
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	tg := &audit.Target{Kind: "dir", Name: "fixture"}
	for _, f := range ar.Files {
		if f.Name == "github.yml" {
			fake := &FakeGitHub{}
			if err := yaml.Unmarshal(f.Data, fake); err != nil {
				t.Fatalf("%s: github.yml: %v", file, err)
			}
			setFake(tg, fake)
			continue
		}
		if f.Name == "want" {
			fakesMu.Lock()
			extraWants[tg] = string(f.Data)
			fakesMu.Unlock()
			continue
		}
		if f.Name == ".github/rampart.yml" {
			cfg, err := audit.ParseConfig(f.Data, nil)
			if err != nil {
				t.Fatalf("%s: config: %v", file, err)
			}
			tg.Config = cfg
			continue
		}
		tg.AddSource(f.Name, f.Data)
	}
	return tg
}

// fakes are the fake GitHubs of txtar fixtures that have a github.yml.
var (
	fakesMu sync.Mutex
	fakes   = map[*audit.Target]*FakeGitHub{}
)

func fakeFor(t *audit.Target) (*FakeGitHub, bool) {
	fakesMu.Lock()
	defer fakesMu.Unlock()
	f, ok := fakes[t]
	return f, ok
}

func setFake(t *audit.Target, f *FakeGitHub) {
	fakesMu.Lock()
	defer fakesMu.Unlock()
	fakes[t] = f
}

// Audit runs one check over a target the way the engine does and returns the report. An online
// check gets the target's fake GitHub (github.yml in its txtar), or none: it then must report unknown.
func Audit(target *audit.Target, c *audit.Check) *audit.Report {
	e := &audit.Engine{Checks: []*audit.Check{c}, Version: "test"}
	return e.Audit([]*audit.Target{target}, audit.AuditOptions{Online: true, Now: Now, MinConfidence: audit.LowConfidence,
		OnlineFor: func(t *audit.Target) *audit.Online {
			if f, ok := fakeFor(t); ok {
				return f.Online()
			}
			return &audit.Online{}
		}}).Report
}

// AuditWith runs one check over a target with the given fake GitHub.
func AuditWith(target *audit.Target, c *audit.Check, fake *FakeGitHub) *audit.Report {
	setFake(target, fake)
	return Audit(target, c)
}

type want struct {
	file string
	line int
	re   *regexp.Regexp
	hit  bool
}

var wantRe = regexp.MustCompile(`#\s*want(\s+[+-]\d+)?((\s+"(?:[^"\\]|\\.)*")+)\s*$`)
var quotedRe = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

// extraWants are the `want` files of txtar fixtures: wants for findings on no file of the archive
// (repository settings are reported at the synthetic path ".github"), one per line as
// `PATH:LINE "regexp" ...`.
var extraWants = map[*audit.Target]string{}

var extraWantRe = regexp.MustCompile(`^(\S+):(\d+)((\s+"(?:[^"\\]|\\.)*")+)\s*$`)

// Check audits a target with c and compares the findings with the target's want annotations.
func Check(t *testing.T, target *audit.Target, c *audit.Check) {
	t.Helper()
	var wants []*want
	fakesMu.Lock()
	extra := extraWants[target]
	fakesMu.Unlock()
	for i, line := range strings.Split(extra, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		m := extraWantRe.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("want file line %d: %q is not PATH:LINE \"regexp\"...", i+1, line)
		}
		n, _ := strconv.Atoi(m[2])
		for _, q := range quotedRe.FindAllString(m[3], -1) {
			s, err := strconv.Unquote(q)
			if err != nil {
				t.Fatalf("want file line %d: bad want %s", i+1, q)
			}
			wants = append(wants, &want{file: m[1], line: n, re: regexp.MustCompile(s)})
		}
	}
	for _, f := range target.Files {
		for i := 1; i <= f.LineCount(); i++ {
			m := wantRe.FindStringSubmatch(f.Line(i))
			if m == nil {
				continue
			}
			line := i
			if off := strings.TrimSpace(m[1]); off != "" {
				d, _ := strconv.Atoi(off)
				line += d
			}
			for _, q := range quotedRe.FindAllString(m[2], -1) {
				s, err := strconv.Unquote(q)
				if err != nil {
					t.Fatalf("%s:%d: bad want %s", f.Path, i, q)
				}
				re, err := regexp.Compile(s)
				if err != nil {
					t.Fatalf("%s:%d: bad regexp %q: %v", f.Path, i, s, err)
				}
				wants = append(wants, &want{file: f.Path, line: line, re: re})
			}
		}
	}
	rep := Audit(target, c)
	for _, e := range rep.Errors {
		if strings.HasPrefix(e.Message, "check ") {
			t.Errorf("%s", e.Message)
		}
	}
	var unexpected []string
	for _, f := range rep.Findings {
		if f.Suppressed {
			continue
		}
		text := fmt.Sprintf("%s: %s", f.Severity, f.Message)
		matched := false
		for _, w := range wants {
			if !w.hit && w.file == f.File && w.line == f.Line && w.re.MatchString(text) {
				w.hit, matched = true, true
				break
			}
		}
		if !matched {
			unexpected = append(unexpected, fmt.Sprintf("%s:%d:%d: unexpected finding: %s", f.File, f.Line, f.Column, text))
		}
	}
	sort.Strings(unexpected)
	for _, u := range unexpected {
		t.Error(u)
	}
	for _, w := range wants {
		if !w.hit {
			t.Errorf("%s:%d: no finding matched %q", w.file, w.line, w.re)
		}
	}
}
