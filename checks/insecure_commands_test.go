package checks

import (
	"strings"
	"testing"
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

// TestIcInScript checks the search from the W against strings.Contains.
func TestIcInScript(t *testing.T) {
	for _, s := range []string{"", icName, "x" + icName, icName + "=true", "echo ALLOW_UNSECURE_COMMANDS", "W_UNSECURE_COMMANDS",
		"XW_UNSECURE_COMMANDS " + icName, "ACTIONS_ALLOW_UNSECURE_COMMAND", strings.ToLower(icName), "ACTIONS_ALLOW_ALLOW_UNSECURE_COMMANDS",
		"ACTIONS_ALLOW_UNSECURE_COMMANDS"[1:], "AW_UNSECURE_COMMANDS_ACTIONS_ALLOW_UNSECURE_COMMANDS"} {
		if got, want := icInScript(s), strings.Contains(s, icName); got != want {
			t.Errorf("icInScript(%q) = %v, strings.Contains says %v", s, got, want)
		}
	}
}
