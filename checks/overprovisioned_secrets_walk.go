package checks

import (
	"bytes"
	"cmp"
	"math/bits"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rampart-sec/rampart/internal/bytescan"
	"github.com/rhysd/actionlint"
)

// secwExpr is one parsed ${{ }} placeholder of a file that reads the secrets context, with the
// string it stands in and what it reads. The four secrets checks share one index of them per file.
type secwExpr struct {
	Raw       string
	Line, Col int
	In        *actionlint.String
	// Job is the job of the string; nil at workflow level and in actions.
	Job *actionlint.Job
	// Names are the secrets read as secrets.NAME or secrets['NAME'], upper-cased (secwSecretNames).
	Names []string
	// Expands describes each expansion of the whole secrets context (opsExpansions).
	Expands []string
	// Leaks are the secrets decoded with fromJSON (ursLeaks).
	Leaks []string
}

type secwIndexKey struct{}

// secwIndex returns the placeholders of the file that mention the secrets context, in source
// order. Only strings that hold "${{" and the word secrets (in any case) are looked at, and the
// common placeholder ${{ secrets.NAME }} is read without the expression parser. In a workflow
// whose source places every placeholder (tiPlaceholders.exact), only the strings around the
// placeholders that may mention secrets are visited (secwPruned); otherwise every string is.
// The index is computed once per file and shared: callers must not modify it.
func secwIndex(file *audit.File) []secwExpr {
	if file.Workflow == nil && file.Action == nil {
		return nil
	}
	return file.Memo(secwIndexKey{}, func() any { return secwCompute(file, true) }).([]secwExpr)
}

// secwCompute is secwIndex, with or without the pruned walk.
func secwCompute(file *audit.File, prune bool) []secwExpr {
	var refs []audit.StringRef
	ph := tiPlaceholdersOf(file)
	if prune && len(ph.secrets) == 0 {
		// No placeholder of the source may mention secrets, and no escape may spell one: nor
		// does any string's value, wherever an alias repeats it.
		return []secwExpr(nil)
	}
	pruned := false
	if prune && ph.exact && file.Workflow != nil {
		refs, pruned = secwPruned(file, ph.secrets)
	}
	if !pruned {
		if !secwSourceMay(file.Source) {
			return []secwExpr(nil)
		}
		refs = file.Strings()
	}
	// Each placeholder the index may hold is one of the source's candidates (ph.secrets): sized
	// for them, the two lists grow without a copy in nearly every file.
	out := make([]secwExpr, 0, len(ph.secrets))
	names := make([]string, 0, len(ph.secrets)) // secwString's
	var cur secwCursor
	cur.reset(file.Source)
	for _, r := range refs {
		v := r.S.Value
		i := strings.Index(v, "${{")
		if i < 0 || !secwMentions(v[i:]) {
			continue
		}
		out = secwString(file, r, out, &names, &cur)
	}
	if len(out) == 0 {
		return nil // as when nothing was made: the index of a file without one is nil
	}
	// Expressions are found string by string; order them by position, so that the first use
	// of a secret, the one reported, is the same on every run.
	slices.SortStableFunc(out, func(a, b secwExpr) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col))
	})
	return out
}

// secwSourceMay reports whether a file's source may hold a string whose value mentions the secrets
// context in a placeholder: it holds "${{" and the word secrets in any case. A double-quoted scalar
// may spell either with escapes (\x73, \u0024...) or split it with an escaped line break: a source
// that holds such an escape is always looked at.
func secwSourceMay(src []byte) bool {
	if bytes.Contains(src, []byte("${{")) && secwMentionsBytes(src) {
		return true
	}
	return secwJoinedMay(src)
}

// secwMentionsBytes is secwMentions for a source: "secrets" in any ASCII case. Each occurrence of
// its third letter is a candidate, all found in one pass (a "c" every few dozen bytes).
func secwMentionsBytes(src []byte) bool {
	if bytes.Contains(src, []byte("secrets")) {
		return true
	}
	var sc bytescan.Scanner
	for sc.Reset(secwThirdLetter, src); sc.Next(); {
		for m := sc.Hits; m != 0; m &= m - 1 {
			if i := sc.Base + bits.TrailingZeros64(m); i >= 2 && i+5 <= len(src) && tiFold(src[i-2:i+5], "secrets") {
				return true
			}
		}
	}
	return false
}

