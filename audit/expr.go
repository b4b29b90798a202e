package audit

import (
	"bytes"
	"strings"

	"github.com/rhysd/actionlint"
)

// Expr is one ${{ }} placeholder inside a string of the workflow, with its place in the source.
type Expr struct {
	// Raw is the placeholder as written, "${{ github.head_ref }}".
	Raw string
	// Text is the expression inside the braces, trimmed.
	Text string
	// Offset is the byte offset of "${{" in the string's value.
	Offset int
	// Line and Col are the 1-based source position of "${{", also inside multi-line run: blocks.
	Line, Col int
	// Node is the parsed expression; nil when it does not parse.
	Node actionlint.ExprNode
}

// Exprs returns the ${{ }} placeholders of s in order, each with its exact source position.
// actionlint gives a block scalar's position as that of its "|" indicator; the positions here
// are found again in the source, so a placeholder on the fifth line of a run: block points there.
func (f *File) Exprs(s *actionlint.String) []Expr {
	if s == nil || !strings.Contains(s.Value, "${{") {
		return nil
	}
	var out []Expr
	v := s.Value
	for off := 0; ; {
		i := strings.Index(v[off:], "${{")
		if i < 0 {
			break
		}
		start := off + i
		body := v[start+3:]
		e := Expr{Offset: start}
		l := actionlint.NewExprLexer(body)
		node, err := actionlint.NewExprParser().Parse(l)
		end := -1
		if err == nil {
			e.Node = node
			end = start + 3 + l.Offset()
		} else if j := strings.Index(body, "}}"); j >= 0 {
			end = start + 3 + j + 2
		}
		if end < 0 || end > len(v) {
			end = len(v)
		}
		e.Raw = v[start:end]
		e.Text = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(e.Raw, "${{"), "}}"))
		out = append(out, e)
		off = end
	}
	f.locate(s, out)
	return out
}

// locate finds each placeholder's source position by searching its text from the string's start.
func (f *File) locate(s *actionlint.String, exprs []Expr) {
	if s.Pos == nil {
		return
	}
	start := f.Offset(s.Pos.Line, s.Pos.Col)
	if start < 0 {
		for i := range exprs {
			exprs[i].Line, exprs[i].Col = s.Pos.Line, s.Pos.Col
		}
		return
	}
	// The string's text in the source is at most its value plus indentation and quoting.
	limit := start + len(s.Value) + (strings.Count(s.Value, "\n")+2)*256
	if limit > len(f.Source) {
		limit = len(f.Source)
	}
	from := start
	singleLine := !strings.Contains(s.Value, "\n")
	for i := range exprs {
		e := &exprs[i]
		if j := bytes.Index(f.Source[from:limit], []byte(e.Raw)); j >= 0 {
			e.Line, e.Col = f.PosAt(from + j)
			from += j + len(e.Raw)
			continue
		}
		// Not verbatim in the source (escapes, or folded across lines): estimate.
		e.Line, e.Col = s.Pos.Line, s.Pos.Col
		if singleLine && f.Line(s.Pos.Line) != "" {
			shift := 0
			if s.Quoted {
				shift = 1
			}
			e.Col = s.Pos.Col + shift + len([]rune(s.Value[:e.Offset]))
		}
	}
}

// ExprPath returns the dotted property path an expression node reads, such as
// "github.event.issue.title", with "*" for index and filter accesses; ok is false for
// anything but a plain property chain.
func ExprPath(n actionlint.ExprNode) (path string, ok bool) {
	var parts []string
	for {
		switch x := n.(type) {
		case *actionlint.VariableNode:
			parts = append(parts, strings.ToLower(x.Name))
			for l, r := 0, len(parts)-1; l < r; l, r = l+1, r-1 {
				parts[l], parts[r] = parts[r], parts[l]
			}
			return strings.Join(parts, "."), true
		case *actionlint.ObjectDerefNode:
			parts = append(parts, strings.ToLower(x.Property))
			n = x.Receiver
		case *actionlint.ArrayDerefNode:
			parts = append(parts, "*")
			n = x.Receiver
		case *actionlint.IndexAccessNode:
			if str, ok := x.Index.(*actionlint.StringNode); ok {
				parts = append(parts, strings.ToLower(str.Value))
			} else {
				parts = append(parts, "*")
			}
			n = x.Operand
		default:
			return "", false
		}
	}
}
