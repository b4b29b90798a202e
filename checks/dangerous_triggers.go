package checks

import "github.com/rampart-sec/rampart/audit"

// DangerousTriggers is a placeholder being written; see its issue.
var DangerousTriggers = &audit.Check{
	ID:       "dangerous-triggers",
	Title:    "TODO",
	Category: audit.CategoryTriggers,
	Run:      func(*audit.Pass) error { return nil },
}
