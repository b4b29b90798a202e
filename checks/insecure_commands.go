package checks

import "github.com/rampart-sec/rampart/audit"

// InsecureCommands is a placeholder being written; see its issue.
var InsecureCommands = &audit.Check{
	ID:       "insecure-commands",
	Title:    "TODO",
	Category: audit.CategoryHygiene,
	Run:      func(*audit.Pass) error { return nil },
}
