package checks

import "github.com/rampart-sec/rampart/audit"

// HardcodedCredentials is a placeholder being written; see its issue.
var HardcodedCredentials = &audit.Check{
	ID:       "hardcoded-credentials",
	Title:    "TODO",
	Category: audit.CategoryCredentials,
	Run:      func(*audit.Pass) error { return nil },
}
