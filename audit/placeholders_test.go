package audit

import (
	"slices"
	"strings"
	"testing"
)

func TestPlaceholders(t *testing.T) {
	for _, src := range []string{"", "${{", "${", "$${{ a }}${{b}}", "x: ${{ a }}\n" + strings.Repeat("y", 70) + "${{ b }} $ {{ ${{", "${{${{"} {
		var want []int32
		for i := range len(src) {
			if strings.HasPrefix(src[i:], "${{") {
				want = append(want, int32(i))
			}
		}
		f := &File{Source: []byte(src)}
		if got := f.Placeholders(); !slices.Equal(got, want) {
			t.Errorf("Placeholders(%q) = %v, want %v", src, got, want)
		}
	}
}

// BenchmarkPlaceholders finds the placeholders of every file of the corpus.
func BenchmarkPlaceholders(b *testing.B) {
	srcs := corpusSources(b)
	for b.Loop() {
		for _, src := range srcs {
			placeholders(src)
		}
	}
}
