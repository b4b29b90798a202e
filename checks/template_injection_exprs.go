package checks

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// tiSpan is where a placeholder stands in a string's value: "${{" at start, "}}" ending at end.
type tiSpan struct{ start, end int }

// sinkExprs returns the placeholders of a sink's value that may read attacker-controlled data
// (mayHaveSource's test, placeholder by placeholder), as File.ExprsOf gives them: the same text,
// node and position, in order. The others yield no finding, and most placeholders of a script
// are such (secrets, matrix values, step outputs): they are neither parsed nor located.
//
// When no placeholder of the value holds a quote, each ends at its first "}}" (the lexer stops
// there, or fails and File.Exprs cuts there), so the placeholders are known without a parse.
// Otherwise a string literal may hold "}}", and the value's shared parse (File.ExprsOf) is read.
func (sc tiScope) sinkExprs(s *actionlint.String, spans []tiSpan) ([]audit.Expr, []tiSpan) {
	v := s.Value
	spans = spans[:0]
	for off := 0; ; {
		i := strings.Index(v[off:], "${{")
		if i < 0 {
			break
		}
		start := off + i
		j := strings.Index(v[start+3:], "}}")
		if j < 0 || strings.IndexByte(v[start+3:start+3+j], '\'') >= 0 {
			return sc.sinkExprsParsed(s), spans
		}
		off = start + 3 + j + 2
		if sc.mayReadSource(v[start+3:]) {
			spans = append(spans, tiSpan{start, off})
		}
	}
	if len(spans) == 0 {
		return nil, spans
	}
	out := make([]audit.Expr, 0, len(spans))
	for _, sp := range spans {
		raw := v[sp.start:sp.end]
		e := audit.Expr{Raw: raw, Offset: sp.start}
		if es := sc.file.Exprs(&actionlint.String{Value: raw}); len(es) == 1 {
			e.Text, e.Node = es[0].Text, es[0].Node
		}
		out = append(out, e)
	}
	tiLocate(sc.file, s, out)
	return out, spans
}

// sinkExprsParsed is sinkExprs for a value whose placeholders hold quotes: the shared parse,
// when mayHaveSource finds a placeholder that may read a source.
func (sc tiScope) sinkExprsParsed(s *actionlint.String) []audit.Expr {
	if !sc.mayHaveSource(s.Value) {
		return nil
	}
	return sc.file.ExprsOf(s)
}

// tiLocate sets the source positions of some placeholders of s as File.Exprs finds them: each is
// searched in the source from the end of the previous one; one not written verbatim there
// (escapes, folded lines) gets the string's position, moved along a one-line string. Placeholders
// left out are not searched for: an attacker-controlled one cannot occur in the text of one left
// out (whose reads are all safe), and the same text is either left out everywhere or nowhere, so
// each search finds what the search from the end of every previous placeholder finds.
func tiLocate(file *audit.File, s *actionlint.String, exprs []audit.Expr) {
	if s.Pos == nil {
		return
	}
	v := s.Value
	start := file.Offset(s.Pos.Line, s.Pos.Col)
	if start < 0 {
		for i := range exprs {
			exprs[i].Line, exprs[i].Col = s.Pos.Line, s.Pos.Col
		}
		return
	}
	limit := min(len(file.Source), start+len(v)+(strings.Count(v, "\n")+2)*256)
	from := start
	for i := range exprs {
		e := &exprs[i]
		if j := bytes.Index(file.Source[from:limit], []byte(e.Raw)); j >= 0 {
			e.Line, e.Col = file.PosAt(from + j)
			from += j + len(e.Raw)
			continue
		}
		e.Line, e.Col = s.Pos.Line, s.Pos.Col
		if !strings.Contains(v, "\n") && file.Line(s.Pos.Line) != "" {
			shift := 0
			if s.Quoted {
				shift = 1
			}
			e.Col = s.Pos.Col + shift + utf8.RuneCountInString(v[:e.Offset])
		}
	}
}
