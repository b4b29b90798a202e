// Package bytescan finds every position of a few given bytes in a byte slice, in one pass.
//
// The checks look for rare bytes ("${{", a credential's "_", every line break) in each file's
// source. One bytes.IndexByte call per hit costs 10-15 ns when hits are a few dozen bytes apart,
// and one pass per byte reads the source once for each. Here one pass compares each 64-byte block
// against all the bytes at once (SSE2 on amd64) into a 64-bit mask, keeping only the masks of
// blocks with a hit (most blocks have none of a rare byte), and the hits are read off the masks
// with no call per hit.
package bytescan

import (
	"math/bits"
	"slices"
)

// Set is up to eight bytes to look for.
type Set struct {
	// tabs[:8] holds each byte repeated sixteen times, the way the kernel compares it; the slots
	// past the given bytes repeat the first, so that the kernel compares 1, 2, 4 or 8 of them (n).
	// tabs[8] holds, for each low nibble, bit k set when the set's k-th byte has it, and tabs[9]
	// the same for high nibbles: a byte is in the set when the bits of its nibbles meet (each
	// byte has its own bit), the way the SSSE3 kernel compares.
	tabs [10][16]byte
	n    int
	// has is 1 for the bytes of the set: the pure-Go kernel's table.
	has [256]uint8
}

// New returns the set of the given bytes (one to eight; a repeated byte counts once).
func New(bs ...byte) *Set {
	s := &Set{}
	var uniq []byte
	for _, b := range bs {
		if s.has[b] == 0 {
			s.has[b] = 1
			uniq = append(uniq, b)
		}
	}
	if len(uniq) == 0 || len(uniq) > 8 {
		panic("bytescan: a set holds one to eight bytes")
	}
	switch {
	case len(uniq) <= 2:
		s.n = len(uniq)
	case len(uniq) <= 4:
		s.n = 4
	default:
		s.n = 8
	}
	for k, b := range uniq {
		s.tabs[8][b&15] |= 1 << k
		s.tabs[9][b>>4] |= 1 << k
	}
	for k := range 8 {
		b := uniq[0]
		if k < len(uniq) {
			b = uniq[k]
		}
		for j := range s.tabs[k] {
			s.tabs[k][j] = b
		}
	}
	return s
}

// Has reports whether c is in the set.
func (s *Set) Has(c byte) bool { return s.has[c] != 0 }

// Append appends the offsets in src of every byte of the set to dst, ascending.
func (s *Set) Append(dst []int32, src []byte) []int32 {
	var sc Scanner
	sc.Reset(s, src)
	for {
		n := len(dst)
		dst = slices.Grow(dst, 64)
		k := Fill(&sc, dst[n:cap(dst)], 0)
		if k == 0 {
			return dst
		}
		dst = dst[:n+k]
	}
}

// Fill writes the offsets of the hits of the next blocks, plus add, to the start of dst,
// ascending, as many blocks as dst has room for, and returns their number; 0 at the end of the
// source. A loop over each block's bits ends after a different number of hits from one block to
// the next and mispredicts that end about once a block, where hits are a few per block (every
// line break, every ":" of a YAML file); Fill writes four at a time whatever their number, with
// no branch per hit, and no call per block. A block's hits take their number rounded up to a
// multiple of four in dst (a block that does not fit waits for the next call; 64 always fit);
// what dst holds past the number returned is garbage. Base and Hits are not set.
func Fill[T int | int32](sc *Scanner, dst []T, add T) int {
	w := 0
	for {
		for ; sc.k < sc.n; sc.k++ {
			m := sc.masks[sc.k]
			n := bits.OnesCount64(m)
			if w+(n+3)&^3 > len(dst) {
				return w
			}
			base := T(sc.chunk+64*int(sc.blocks[sc.k])) + add
			for k := w; k < w+n; k += 4 {
				d := (*[4]T)(dst[k : k+4])
				d[0] = base + T(bits.TrailingZeros64(m|1<<63))
				m &= m - 1
				d[1] = base + T(bits.TrailingZeros64(m|1<<63))
				m &= m - 1
				d[2] = base + T(bits.TrailingZeros64(m|1<<63))
				m &= m - 1
				d[3] = base + T(bits.TrailingZeros64(m|1<<63))
				m &= m - 1
			}
			w += n
		}
		if !sc.refill() {
			return w
		}
	}
}

