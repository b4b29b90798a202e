// Package bench measures rampart on the real-world corpus in ../shared/corpus/real: the cost of a
// full audit against the cost of only parsing the same files. It holds no timed assertion; the
// targets (audit/parse ratio, peak memory) are checked by scripts/bench.sh.
//
// Run it with: go test ./bench -run '^$' -bench . -cpu 1 (or scripts/bench.sh).
package bench
