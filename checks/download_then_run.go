package checks

import "github.com/rampart-sec/rampart/audit"

// DownloadThenRun is a placeholder being written; see its issue.
var DownloadThenRun = &audit.Check{
	ID:       "download-then-run",
	Title:    "TODO",
	Category: audit.CategorySupplyChain,
	Run:      func(*audit.Pass) error { return nil },
}
