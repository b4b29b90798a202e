package checks

import "github.com/rampart-sec/rampart/audit"

// TemplateInjection is a placeholder being written; see its issue.
var TemplateInjection = &audit.Check{
	ID:       "template-injection",
	Title:    "TODO",
	Category: audit.CategoryInjection,
	Run:      func(*audit.Pass) error { return nil },
}
