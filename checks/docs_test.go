package checks

import (
	"os"
	"testing"
)

// TestDocsAreFresh fails when docs/checks.md differs from the checks' documentation.
func TestDocsAreFresh(t *testing.T) {
	b, err := os.ReadFile("../docs/checks.md")
	if err != nil {
		t.Fatalf("docs/checks.md: %v (run go generate ./...)", err)
	}
	if string(b) != DocsMarkdown() {
		t.Error("docs/checks.md is stale: run `go generate ./...` and commit it")
	}
}

// TestReadmeIsFresh fails when the generated sections of README.md are stale.
func TestReadmeIsFresh(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"checks", "score"} {
		if _, ok := ReplaceBetween(string(b), name, ""); !ok {
			t.Errorf("README.md has no %s markers", name)
		}
	}
	if string(b) != Readme(string(b)) {
		t.Error("README.md is stale: run `go generate ./...` and commit it")
	}
}
