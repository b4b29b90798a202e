package checks

import "github.com/rampart-sec/rampart/audit"

// Obfuscation is a placeholder being written; see its issue.
var Obfuscation = &audit.Check{
	ID:       "obfuscation",
	Title:    "TODO",
	Category: audit.CategoryHygiene,
	Run:      func(*audit.Pass) error { return nil },
}
