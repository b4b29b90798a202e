package checks

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rampart-sec/rampart/audit/audittest"
	"go.yaml.in/yaml/v4"
	"golang.org/x/tools/txtar"
)

// arOnlineChecks are the checks that ask GitHub about the actions a workflow uses.
var arOnlineChecks = []*audit.Check{ImpostorCommit, RefConfusion, StaleActionRefs, RefVersionMismatch, ArchivedUses, KnownVulnerableActions}

// arLoad reads a txtar fixture of testdata/<check>/ into a target and its fake GitHub.
func arLoad(t *testing.T, check, name string) (*audit.Target, *audittest.FakeGitHub) {
	t.Helper()
	ar, err := txtar.ParseFile(filepath.Join("..", "testdata", check, name))
	if err != nil {
		t.Fatal(err)
	}
	tg := &audit.Target{Kind: "dir", Name: "fixture"}
	fake := &audittest.FakeGitHub{}
	for _, f := range ar.Files {
		if f.Name == "github.yml" {
			if err := yaml.Unmarshal(f.Data, fake); err != nil {
				t.Fatalf("%s/%s: github.yml: %v", check, name, err)
			}
			continue
		}
		tg.AddSource(f.Name, f.Data)
	}
	if len(tg.Errors) > 0 {
		t.Fatalf("%s/%s: %+v", check, name, tg.Errors)
	}
	return tg, fake
}

func arSkipped(rep *audit.Report, id string) (string, bool) {
	for _, s := range rep.Skipped {
		if s.Check == id {
			return s.Reason, true
		}
	}
	return "", false
}

// TestOnlineActionsUnknown: when the token cannot read what a check needs, the check reports
// nothing, is listed as skipped with the reason, and costs no points.
func TestOnlineActionsUnknown(t *testing.T) {
	for _, c := range arOnlineChecks {
		t.Run(c.ID, func(t *testing.T) {
			tg, fake := arLoad(t, c.ID, "unknown.txtar")
			rep := audittest.AuditWith(tg, c, fake)
			if len(rep.Findings) > 0 {
				t.Errorf("findings %+v; want none", rep.Findings)
			}
			why, ok := arSkipped(rep, c.ID)
			if !ok || !strings.HasPrefix(why, "unknown: ") {
				t.Errorf("skipped = %+v; want %s listed as unknown", rep.Skipped, c.ID)
			}
			if rep.Score != 100 {
				t.Errorf("score %d; an unknown must cost nothing", rep.Score)
			}
		})
	}
}

// TestOnlineActionsNoAPI: without API access each check says so instead of finding nothing silently.
func TestOnlineActionsNoAPI(t *testing.T) {
	for _, c := range arOnlineChecks {
		tg, _ := arLoad(t, c.ID, "found.txtar")
		rep := audittest.Audit(tg, c)
		if len(rep.Findings) > 0 {
			t.Errorf("%s: findings without API: %+v", c.ID, rep.Findings)
		}
		if why, _ := arSkipped(rep, c.ID); !strings.Contains(why, "no API access") {
			t.Errorf("%s: skipped reason %q; want it to say there is no API access", c.ID, why)
		}
	}
}

// TestOnlineActionsRequests: each repository's refs, each owner/repo@sha and each package's
// advisories are asked for once per pass; SHAs at a branch or tag head (or an annotated tag's
// object) need no reachability request.
func TestOnlineActionsRequests(t *testing.T) {
	for _, tc := range []struct {
		check *audit.Check
		file  string
		calls map[string]int
	}{
		// checkout and octo/workflows; b4ff.., c7d7.. (three uses), dddd.. and 2222.. are asked
		// about; 11bd.., e3b0.. (and its tag object 5d41..) and 1111.. are ref heads. A tag's
		// commit is asked whether it is on a branch, once for the tag's commit and object; so are
		// reachable commits that no ref points at (the real client answers those from the compare
		// that answered reachability): 11bd, e3b0, b4ff, dddd.
		{ImpostorCommit, "found.txtar", map[string]int{"refs": 2, "reachable": 4, "onbranch": 4}},
		// b4ff.. is asked about; 11bd.. once for its commit and its tag object 9f2a...
		{ImpostorCommit, "clean.txtar", map[string]int{"refs": 1, "reachable": 1, "onbranch": 2}},
		// A tag object pin is its tag: no reachability request.
		{StaleActionRefs, "clean.txtar", map[string]int{"refs": 1, "reachable": 0}},
		{ArchivedUses, "found.txtar", map[string]int{"repo": 4}},
		{RefConfusion, "found.txtar", map[string]int{"refs": 2}},
		// Full version tags need no refs; only tj-actions' v45 and SHA are resolved.
		{KnownVulnerableActions, "found.txtar", map[string]int{"refs": 2, "advisories": 6}},
		// Without advisories, no ref is ever listed.
		{KnownVulnerableActions, "clean.txtar", map[string]int{"refs": 0, "advisories": 2}},
	} {
		tg, fake := arLoad(t, tc.check.ID, tc.file)
		audittest.AuditWith(tg, tc.check, fake)
		for method, want := range tc.calls {
			if got := fake.Calls(method); got != want {
				t.Errorf("%s/%s: %d %s requests, want %d", tc.check.ID, tc.file, got, method, want)
			}
		}
	}
}

