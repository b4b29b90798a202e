package checks

import "github.com/rampart-sec/rampart/audit"

// UnpinnedUses is a placeholder being written; see its issue.
var UnpinnedUses = &audit.Check{
	ID:       "unpinned-uses",
	Title:    "TODO",
	Category: audit.CategorySupplyChain,
	Run:      func(*audit.Pass) error { return nil },
}
