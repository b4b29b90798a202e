package checks

import "github.com/rampart-sec/rampart/audit"

// UnpinnedImages is a placeholder being written; see its issue.
var UnpinnedImages = &audit.Check{
	ID:       "unpinned-images",
	Title:    "TODO",
	Category: audit.CategorySupplyChain,
	Run:      func(*audit.Pass) error { return nil },
}
