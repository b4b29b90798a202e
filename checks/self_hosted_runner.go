package checks

import "github.com/rampart-sec/rampart/audit"

// SelfHostedRunner is a placeholder being written; see its issue.
var SelfHostedRunner = &audit.Check{
	ID:       "self-hosted-runner",
	Title:    "TODO",
	Category: audit.CategoryHygiene,
	Run:      func(*audit.Pass) error { return nil },
}