// TestOnlineActionsPartlyUnknown: a repository that cannot be read (here: not found) is unknown,
// not a failure, and does not hide the findings about other repositories.
func TestOnlineActionsPartlyUnknown(t *testing.T) {
	tg, fake := arLoad(t, "archived-uses", "found.txtar")
	delete(fake.Repos, "actions/checkout")
	rep := audittest.AuditWith(tg, ArchivedUses, fake)
	if len(rep.Findings) != 5 {
		t.Errorf("%d findings, want 5", len(rep.Findings))
	}
	why, _ := arSkipped(rep, ArchivedUses.ID)
	if !strings.HasPrefix(why, "partly unknown: ") || !strings.Contains(why, "actions/checkout") {
		t.Errorf("skipped reason %q; want actions/checkout partly unknown", why)
	}
	if len(rep.Errors) > 0 {
		t.Errorf("errors %+v; an unreadable repository is not a failure", rep.Errors)
	}

	tg, fake = arLoad(t, "known-vulnerable-actions", "untagged.txtar")
	rep = audittest.AuditWith(tg, KnownVulnerableActions, fake)
	why, _ = arSkipped(rep, KnownVulnerableActions.ID)
	if len(rep.Findings) > 0 || !strings.Contains(why, "no release tag points at commit 0e58ed8671d6") {
		t.Errorf("findings %+v, skipped %q; want none and the untagged commit named", rep.Findings, why)
	}
}

func TestActionRefVersionRange(t *testing.T) {
	for _, tc := range []struct {
		version, rng string
		want         bool
	}{
		{"v4.1.1", "< 4.1.2", true},
		{"4.1.2", "< 4.1.2", false},
		{"v1.3.0", ">= 1.0.0, < 1.3.1", true},
		{"v0.9.9", ">= 1.0.0, < 1.3.1", false},
		{"v1.3.1", ">= 1.0.0, < 1.3.1", false},
		{"v45.0.7", "<= 45.0.7", true},
		{"v45.0.8", "<= 45.0.7", false},
		{"v2.0", "= 2.0.0", true},
		{"2.0.0", "2.0.0", true},
		{"v4.1.3-rc.1", "< 4.1.3", true},
		{"v4.1.3-rc.1", ">= 4.1.3-rc.2", false},
		{"v1.10.0", "< 1.9.0", false},
		{"v3", "> 2.9.9", true},
	} {
		v, ok := arParseVersion(tc.version)
		if !ok {
			t.Fatalf("cannot parse %q", tc.version)
		}
		got, err := arInRange(v, tc.rng)
		if err != nil || got != tc.want {
			t.Errorf("%s in %q = %v, %v; want %v", tc.version, tc.rng, got, err, tc.want)
		}
	}
	if _, err := arInRange(arVersion{Nums: []int{1}}, "< banana"); err == nil {
		t.Error("a range that is not one must be an error")
	}
	for _, s := range []string{"main", "release/v1", "", "v", "latest"} {
		if _, ok := arParseVersion(s); ok {
			t.Errorf("%q parsed as a version", s)
		}
	}
	if v, _ := arBestVersion([]string{"v4", "v4.2.2", "latest", "v4.2.10", "v4.2"}); v.Raw != "v4.2.10" {
		t.Errorf("best version %q, want v4.2.10", v.Raw)
	}
}

func TestActionRefParse(t *testing.T) {
	for _, tc := range []struct {
		in, owner, name, path, ref string
		ok                         bool
	}{
		{"actions/checkout@v4", "actions", "checkout", "", "v4", true},
		{"GitHub/CodeQL-Action/init@v3", "github", "codeql-action", "init", "v3", true},
		{"octo/wf/.github/workflows/a.yml@main", "octo", "wf", ".github/workflows/a.yml", "main", true},
		{"actions/checkout", "", "", "", "", false},
		{"./local", "", "", "", "", false},
		{"docker://alpine:3@sha256:abc", "", "", "", "", false},
		{"${{ matrix.action }}@v1", "", "", "", "", false},
		{"checkout@v4", "", "", "", "", false},
	} {
		owner, name, path, ref, ok := arParseUse(tc.in)
		if ok != tc.ok || owner != tc.owner || name != tc.name || path != tc.path || ref != tc.ref {
			t.Errorf("%q: got %q %q %q %q %v", tc.in, owner, name, path, ref, ok)
		}
	}
	for in, want := range map[string]string{
		" v4.2.2":                          "v4.2.2",
		" tag=v4.2.2":                      "v4.2.2",
		" version: 4.2.2":                  "4.2.2",
		" pin@v1.0.0":                      "v1.0.0",
		" ratchet:actions/checkout@v4":     "v4",
		" v4.2.2 (2025-01-01)":             "v4.2.2",
		" v6-beta":                         "v6-beta",
		" zizmor: ignore[cache-poisoning]": "",
		" rampart: ignore[x] v1":           "",
		" see the docs":                    "",
		" ratchet:exclude":                 "",
	} {
		if got := arVersionInComment(in); got != want {
			t.Errorf("comment %q: version %q, want %q", in, got, want)
		}
	}
}
