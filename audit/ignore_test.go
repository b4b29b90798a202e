package audit

import (
	"bytes"
	"fmt"
	"math/rand"
	"regexp"
	"testing"
)

// ignoreComment is the regular expression parseIgnore writes out.
var ignoreComment = regexp.MustCompile(`#\s*(rampart|zizmor)\s*:\s*ignore\[([^\]]*)\](.*)$`)

// TestParseIgnoreIsTheRegexp compares parseIgnore with ignoreComment's submatches on the
// corpus's lines and on random lines made of the comment's pieces, blanks that \s does and does
// not match (vertical tab), and other bytes.
func TestParseIgnoreIsTheRegexp(t *testing.T) {
	check := func(line []byte) {
		tool, ids, rest, ok := parseIgnore(line)
		got := "no match"
		if ok {
			got = fmt.Sprintf("%q %q %q", tool, ids, rest)
		}
		want := "no match"
		if m := ignoreComment.FindSubmatch(line); m != nil {
			want = fmt.Sprintf("%q %q %q", m[1], m[2], m[3])
		}
		if got != want {
			t.Fatalf("parseIgnore(%q) = %s, want %s", line, got, want)
		}
	}
	for _, src := range corpusSources(t) {
		for line := range bytes.Lines(src) {
			check(bytes.TrimRight(line, "\n"))
		}
	}
	r := rand.New(rand.NewSource(10))
	pick := func(s ...string) string { return s[r.Intn(len(s))] }
	blanks := func() string {
		var b []byte
		for range r.Intn(3) {
			b = append(b, pick(" ", "\t", "\r", "\f", "\v")...)
		}
		return string(b)
	}
	other := func() string {
		var b []byte
		for range r.Intn(4) {
			b = append(b, pick("x", " ", "#", ",", "[", "]", "a-b", "é", "\xff", ":")...)
		}
		return string(b)
	}
	// A comment as the expression reads it, each part at times wrong or missing.
	comment := func() string {
		return "#" + blanks() + pick("rampart", "zizmor", "rampar", "zizmorr", "Rampart", "") + blanks() +
			pick(":", ":", "", ";") + blanks() + pick("ignore[", "ignore[", "ignore", "ignore [", "ignore]") +
			other() + pick("]", "]", "") + other()
	}
	for range 300000 {
		var b []byte
		for range 1 + r.Intn(3) {
			b = append(b, other()+pick(comment(), "")...)
		}
		check(b)
	}
}
