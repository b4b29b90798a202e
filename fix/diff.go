package fix

import (
	"fmt"
	"io"
	"strings"
)

// diffName writes a file name of a diff header as git does: as it is, or, when it holds a
// control character, a double quote or a backslash, C-quoted ("a/x\nb"). A file name of the
// audited repository with a line break could otherwise forge header and hunk lines of its own
// for `git apply` to follow, and an escape sequence would reach the terminal.
func diffName(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '"' || r == '\\' }) {
		return s
	}
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\a':
			b.WriteString(`\a`)
		case '\b':
			b.WriteString(`\b`)
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\v':
			b.WriteString(`\v`)
		case '\f':
			b.WriteString(`\f`)
		case '\r':
			b.WriteString(`\r`)
		default:
			if c < 0x20 || c == 0x7f {
				fmt.Fprintf(&b, `\%03o`, c)
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// WriteDiff writes a unified diff of the change (--- a/path, +++ b/path, three lines of context),
// as git diff and patch -p1 read it.
func WriteDiff(w io.Writer, c Change) error {
	a, b := splitLines(string(c.Before)), splitLines(string(c.After))
	ops := diffLines(a, b)
	if len(ops) == 0 {
		return nil
	}
	p := strings.TrimPrefix(c.Path, "/")
	if _, err := fmt.Fprintf(w, "--- %s\n+++ %s\n", diffName("a/"+p), diffName("b/"+p)); err != nil {
		return err
	}
	const ctx = 3
	// Group the edit script into hunks.
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		start := max(i-ctx, 0)
		for start < i && ops[start].kind != ' ' {
			start++
		}
		end := i
		for {
			for end < len(ops) && ops[end].kind != ' ' {
				end++
			}
			run := 0
			for end+run < len(ops) && ops[end+run].kind == ' ' {
				run++
			}
			if end+run < len(ops) && run <= 2*ctx {
				end += run
				continue
			}
			end += min(run, ctx)
			break
		}
		h := ops[start:end]
		aStart, bStart := h[0].a, h[0].b
		aN, bN := 0, 0
		for _, o := range h {
			if o.kind != '+' {
				aN++
			}
			if o.kind != '-' {
				bN++
			}
		}
		if _, err := fmt.Fprintf(w, "@@ -%s +%s @@\n", rng(aStart, aN), rng(bStart, bN)); err != nil {
			return err
		}
		for _, o := range h {
			text := o.text
			nl := strings.HasSuffix(text, "\n")
			if _, err := fmt.Fprintf(w, "%c%s", o.kind, text); err != nil {
				return err
			}
			if !nl {
				if _, err := io.WriteString(w, "\n\\ No newline at end of file\n"); err != nil {
					return err
				}
			}
		}
		i = end
	}
	return nil
}

func rng(start, n int) string {
	if n == 0 {
		return fmt.Sprintf("%d,0", start)
	}
	if n == 1 {
		return fmt.Sprintf("%d", start+1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}

// splitLines splits text into lines that keep their line breaks.
func splitLines(s string) []string {
	var out []string
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			out = append(out, s)
			break
		}
		out = append(out, s[:i+1])
		s = s[i+1:]
	}
	return out
}

type op struct {
	kind byte // ' ', '-', '+'
	text string
	a, b int // line index in a and b (0-based) where the op stands
}

// diffLines is Myers' O(ND) diff of two line slices, as an edit script.
func diffLines(a, b []string) []op {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	if pre == len(a) && pre == len(b) {
		return nil
	}
	ma, mb := a[pre:len(a)-suf], b[pre:len(b)-suf]
	n, m := len(ma), len(mb)
	maxD := n + m
	v := make([]int, 2*maxD+2)
	var trace [][]int
	off := maxD + 1
outer:
	for d := 0; d <= maxD; d++ {
		trace = append(trace, append([]int(nil), v...))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || k != d && v[off+k-1] < v[off+k+1] {
				x = v[off+k+1]
			} else {
				x = v[off+k-1] + 1
			}
			y := x - k
			for x < n && y < m && ma[x] == mb[y] {
				x++
				y++
			}
			v[off+k] = x
			if x >= n && y >= m {
				trace = append(trace, append([]int(nil), v...))
				break outer
			}
		}
	}
	// Walk the trace back into an edit script of the middle part.
	var mid []op
	x, y := n, m
	for d := len(trace) - 2; d >= 0 && (x > 0 || y > 0); d-- {
		vv := trace[d]
		k := x - y
		var pk int
		if k == -d || k != d && vv[off+k-1] < vv[off+k+1] {
			pk = k + 1
		} else {
			pk = k - 1
		}
		px := vv[off+pk]
		py := px - pk
		for x > px && y > py {
			x--
			y--
			mid = append(mid, op{kind: ' ', text: ma[x], a: pre + x, b: pre + y})
		}
		if d == 0 {
			break
		}
		if x == px {
			y--
			mid = append(mid, op{kind: '+', text: mb[y], a: pre + x, b: pre + y})
		} else {
			x--
			mid = append(mid, op{kind: '-', text: ma[x], a: pre + x, b: pre + y})
		}
	}
	for x > 0 && y > 0 {
		x--
		y--
		mid = append(mid, op{kind: ' ', text: ma[x], a: pre + x, b: pre + y})
	}
	var out []op
	for i := 0; i < pre; i++ {
		out = append(out, op{kind: ' ', text: a[i], a: i, b: i})
	}
	for i := len(mid) - 1; i >= 0; i-- {
		out = append(out, mid[i])
	}
	for i := 0; i < suf; i++ {
		ai, bi := len(a)-suf+i, len(b)-suf+i
		out = append(out, op{kind: ' ', text: a[ai], a: ai, b: bi})
	}
	return out
}
