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