var secwThirdLetter = bytescan.New('c', 'C')

// secwJoinedMay reports whether the source holds an escape \x, \u or \U, or whether joining a line
// that ends with a backslash (an escaped line break of a double-quoted scalar) to the next line,
// without its indentation, may form "${{" or "secrets".
func secwJoinedMay(src []byte) bool {
	for off := 0; ; {
		i := bytes.IndexByte(src[off:], '\\')
		if i < 0 {
			return false
		}
		i += off
		off = i + 1
		var buf [16]byte
		code, join := tiEscapeAt(src, i, &buf)
		if code || join != nil && (bytes.Contains(join, []byte("${{")) || secwMentions(string(join))) {
			return true
		}
	}
}

// secwMentions reports whether s holds "secrets" in any ASCII case (the expression syntax is
// case-insensitive; its identifiers are ASCII).
func secwMentions(s string) bool {
	if strings.Contains(s, "secrets") {
		return true
	}
	for i := 0; i+7 <= len(s); i++ {
		if s[i]|0x20 == 's' && s[i+1]|0x20 == 'e' && s[i+2]|0x20 == 'c' && s[i+3]|0x20 == 'r' &&
			s[i+4]|0x20 == 'e' && s[i+5]|0x20 == 't' && s[i+6]|0x20 == 's' {
			return true
		}
	}
	return false
}

// secwString appends the secrets placeholders of one string. When no placeholder of the string
// holds a quote, where each ends is known without parsing (the first "}}": the lexer stops there
// or fails), and a placeholder that is exactly secrets.NAME needs no parse; otherwise the string's
// shared parse (File.ExprsOf) is used. Positions are found as File.Exprs finds them.
//
// The Names of the simple placeholders are cut from names, one growing array for the file's
// (each keeps its own, full: an append to it copies). Positions are converted by cur, which the
// file's strings share in source order.
func secwString(file *audit.File, r audit.StringRef, out []secwExpr, names *[]string, cur *secwCursor) []secwExpr {
	s := r.S
	v := s.Value
	type seg struct {
		start, end int
		name       string // secwSimpleName's
	}
	var segs []seg
	simple := true
	for off := 0; simple; {
		i := strings.Index(v[off:], "${{")
		if i < 0 {
			break
		}
		start := off + i
		end := len(v)
		if j := strings.Index(v[start+3:], "}}"); j >= 0 {
			end = start + 3 + j + 2
			if strings.IndexByte(v[start+3:end-2], '\'') >= 0 {
				simple = false
			}
		} else if strings.IndexByte(v[start+3:], '\'') >= 0 {
			simple = false
		}
		name := ""
		if simple && secwMentions(v[start:end]) {
			if name = secwSimpleName(v, start, end); name == "" {
				simple = false
			}
		}
		segs = append(segs, seg{start, end, name})
		off = end
	}
	if !simple {
		for _, e := range file.ExprsOf(s) {
			if e.Node == nil || !secwMentions(e.Raw) {
				continue
			}
			x := secwExpr{Raw: e.Raw, Line: e.Line, Col: e.Col, In: s, Job: r.Job,
				Names: secwSecretNames(e.Node), Expands: opsExpansions(e.Node), Leaks: ursLeaks(e.Node)}
			if len(x.Names)+len(x.Expands)+len(x.Leaks) > 0 {
				out = append(out, x)
			}
		}
		return out
	}
	// As File.locate: each placeholder is searched in the source from the end of the previous one.
	var start, limit, from int
	located := s.Pos != nil
	if located {
		start = cur.offset(s.Pos.Line, s.Pos.Col)
		limit = min(len(file.Source), start+len(v)+(strings.Count(v, "\n")+2)*256)
		from = start
	}
	for _, sg := range segs {
		raw := v[sg.start:sg.end]
		var line, col int
		if located && start >= 0 {
			if j := secwFind(file.Source[from:limit], raw); j >= 0 {
				line, col = cur.pos(from + j)
				from += j + len(raw)
			} else {
				line, col = s.Pos.Line, s.Pos.Col
				if !strings.Contains(v, "\n") && file.Line(s.Pos.Line) != "" {
					shift := 0
					if s.Quoted {
						shift = 1
					}
					col = s.Pos.Col + shift + utf8.RuneCountInString(v[:sg.start])
				}
			}
		} else if located {
			line, col = s.Pos.Line, s.Pos.Col
		}
		if name := sg.name; name != "" {
			*names = append(*names, strings.ToUpper(name))
			n := len(*names)
			out = append(out, secwExpr{Raw: raw, Line: line, Col: col, In: s, Job: r.Job, Names: (*names)[n-1 : n : n]})
		}
	}
	return out
}

