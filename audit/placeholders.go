package audit

import (
	"math/bits"

	"github.com/rampart-sec/rampart/internal/bytescan"
)

var dollar = bytescan.New('$')

type placeholdersKey struct{}

// Placeholders returns the offset of every "${{" in the file's source, ascending. Several checks
// read the expressions of the raw text (template-injection, obfuscation): the source is searched
// once for all of them.
func (f *File) Placeholders() []int32 {
	return f.Memo(placeholdersKey{}, func() any { return placeholders(f.Source) }).([]int32)
}

func placeholders(src []byte) []int32 {
	var out []int32
	var sc bytescan.Scanner
	for sc.Reset(dollar, src); sc.Next(); {
		for m := sc.Hits; m != 0; m &= m - 1 {
			if i := sc.Base + bits.TrailingZeros64(m); i+2 < len(src) && src[i+1] == '{' && src[i+2] == '{' {
				out = append(out, int32(i))
			}
		}
	}
	return out
}
