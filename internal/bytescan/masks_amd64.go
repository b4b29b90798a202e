//go:build !purego

package bytescan

// masks sets out[j]'s bit i when src[64*j+i] is in s (len(src) == 64*len(out)).
func masks(s *Set, src []byte, out []uint64) {
	masksSSE2(&s.pat, s.n, src, out)
}

// masksSSE2 is masks in SSE2, which every amd64 has: it compares n (1, 2, 4 or 8) of pat.
//
//go:noescape
func masksSSE2(pat *[8][16]byte, n int, src []byte, out []uint64)
