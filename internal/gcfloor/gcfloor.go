// Package gcfloor keeps the garbage collector from running on a tiny heap.
//
// rampart allocates fast (parsing YAML, ~100 MB per thousand workflows) while what it keeps alive
// is a few megabytes: one target's parsed files and the findings so far. Go's collector starts a
// cycle each time the heap doubles its live size, with a floor of 4 MB, so such a run collects
// dozens of times per second, and every cycle marks the whole live model again: on the corpus
// benchmark that is a third of the audit's time. A floor under the heap goal turns those dozens of
// cycles into a few, at the price of a heap that grows to the floor before the first cycle.
// Above the floor the collector paces as usual (GOGC=100), so a large live heap costs no extra
// memory. cmd/compile does the same (AdjustStartingHeap in cmd/compile/internal/base).
//
// Set only when the user has not chosen GOGC or GOMEMLIMIT in the environment.
package gcfloor

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"sync/atomic"
)

// Default is the heap goal below which rampart does not collect: well under the 150 MB peak
// memory target of BENCHMARKS.md with room for the runtime's own overhead.
const Default = 64 << 20

var (
	active atomic.Int64 // the floor in bytes; 0 when no floor is set
	mu     sync.Mutex   // orders adjust and stop, so that stop's GOGC=100 is the last word
)

// Set keeps the heap goal at floor bytes at least, until the returned function is called (which
// restores GOGC=100). It does nothing, and returns a no-op, when GOGC or GOMEMLIMIT is set in
// the environment or a floor is already in place.
func Set(floor int64) (stop func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" || floor <= 0 {
		return func() {}
	}
	if !active.CompareAndSwap(0, floor) {
		return func() {}
	}
	adjust()
	forEachGC(func() bool {
		if active.Load() == 0 {
			return false
		}
		adjust()
		return true
	})
	return func() {
		mu.Lock()
		defer mu.Unlock()
		active.Store(0)
		debug.SetGCPercent(100)
	}
}

// minHeap is the runtime's minimum heap goal at GOGC=100 (defaultHeapMinimum in runtime/mgcpacer.go).
const minHeap = 4 << 20

var liveSample = []metrics.Sample{{Name: "/gc/heap/live:bytes"}}

// adjust sets GOGC so that the next goal, live*(1+GOGC/100), is the floor, or GOGC=100 when the
// live heap is already half the floor or more.
func adjust() {
	mu.Lock()
	defer mu.Unlock()
	floor := active.Load()
	if floor == 0 {
		return
	}
	metrics.Read(liveSample)
	live := int64(1 << 20)
	if s := liveSample[0]; s.Value.Kind() == metrics.KindUint64 && s.Value.Uint64() > uint64(live) {
		live = int64(s.Value.Uint64())
	}
	percent := 100
	if live*2 < floor {
		// The runtime's minimum heap (4 MB) scales with GOGC too: the goal is the larger of
		// live*(1+GOGC/100) and 4 MB*GOGC/100, and neither may pass the floor.
		percent = int(min((floor-live)*100/live, floor*100/minHeap))
	}
	debug.SetGCPercent(percent)
}

// forEachGC calls fn after each collection until it returns false, through a finalizer that
// re-arms itself (as cmd/compile's base.forEachGC does).
func forEachGC(fn func() bool) {
	type sentinel [32]byte // large enough to stay out of the tiny allocator
	var finalizer func(*sentinel)
	finalizer = func(p *sentinel) {
		if fn() {
			runtime.SetFinalizer(p, finalizer)
		}
	}
	p := new(sentinel)
	runtime.SetFinalizer(p, finalizer)
}
