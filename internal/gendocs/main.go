// Command gendocs writes docs/checks.md from the checks' documentation. Run it with go generate ./...
package main

import (
	"fmt"
	"os"

	"github.com/rampart-sec/rampart/checks"
)

func main() {
	if err := os.WriteFile("docs/checks.md", []byte(checks.DocsMarkdown()), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}
