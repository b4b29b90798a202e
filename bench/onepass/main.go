// Command onepass makes one pass over the corpus as one side of BenchmarkPaired does, for
// counting instructions and branch mispredictions under valgrind (scripts/instr.sh): counts are
// the same run after run, where times on a shared machine move by more than a change saves.
//
// Usage: go run ./bench/onepass MODE CORPUS
//
// MODE is list (list the corpus files, nothing else: the set-up every mode shares), parse (read
// and parse every file, as BenchmarkParseOnly), load (LoadDir of every repository folder, no
// check) or audit (every check, as BenchmarkAudit). Every mode lists the files first, so that a
// mode's cost less list's is its pass. One thread, under the CLI's heap floor.
package main

import (
	"fmt"
	"os"
	"runtime"
	"time"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rampart-sec/rampart/bench"
	"github.com/rampart-sec/rampart/checks"
	"github.com/rampart-sec/rampart/internal/gcfloor"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: onepass list|parse|load|audit CORPUS")
		os.Exit(2)
	}
	runtime.GOMAXPROCS(1)
	defer gcfloor.Set(gcfloor.Default)()
	repos, files, _, err := bench.ListCorpus(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, "onepass:", err)
		os.Exit(1)
	}
	switch os.Args[1] {
	case "list":
	case "parse":
		if err := bench.ParsePass(files); err != nil {
			fmt.Fprintln(os.Stderr, "onepass:", err)
			os.Exit(1)
		}
	case "load", "audit":
		e := &audit.Engine{}
		if os.Args[1] == "audit" {
			e.Checks = checks.All()
		}
		loaders := make([]audit.TargetLoader, 0, len(repos))
		for _, r := range repos {
			loaders = append(loaders, func() (*audit.Target, error) { return audit.LoadDir(r, audit.LoadOptions{}) })
		}
		res, err := e.AuditStream(loaders, audit.AuditOptions{Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), OfflineReason: "offline"})
		if err != nil {
			fmt.Fprintln(os.Stderr, "onepass:", err)
			os.Exit(1)
		}
		if res.Report.Stats.Files != len(files) {
			fmt.Fprintf(os.Stderr, "onepass: the audit counted %d files, the corpus has %d\n", res.Report.Stats.Files, len(files))
			os.Exit(1)
		}
	default:
		fmt.Fprintln(os.Stderr, "onepass: unknown mode", os.Args[1])
		os.Exit(2)
	}
}
