package checks

import "github.com/rampart-sec/rampart/audit"

// SecretsInherit is a placeholder being written; see its issue.
var SecretsInherit = &audit.Check{
	ID:       "secrets-inherit",
	Title:    "TODO",
	Category: audit.CategoryCredentials,
	Run:      func(*audit.Pass) error { return nil },
}
