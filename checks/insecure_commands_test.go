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
