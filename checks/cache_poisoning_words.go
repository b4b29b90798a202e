package checks

import "math/bits"

// pcWords are words of a script, in any ASCII case, that pcPublishWords and utpTokenOnly look for.
type pcWords uint32

const (
	pcwPublish pcWords = 1 << iota
	pcwPush
	pcwUpload
	pcwDeploy
	pcwRelease
	pcwTwine
	pcwGem
	pcwDocker
	pcwPodman
	pcwDotnet
	pcwNuget
	pcwMvn
	pcwGh
	pcwGoreleaser
	pcwSemanticRelease
)

// pcMaskWords are the words pcPublishMask looks for, by their first letter; where two share a
// letter, the first that matches is taken. A whole word must end where it does: gh is a program's
// name, not the start of github.
var pcMaskWords = func() (t [256][]pcMaskWord) {
	for _, w := range []pcMaskWord{
		{"publish", pcwPublish, false}, {"push", pcwPush, false}, {"podman", pcwPodman, false},
		{"upload", pcwUpload, false},
		{"deploy", pcwDeploy, false}, {"docker", pcwDocker, false}, {"dotnet", pcwDotnet, false},
		{"release", pcwRelease, false},
		{"twine", pcwTwine, false},
		{"gem", pcwGem, false}, {"goreleaser", pcwGoreleaser, false}, {"gh", pcwGh, true},
		{"semantic-release", pcwSemanticRelease, false},
		{"nuget", pcwNuget, false},
		{"mvn", pcwMvn, false},
	} {
		t[w.word[0]] = append(t[w.word[0]], w)
	}
	return t
}()

type pcMaskWord struct {
	word  string // lower-case ASCII
	bit   pcWords
	whole bool
}

// pcMaskHeads holds the words of pcMaskWords by their first two letters (see pcMaskPair), each
// with its first eight bytes (head) and a mask of those it has (mask), for pcMaskAt to compare
// them at once: at most two words share a pair (pu, do), and none two of the same pair can
// both start at one place, so the order does not matter.
var pcMaskHeads = func() (t [1024][]pcMaskHead) {
	for _, ws := range pcMaskWords {
		for _, w := range ws {
			h := pcMaskHead{pcMaskWord: w}
			for k := 0; k < len(w.word) && k < 8; k++ {
				h.head |= uint64(w.word[k]) << (8 * k)
				h.mask |= 0xff << (8 * k)
			}
			p := pcMaskPair(w.word[0], w.word[1])
			t[p] = append(t[p], h)
		}
	}
	return t
}()

type pcMaskHead struct {
	pcMaskWord
	head, mask uint64
}

// pcMaskPair is the index in pcMaskHeads of two letters, in any ASCII case.
func pcMaskPair(c0, c1 byte) int { return int(c0&31)<<5 | int(c1&31) }

// pcPublishMask returns the pcWords that a script holds, in any ASCII case, anywhere (inside
// other words too). Every word of a command is a piece of the script's text, so a command that
// pcPublishWords recognises needs both its program's name and its keyword among them.
//
// Most bytes start no word: the pairs of bytes that start one have shellScanMaskWord in
// shellScanPair, read eight places at a time with no branch, as shellScanWords does.
func pcPublishMask(script string) pcWords {
	const lo = 0x0101010101010101
	pair := shellScanPair
	var m pcWords
	i := 0
	for ; i+9 <= len(script); i += 8 {
		b := script[i : i+9]
		x := uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
			uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
		hits := (uint64(pair[uint16(x)]) | uint64(pair[uint16(x>>8)])<<8 | uint64(pair[uint16(x>>16)])<<16 |
			uint64(pair[uint16(x>>24)])<<24 | uint64(pair[uint16(x>>32)])<<32 | uint64(pair[uint16(x>>40)])<<40 |
			uint64(pair[uint16(x>>48)])<<48 | uint64(pair[uint16(x>>56)|uint16(b[8])<<8])<<56) & (uint64(shellScanMaskWord) * lo)
		for hits != 0 {
			m |= pcMaskAt(script, i+bits.TrailingZeros64(hits)/8)
			hits &= hits - 1
		}
	}
	for ; i+1 < len(script); i++ {
		if pair[uint16(script[i])|uint16(script[i+1])<<8]&shellScanMaskWord != 0 {
			m |= pcMaskAt(script, i)
		}
	}
	return m
}

// pcMaskAt returns the bit of the word of pcMaskWords that starts at script[i] (in any ASCII
// case), if any; script[i] and script[i+1] are the first two letters of one (shellScanPair
// has shellScanMaskWord there).
//
// It compares eight bytes at once (ORed with 0x20, as pcFoldAt compares each) with the words of
// those two letters: a compare of each byte of each word of the first letter mispredicted about
// twice per call (23 K times per corpus pass, against 6 K), where the words part.
func pcMaskAt(script string, i int) pcWords {
	if i+8 > len(script) {
		return pcMaskAtEnd(script, i)
	}
	b := script[i : i+8]
	x := (uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56) | 0x2020202020202020
	for _, w := range pcMaskHeads[pcMaskPair(b[0], b[1])] {
		if x&w.mask != w.head || len(w.word) > 8 && !pcFoldAt(script, i+8, w.word[8:]) {
			continue
		}
		if end := i + len(w.word); !w.whole || end == len(script) || !shellWordByte(script[end]) {
			return w.bit
		}
		return 0
	}
	return 0
}

// pcMaskAtEnd is pcMaskAt less than eight bytes before the end of the script: the first word of
// pcMaskWords, by its first letter, that pcFoldAt finds there.
func pcMaskAtEnd(script string, i int) pcWords {
	for _, w := range pcMaskWords[script[i]|0x20] {
		if pcFoldAt(script, i, w.word) {
			if end := i + len(w.word); !w.whole || end == len(script) || !shellWordByte(script[end]) {
				return w.bit
			}
			return 0
		}
	}
	return 0
}

func (m pcWords) mayPublish() bool {
	return m&pcwPublish != 0 || m&pcwRelease != 0 && m&(pcwGh|pcwGoreleaser|pcwSemanticRelease) != 0 ||
		m&pcwPush != 0 && m&(pcwGem|pcwDocker|pcwPodman|pcwDotnet|pcwNuget) != 0 ||
		m&pcwUpload != 0 && m&pcwTwine != 0 || m&pcwDeploy != 0 && m&pcwMvn != 0
}

// mayPublishToRegistry reports whether a script with these words may hold a command that
// pcPublishWords gives a registry other than through semantic-release, changeset or lerna:
// "publish", gem push, twine upload.
func (m pcWords) mayPublishToRegistry() bool {
	return m&pcwPublish != 0 || m&pcwPush != 0 && m&(pcwGem|pcwDotnet|pcwNuget) != 0 || m&pcwUpload != 0 && m&pcwTwine != 0
}

// pcFoldAt reports whether s holds word (lower-case ASCII) at i, in any case.
func pcFoldAt(s string, i int, word string) bool {
	if i+len(word) > len(s) {
		return false
	}
	for k := 0; k < len(word); k++ {
		if s[i+k]|0x20 != word[k] {
			return false
		}
	}
	return true
}
