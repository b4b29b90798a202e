package checks

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rampart-sec/rampart/audit/audittest"
)

func TestDependabotCooldownSettings(t *testing.T) {
	for _, tc := range []struct {
		settings map[string]any
		days     int
		err      string
	}{
		{nil, 7, ""},
		{map[string]any{"days": 14}, 14, ""},
		{map[string]any{"days": uint64(3)}, 3, ""},
		{map[string]any{"days": 2.0}, 2, ""},
		{map[string]any{"days": 0}, 0, "out of range"},
		{map[string]any{"days": 91}, 0, "out of range"},
		{map[string]any{"days": 1.5}, 0, "whole number"},
		{map[string]any{"days": "seven"}, 0, "not a number"},
		{map[string]any{"minimum": 7}, 0, `unknown option "minimum"`},
	} {
		err := DependabotCooldown.ValidateSettings(tc.settings)
		days, _ := dbCooldownDays(tc.settings)
		switch {
		case tc.err == "" && (err != nil || days != tc.days):
			t.Errorf("%v: got %d, %v; want %d", tc.settings, days, err, tc.days)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%v: got error %v, want %q", tc.settings, err, tc.err)
		}
	}
}

const dbPinnedWorkflow = `on: push
permissions: {}
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
`

// TestDependabotMissingActionsRenovateOnDisk: a local checkout's Renovate config (not a pipeline
// file, so not in the target) is looked for on disk.
func TestDependabotMissingActionsRenovateOnDisk(t *testing.T) {
	for _, tc := range []struct {
		name, file, content string
		want                int
	}{
		{"none", "", "", 1},
		{"renovate.json", "renovate.json", `{"extends": ["config:recommended"]}`, 0},
		{"github", ".github/renovate.json5", `{extends: ["config:recommended"]}`, 0},
		{"renovaterc", ".renovaterc", `{}`, 0},
		{"package.json", "package.json", `{"name": "x", "renovate": {"extends": ["config:recommended"]}}`, 0},
		{"package.json without renovate", "package.json", `{"name": "x"}`, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			write := func(p, s string) {
				full := filepath.Join(dir, filepath.FromSlash(p))
				if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(full, []byte(s), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			write(".github/workflows/ci.yml", dbPinnedWorkflow)
			if tc.file != "" {
				write(tc.file, tc.content)
			}
			tg, err := audit.LoadDir(dir, audit.LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if got := len(audittest.Audit(tg, DependabotMissingActions).Findings); got != tc.want {
				t.Errorf("findings: got %d, want %d", got, tc.want)
			}
		})
	}
}

// TestDependabotMissingActionsRemote: a remote target is fetched without its Renovate config, so
// the finding has low confidence there.
// TestDependabotMissingActionsRemote: a remote target records the marker files of its tree, so a
// Renovate config there counts as for a local checkout.
func TestDependabotMissingActionsRemote(t *testing.T) {
	tg := &audit.Target{Kind: "repo", Name: "acme/app", Markers: map[string]bool{}}
	tg.AddSource(".github/workflows/ci.yml", []byte(dbPinnedWorkflow))
	if fs := audittest.Audit(tg, DependabotMissingActions).Findings; len(fs) != 1 {
		t.Fatalf("got %+v, want one finding", fs)
	}
	tg = &audit.Target{Kind: "repo", Name: "acme/app", Markers: map[string]bool{".github/renovate.json": true}}
	tg.AddSource(".github/workflows/ci.yml", []byte(dbPinnedWorkflow))
	if fs := audittest.Audit(tg, DependabotMissingActions).Findings; len(fs) != 0 {
		t.Fatalf("got %+v with a Renovate config, want none", fs)
	}
}

// TestDependabotMissingActionsWorkflowsFolder: a .github/workflows folder given directly leaves
// dependabot.yml out of the target, so the check cannot conclude and says nothing.
func TestDependabotMissingActionsWorkflowsFolder(t *testing.T) {
	for _, tc := range []struct {
		name, dependabot string
		want             int
	}{
		{"none", "", 0},
		{"actions", "version: 2\nupdates:\n  - package-ecosystem: github-actions\n    directory: /\n    schedule: {interval: weekly}\n", 0},
		{"npm only", "version: 2\nupdates:\n  - package-ecosystem: npm\n    directory: /\n    schedule: {interval: weekly}\n", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			wf := filepath.Join(dir, ".github", "workflows")
			if err := os.MkdirAll(wf, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(wf, "ci.yml"), []byte(dbPinnedWorkflow), 0o644); err != nil {
				t.Fatal(err)
			}
			if tc.dependabot != "" {
				if err := os.WriteFile(filepath.Join(dir, ".github", "dependabot.yml"), []byte(tc.dependabot), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			tg, err := audit.LoadDir(wf, audit.LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if tg.Dependabot() != nil {
				t.Fatal("the workflows folder target holds dependabot.yml: the test no longer tests the fallback")
			}
			fs := audittest.Audit(tg, DependabotMissingActions).Findings
			if len(fs) != tc.want {
				t.Fatalf("findings: got %+v, want %d", fs, tc.want)
			}
		})
	}
}

// TestDependabotMissingActionsSingleFile: one workflow file says nothing about the repository.
func TestDependabotMissingActionsSingleFile(t *testing.T) {
	tg := &audit.Target{Kind: "file", Name: "ci.yml"}
	tg.AddSource(".github/workflows/ci.yml", []byte(dbPinnedWorkflow))
	if fs := audittest.Audit(tg, DependabotMissingActions).Findings; len(fs) != 0 {
		t.Fatalf("got %+v, want none", fs)
	}
}

// TestDbRenovateComment holds dbRenovateComment to the regular expression it replaces.
func TestDbRenovateComment(t *testing.T) {
	re := regexp.MustCompile(`(?i)#\s*renovate\s*:`)
	for _, src := range []string{"", "#", "# renovate:", "#renovate:", "# ReNoVaTe :", "#\n\trenovate\r\n:", "# renovate", "renovate:",
		"# renovat:", "# rénovate:", "## renovate:", "# renovate: datasource=x", "x # RENOVATE\f:", "# renovate\v:", "# x renovate:",
		"#renovate#renovate:", "# renovatee:", "  - uses: a/b@v1 # renovate: tag=v1\n"} {
		if got, want := dbRenovateComment([]byte(src)), re.MatchString(src); got != want {
			t.Errorf("dbRenovateComment(%q) = %v, want %v", src, got, want)
		}
	}
}