// chunkBlocks is the number of 64-byte blocks masked per kernel call: few enough to keep the
// masks on the stack and number the blocks in a byte, enough that the call costs nothing per byte.
const chunkBlocks = 32

// Scanner reads the offsets of a set's bytes in a slice a 64-byte block at a time: Next moves to
// the next block with a hit. A hit costs its caller no call that way (a Next per hit would not
// inline); the loop is
//
//	for sc.Reset(set, src); sc.Next(); {
//		for m := sc.Hits; m != 0; m &= m - 1 {
//			i := sc.Base + bits.TrailingZeros64(m)
//			...
//		}
//	}
//
// The zero Scanner finds nothing.
type Scanner struct {
	// Base is the offset in the source of the block at hand, and Hits has bit k set when the
	// byte at Base+k is in the set.
	Base int
	Hits uint64

	set    *Set
	src    []byte
	next   int // the offset of the first byte not masked yet
	chunk  int // the offset of the chunk masked last
	k, n   int // masks[k:n] are the blocks of the chunk with a hit after Base's
	masks  [chunkBlocks]uint64
	blocks [chunkBlocks]uint8 // the number of masks[i]'s block in the chunk
}

// Reset makes the scanner find the bytes of s in src from its start.
func (sc *Scanner) Reset(s *Set, src []byte) {
	sc.set, sc.src = s, src
	sc.Base, sc.Hits, sc.next, sc.chunk, sc.k, sc.n = 0, 0, 0, 0, 0, 0
}

// Next moves to the next block that holds a byte of the set, masking the next chunk of the
// source when the blocks at hand are read; it reports false at the end of the source.
func (sc *Scanner) Next() bool {
	for sc.k == sc.n {
		if !sc.refill() {
			sc.Hits = 0
			return false
		}
	}
	sc.Hits, sc.Base = sc.masks[sc.k], sc.chunk+64*int(sc.blocks[sc.k])
	sc.k++
	return true
}

// refill masks the next chunk of the source (which may hold no hit); it reports false at the
// end of the source.
func (sc *Scanner) refill() bool {
	rest := sc.src[sc.next:]
	if len(rest) == 0 {
		return false
	}
	sc.chunk, sc.k = sc.next, 0
	if full := min(len(rest)/64, chunkBlocks); full > 0 {
		sc.n = masks(sc.set, rest[:64*full], sc.masks[:full], sc.blocks[:full])
		sc.next += 64 * full
		return true
	}
	// The last bytes, fewer than a block: a padded copy, whose padding is masked off.
	var buf [64]byte
	copy(buf[:], rest)
	sc.n = masks(sc.set, buf[:], sc.masks[:1], sc.blocks[:1])
	sc.masks[0] &= 1<<len(rest) - 1
	if sc.masks[0] == 0 {
		sc.n = 0
	}
	sc.next = len(sc.src)
	return true
}

// masksGo is the kernel in Go: for each 64-byte block of src (len(src) == 64*len(out)) that
// holds a byte of s, in order, it sets in out a mask with bit i set when the block's byte i is
// in s, and in blocks the block's number; it returns the number of such blocks.
func masksGo(s *Set, src []byte, out []uint64, blocks []uint8) int {
	n := 0
	for j := range out {
		var m uint64
		for i, c := range src[64*j : 64*j+64] {
			m |= uint64(s.has[c]) << i
		}
		if m != 0 {
			out[n], blocks[n] = m, uint8(j)
			n++
		}
	}
	return n
}
