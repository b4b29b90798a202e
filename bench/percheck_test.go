package bench

import (
	"fmt"
	"os"
	"runtime"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rampart-sec/rampart/checks"
)

// TestPerCheckTimes prints what each check costs over the whole corpus on one thread, with the
// corpus loaded once beforehand (RAMPART_PERCHECK=1 go test ./bench -run PerCheck -v). It asserts
// nothing about time: it is a tool for finding the slow checks.
func TestPerCheckTimes(t *testing.T) {
	if os.Getenv("RAMPART_PERCHECK") == "" {
		t.Skip("set RAMPART_PERCHECK=1 to print per-check times")
	}
	targets := loadCorpus(t)
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	base := measure(targets, nil)
	type row struct {
		id string
		d  time.Duration
	}
	var rows []row
	var total time.Duration
	for _, c := range checks.All() {
		d := measure(targets, c) - base
		rows = append(rows, row{c.ID, d})
		total += d
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].d > rows[j].d })
	fmt.Printf("engine without checks: %v\n", base)
	for _, r := range rows {
		fmt.Printf("%-28s %8.2f ms\n", r.id, float64(r.d.Microseconds())/1000)
	}
	fmt.Printf("%-28s %8.2f ms\n", "total of checks", float64(total.Microseconds())/1000)
}

// measure is the best of five audits of the loaded targets with one check (or none). Each
// audit works on fresh copies of the files, so that nothing one check memoizes helps the next.
func measure(targets []*audit.Target, c *audit.Check) time.Duration {
	var cs []*audit.Check
	if c != nil {
		cs = []*audit.Check{c}
	}
	best := time.Duration(1 << 62)
	for range rounds() {
		fresh := make([]*audit.Target, len(targets))
		for i, t := range targets {
			fresh[i] = t.Clone()
		}
		start := time.Now()
		(&audit.Engine{Checks: cs}).Audit(fresh, audit.AuditOptions{Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
		if d := time.Since(start); d < best {
			best = d
		}
	}
	return best
}

// TestTogetherTimes prints what each check costs inside one full audit of the corpus, where the
// checks share what they memoize (RAMPART_PERCHECK=1 go test ./bench -run Together -v).
func TestTogetherTimes(t *testing.T) {
	if os.Getenv("RAMPART_PERCHECK") == "" {
		t.Skip("set RAMPART_PERCHECK=1 to print per-check times")
	}
	targets := loadCorpus(t)
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	// Each check's figure is its least time over the rounds, not its time in the round with the
	// least total: one round can carry a collector pause inside a single check.
	best := map[string]time.Duration{}
	var bestTotal time.Duration = 1 << 62
	for range rounds() {
		fresh := make([]*audit.Target, len(targets))
		for i, t := range targets {
			fresh[i] = t.Clone()
		}
		sum := map[string]time.Duration{}
		eng := &audit.Engine{Checks: checks.All(), Timed: func(id string, d time.Duration) { sum[id] += d }}
		start := time.Now()
		eng.Audit(fresh, audit.AuditOptions{Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
		bestTotal = min(bestTotal, time.Since(start))
		for id, d := range sum {
			if b, ok := best[id]; !ok || d < b {
				best[id] = d
			}
		}
	}
	type row struct {
		id string
		d  time.Duration
	}
	var rows []row
	var total time.Duration
	for id, d := range best {
		rows = append(rows, row{id, d})
		total += d
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].d > rows[j].d })
	for _, r := range rows[:min(20, len(rows))] {
		fmt.Printf("%-28s %8.2f ms\n", r.id, float64(r.d.Microseconds())/1000)
	}
	fmt.Printf("%-28s %8.2f ms (whole audit of loaded targets: %v)\n", "checks together", float64(total.Microseconds())/1000, bestTotal)
}

// loadCorpus loads every repository folder of the corpus, or skips the test without it.
func loadCorpus(t *testing.T) []*audit.Target {
	dir := corpusDir(t)
	if dir == "" {
		t.Skip("corpus not found")
	}
	entries, _ := os.ReadDir(dir)
	var targets []*audit.Target
	for _, e := range entries {
		if e.IsDir() {
			tg, err := audit.LoadDir(dir+"/"+e.Name(), audit.LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			targets = append(targets, tg)
		}
	}
	return targets
}

// rounds is how many audits a measurement takes the best of: RAMPART_PERCHECK_ROUNDS, or 5.
// On a shared machine, 15 or more give steadier figures.
func rounds() int {
	if n, err := strconv.Atoi(os.Getenv("RAMPART_PERCHECK_ROUNDS")); err == nil && n > 0 {
		return n
	}
	return 5
}
