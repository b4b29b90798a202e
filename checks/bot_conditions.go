package checks

import "github.com/rampart-sec/rampart/audit"

// BotConditions is a placeholder being written; see its issue.
var BotConditions = &audit.Check{
	ID:       "bot-conditions",
	Title:    "TODO",
	Category: audit.CategoryHygiene,
	Run:      func(*audit.Pass) error { return nil },
}
