package checks

import "github.com/rampart-sec/rampart/audit"

// ArtifactPoisoning is a placeholder being written; see its issue.
var ArtifactPoisoning = &audit.Check{
	ID:       "artifact-poisoning",
	Title:    "TODO",
	Category: audit.CategoryTriggers,
	Run:      func(*audit.Pass) error { return nil },
}
