package bench

import (
	"os"
	"testing"

	"github.com/rampart-sec/rampart/internal/gcfloor"
)

// TestMain runs every benchmark, the parse-only baseline as well as the audit, under the heap
// floor the CLI sets (internal/gcfloor), so that both sides of a ratio see the same collector.
// GOGC=100 in the environment turns the floor off, for figures with Go's default pacing.
func TestMain(m *testing.M) {
	stop := gcfloor.Set(floorFromEnv())
	code := m.Run()
	stop()
	os.Exit(code)
}

// floorFromEnv is gcfloor.Default, or RAMPART_GCFLOOR_MB megabytes when set (for experiments).
func floorFromEnv() int64 {
	if v := os.Getenv("RAMPART_GCFLOOR_MB"); v != "" {
		var mb int64
		for _, c := range v {
			if c < '0' || c > '9' {
				return gcfloor.Default
			}
			mb = mb*10 + int64(c-'0')
		}
		return mb << 20
	}
	return gcfloor.Default
}
