package checks

import (
	"math/rand"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestCpMatchers compares pcMajor and cpCommentVersion with the regular expressions they stand
// for, on random texts made of the pieces that matter to them.
func TestCpMatchers(t *testing.T) {
	majorRe := regexp.MustCompile(`^v?(\d+)(?:\.|$)`)
	comRe := regexp.MustCompile(`#\s*(v?\d+(?:\.\d+)*)`)
	pieces := []string{"#", " ", "\t", "v", "1", "23", ".", "x", "4", "\n", "vv", "99999999999999999999999"}
	r := rand.New(rand.NewSource(2))
	for range 100000 {
		var s string
		for k := r.Intn(8); k >= 0; k-- {
			s += pieces[r.Intn(len(pieces))]
		}
		want := -1
		if m := majorRe.FindStringSubmatch(strings.TrimSpace(s)); m != nil {
			want, _ = strconv.Atoi(m[1])
		}
		if got := pcMajor(s); got != want {
			t.Fatalf("pcMajor(%q) = %d, want %d", s, got, want)
		}
		m := comRe.FindStringSubmatch(s)
		if got, ok := cpCommentVersion(s); (m != nil) != ok || ok && m[1] != got {
			t.Fatalf("cpCommentVersion(%q) = %q %v, want %q", s, got, ok, m)
		}
	}
}
