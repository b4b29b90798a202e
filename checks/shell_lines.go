package checks

import (
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// shellLineMap places one script line in the workflow file: its source line and the number of
// characters before it there; line 0 means not found.
type shellLineMap struct{ line, col int }

// Pos returns the workflow file position of a byte offset in Text.
func (s *shellScript) Pos(off int) *actionlint.Pos {
	lines := s.lines()
	m := s.lazy()
	i := sort.Search(len(lines), func(i int) bool { return lines[i] > off }) - 1
	if i >= 0 {
		s.mapLines(s.Ref.File, i)
	}
	if i < 0 || i >= len(m.lineMap) || m.lineMap[i].line == 0 {
		if s.Run.Pos != nil {
			return &actionlint.Pos{Line: s.Run.Pos.Line, Col: s.Run.Pos.Col}
		}
		return nil
	}
	off = min(off, len(s.Text))
	col := utf8.RuneCountInString(s.Text[lines[i]:off])
	return &actionlint.Pos{Line: m.lineMap[i].line, Col: m.lineMap[i].col + col + 1}
}

// lines returns the byte offset of each line start of Text.
func (s *shellScript) lines() []int {
	m := s.lazy()
	if m.lineStart == nil {
		m.lineStart = make([]int, 1, strings.Count(s.Text, "\n")+1)
		for off := 0; ; {
			i := strings.IndexByte(s.Text[off:], '\n')
			if i < 0 {
				break
			}
			off += i + 1
			m.lineStart = append(m.lineStart, off)
		}
	}
	return m.lineStart
}

// shellLineMapping is where mapLines stands: it maps the script's lines in order, each from
// where the previous one was found, and only as far as Pos has asked.
type shellLineMapping struct {
	next               int // the first line not mapped yet
	cursor, skip, last int
	started            bool
}

// mapLines finds the script lines up to line upTo (an index of lines) in the workflow source.
func (s *shellScript) mapLines(f *audit.File, upTo int) {
	m := s.lazy()
	if m.lineMap == nil {
		m.lineMap = make([]shellLineMap, len(s.lines()))
	}
	pos := s.Run.Pos
	if pos == nil {
		return
	}
	st := &m.mapping
	if !st.started {
		st.started = true
		st.cursor = pos.Line
		if hdr := f.Line(pos.Line); pos.Col >= 1 && pos.Col-1 < len(hdr) {
			if strings.ContainsAny(hdr[pos.Col-1:pos.Col], "|>") {
				st.cursor++ // a block scalar starts on the next line
			} else {
				st.skip = f.Offset(pos.Line, pos.Col) - f.Offset(pos.Line, 1) // not the key on the first line
			}
		}
		st.last = min(f.LineCount(), st.cursor+len(m.lineStart)*4+8)
	}
	for ; st.next <= upTo && st.next < len(m.lineStart); st.next++ {
		i, start := st.next, m.lineStart[st.next]
		end := len(s.Text)
		if i+1 < len(m.lineStart) {
			end = m.lineStart[i+1] - 1
		}
		text := strings.TrimRight(s.Text[start:end], "\r")
		trimmed := strings.TrimSpace(text)
		if trimmed == "" {
			continue
		}
		for n := st.cursor; n <= st.last; n++ {
			src, from := f.Line(n), 0
			if n == pos.Line {
				from = min(max(st.skip, 0), len(src))
			}
			if j := strings.Index(src[from:], text); j >= 0 {
				j += from
				m.lineMap[i] = shellLineMap{n, utf8.RuneCountInString(src[:j])}
				st.cursor = n + 1
				break
			}
			// A folded scalar: the source line is the start of the script line.
			if ts := strings.TrimSpace(src); ts != "" && strings.HasPrefix(trimmed, ts) && len(ts) > 8 {
				lead := utf8.RuneCountInString(text[:len(text)-len(strings.TrimLeft(text, " \t"))])
				j := strings.Index(src, ts)
				m.lineMap[i] = shellLineMap{n, max(0, utf8.RuneCountInString(src[:j])-lead)}
				st.cursor = n + 1
				break
			}
		}
	}
}
