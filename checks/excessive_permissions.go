package checks

import "github.com/rampart-sec/rampart/audit"

// ExcessivePermissions is a placeholder being written; see its issue.
var ExcessivePermissions = &audit.Check{
	ID:       "excessive-permissions",
	Title:    "TODO",
	Category: audit.CategoryPermissions,
	Run:      func(*audit.Pass) error { return nil },
}
