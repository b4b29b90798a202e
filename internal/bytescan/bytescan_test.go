package bytescan

import (
	"bytes"
	"math/bits"
	"math/rand/v2"
	"slices"
	"testing"
)

// naive is the plain loop Append must agree with.
func naive(set []byte, src []byte) []int32 {
	var out []int32
	for i, c := range src {
		if bytes.IndexByte(set, c) >= 0 {
			out = append(out, int32(i))
		}
	}
	return out
}

// testSets are sets of every size, with the bytes a signed comparison or a zeroed padding would
// get wrong.
var testSets = [][]byte{
	{'\n'}, {0x00}, {0x80}, {0xff},
	{'a', 'b'}, {0x00, 0xff, 0x80},
	{'$', '\\', '&', '\n'},
	{'A', '_', '-', ':', '='},
	{0x00, 0x7f, 0x80, 0xff, 0x01, 0xfe},
	{'A', '_', '-', ':', '=', '\\', '?'},
	{0x00, 0x01, 0x7f, 0x80, 0x81, 0xfe, 0xff, 'x'},
}

// randomBytes draws mostly from the set's bytes and their neighbours, so that hits are dense.
func randomBytes(r *rand.Rand, set []byte, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		switch r.IntN(4) {
		case 0:
			b[i] = set[r.IntN(len(set))]
		case 1:
			b[i] = set[r.IntN(len(set))] + byte(r.IntN(3)) - 1
		default:
			b[i] = byte(r.Uint32())
		}
	}
	return b
}

func TestAppendEveryLengthAndAlignment(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, set := range testSets {
		s := New(set...)
		buf := randomBytes(r, set, 64+300)
		for align := range 64 {
			for n := 0; n <= 300; n++ {
				src := buf[align : align+n]
				got := s.Append(nil, src)
				if want := naive(set, src); !slices.Equal(got, want) {
					t.Fatalf("set %q, align %d, len %d: got %v, want %v", set, align, n, got, want)
				}
			}
		}
	}
}

func TestAppendLong(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, set := range testSets {
		src := randomBytes(r, set, 64*chunkBlocks*3+17) // several kernel calls and a tail
		if got, want := New(set...).Append([]int32{-1}, src), append([]int32{-1}, naive(set, src)...); !slices.Equal(got, want) {
			t.Fatalf("set %q: the offsets differ", set)
		}
	}
}

// TestKernels compares the kernel in use (SSE2 on amd64 unless built with -tags purego) with
// the Go one, block by block, on blocks of any alignment.
func TestKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, set := range testSets {
		s := New(set...)
		buf := randomBytes(r, set, 64*40+15)
		for align := range 16 {
			for nb := range 40 {
				src := buf[align : align+64*nb]
				got, want := make([]uint64, nb), make([]uint64, nb)
				gotBlocks, wantBlocks := make([]uint8, nb), make([]uint8, nb)
				n := masks(s, src, got, gotBlocks)
				if wantN := masksGo(s, src, want, wantBlocks); n != wantN || !slices.Equal(got[:n], want[:n]) || !slices.Equal(gotBlocks[:n], wantBlocks[:n]) {
					t.Fatalf("set %q, align %d, %d blocks: got %d %x %v, want %d %x %v", set, align, nb, n, got[:n], gotBlocks[:n], wantN, want[:wantN], wantBlocks[:wantN])
				}
			}
		}
	}
}

func TestNew(t *testing.T) {
	s := New('a', 'a', 'b')
	if !s.Has('a') || !s.Has('b') || s.Has('c') || s.n != 2 {
		t.Fatalf("New('a', 'a', 'b'): has a %v, b %v, c %v, n %d", s.Has('a'), s.Has('b'), s.Has('c'), s.n)
	}
	for _, bad := range [][]byte{nil, []byte("abcdefghi")} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("New(%q) did not panic", bad)
				}
			}()
			New(bad...)
		}()
	}
}

func TestZeroScanner(t *testing.T) {
	var sc Scanner
	if sc.Next() {
		t.Fatalf("the zero Scanner's Next reports a block")
	}
}

func FuzzAppend(f *testing.F) {
	f.Add([]byte("a:b\n_-="), []byte("steps:\n  - run: echo ${{ x }}\n"))
	f.Add([]byte{0, 0x80, 0xff}, bytes.Repeat([]byte{0, 1, 0x80, 0xff}, 50))
	f.Fuzz(func(t *testing.T, set, src []byte) {
		set = set[:min(len(set), 8)]
		if len(set) == 0 {
			return
		}
		s := New(set...)
		if got, want := s.Append(nil, src), naive(set, src); !slices.Equal(got, want) {
			t.Fatalf("set %q: got %v, want %v", set, got, want)
		}
	})
}

func BenchmarkScan(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 8))
	src := make([]byte, 1<<20)
	for i := range src {
		src[i] = 'a' + byte(r.IntN(26))
		if r.IntN(20) == 0 {
			src[i] = "\n:-_=A\\?"[r.IntN(8)]
		}
	}
	for _, set := range []string{"\n", "\\&", ":-_=", "\n:-_=A\\?"} {
		b.Run(map[int]string{1: "1byte", 2: "2bytes", 4: "4bytes", 8: "8bytes"}[len(set)], func(b *testing.B) {
			s := New([]byte(set)...)
			b.SetBytes(int64(len(src)))
			var sc Scanner
			for b.Loop() {
				n := 0
				sc.Reset(s, src)
				for sc.Reset(s, src); sc.Next(); {
					for m := sc.Hits; m != 0; m &= m - 1 {
						n += sc.Base + bits.TrailingZeros64(m)
					}
				}
				if n == 0 {
					b.Fatal("no hits")
				}
			}
		})
	}
}

// TestFill compares Fill, called with a random room each time (a block that does not fit waits
// for the next call), with the plain loop, for both element types and an added constant, on
// sources dense with hits and on sources with up to 64 in a block.
func TestFill(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, set := range testSets {
		s := New(set...)
		for round := range 200 {
			src := randomBytes(r, set, r.IntN(64*chunkBlocks*2+100))
			if round%10 == 0 {
				src = bytes.Repeat(set[:1], len(src))
			}
			add := r.IntN(3)
			var want []int
			for _, i := range naive(set, src) {
				want = append(want, int(i)+add)
			}
			var got []int
			var got32 []int32
			var sc, sc32 Scanner
			sc.Reset(s, src)
			sc32.Reset(s, src)
			for {
				room := 64 + r.IntN(150)
				dst, dst32 := make([]int, room), make([]int32, room)
				n, n32 := Fill(&sc, dst, add), Fill(&sc32, dst32, int32(add))
				if n != n32 {
					t.Fatalf("set %q: Fill wrote %d ints but %d int32s", set, n, n32)
				}
				if n == 0 {
					break
				}
				got, got32 = append(got, dst[:n]...), append(got32, dst32[:n]...)
			}
			if !slices.Equal(got, want) || !slices.EqualFunc(got32, want, func(a int32, b int) bool { return int(a) == b }) {
				t.Fatalf("set %q, %d bytes: the offsets differ", set, len(src))
			}
		}
	}
}
