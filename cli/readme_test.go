package cli

import (
	"os"
	"strings"
	"testing"
)

// TestReadmeDemoIsFresh fails when README.md's example output differs from what the demo scan prints.
func TestReadmeDemoIsFresh(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	i, j := strings.Index(doc, "<!-- demo:start -->\n"), strings.Index(doc, "<!-- demo:end -->")
	if i < 0 || j < i {
		t.Fatal("README.md has no demo markers")
	}
	wd, _ := os.Getwd()
	if err := os.Chdir(".."); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	t.Setenv("GITHUB_TOKEN", "")
	t.Setenv("GH_TOKEN", "")
	if got := doc[i+len("<!-- demo:start -->\n") : j]; got != DemoOutput() {
		t.Errorf("README.md's demo output is stale: run `go generate ./...`\n--- README\n%s\n--- now\n%s", got, DemoOutput())
	}
}
