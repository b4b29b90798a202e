package checks

import (
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rampart-sec/rampart/audit/audittest"
)

// settingsChecks are the repository settings checks.
var settingsChecks = []*audit.Check{BranchProtection, WorkflowTokenDefault, AllowedActions, ForkPRApproval, CodeownersWorkflows}

func settingsTarget() *audit.Target {
	tg := &audit.Target{Kind: "repo", Name: "acme/app"}
	tg.AddSource(".github/workflows/ci.yml", []byte("on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n"))
	return tg
}

func settingsSelf() *audit.RepoInfo {
	return &audit.RepoInfo{FullName: "acme/app", DefaultBranch: "main", Visibility: "public"}
}

func settingsCategory(rep *audit.Report) *audit.CategoryScore {
	for i := range rep.Categories {
		if rep.Categories[i].ID == audit.CategorySettings {
			return &rep.Categories[i]
		}
	}
	return nil
}

// skippedReason returns the reason a check was listed as skipped, or "".
func skippedReason(rep *audit.Report, id string) string {
	for _, s := range rep.Skipped {
		if s.Check == id {
			return s.Reason
		}
	}
	return ""
}

// TestSettingsUnknownIsSkipped asserts that what the token cannot read is listed as skipped with a
// reason naming the missing permission, and costs no points.
func TestSettingsUnknownIsSkipped(t *testing.T) {
	const need = "token lacks administration: read"
	cases := []struct {
		name string
		fake *audittest.FakeGitHub
	}{
		{"api unknown", &audittest.FakeGitHub{Self: settingsSelf(),
			Unknown: map[string]string{"protection": need, "actions": need, "file": need}}},
		{"fields empty", &audittest.FakeGitHub{Self: settingsSelf(), Settings: &audit.ActionsSettings{},
			Protect: map[string]*audit.Protection{"main": {Branch: "main", Unknown: []string{"classic protection: needs administration: read"}}},
			Files:   map[string]string{".github/CODEOWNERS": "* @acme/devs\n"}}},
	}
	for _, tc := range cases {
		for _, c := range settingsChecks {
			t.Run(tc.name+"/"+c.ID, func(t *testing.T) {
				rep := audittest.AuditWith(settingsTarget(), c, tc.fake)
				if len(rep.Findings) > 0 {
					t.Fatalf("unknown reported as findings: %+v", rep.Findings)
				}
				why := skippedReason(rep, c.ID)
				if !strings.HasPrefix(why, "unknown: ") || !strings.Contains(why, "administration: read") {
					t.Errorf("skipped reason = %q, want unknown naming administration: read", why)
				}
				if rep.Score != 100 {
					t.Errorf("score = %d, want 100 (unknown costs no points)", rep.Score)
				}
				if cs := settingsCategory(rep); cs != nil && cs.Known {
					t.Errorf("settings category known although nothing could be read: %+v", cs)
				}
			})
		}
	}
}

// TestSettingsNoRepository: without a GitHub repository behind the target, every settings check is unknown.
func TestSettingsNoRepository(t *testing.T) {
	for _, c := range settingsChecks {
		rep := audittest.AuditWith(settingsTarget(), c, &audittest.FakeGitHub{})
		if len(rep.Findings) > 0 || !strings.Contains(skippedReason(rep, c.ID), "no GitHub repository") {
			t.Errorf("%s: findings %+v, skipped %+v", c.ID, rep.Findings, rep.Skipped)
		}
	}
}

// TestSettingsRulesetProtects: a branch whose classic protection answers 404 "Branch not protected"
// but that a ruleset covers is protected (the client merges both into one Protection).
func TestSettingsRulesetProtects(t *testing.T) {
	full := &audit.Protection{Branch: "main", Protected: true, Sources: []string{"ruleset protect-main"},
		BlocksForcePush: true, BlocksDeletion: true, RequiresPR: true, RequiredReviewers: 2, RequiresCodeOwners: true,
		DismissesStaleReviews: true, RequiresStatusChecks: true, EnforcedForAdmins: true}
	fake := &audittest.FakeGitHub{Self: settingsSelf(), BranchList: []string{"main"}, Protect: map[string]*audit.Protection{"main": full}}
	rep := audittest.AuditWith(settingsTarget(), BranchProtection, fake)
	if len(rep.Findings) > 0 || len(rep.Skipped) > 0 {
		t.Fatalf("ruleset-protected branch: findings %+v, skipped %+v", rep.Findings, rep.Skipped)
	}
	if cs := settingsCategory(rep); cs == nil || !cs.Known || cs.Score != 100 {
		t.Errorf("settings category = %+v, want known and 100", cs)
	}

	partial := *full
	partial.BlocksForcePush = false
	fake = &audittest.FakeGitHub{Self: settingsSelf(), BranchList: []string{"main"}, Protect: map[string]*audit.Protection{"main": &partial}}
	rep = audittest.AuditWith(settingsTarget(), BranchProtection, fake)
	if len(rep.Findings) != 1 {
		t.Fatalf("findings = %+v, want one", rep.Findings)
	}
	f := rep.Findings[0]
	if f.Severity != audit.High || f.File != ".github" || f.Line != 1 ||
		!strings.Contains(f.Message, `default branch "main" (protected by ruleset protect-main): force pushes are allowed`) ||
		!strings.Contains(f.Remediation, "Block force pushes") {
		t.Errorf("finding = %+v", f)
	}
	if f.Points <= 0 {
		t.Errorf("a finding should cost points: %+v", f)
	}
}

