package checks

import (
	"path"
	"strings"
	"testing"
)

// TestTiLocalPath checks that a local uses: is read as path.Clean reads it, with or without the
// copy tiCleanPath spares.
func TestTiLocalPath(t *testing.T) {
	for _, v := range []string{
		"./.github/actions/x", " ./.github/workflows/y.yml ", "./a", "./", "./.", "./..", "./a/", "./a//b",
		"./a/./b", "./a/../b", "./../x", "./.a/.b/c.", "./a/..b", "./a/b/.", ".//a",
	} {
		got, ok := tiLocalPath(v)
		if want := path.Clean(strings.TrimSpace(v)); !ok || got != want {
			t.Errorf("tiLocalPath(%q) = %q, %v; path.Clean gives %q", v, got, ok, want)
		}
	}
	for _, v := range []string{"a/b", "../x", "${{ x }}/./a", "./${{ inputs.p }}"} {
		if _, ok := tiLocalPath(v); ok {
			t.Errorf("tiLocalPath(%q) is local", v)
		}
	}
}
