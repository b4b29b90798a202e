package audit

import (
	"bytes"
	"strconv"
	"unicode/utf8"

	"github.com/rampart-sec/rampart/internal/bytescan"
)

func quote(s string) string { return strconv.Quote(s) }
func itoa(i int) string     { return strconv.Itoa(i) }

// newline is the set of the line break, for lineStarts: one pass finds them all, where an
// IndexByte call per line costs more than the search (lines are a few dozen bytes long).
var newline = bytescan.New('\n')

// lineStarts indexes the byte offset of each line.
func (f *File) lineStarts() []int {
	if f.lines == nil {
		f.lines = lineStartsOf(f.Source)
	}
	return f.lines
}

// lineStartsOf returns the offset of each line of src: 0 and the offset after each line break.
// bytescan.Fill writes the offsets of a block's line breaks four at a time (a loop per line
// break mispredicted its end about once a block, ~70 K times a corpus pass): the slice has room
// for three more past the last.
func lineStartsOf(src []byte) []int {
	n := bytes.Count(src, []byte{'\n'}) + 1
	lines := make([]int, n, n+3)
	var sc bytescan.Scanner
	sc.Reset(newline, src)
	for w := 1; ; {
		k := bytescan.Fill(&sc, lines[w:cap(lines)], 1)
		if k == 0 {
			break
		}
		w += k
	}
	return lines
}

// Line returns the text of a 1-based line, without its line break; "" when out of range.
func (f *File) Line(n int) string { return string(f.lineBytes(n)) }

// LineBytes is Line without the copy: a slice of the file's source, nil when out of range. The
// caller must not change it; it may keep it, as the source does not change.
func (f *File) LineBytes(n int) []byte { return f.lineBytes(n) }

// lineBytes is Line without the copy: a slice of the source.
func (f *File) lineBytes(n int) []byte {
	ls := f.lineStarts()
	if n < 1 || n > len(ls) {
		return nil
	}
	start := ls[n-1]
	end := len(f.Source)
	if n < len(ls) {
		end = ls[n] - 1
	}
	return bytes.TrimRight(f.Source[start:end], "\r")
}

// LineCount is the number of lines of the file.
func (f *File) LineCount() int { return len(f.lineStarts()) }

// Offset converts a 1-based line and column (in characters, as the YAML parser counts them)
// to a byte offset; -1 when out of range.
func (f *File) Offset(line, col int) int {
	ls := f.lineStarts()
	if line < 1 || line > len(ls) || col < 1 {
		return -1
	}
	off := ls[line-1]
	for i := 1; i < col; i++ {
		if off >= len(f.Source) || f.Source[off] == '\n' {
			return -1
		}
		_, size := utf8.DecodeRune(f.Source[off:])
		off += size
	}
	return off
}

// PosAt converts a byte offset to a 1-based line and column.
func (f *File) PosAt(off int) (line, col int) {
	ls := f.lineStarts()
	// binary search the last line start <= off
	lo, hi := 0, len(ls)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if ls[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo + 1, utf8.RuneCount(f.Source[ls[lo]:off]) + 1
}

// hasIgnores reports whether the file has any ignore comment at all, worked out once per file.
func (f *File) hasIgnores() bool {
	if f.ignores == 0 {
		f.ignores = 1
		if containsIgnoreMarker(f.Source) {
			f.ignores = 2
		}
	}
	return f.ignores == 2
}

// containsIgnoreMarker is bytes.Contains(src, ignoreMarker), found from the marker's last byte:
// '[' is rare in workflows (about one in a thousand bytes), where bytes.Contains stops at each of
// the many 'i's (13.3 M instructions a corpus pass, callgrind, where this takes ~0.5 M). The whole
// search costs less than looking at each finding's lines for the marker.
func containsIgnoreMarker(src []byte) bool {
	for i := 0; ; {
		j := bytes.IndexByte(src[i:], '[')
		if j < 0 {
			return false
		}
		i += j + 1
		if i >= len(ignoreMarker) && bytes.Equal(src[i-len(ignoreMarker):i], ignoreMarker) {
			return true
		}
	}
}
