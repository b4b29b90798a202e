package checks

import (
	"encoding/binary"
	"unicode/utf8"
)

// tiColumn is the 1-based column of offset p on its line of src, counted in characters as the
// YAML parser counts them: utf8.RuneCount of the line's bytes before p, plus one.
//
// The line's start is looked for back from p eight bytes at a time, while the bytes hold no line
// break and only ASCII, where bytes.LastIndexByte runs a byte loop (it has no assembly on amd64);
// a line of ASCII, as most are, then needs no count: its column is its length.
func tiColumn(src []byte, p int) int {
	const ones, high = 0x0101010101010101, 0x8080808080808080
	i := p
	for i >= 8 {
		w := binary.LittleEndian.Uint64(src[i-8 : i])
		// For ASCII bytes, x+0x7f has the high bit exactly when x, the byte xor "\n", is not 0.
		if w&high != 0 || ((w^'\n'*ones)+0x7f*ones)&high != high {
			break
		}
		i -= 8
	}
	ascii := byte(0)
	for i > 0 && src[i-1] != '\n' {
		i--
		ascii |= src[i]
	}
	if ascii < 0x80 {
		return p - i + 1 // the bytes the word loop passed are ASCII too
	}
	return utf8.RuneCount(src[i:p]) + 1
}
