package checks

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

func TestUsesPolicyLookup(t *testing.T) {
	p, err := parseUsesPolicy(map[string]any{"policy": map[string]any{
		"actions/*": "ref-pin", "myorg/*": "any", "myorg/release": "hash-pin", "MyOrg/Tools/*": "ref-pin",
	}})
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"actions/checkout":             "actions/*",
		"myorg/tool":                   "myorg/*",
		"myorg/release":                "myorg/release",
		"myorg/release/sub/dir":        "myorg/release",
		"myorg/tools/setup":            "myorg/tools/*",
		"myorg/tools":                  "myorg/*",
		"other/x":                      "*",
		"actionsx/checkout":            "*",
		"docker://ghcr.io/myorg/img":   "*",
		"MyOrg/Release/.github/wf.yml": "myorg/release",
	} {
		if _, got := p.lookup(name); got != want {
			t.Errorf("lookup(%q) = %q, want %q", name, got, want)
		}
	}
	for _, bad := range []any{"hash-pin", map[string]any{"*": "pin"}, map[string]any{"a*/b": "any"}, map[string]any{"*": 1}} {
		if _, err := parseUsesPolicy(map[string]any{"policy": bad}); err == nil {
			t.Errorf("policy %v: no error", bad)
		}
	}
}

func TestRefKind(t *testing.T) {
	for ref, want := range map[string]string{
		"": "none", "v4": "tag", "v4.2.2": "tag", "1.0.0-beta.1": "tag", "main": "branch", "release/v1": "branch",
		"ed68ef82c095e0d48ec87eccea555d944a631a4c": "sha", "ed68ef8": "short-sha", "1234567": "tag", "feature-x": "ref",
	} {
		r, _ := parseUsesRef("o/r@" + ref)
		if ref == "" {
			r, _ = parseUsesRef("o/r")
		}
		if got := refKind(r); got != want {
			t.Errorf("refKind(%q) = %q, want %q", ref, got, want)
		}
	}
}

// TestRefMatchers holds the hand-written ref matchers to the regular expressions they replace.
func TestRefMatchers(t *testing.T) {
	shortRe := regexp.MustCompile(`^[0-9a-fA-F]{7,39}$`)
	versionRe := regexp.MustCompile(`^[vV]?\d+(\.\d+)*([-+._][0-9A-Za-z.\-+_]*)?$`)
	fullRe := regexp.MustCompile(`^[0-9a-fA-F]{40}$`)
	refs := []string{"", "v", "V", "v4", "V4", "4", "v4.", "v4.2.2", "1.0.0-beta.1", "v1_2", "v1+b", "v1-", "v1.x", "v1x", "vv1",
		"v1.2.3/x", "v1 ", "main", "release/v1", "1234567", "123456", "ed68ef8", "ED68EF8", "ed68ef82c095e0d48ec87eccea555d944a631a4",
		"ed68ef82c095e0d48ec87eccea555d944a631a4c", "ED68EF82C095E0D48EC87ECCEA555D944A631A4C", "ed68ef82c095e0d48ec87eccea555d944a631a4cc",
		"g68ef82", "v2.0.0-rc.1+build.5", "1.2.3é", "v٣"}
	for _, r := range refs {
		if got, want := isShortSHA(r), shortRe.MatchString(r) && strings.ContainsAny(strings.ToLower(r), "abcdef"); got != want {
			t.Errorf("isShortSHA(%q) = %v, want %v", r, got, want)
		}
		if got, want := isVersionRef(r), versionRe.MatchString(r); got != want {
			t.Errorf("isVersionRef(%q) = %v, want %v", r, got, want)
		}
		if got, want := isFullSHA(r), fullRe.MatchString(r); got != want {
			t.Errorf("isFullSHA(%q) = %v, want %v", r, got, want)
		}
	}
}

// TestUsesWhereText checks that usesWhere's text is what audit.StepLabel and strconv.Quote make.
func TestUsesWhereText(t *testing.T) {
	str := func(v string) *actionlint.String { return &actionlint.String{Value: v} }
	job := &actionlint.Job{ID: str("build")}
	odd := &actionlint.Job{ID: str("b\"é\x01")}
	steps := []*actionlint.Step{
		{Name: str("Check out")},
		{Name: str("naïve \"quoted\" \\ name")},
		{ID: str("tab\there")},
		{Exec: &actionlint.ExecAction{Uses: str("actions/checkout@v4")}},
		{Exec: &actionlint.ExecRun{}},
		{},
	}
	for _, j := range []*actionlint.Job{job, odd, nil} {
		for i, st := range steps {
			w := usesWhere{j, st, i}
			want := "composite action, " + audit.StepLabel(st, i)
			if j != nil {
				want = "job " + strconv.Quote(j.ID.Value) + ", " + audit.StepLabel(st, i)
			}
			if got := w.String(); got != want {
				t.Errorf("usesWhere text %q, want %q", got, want)
			}
		}
		if j != nil {
			if got, want := (usesWhere{job: j}).String(), "job "+strconv.Quote(j.ID.Value); got != want {
				t.Errorf("usesWhere text %q, want %q", got, want)
			}
		}
	}
	for _, s := range []string{"Owner/Repo", "ÖWNER/Repo", "KELVIN\u212a/x"} {
		if got := string(uuAppendLower(nil, s)); got != strings.ToLower(s) {
			t.Errorf("uuAppendLower(%q) = %q", s, got)
		}
	}
}
