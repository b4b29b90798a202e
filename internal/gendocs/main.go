// Command gendocs writes docs/checks.md and the generated sections of README.md from the checks'
// documentation. Run it with go generate ./...
package main

import (
	"fmt"
	"os"

	"github.com/rampart-sec/rampart/checks"
	"github.com/rampart-sec/rampart/cli"
)

func main() {
	if err := os.WriteFile("docs/checks.md", []byte(checks.DocsMarkdown()), 0o644); err != nil {
		fail(err)
	}
	b, err := os.ReadFile("README.md")
	if err != nil {
		fail(err)
	}
	doc, _ := checks.ReplaceBetween(checks.Readme(string(b)), "demo", cli.DemoOutput())
	if err := os.WriteFile("README.md", []byte(doc), 0o644); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gendocs:", err)
	os.Exit(1)
}
