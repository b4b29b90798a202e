package checks

import (
	"math/rand"
	"strings"
	"testing"
)

// TestPCGate checks that pcGate finds the words of pcGateWords as pcPublishMask does, on
// texts made of those words' pieces in both cases, and that pcPublishMaskOf is pcPublishMask
// whenever one of them is there.
func TestPCGate(t *testing.T) {
	pieces := []string{"publish", "PUBLISH", "push", "PuSh", "upload", "UpLoad", "deploy", "DEPLOY", "release", "Release",
		"pub", "lish", "pu", "sh", "up", "load", "dep", "loy", "re", "lease", "l", "L", "h", "H", "p", "u", " ", "\n",
		"docker", "gem", "gh", "twine", "npm", "-", "\r", "é", "\x4c", "\xcc", "\x6c"}
	r := rand.New(rand.NewSource(1))
	for n := 0; n < 20000; n++ {
		var b strings.Builder
		for k := r.Intn(12); k >= 0; k-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		s := b.String()
		full := pcPublishMask(s)
		if got, want := pcGate(s), full&pcGateWords; got != want {
			t.Fatalf("pcGate(%q) = %b, want %b", s, got, want)
		}
		if got := pcPublishMaskOf(s); full&pcGateWords != 0 && got != full || full&pcGateWords == 0 && got != 0 {
			t.Fatalf("pcPublishMaskOf(%q) = %b, pcPublishMask %b", s, got, full)
		}
	}
}

// TestPCFactsWords checks that pcFacts holds, for each step of each corpus file, pcGate's words
// of its script when it is a job's (0 for the other steps), and their union.
func TestPCFactsWords(t *testing.T) {
	for _, tg := range corpusTargets(t) {
		for _, file := range tg.Files {
			f := pcFactsOf(file)
			var union pcWords
			for k, s := range file.Steps() {
				var want pcWords
				if r := s.Run(); r != nil && r.Run != nil && s.Job != nil {
					want = pcGate(r.Run.Value)
				}
				if f.steps[k].mask != want {
					t.Fatalf("%s: step %d: %b, pcGate %b", file.Path, k, f.steps[k].mask, want)
				}
				union |= want
			}
			if f.words != union {
				t.Fatalf("%s: words %b, want %b", file.Path, f.words, union)
			}
		}
	}
}

// TestPcGateNext holds pcGateNext, which finds pairs of letters eight bytes at a time from any
// place, to a look at each place at or after it: the l or h of a word of pcGateWords in its
// place (pcFoldAt), or a byte beyond ASCII when asked for, on texts of the words' pieces, from
// every place.
func TestPcGateNext(t *testing.T) {
	words := []struct {
		word string
		at   int // the place of its l or h
	}{{"publish", 3}, {"push", 3}, {"deploy", 3}, {"upload", 2}, {"release", 2}}
	plain := func(s string, i int, high bool) int {
		for k := i; k < len(s); k++ {
			if high && s[k] >= 0x80 {
				return k
			}
			for _, w := range words {
				if k >= w.at && pcFoldAt(s, k-w.at, w.word) {
					return k
				}
			}
		}
		return -1
	}
	pieces := []string{"publish", "PUBLISH", "push", "PuSh", "upload", "UpLoad", "deploy", "DEPLOY", "release", "Release",
		"pub", "lish", "pu", "sh", "up", "load", "dep", "loy", "re", "lease", "l", "L", "h", "H", "p", "u", " ", "\n",
		"\xcc", "\x6c", "é", "xxxxxxx", "\x80"}
	shellRandomTexts(3, 20000, 16, pieces, func(s string) {
		for i := 0; i <= len(s)+1; i++ {
			for _, high := range []bool{false, true} {
				if got, want := pcGateNext(s, i, high), plain(s, i, high); got != want {
					t.Fatalf("pcGateNext(%q, %d, %v) = %d, want %d", s, i, high, got, want)
				}
			}
		}
	})
}
