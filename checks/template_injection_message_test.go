package checks

import (
	"strconv"
	"strings"
	"testing"
)

// TestTiWriteQuoted checks that the quoting shortcut writes what strconv.Quote returns.
func TestTiWriteQuoted(t *testing.T) {
	for _, s := range []string{"", "TITLE", "PR_BODY", "a-b.c", `say "hi"`, `back\slash`, "tab\there", "é", "\x7f", "~ !"} {
		for _, prefix := range []string{"", "$"} {
			var b strings.Builder
			tiWriteQuoted(&b, prefix, s)
			if want := strconv.Quote(prefix + s); b.String() != want {
				t.Errorf("tiWriteQuoted(%q, %q) = %s, want %s", prefix, s, b.String(), want)
			}
		}
	}
}