// secwFind is bytes.Index(src, []byte(raw)) for a raw placeholder (it starts with "${{"),
// without the copy of raw that the conversion makes (on the heap past 32 bytes): each "${{" of
// src is compared with it.
func secwFind(src []byte, raw string) int {
	for off := 0; len(src)-off >= len(raw); off++ {
		i := bytes.Index(src[off:], []byte("${{"))
		if i < 0 {
			return -1
		}
		off += i
		if len(src)-off >= len(raw) && string(src[off:off+len(raw)]) == raw {
			return off
		}
	}
	return -1
}

// secwSimpleName returns NAME when v[start:end] is "${{ secrets.NAME }}" (any spacing, any case of
// secrets), which parses to secrets.NAME and nothing else; "" otherwise. The blanks are trimmed
// and the bytes classed by hand: strings.Trim builds its set of four bytes at each call, and
// a branch per class of byte mispredicted about once a name.
func secwSimpleName(v string, start, end int) string {
	if end-start < 5 || v[end-2:end] != "}}" {
		return ""
	}
	body := v[start+3 : end-2]
	for len(body) > 0 && secwBlank(body[0]) {
		body = body[1:]
	}
	for len(body) > 0 && secwBlank(body[len(body)-1]) {
		body = body[:len(body)-1]
	}
	// "secrets." in any case: a byte folds to a lower-case letter by |0x20 only from its two
	// cases; the dot is compared as is.
	if len(body) < 9 || body[7] != '.' || body[0]|0x20 != 's' || body[1]|0x20 != 'e' || body[2]|0x20 != 'c' ||
		body[3]|0x20 != 'r' || body[4]|0x20 != 'e' || body[5]|0x20 != 't' || body[6]|0x20 != 's' {
		return ""
	}
	name := body[8:]
	ok := secwNameClass[name[0]] >> 1 // 1 when it may start a name
	for i := 1; i < len(name); i++ {
		ok &= secwNameClass[name[i]] // 1 when it may follow
	}
	if ok == 0 {
		return ""
	}
	return name
}

func secwBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// secwNameClass classes the bytes of a secret's name: 3 for a letter or "_", which may start it
// or follow, 1 for a digit or "-", which may follow, 0 for the others.
var secwNameClass = func() (t [256]uint8) {
	for c := range 256 {
		switch {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_':
			t[c] = 3
		case '0' <= c && c <= '9' || c == '-':
			t[c] = 1
		}
	}
	return t
}()

// secwSecretNames returns the names of the secrets an expression reads as secrets.NAME or
// secrets['NAME'], upper-cased, in order of appearance.
func secwSecretNames(n actionlint.ExprNode) []string {
	var names []string
	actionlint.VisitExprNode(n, func(n, _ actionlint.ExprNode, entering bool) {
		if !entering {
			return
		}
		var recv actionlint.ExprNode
		var name string
		switch x := n.(type) {
		case *actionlint.ObjectDerefNode:
			recv, name = x.Receiver, x.Property
		case *actionlint.IndexAccessNode:
			s, ok := x.Index.(*actionlint.StringNode)
			if !ok {
				return
			}
			recv, name = x.Operand, s.Value
		default:
			return
		}
		if v, ok := recv.(*actionlint.VariableNode); ok && strings.EqualFold(v.Name, "secrets") {
			names = append(names, strings.ToUpper(name))
		}
	})
	return names
}

// secwIsSecrets reports whether n is the bare secrets context.
func secwIsSecrets(n actionlint.ExprNode) bool {
	v, ok := n.(*actionlint.VariableNode)
	return ok && strings.EqualFold(v.Name, "secrets")
}
