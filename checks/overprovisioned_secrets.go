package checks

import "github.com/rampart-sec/rampart/audit"

// OverprovisionedSecrets is a placeholder being written; see its issue.
var OverprovisionedSecrets = &audit.Check{
	ID:       "overprovisioned-secrets",
	Title:    "TODO",
	Category: audit.CategoryCredentials,
	Run:      func(*audit.Pass) error { return nil },
}
