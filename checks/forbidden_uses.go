package checks

import "github.com/rampart-sec/rampart/audit"

// ForbiddenUses is a placeholder being written; see its issue.
var ForbiddenUses = &audit.Check{
	ID:       "forbidden-uses",
	Title:    "TODO",
	Category: audit.CategorySupplyChain,
	Run:      func(*audit.Pass) error { return nil },
}
