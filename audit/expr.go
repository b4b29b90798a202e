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
		node, n, ok := parseExpr(body, f.exprCache)
		end := -1
		if ok {
			e.Node = node
			end = start + 3 + n
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

// exprCache holds parsed expressions by their text: the same placeholders
// (`${{ secrets.GITHUB_TOKEN }}`, `${{ matrix.os }}`) recur across files and repositories, and
// actionlint's lexer allocates a kilobyte per parse. Parsed nodes are never modified, so they are
// shared. The engine gives each of its workers one cache for the audit (engine.go), so that the
// targets audited at the same time never share one and no lock is needed; it stops growing at
// exprCacheMax entries. A file outside an audit has none and parses every time.
type exprCache map[string]cachedExpr

const exprCacheMax = 100_000

type cachedExpr struct {
	node actionlint.ExprNode
	n    int
}

func (c exprCache) add(key string, node actionlint.ExprNode) {
	if c != nil && len(c) < exprCacheMax {
		c[strings.Clone(key)] = cachedExpr{node, len(key)}
	}
}

// parseExpr parses the expression at the start of body (the text after "${{"), returning the node
// and the length of its text up to and including the closing "}}". ok is false when it does not parse.
func parseExpr(body string, cache exprCache) (actionlint.ExprNode, int, bool) {
	j := strings.Index(body, "}}")
	if j >= 0 {
		key := body[:j+2]
		if c, hit := cache[key]; hit {
			return c.node, c.n, true
		}
		if node := parsePropertyChain(key); node != nil {
			cache.add(key, node)
			return node, len(key), true
		}
		l := actionlint.NewExprLexer(key)
		if node, err := actionlint.NewExprParser().Parse(l); err == nil && l.Offset() == len(key) {
			cache.add(key, node)
			return node, len(key), true
		}
	}
	// The first "}}" is inside a string literal, or there is none: parse the whole rest.
	l := actionlint.NewExprLexer(body)
	node, err := actionlint.NewExprParser().Parse(l)
	if err != nil {
		return nil, 0, false
	}
	return node, l.Offset(), true
}

// parsePropertyChain parses the most common placeholder, a plain property chain such as
// " github.event.issue.title }}" or " steps.x.outputs.* }}", without actionlint's lexer (which
// allocates a kilobyte per parse), building the nodes actionlint's parser builds (lower-cased
// names; keywords, numbers, calls, operators and index accesses are left to the parser: nil).
// The nodes carry no token, which no check reads.
func parsePropertyChain(key string) actionlint.ExprNode {
	isWS := func(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\t' }
	isIdentStart := func(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' }
	isIdent := func(c byte) bool { return isIdentStart(c) || '0' <= c && c <= '9' || c == '-' }
	i := 0
	for i < len(key) && isWS(key[i]) {
		i++
	}
	ident := func() string {
		start := i
		if i >= len(key) || !isIdentStart(key[i]) {
			return ""
		}
		for i < len(key) && isIdent(key[i]) {
			i++
		}
		return key[start:i]
	}
	name := ident()
	if name == "" || name == "true" || name == "false" || name == "null" {
		return nil
	}
	var node actionlint.ExprNode = &actionlint.VariableNode{Name: strings.ToLower(name)}
	for i < len(key) && key[i] == '.' {
		i++
		if i < len(key) && key[i] == '*' {
			i++
			node = &actionlint.ArrayDerefNode{Receiver: node}
			continue
		}
		prop := ident()
		if prop == "" {
			return nil
		}
		node = &actionlint.ObjectDerefNode{Receiver: node, Property: strings.ToLower(prop)}
	}
	for i < len(key) && isWS(key[i]) {
		i++
	}
	if key[i:] != "}}" {
		return nil
	}
	return node
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
	var buf [8]string
	parts := buf[:0]
	for {
		switch x := n.(type) {
		case *actionlint.VariableNode:
			parts = append(parts, strings.ToLower(x.Name))
			if len(parts) == 1 {
				return parts[0], true
			}
			size := len(parts) - 1
			for _, p := range parts {
				size += len(p)
			}
			var b strings.Builder
			b.Grow(size)
			for i := len(parts) - 1; i >= 0; i-- {
				b.WriteString(parts[i])
				if i > 0 {
					b.WriteByte('.')
				}
			}
			return b.String(), true
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
