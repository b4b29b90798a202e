package checks

import (
	"encoding/binary"
	"math/bits"
	"unicode/utf8"

	"github.com/rampart-sec/rampart/internal/bytescan"
)

// secwCursor converts between source positions for secwString as File.Offset and File.PosAt do,
// without the file's table of line starts: the strings it places come in source order, so a
// cursor that moves forward from one placeholder to the next reads the source up to the last
// of them once, a 64-byte block of line breaks at a time (a popcount passes a block's lines;
// bytes.IndexByte a line at a time cost more than the table). A file that needs the table for
// nothing else (about 200 a corpus pass, ~10 K instructions and an allocation each) then never
// builds it. A position before the cursor's starts it again from the top (it does not happen
// on the corpus).
type secwCursor struct {
	src []byte
	sc  bytescan.Scanner
	// m holds the line breaks of the block at sc.Base that the cursor has not passed.
	m uint64
	// line is a 1-based line of src, start the offset where it starts: the cursor has passed
	// line-1 line breaks, the last at start-1.
	line, start int
}

var secwNewline = bytescan.New('\n')

func (c *secwCursor) reset(src []byte) {
	c.src = src
	c.sc.Reset(secwNewline, src)
	c.m, c.line, c.start = 0, 1, 0
}

// block makes m the line breaks of the next block with one, when m has none left; false at the
// end of the source.
func (c *secwCursor) block() bool {
	if c.m != 0 {
		return true
	}
	if !c.sc.Next() {
		return false
	}
	c.m = c.sc.Hits
	return true
}

// offset is File.Offset: the byte offset of a 1-based line and column (in characters); -1 when
// out of range.
func (c *secwCursor) offset(line, col int) int {
	if line < 1 || col < 1 {
		return -1
	}
	if line < c.line {
		c.reset(c.src)
	}
	for c.line < line {
		if !c.block() {
			return -1
		}
		need := line - c.line
		if n := bits.OnesCount64(c.m); n < need {
			c.line += n
			c.start = c.sc.Base + 64 - bits.LeadingZeros64(c.m)
			c.m = 0
			continue
		}
		for ; need > 1; need-- {
			c.m &= c.m - 1
		}
		c.start = c.sc.Base + bits.TrailingZeros64(c.m) + 1
		c.m &= c.m - 1
		c.line = line
	}
	off, i := c.start, 1
	// Eight columns at a time while the bytes are ASCII and no line break (as tiColumn).
	const ones, high = 0x0101010101010101, 0x8080808080808080
	for col-i >= 8 && off+8 <= len(c.src) {
		w := binary.LittleEndian.Uint64(c.src[off:])
		if w&high != 0 || ((w^'\n'*ones)+0x7f*ones)&high != high {
			break
		}
		off, i = off+8, i+8
	}
	for ; i < col; i++ {
		if off >= len(c.src) || c.src[off] == '\n' {
			return -1
		}
		if c.src[off] < utf8.RuneSelf {
			off++
			continue
		}
		_, size := utf8.DecodeRune(c.src[off:])
		off += size
	}
	return off
}

// pos is File.PosAt: the 1-based line and column (in characters) of a byte offset.
func (c *secwCursor) pos(off int) (line, col int) {
	if off < c.start {
		c.reset(c.src)
	}
	for c.block() && c.sc.Base < off {
		// The line breaks before off: all of the block's, or those below off's bit.
		m := c.m
		if d := off - c.sc.Base; d < 64 {
			m &= 1<<d - 1
		}
		if m == 0 {
			break
		}
		c.line += bits.OnesCount64(m)
		c.start = c.sc.Base + 64 - bits.LeadingZeros64(m)
		c.m &^= m
	}
	return c.line, utf8.RuneCount(c.src[c.start:off]) + 1
}
