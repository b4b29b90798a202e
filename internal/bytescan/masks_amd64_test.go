//go:build !purego

package bytescan

import "testing"

// TestKernelsSSE2 runs TestKernels with the SSE2 kernel for every set, where SSSE3 would compare
// the large ones by nibbles, so that both kernels are checked on this machine.
func TestKernelsSSE2(t *testing.T) {
	if !useSSSE3 {
		t.Skip("the SSE2 kernel is the one in use: TestKernels checks it")
	}
	useSSSE3 = false
	defer func() { useSSSE3 = true }()
	TestKernels(t)
	TestAppendEveryLengthAndAlignment(t)
}
