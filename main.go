// Command rampart audits GitHub Actions workflows and CI pipelines for security hazards.
package main

import (
	"os"

	"github.com/rampart-sec/rampart/cli"
	"github.com/rampart-sec/rampart/internal/gcfloor"
)

//go:generate go run ./internal/gendocs

func main() {
	// A short-lived batch process with a small live heap and a high allocation rate: keep the
	// collector from running on a tiny heap (unless GOGC or GOMEMLIMIT says otherwise).
	gcfloor.Set(gcfloor.Default)
	os.Exit(cli.Main(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
