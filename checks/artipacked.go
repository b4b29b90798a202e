package checks

import "github.com/rampart-sec/rampart/audit"

// Artipacked is a placeholder being written; see its issue.
var Artipacked = &audit.Check{
	ID:       "artipacked",
	Title:    "TODO",
	Category: audit.CategoryCredentials,
	Run:      func(*audit.Pass) error { return nil },
}
