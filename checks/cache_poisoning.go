package checks

import "github.com/rampart-sec/rampart/audit"

// CachePoisoning is a placeholder being written; see its issue.
var CachePoisoning = &audit.Check{
	ID:       "cache-poisoning",
	Title:    "TODO",
	Category: audit.CategoryTriggers,
	Run:      func(*audit.Pass) error { return nil },
}
