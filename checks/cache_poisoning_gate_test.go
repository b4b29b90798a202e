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
