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
