package audit

import (
	"math/rand"
	"testing"
)

type memoTestKeyA struct{}
type memoTestKeyB struct{}
type memoTestKeyN struct{ n int }
type memoTestKeyS struct{ s string }

// TestMemo holds File.Memo (its first values in memoFew, the others in the map) to a plain map
// of the same keys: random sequences of keys of several types, zero-size ones and ones with
// values (more than memoFew holds, so both parts serve), each computed once, each lookup given
// the value stored first, nested calls included; and a Clone forgets them all.
func TestMemo(t *testing.T) {
	keys := []any{memoTestKeyA{}, memoTestKeyB{}, "a", 1, int8(1)}
	for n := range 12 {
		keys = append(keys, memoTestKeyN{n}, memoTestKeyS{string(rune('a' + n))})
	}
	r := rand.New(rand.NewSource(1))
	for round := range 200 {
		f := &File{}
		want := map[any]any{}
		calls := map[any]int{}
		var get func(key any, chain []any) any
		get = func(key any, chain []any) any {
			return f.Memo(key, func() any {
				calls[key]++
				// A nested Memo of another key, as pcFactsOf's of the scripts.
				if next := keys[r.Intn(len(keys))]; len(chain) < 2 && r.Intn(4) == 0 && next != key && (len(chain) == 0 || next != chain[0]) {
					if _, ok := want[next]; !ok {
						want[next] = get(next, append(chain, key))
					}
				}
				return [2]int{round, r.Int()}
			})
		}
		for range 1 + r.Intn(60) {
			key := keys[r.Intn(len(keys))]
			got := get(key, nil)
			if w, ok := want[key]; ok && got != w {
				t.Fatalf("round %d: Memo(%#v) = %v, stored first %v", round, key, got, w)
			}
			want[key] = got
		}
		for key, n := range calls {
			if n != 1 {
				t.Fatalf("round %d: Memo computed %#v %d times", round, key, n)
			}
		}
		for key, w := range want {
			if got := f.Memo(key, func() any { return nil }); got != w {
				t.Fatalf("round %d: Memo(%#v) = %v later, stored first %v", round, key, got, w)
			}
		}
		tg := &Target{Files: []*File{f}}
		c := tg.Clone().Files[0]
		for key := range want {
			if got := c.Memo(key, func() any { return "fresh" }); got != "fresh" {
				t.Fatalf("round %d: a clone's Memo(%#v) = %v, want it computed anew", round, key, got)
			}
		}
	}
}
