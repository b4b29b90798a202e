//go:build !purego

package bytescan

import "golang.org/x/sys/cpu"

// masks is masksGo in SSE2, which every amd64 has; a set of five to eight bytes is compared by
// nibbles where SSSE3's byte shuffle is found (nearly every amd64 since 2006): twelve
// instructions per 16 bytes where eight comparisons take 23.
func masks(s *Set, src []byte, out []uint64, blocks []uint8) int {
	n := s.n
	if n == 8 && useSSSE3 {
		n = 0
	}
	return masksAsm(&s.tabs, n, src, out, blocks)
}

// useSSSE3 is whether masks compares by nibbles; a test turns it off to check the SSE2 kernel.
var useSSSE3 = cpu.X86.HasSSSE3

// masksAsm is masks, comparing n (1, 2, 4 or 8) of the broadcast bytes of tabs, or, when n is 0,
// by nibbles with the tables of tabs[8] and tabs[9] (SSSE3).
//
//go:noescape
func masksAsm(tabs *[10][16]byte, n int, src []byte, out []uint64, blocks []uint8) int
