//go:build !purego

package bytescan

// masks is masksGo in SSE2, which every amd64 has.
func masks(s *Set, src []byte, out []uint64, blocks []uint8) int {
	return masksSSE2(&s.pat, s.n, src, out, blocks)
}

// masksSSE2 is masks, comparing n (1, 2, 4 or 8) of pat.
//
//go:noescape
func masksSSE2(pat *[8][16]byte, n int, src []byte, out []uint64, blocks []uint8) int
