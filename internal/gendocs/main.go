// Command gendocs writes the generated documentation (see internal/docgen). Run it with go generate ./...
package main

import (
	"fmt"
	"os"

	"github.com/rampart-sec/rampart/internal/docgen"
)

func main() {
	files, err := docgen.Generate(".")
	if err != nil {
		fail(err)
	}
	for _, f := range docgen.Files {
		if err := os.WriteFile(f, []byte(files[f]), 0o644); err != nil {
			fail(err)
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gendocs:", err)
	os.Exit(1)
}
