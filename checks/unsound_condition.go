package checks

import "github.com/rampart-sec/rampart/audit"

// UnsoundCondition is a placeholder being written; see its issue.
var UnsoundCondition = &audit.Check{
	ID:       "unsound-condition",
	Title:    "TODO",
	Category: audit.CategoryHygiene,
	Run:      func(*audit.Pass) error { return nil },
}
