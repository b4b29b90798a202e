package gcfloor

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

func TestSetRaisesTheGoalAndStopRestoresIt(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	stop := Set(64 << 20)
	if p := gcPercent(); p <= 100 {
		t.Fatalf("GOGC = %d with a small live heap under a 64 MB floor; want more than 100", p)
	}
	if again := Set(32 << 20); gcPercent() <= 100 {
		t.Fatal("a second Set changed the first floor")
	} else {
		again()
	}
	// The floor is kept across collections (adjusted by the finalizer after each).
	for range 3 {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if p := gcPercent(); p <= 100 {
		t.Fatalf("GOGC = %d after collections; want the floor kept", p)
	}
	stop()
	runtime.GC()
	time.Sleep(10 * time.Millisecond)
	if p := gcPercent(); p != 100 {
		t.Fatalf("GOGC = %d after stop; want 100", p)
	}
}

func TestTheUsersChoiceWins(t *testing.T) {
	for _, env := range []string{"GOGC", "GOMEMLIMIT"} {
		t.Run(env, func(t *testing.T) {
			t.Setenv("GOGC", "")
			t.Setenv("GOMEMLIMIT", "")
			t.Setenv(env, "200")
			if env == "GOMEMLIMIT" {
				t.Setenv(env, "1GiB")
			}
			before := gcPercent()
			stop := Set(64 << 20)
			defer stop()
			if p := gcPercent(); p != before {
				t.Fatalf("GOGC changed from %d to %d although %s is set", before, p, env)
			}
		})
	}
}
