package checks

import "github.com/rampart-sec/rampart/audit"

// UnredactedSecrets is a placeholder being written; see its issue.
var UnredactedSecrets = &audit.Check{
	ID:       "unredacted-secrets",
	Title:    "TODO",
	Category: audit.CategoryCredentials,
	Run:      func(*audit.Pass) error { return nil },
}
