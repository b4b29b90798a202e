package checks

import "github.com/rampart-sec/rampart/audit"

// SecretsOutsideEnv is a placeholder being written; see its issue.
var SecretsOutsideEnv = &audit.Check{
	ID:       "secrets-outside-env",
	Title:    "TODO",
	Category: audit.CategoryCredentials,
	Run:      func(*audit.Pass) error { return nil },
}
