//go:build !amd64 || purego

package bytescan

func masks(s *Set, src []byte, out []uint64, blocks []uint8) int { return masksGo(s, src, out, blocks) }
