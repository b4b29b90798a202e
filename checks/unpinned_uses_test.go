package checks

import "testing"

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
