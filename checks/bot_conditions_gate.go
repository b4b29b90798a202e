package checks

import "math/bits"

// bcMentions reports whether a condition holds, in any ASCII case, one of the words without
// which bcMayName is false: "bot", "actor_id", "sender" or "renovate". Few conditions do; it
// finds them eight bytes at a time, by a pair of letters at a known place in each word (the
// "ot" of bot, the "_i" of actor_id, the "nd" of sender, the "ov" of renovate), and compares
// the whole word only there. bcMayName's byte-by-byte pass is then left to the few others. The
// last bytes (fewer than eight) are read as one word padded with zeros, which lower-case to
// spaces and match no letter: bcMentionAt at each of them cost more than all the words before.
func bcMentions(v string) bool {
	const (
		lo    = 0x0101010101010101
		lower = 0x2020202020202020 // lower-cases ASCII letters; '_' becomes 0x7f
	)
	var carry uint64 // the previous byte, as y has it
	for i := 0; i < len(v); i += 8 {
		var x uint64
		if i+8 <= len(v) {
			b := v[i : i+8]
			x = uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
				uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
		} else {
			for k := len(v) - 1; k >= i; k-- {
				x = x<<8 | uint64(v[k])
			}
		}
		y := x | lower
		prev := y<<8 | carry
		carry = y >> 56
		// "ot" and "ov" at once: 't' and 'v' differ only in the bit 0x02.
		hits := pcZeroBytes((y|2*lo)^('v'*lo))&pcZeroBytes(prev^('o'*lo)) |
			pcZeroBytes(y^('i'*lo))&pcZeroBytes(prev^(0x7f*lo)) |
			pcZeroBytes(y^('d'*lo))&pcZeroBytes(prev^('n'*lo))
		for hits != 0 {
			k := i + bits.TrailingZeros64(hits)/8
			hits &= hits - 1
			if bcMentionAt(v, k) {
				return true
			}
		}
	}
	return false
}

// bcMentionAt reports whether v holds one of bcMentions' words with its pair's second byte at k.
func bcMentionAt(v string, k int) bool {
	return k >= 2 && asciiFoldAt(v, k-2, "bot") || k >= 6 && asciiFoldAt(v, k-6, "actor_id") ||
		k >= 3 && asciiFoldAt(v, k-3, "sender") || k >= 4 && asciiFoldAt(v, k-4, "renovate")
}
