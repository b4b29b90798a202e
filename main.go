// Command rampart audits GitHub Actions workflows and CI pipelines for security hazards.
package main

import (
	"os"

	"github.com/rampart-sec/rampart/cli"
)

//go:generate go run ./internal/gendocs

func main() { os.Exit(cli.Main(os.Args, os.Stdin, os.Stdout, os.Stderr)) }
