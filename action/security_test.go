package action

import "testing"

// An owner or name of "." or ".." would move an API path ("repos/../x/pulls") to another endpoint.
func TestSplitRepoRefusesDotSegments(t *testing.T) {
	for _, s := range []string{"../x", "./x", "x/..", "x/.", "../..", "a/b/c", "a/", "/b"} {
		if _, _, ok := SplitRepo(s); ok {
			t.Errorf("SplitRepo(%q) accepted", s)
		}
	}
	if o, n, ok := SplitRepo("octo-org/app.js"); !ok || o != "octo-org" || n != "app.js" {
		t.Errorf("SplitRepo(octo-org/app.js) = %q, %q, %v", o, n, ok)
	}
}
