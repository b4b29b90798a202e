package checks

import "github.com/rampart-sec/rampart/audit"

// UnsoundContains is a placeholder being written; see its issue.
var UnsoundContains = &audit.Check{
	ID:       "unsound-contains",
	Title:    "TODO",
	Category: audit.CategoryHygiene,
	Run:      func(*audit.Pass) error { return nil },
}
