package checks

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestTiContextCandidates checks that the entries of tiContexts that tiContextCandidates leaves
// out fail segsMatch (so that classifyGitHub, which tries only the candidates, finds what a try of
// every entry finds), and that classifyGitHub agrees with its try of every entry, on the github.* paths
// of the corpus and test files, on the table's paths, their prefixes and their segments replaced
// by "*" or by another entry's, and on random paths.
func TestTiContextCandidates(t *testing.T) {
	checked, found := 0, 0
	check := func(path string) {
		t.Helper()
		checked++
		var buf [8]string
		segs := tiSplitDots(path, buf[:0])
		cands := tiContextCandidates(segs)
		for i := range tiContexts {
			if !slices.Contains(cands, i) && segsMatch(segs, tiContextSegs[i]) {
				t.Errorf("%q matches %q, which tiContextCandidates leaves out", path, tiContexts[i].path)
			}
		}
		k, events := classifyGitHub(path)
		wk, wevents := classifyGitHubAmong(path, func([]string) []int { return tiContextsAll })
		if k != wk || !slices.Equal(events, wevents) {
			t.Errorf("classifyGitHub(%q) = %v %v, want %v %v", path, k, events, wk, wevents)
		}
		if k != tiSafe {
			found++
		}
	}
	tiEachOpening(t, func(src []byte, off int) {
		end := strings.Index(string(src[off:min(len(src), off+200)]), "}}")
		if end < 0 {
			return
		}
		if chain, ok := tiPlainChain(string(src[off : off+end])); ok && strings.HasPrefix(toLower(chain), "github") {
			check(toLower(chain))
		}
	})
	var segs []string
	for _, c := range tiContexts {
		parts := strings.Split(c.path, ".")
		for n := 1; n <= len(parts); n++ {
			check(strings.Join(parts[:n], "."))
		}
		for i := range parts {
			p := slices.Clone(parts)
			p[i] = "*"
			check(strings.Join(p, "."))
		}
		segs = append(segs, parts...)
	}
	segs = append(segs, "*", "event", "github", "x", "inputs", "client_payload")
	r := rand.New(rand.NewPCG(7, 8))
	for range 50000 {
		p := []string{"github"}
		if r.IntN(4) > 0 {
			p = append(p, "event")
		}
		for n := r.IntN(5); n > 0; n-- {
			p = append(p, segs[r.IntN(len(segs))])
		}
		check(strings.Join(p, "."))
	}
	if found == 0 || found == checked {
		t.Errorf("%d of %d paths not safe", found, checked)
	}
	t.Logf("%d paths checked, %d not safe", checked, found)
}
