package checks

import "github.com/rampart-sec/rampart/audit"

// UseTrustedPublishing is a placeholder being written; see its issue.
var UseTrustedPublishing = &audit.Check{
	ID:       "use-trusted-publishing",
	Title:    "TODO",
	Category: audit.CategoryCredentials,
	Run:      func(*audit.Pass) error { return nil },
}
