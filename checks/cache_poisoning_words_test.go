package checks

import "testing"

// TestPcPublishMask holds pcPublishMask, which reads shellScanPair eight places at a time and
// compares eight bytes at once with the words of a pair (pcMaskAt), to the byte-at-a-time
// reading of pcMaskWords it replaced, on every script of the corpus and on random texts of the
// words' pieces in any case, next to bytes that fold onto letters with |0x20 ('\r' onto '-')
// and at every offset across the eight-byte blocks.
func TestPcPublishMask(t *testing.T) {
	byteAtATime := func(script string) pcWords {
		var m pcWords
		for i := 0; i+1 < len(script); i++ {
			for _, w := range pcMaskWords[script[i]|0x20] {
				if pcFoldAt(script, i, w.word) {
					if end := i + len(w.word); !w.whole || end == len(script) || !shellWordByte(script[end]) {
						m |= w.bit
					}
					break
				}
			}
		}
		return m
	}
	check := func(s string) {
		t.Helper()
		if got, want := pcPublishMask(s), byteAtATime(s); got != want {
			t.Fatalf("pcPublishMask(%q) = %b, want %b", s, got, want)
		}
	}
	for _, s := range corpusScriptTexts(t) {
		check(s)
	}
	pieces := []string{"publish", "PUSH", "podman", "upload", "Deploy", "docker", "DOTNET", "release", "twine", "gem",
		"goreleaser", "gh", "GH", "semantic-release", "semantic\rrelease", "nuget", "mvn", "pu", "po", "de", "do", "go",
		"g", "h", "p", "m", "\x10", "\r", "-", "x", " ", "/", "\n", "é", "\xd0", "\xf0",
		// Near misses at each of the eight bytes that pcMaskAt compares at once, and after.
		"goreleas", "gorelea", "er", "ser", "xer", "semantic", "semanti", "c-release", "x-release", "-release", "xrelease"}
	shellRandomTexts(4, 50000, 16, pieces, check)
	for n := range 20 {
		for _, w := range []string{"gh", "push", "GEM", "mvn"} {
			check(string(make([]byte, n)) + w)
			check(string(make([]byte, n)) + w + "x")
			check(string(make([]byte, n)) + w + " ")
		}
	}
}
