package checks

import "github.com/rampart-sec/rampart/audit"

// UnpinnedTools is a placeholder being written; see its issue.
var UnpinnedTools = &audit.Check{
	ID:       "unpinned-tools",
	Title:    "TODO",
	Category: audit.CategorySupplyChain,
	Run:      func(*audit.Pass) error { return nil },
}
