package checks

import "strings"

// toLower is strings.ToLower(s). Most strings the checks lower-case (action names, refs, keys,
// commands' names) have nothing to change, and strings.ToLower finds that a byte and a branch at
// a time; lowerMayChange finds it eight bytes at a time with one branch, and only the strings
// it does not clear go to strings.ToLower, which then does all the work as before.
func toLower(s string) string {
	if !lowerMayChange(s) {
		return s
	}
	return strings.ToLower(s)
}

// lowerMayChange reports whether s has a byte that strings.ToLower may change: an ASCII
// upper-case letter or a byte of a character beyond ASCII (which may lower-case, as "K" and
// "İ" do, or not).
func lowerMayChange(s string) bool {
	n := len(s)
	switch {
	case n < 2:
		return n == 1 && lowerWordMayChange(uint64(s[0]))
	case n < 4: // two pairs of bytes that may overlap cover s, as four below
		return lowerWordMayChange(uint64(s[0]) | uint64(s[1])<<8 | uint64(s[n-2])<<16 | uint64(s[n-1])<<24)
	case n < 8:
		a, b := s[:4], s[n-4:]
		return lowerWordMayChange(uint64(a[0]) | uint64(a[1])<<8 | uint64(a[2])<<16 | uint64(a[3])<<24 |
			uint64(b[0])<<32 | uint64(b[1])<<40 | uint64(b[2])<<48 | uint64(b[3])<<56)
	}
	for i := 0; i+8 <= n; i += 8 {
		if lowerWordMayChange(lowerLoad(s[i : i+8])) {
			return true
		}
	}
	return lowerWordMayChange(lowerLoad(s[n-8:])) // the last bytes, which may overlap the loop's
}

// lowerLoad reads eight bytes of b, the first lowest.
func lowerLoad(b string) uint64 {
	_ = b[7]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

// lowerWordMayChange reports whether a byte of x is beyond ASCII or in 'A'..'Z'. When every byte
// is ASCII, no sum below carries into the next byte: b+0x3f has its high bit when b >= 'A', and
// b+0x25 when b > 'Z'.
func lowerWordMayChange(x uint64) bool {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	return (x|(x+0x3f*lo)&^(x+0x25*lo))&hi != 0
}
