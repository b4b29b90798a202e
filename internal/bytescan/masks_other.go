//go:build !amd64 || purego

package bytescan

// masks sets out[j]'s bit i when src[64*j+i] is in s (len(src) == 64*len(out)).
func masks(s *Set, src []byte, out []uint64) { masksGo(s, src, out) }
