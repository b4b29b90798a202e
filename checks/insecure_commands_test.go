package checks

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"
)

// TestIcIsName checks that the length gate agrees with strings.EqualFold, long s included.
func TestIcIsName(t *testing.T) {
	for _, n := range []string{icName, strings.ToLower(icName), "Actions_Allow_Unsecure_Commands", "ACTIONS_ALLOW_UNSECURE_COMMAND",
		"ACTIONS_ALLOW_UNSECURE_COMMANDSS", "actionſ_allow_unſecure_commandſ", "ACTIONſ_ALLOW_UNSECURE_COMMANDS", "", "CI",
		"ACTIONS_ALLOW_UNSECURE_COMMANDS ", "ACTIONS_ALLOW_UNSECURE_COMMANDK"} {
		if got, want := icIsName(n), strings.EqualFold(n, icName); got != want {
			t.Errorf("icIsName(%q) = %v, strings.EqualFold says %v", n, got, want)
		}
	}
}

// TestIcLongSEscape holds icLongSEscape to the YAML parser: a source is odd exactly when a
// double-quoted scalar of it decodes to text holding "ſ".
func TestIcLongSEscape(t *testing.T) {
	for _, c := range []struct {
		src  string
		want bool
	}{
		{`k: "A\u017FB"`, true},
		{`k: "A\u017fB"`, true},
		{`k: "A\U0000017FB"`, true},
		{`k: "A\U0000017fB"`, true},
		{`k: "\u017f"`, true},
		{`k: "sha256:9a017f5e"`, false},
		{`k: "\u0170"`, false},
		{`k: "\U00010170"`, false},
		{`k: "\u017e"`, false},
		{`k: "017f"`, false},
		{`k: 017`, false},
		{``, false},
	} {
		if got := icLongSEscape([]byte(c.src)); got != c.want {
			t.Errorf("icLongSEscape(%q) = %v, want %v", c.src, got, c.want)
		}
		var v map[string]string
		if err := yaml.Unmarshal([]byte(c.src), &v); err == nil && strings.Contains(v["k"], "ſ") != c.want {
			t.Errorf("%q decodes to %q: the case's want is wrong", c.src, v["k"])
		}
	}
}
