package checks

import "math/bits"

// pcGateWords are the words that every use of a pcPublishMask needs one of: mayPublish,
// mayPublishToRegistry and use-trusted-publishing's first test all ask for publish, push,
// upload, deploy or release. Most scripts hold none of them.
const pcGateWords = pcwPublish | pcwPush | pcwUpload | pcwDeploy | pcwRelease

// pcPublishMaskOf is pcPublishMask for the callers that look only at scripts with a word of
// pcGateWords: it is pcPublishMask(script) when the script holds one, and 0 when it holds none,
// which pcGate tells several times faster than pcPublishMask's scan.
func pcPublishMaskOf(script string) pcWords {
	if pcGate(script) == 0 {
		return 0
	}
	return pcPublishMask(script)
}

// pcGate returns the words of pcGateWords that a script holds, as pcPublishMask finds them (in
// any ASCII case, anywhere), from the places that pcGateNext finds.
func pcGate(script string) pcWords {
	var m pcWords
	for k := pcGateNext(script, 0, false); k >= 0; k = pcGateNext(script, k+1, false) {
		m |= pcGateAt(script, k)
	}
	return m
}

// pcGateNext returns the first place at or after script[i] that holds a byte of a word of
// pcGateWords, as pcGateAt finds them, or (when high is true) a byte beyond ASCII; -1 when there is
// none. Each of the words holds, at a known place, an l after b, p or e (publish, upload,
// deploy, release) or, for push, an h after s: such pairs are found eight bytes at a time, and
// only there are the words compared.
func pcGateNext(script string, i int, high bool) int {
	const (
		lo    = 0x0101010101010101
		lower = 0x2020202020202020 // sets the bit that makes an ASCII letter lower case
	)
	if i > len(script) {
		return -1
	}
	var stop uint64 // the bytes beyond ASCII, when high asks for them
	if high {
		stop = 0x8080808080808080
	}
	var carry uint64 // the previous byte, lower-cased as y has it
	if i > 0 {
		carry = uint64(script[i-1] | 0x20)
	}
	for ; i+8 <= len(script); i += 8 {
		b := script[i : i+8]
		x := uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
			uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
		y := x | lower // L and l (and only they) become l; H and h become h...
		prev := y<<8 | carry
		carry = y >> 56
		hits := pcZeroBytes(y^('l'*lo))&(pcZeroBytes(prev^('b'*lo))|pcZeroBytes(prev^('p'*lo))|pcZeroBytes(prev^('e'*lo))) |
			pcZeroBytes(y^('h'*lo))&pcZeroBytes(prev^('s'*lo)) | x&stop
		for hits != 0 {
			k := i + bits.TrailingZeros64(hits)/8
			hits &= hits - 1
			if script[k] >= 0x80 || pcGateAt(script, k) != 0 {
				return k
			}
		}
	}
	for ; i < len(script); i++ {
		if c := script[i]; c >= 0x80 && high || (c|0x20 == 'l' || c|0x20 == 'h') && pcGateAt(script, i) != 0 {
			return i
		}
	}
	return -1
}

// pcZeroBytes has the high bit of each byte of v that is zero set, and no other bit.
func pcZeroBytes(v uint64) uint64 {
	const high, low7 = 0x8080808080808080, 0x7f7f7f7f7f7f7f7f
	return ^((v&low7 + low7) | v) & high
}

// pcGateAt returns the words of pcGateWords that hold the l or h at script[k] (in any case)
// in their place: publish, deploy and push have it at 3, upload and release at 2.
func pcGateAt(script string, k int) pcWords {
	var m pcWords
	if script[k]|0x20 == 'h' {
		if k >= 3 && pcFoldAt(script, k-3, "push") {
			m |= pcwPush
		}
		return m
	}
	if k >= 3 {
		if pcFoldAt(script, k-3, "publish") {
			m |= pcwPublish
		}
		if pcFoldAt(script, k-3, "deploy") {
			m |= pcwDeploy
		}
	}
	if k >= 2 {
		if pcFoldAt(script, k-2, "upload") {
			m |= pcwUpload
		}
		if pcFoldAt(script, k-2, "release") {
			m |= pcwRelease
		}
	}
	return m
}
