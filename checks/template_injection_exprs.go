package checks

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// tiSinkExpr is a placeholder of a sink: as File.ExprsOf gives it, or, for the plain read of a
// context (" github.event.issue.title "), with no node but the path it reads (as audit.ExprPath
// gives it from the node).
type tiSinkExpr struct {
	audit.Expr
	path string
}

// sinkExprs returns the placeholders of a sink's value that may read attacker-controlled data
// (mayHaveSource's test, placeholder by placeholder), as File.ExprsOf gives them: the same text,
// node and position, in order, appended to buf[:0]. The others yield no finding, and most
// placeholders of a script are such (secrets, matrix values, step outputs): they are neither
// parsed nor located. A plain read of a context is not parsed either: its path is its text, and
// chainMayReadSource tests it without mayReadSource's scan.
//
// When no placeholder of the value holds a quote, each ends at its first "}}" (the lexer stops
// there, or fails and File.Exprs cuts there), so the placeholders are known without a parse.
// Otherwise a string literal may hold "}}", and the value's shared parse (File.ExprsOf) is read.
func (sc tiScope) sinkExprs(s *actionlint.String, buf []tiSinkExpr) []tiSinkExpr {
	v := s.Value
	out := buf[:0]
	for off := 0; ; {
		start, end, ok := tiNextPlaceholder(v, off)
		if start < 0 {
			break
		}
		if !ok {
			return sc.sinkExprsParsed(s, buf)
		}
		off = end + 2
		if chain, ok := tiPlainChain(v[start+3 : end]); ok {
			if path, may := sc.chainMayReadSource(chain); may {
				out = append(out, tiSinkExpr{Expr: audit.Expr{Raw: v[start:off], Offset: start, Text: chain}, path: path})
			}
			continue
		}
		if sc.mayReadSource(v[start+3:]) {
			out = append(out, tiSinkExpr{Expr: audit.Expr{Raw: v[start:off], Offset: start}})
		}
	}
	for i := range out {
		e := &out[i]
		if e.path != "" {
			continue // a plain chain: its text and path are set
		}
		if es := sc.file.Exprs(&actionlint.String{Value: e.Raw}); len(es) == 1 {
			e.Text, e.Node = es[0].Text, es[0].Node
		}
	}
	tiLocate(sc.file, s, out)
	return out
}

// tiNextPlaceholder finds the first "${{" of v at or after off, at start (-1: none), and the
// first "}}" after it, at end. ok is false when there is no "}}" or the text between holds a
// quote: a string literal may then hold "}}", and the placeholder's end is the parse's.
func tiNextPlaceholder(v string, off int) (start, end int, ok bool) {
	i := strings.Index(v[off:], "${{")
	if i < 0 {
		return -1, -1, false
	}
	start = off + i
	j := strings.Index(v[start+3:], "}}")
	if j < 0 {
		return start, -1, false
	}
	end = start + 3 + j
	return start, end, strings.IndexByte(v[start+3:end], '\'') < 0
}

// chainMayReadSource is mayReadSource for a placeholder whose body is a plain chain (tiPlainChain
// gives it): the scan would read its root alone (the names after it follow dots), hand it to
// tiSafeRoot then safeChain, and close at the "}}" with no dereference. It returns the chain's
// path (lower case) when it may read a source. Most placeholders of a script are such chains:
// this spares them the token scan, safeChain's walk of the properties, and sinkExprs' second
// look at the chain and its lower-case copy.
func (sc tiScope) chainMayReadSource(chain string) (path string, may bool) {
	root := chain
	if d := strings.IndexByte(chain, '.'); d >= 0 {
		root = chain[:d]
	}
	if tiSafeRoot(root, chain[len(root):]) {
		return "", false
	}
	path = toLower(chain)
	for _, s := range sc.resolve(path) {
		if s.kind != tiSafe {
			return path, true
		}
	}
	return "", false
}

// sinkExprsParsed is sinkExprs for a value whose placeholders hold quotes: the shared parse,
// when mayHaveSource finds a placeholder that may read a source.
func (sc tiScope) sinkExprsParsed(s *actionlint.String, buf []tiSinkExpr) []tiSinkExpr {
	out := buf[:0]
	if !sc.mayHaveSource(s.Value) {
		return out
	}
	for _, e := range sc.file.ExprsOf(s) {
		out = append(out, tiSinkExpr{Expr: e})
	}
	return out
}

// tiPlainChain reports whether body (the text between "${{" and "}}") is a plain property chain
// that File.Exprs' parse turns into the nodes of a context read, NAME.PROP...: blanks (space, tab,
// line break) around it, each name a letter or "_" then letters, digits, "_" or "-", and NAME
// none of the literals true, false and null. It returns the chain, which is also the
// placeholder's trimmed text (Expr.Text).
func tiPlainChain(body string) (string, bool) {
	chain := tiTrimBlanks(body)
	// The whole chain in one loop (tiChainRun), where a loop a name mispredicts each one's end:
	// no byte but a chain's, no name that starts with a digit or "-", no dot last (nor an
	// empty chain, which leaves a name wanted).
	if n, st := tiChainRun(chain, tiChainWant<<8); n < len(chain) || st&(tiChainWant<<8) != 0 {
		return "", false
	}
	root := chain
	if d := strings.IndexByte(chain, '.'); d >= 0 {
		root = chain[:d]
	}
	if obfLiteralWord(root) {
		return "", false
	}
	return chain, true
}

// tiTrimBlanks is body without the blanks (space, tab, line break) around it.
func tiTrimBlanks(body string) string {
	blank := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
	i, j := 0, len(body)
	for i < j && blank(body[i]) {
		i++
	}
	for j > i && blank(body[j-1]) {
		j--
	}
	return body[i:j]
}

// tiLocate sets the source positions of some placeholders of s as File.Exprs finds them: each is
// searched in the source from the end of the previous one; one not written verbatim there
// (escapes, folded lines) gets the string's position, moved along a one-line string. Placeholders
// left out are not searched for: an attacker-controlled one cannot occur in the text of one left
// out (whose reads are all safe), and the same text is either left out everywhere or nowhere, so
// each search finds what the search from the end of every previous placeholder finds.
func tiLocate(file *audit.File, s *actionlint.String, exprs []tiSinkExpr) {
	if s.Pos == nil || len(exprs) == 0 {
		return // nothing to place: the file's line index (File.Offset) is not built for it
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
	// Each placeholder's text starts with "${{": its first occurrence from an offset is found
	// among the file's "${{" offsets (File.Placeholders), compared in place.
	ps := file.Placeholders()
	from := start
	k, _ := slices.BinarySearch(ps, int32(from)) // the first "${{" at or after from
	for i := range exprs {
		e := &exprs[i]
		at := -1
		for j := k; j < len(ps) && int(ps[j])+len(e.Raw) <= limit; j++ {
			if p := int(ps[j]); string(file.Source[p:p+len(e.Raw)]) == e.Raw {
				at = p
				break
			}
		}
		if at >= 0 {
			e.Line, e.Col = file.PosAt(at)
			from = at + len(e.Raw)
			for k < len(ps) && int(ps[k]) < from {
				k++
			}
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
