package org

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rampart-sec/rampart/org/orgtest"
)

// TestOrgBenchmark scans a synthetic organization (RAMPART_ORG_BENCH_REPOS, default 10,000)
// served by the fake, once collecting workflows only and once with --settings, and checks the
// targets: <= 0.05 requests a repository to collect workflows, <= 3 in all with settings, under
// 60 s, peak heap under 300 MB (with RAMPART_ORG_BENCH_FAULTS, only that no repository is lost).
// Run by scripts/org-bench.sh; skipped unless RAMPART_ORG_BENCH=1.
func TestOrgBenchmark(t *testing.T) {
	if os.Getenv("RAMPART_ORG_BENCH") != "1" {
		t.Skip("set RAMPART_ORG_BENCH=1 (scripts/org-bench.sh)")
	}
	n := 10000
	if v, err := strconv.Atoi(os.Getenv("RAMPART_ORG_BENCH_REPOS")); err == nil && v > 0 {
		n = v
	}
	faults, _ := strconv.ParseFloat(os.Getenv("RAMPART_ORG_BENCH_FAULTS"), 64)
	fmt.Printf("org benchmark: %d repositories, fault rate %.2f, GOMAXPROCS %d, corpus %q\n", n, faults, runtime.GOMAXPROCS(0), orgtest.CorpusDir())
	for _, settings := range []bool{false, true} {
		fake := orgtest.New(orgtest.Options{Repos: n, FaultRate: faults, Seed: 1, RetryAfter: 0, Hang: 2 * time.Second, Points: 100000})
		runtime.GC()
		peak := watchHeap()
		start := time.Now()
		res, counter, err := testScan(t, context.Background(), fake, t.TempDir(), func(o *Options) { o.Settings = settings })
		wall := time.Since(start)
		heap := peak()
		fake.Close()
		if err != nil {
			t.Fatal(err)
		}
		rest, gql := counter.Requests()
		st := res.Report.Stats
		mode := "workflows only"
		if settings {
			mode = "with --settings"
		}
		fmt.Printf("%-16s repos %d (scored %d, failed %d, skipped %d): GraphQL %d (%.4f/repo), REST %d (%.4f/repo), all %.4f/repo; wall %.1fs; peak heap %.0f MB; faults %d; max nodes %d, max cost %d, 502s for size %d\n",
			mode, st.Repositories, st.Scored, st.Failed, st.Skipped, gql, float64(gql)/float64(n), rest, float64(rest)/float64(n),
			float64(rest+gql)/float64(n), wall.Seconds(), float64(heap)/1e6, fake.Faults.Load(), fake.MaxNodes.Load(), fake.MaxCost.Load(), fake.TooLarge.Load())
		if st.Repositories != n || st.Failed != 0 {
			t.Errorf("%s: %d repositories, %d failed; want %d, 0", mode, st.Repositories, st.Failed, n)
		}
		if faults > 0 {
			continue // retries cost requests and time: only completeness is checked under faults
		}
		if !settings && float64(rest+gql)/float64(n) > 0.05 {
			t.Errorf("workflow collection: %.4f requests a repository, want <= 0.05", float64(rest+gql)/float64(n))
		}
		if settings && float64(rest+gql)/float64(n) > 3 {
			t.Errorf("with settings: %.4f requests a repository, want <= 3", float64(rest+gql)/float64(n))
		}
		if n >= 10000 && wall > 60*time.Second {
			t.Errorf("%s: %s, want < 60s", mode, wall)
		}
		if heap > 300e6 {
			t.Errorf("%s: peak heap %.0f MB, want < 300 MB", mode, float64(heap)/1e6)
		}
	}
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "VmHWM:") {
				fmt.Printf("peak RSS of the test process (scanner and fake together): %s\n", strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:")))
			}
		}
	}
}

// watchHeap samples the live heap every 20 ms until the returned function is called, which
// returns the highest value seen (bytes).
func watchHeap() func() uint64 {
	var mu sync.Mutex
	var peak uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	go func() {
		defer close(done)
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			mu.Lock()
			peak = max(peak, sample[0].Value.Uint64())
			mu.Unlock()
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(stop)
		<-done
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}