// TestSettingsRulesetsOnly: classic protection unreadable: judged from rulesets, the rest unknown,
// and findings on another branch make the check "partly unknown".
func TestSettingsRulesetsOnly(t *testing.T) {
	unreadable := []string{`classic branch protection of "main": token lacks administration: read`}
	fake := &audittest.FakeGitHub{Self: settingsSelf(), BranchList: []string{"main", "release-1"},
		Protect: map[string]*audit.Protection{
			"main": {Branch: "main", Protected: true, Sources: []string{"ruleset basics"}, BlocksForcePush: true, Unknown: unreadable},
			"release-1": {Branch: "release-1", Protected: true, Sources: []string{"classic"}, BlocksForcePush: true, BlocksDeletion: true,
				RequiresPR: true, RequiredReviewers: 2, RequiresCodeOwners: true, DismissesStaleReviews: true, EnforcedForAdmins: true},
		}}
	rep := audittest.AuditWith(settingsTarget(), BranchProtection, fake)
	if len(rep.Findings) != 1 || !strings.Contains(rep.Findings[0].Message, `branch "release-1" (protected by classic protection): no status checks`) {
		t.Fatalf("findings = %+v", rep.Findings)
	}
	why := skippedReason(rep, BranchProtection.ID)
	want := `partly unknown: default branch "main": classic protection unreadable with this token (needs administration: read); judged from rulesets only; not confirmed: deletion, reviews, status-checks, admins`
	if why != want {
		t.Errorf("skipped reason\n got %q\nwant %q", why, want)
	}
}

// TestSettingsCodeownersLocation: a CODEOWNERS rule with no owners that un-owns the workflows is
// reported on that rule's line; the rest of the file decides nothing.
func TestSettingsCodeownersLocation(t *testing.T) {
	owners := "# default owners\n* @acme/devs\n\n/.github/ @acme/security\n.github/workflows/*.yml\n/docs/ @acme/docs\n"
	fake := &audittest.FakeGitHub{Self: settingsSelf(),
		Protect: map[string]*audit.Protection{"main": {Branch: "main", Protected: true, RequiredReviewers: 1, RequiresCodeOwners: true}},
		Files:   map[string]string{".github/CODEOWNERS": owners}}
	rep := audittest.AuditWith(settingsTarget(), CodeownersWorkflows, fake)
	if len(rep.Findings) != 1 {
		t.Fatalf("findings = %+v", rep.Findings)
	}
	f := rep.Findings[0]
	if f.File != ".github/CODEOWNERS" || f.Line != 5 || f.Severity != audit.Medium ||
		!strings.Contains(f.Message, `.github/workflows/ci.yml, ".github/workflows/*.yml" on line 5, has no owners`) {
		t.Errorf("finding = %+v", f)
	}

	// Only the existing workflow is owned: a new one would not be.
	fake.Files = map[string]string{"docs/CODEOWNERS": "/.github/workflows/ci.yml @acme/security\n"}
	rep = audittest.AuditWith(settingsTarget(), CodeownersWorkflows, fake)
	if len(rep.Findings) != 1 || rep.Findings[0].File != "docs/CODEOWNERS" || rep.Findings[0].Line != 1 ||
		!strings.Contains(rep.Findings[0].Message, "no rule of docs/CODEOWNERS matches a new workflow file") {
		t.Errorf("findings = %+v", rep.Findings)
	}
}

func TestSettingsCodeownersPatterns(t *testing.T) {
	const wf = ".github/workflows/ci.yml"
	for _, tc := range []struct {
		pattern string
		want    bool
	}{
		{"*", true},
		{"/.github/", true},
		{".github/", true},
		{"/.github", true},
		{".github/workflows/", true},
		{"/.github/workflows/*", true},
		{"/.github/workflows/*.yml", true},
		{"*.yml", true},
		{"workflows/", true},
		{"**/workflows", true},
		{"/**/ci.yml", true},
		{".github/**", true},
		{"/.github/*", false},
		{"/*", false},
		{"/docs/", false},
		{"*.yaml", false},
		{"github/", false},
		{"/workflows/", false},
		{"ci.yml/", false},
	} {
		if got := coCompile(tc.pattern).MatchString(wf); got != tc.want {
			t.Errorf("pattern %q matches %s = %v, want %v", tc.pattern, wf, got, tc.want)
		}
	}
	rules := coParse("* @a\n/.github/workflows/ # un-owned\n\\#odd @b\n")
	if r := coOwner(rules, wf); r == nil || r.line != 2 || len(r.owners) != 0 {
		t.Errorf("owner rule = %+v, want line 2 with no owners", r)
	}
	if r := coOwner(rules, "#odd"); r == nil || r.line != 3 || len(r.owners) != 1 {
		t.Errorf("escaped # rule = %+v", r)
	}
}

func TestSettingsBranchesOption(t *testing.T) {
	for _, tc := range []struct {
		settings map[string]any
		err      string
	}{
		{nil, ""},
		{map[string]any{"branches": []any{"release/*", "main"}}, ""},
		{map[string]any{"branches": "main"}, "must be a list"},
		{map[string]any{"branches": []any{""}}, "not a branch name pattern"},
		{map[string]any{"branch": []any{"x"}}, `unknown option "branch"`},
	} {
		err := BranchProtection.ValidateSettings(tc.settings)
		if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("settings %v: error %v, want %q", tc.settings, err, tc.err)
		}
	}
	if !bpMatches(bpDefaultPatterns, "release/1.2") || !bpMatches(bpDefaultPatterns, "release-3") || bpMatches(bpDefaultPatterns, "prerelease") {
		t.Errorf("default release* patterns match wrongly")
	}
}
