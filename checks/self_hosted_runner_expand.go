package checks

import (
	"encoding/json"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// shrExpand lists the strings a runs-on expression can produce: its string literals and the
// values of the matrix properties it reads; known is false when it reads anything else
// (inputs, vars, fromJSON of an output) or a matrix property without literal values.
func shrExpand(j *actionlint.Job, v string) (values []string, known bool) {
	known = true
	for rest := v; ; {
		i := strings.Index(rest, "${{")
		if i < 0 {
			break
		}
		body := rest[i+3:]
		end := strings.Index(body, "}}")
		if end < 0 {
			return values, false
		}
		rest = body[end+2:]
		var buf [4]string // most chains have two names ("matrix.os"): no allocation for them
		if chain, ok := shrPropertyChain(body[:end], buf[:0]); ok {
			vs, ok := shrChainValues(j, chain)
			if values == nil {
				values = vs // the first (most often the only) expression's values, not a copy
			} else {
				values = append(values, vs...)
			}
			known = known && ok
			continue
		}
		node, err := actionlint.NewExprParser().Parse(actionlint.NewExprLexer(body[:end] + "}}"))
		if err != nil {
			known = false
			continue
		}
		vs, ok := shrProduce(j, node)
		values = append(values, vs...)
		known = known && ok
	}
	return values, known
}

// shrPropertyChain reads the most common runs-on expression, a plain property chain such as
// " matrix.os " (the text between "${{" and "}}"), without actionlint's lexer, which allocates a
// kilobyte per parse. It returns the chain's names as written, appended to chain (an empty
// buffer), or ok false for anything else (calls, operators, literals, index accesses), which is
// left to the parser. Names are lexed as actionlint lexes identifiers: a letter or "_", then
// letters, digits, "_" and "-".
func shrPropertyChain(text string, chain []string) ([]string, bool) {
	i := 0
	for i < len(text) && ucBlank(text[i]) {
		i++
	}
	for {
		start := i
		if i >= len(text) || !(shrIdentStart(text[i])) {
			return nil, false
		}
		for i++; i < len(text) && (shrIdentStart(text[i]) || '0' <= text[i] && text[i] <= '9' || text[i] == '-'); i++ {
		}
		chain = append(chain, text[start:i])
		if i >= len(text) || text[i] != '.' {
			break
		}
		i++
	}
	for i < len(text) && ucBlank(text[i]) {
		i++
	}
	if i != len(text) {
		return nil, false
	}
	switch strings.ToLower(chain[0]) {
	case "true", "false", "null":
		return nil, false // literals, not variables: left to the parser
	}
	return chain, true
}

func shrIdentStart(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' }

// shrChainValues is shrProduce of a plain property chain: the values of a matrix property
// ("matrix.os", "matrix.cfg.runner"), and unknown for any other context (a bare "matrix" too).
func shrChainValues(j *actionlint.Job, chain []string) ([]string, bool) {
	if len(chain) < 2 || !strings.EqualFold(chain[0], "matrix") {
		return nil, false
	}
	rest := make([]string, len(chain)-2)
	for i, p := range chain[2:] {
		rest[i] = strings.ToLower(p)
	}
	return shrMatrixValues(j, strings.ToLower(chain[1]), rest)
}

// shrProduce lists the values an expression can evaluate to: string literals in value position
// (the operands of "cond && 'a' || 'b'") and matrix properties; known is false when a value comes
// from anything else.
func shrProduce(j *actionlint.Job, n actionlint.ExprNode) ([]string, bool) {
	switch x := n.(type) {
	case *actionlint.StringNode:
		return []string{x.Value}, true
	case *actionlint.LogicalOpNode:
		r, rok := shrProduce(j, x.Right)
		if x.Kind == actionlint.LogicalOpNodeKindAnd {
			return r, rok
		}
		l, lok := shrProduce(j, x.Left)
		return append(l, r...), lok && rok
	case *actionlint.ObjectDerefNode, *actionlint.IndexAccessNode:
		if p, ok := audit.ExprPath(n); ok && strings.HasPrefix(p, "matrix.") {
			segs := strings.Split(p, ".")[1:]
			return shrMatrixValues(j, segs[0], segs[1:])
		}
	case *actionlint.FuncCallNode:
		if lit, ok := shrOnlyArg(x).(*actionlint.StringNode); ok && strings.EqualFold(x.Callee, "fromJSON") {
			var list []string
			if json.Unmarshal([]byte(lit.Value), &list) == nil {
				return list, true
			}
			var one string
			err := json.Unmarshal([]byte(lit.Value), &one)
			return []string{one}, err == nil
		}
	case *actionlint.CompareOpNode, *actionlint.NotOpNode, *actionlint.BoolNode:
		return nil, true // a boolean is not a label
	}
	return nil, false
}

func shrOnlyArg(f *actionlint.FuncCallNode) actionlint.ExprNode {
	if len(f.Args) == 1 {
		return f.Args[0]
	}
	return nil
}

// shrMatrixValues returns the literal strings a matrix property takes (flattening lists of labels).
func shrMatrixValues(j *actionlint.Job, prop string, rest []string) ([]string, bool) {
	if j.Strategy == nil || j.Strategy.Matrix == nil || j.Strategy.Matrix.Expression != nil {
		return nil, false
	}
	m := j.Strategy.Matrix
	if m.Include != nil && m.Include.Expression != nil {
		return nil, false
	}
	// The rows' values and the include: entries' are walked in that order; a property that a row
	// gives as an expression is unknown (walking has no effect but on w, which is then dropped).
	var w shrMatrixWalk
	var excluded map[string]bool
	for name, row := range m.Rows {
		if !strings.EqualFold(name, prop) || row == nil {
			continue
		}
		if row.Expression != nil {
			return nil, false
		}
		if !w.found {
			w.found = true
			w.out = make([]string, 0, len(row.Values)+1)
			// A row value that an exclude: entry of that key alone removes never runs (include:
			// entries, applied after the excludes, can still bring it back: they are added below).
			excluded = shrExcluded(m, prop)
		}
		for _, r := range row.Values {
			if len(rest) == 0 {
				if str, ok := r.(*actionlint.RawYAMLString); ok && excluded[str.Value] {
					continue
				}
			}
			w.walk(r, rest)
		}
	}
	if m.Include != nil {
		for _, c := range m.Include.Combinations {
			if c == nil || c.Expression != nil {
				continue
			}
			for name, a := range c.Assigns {
				if strings.EqualFold(name, prop) && a != nil {
					w.found = true
					w.walk(a.Value, rest)
				}
			}
		}
	}
	return w.out, w.found && !w.unknown
}

// shrMatrixWalk collects the literal strings of matrix values for shrMatrixValues.
type shrMatrixWalk struct {
	out            []string
	found, unknown bool
}

// walk adds the strings of r at path (a "*" steps into a list) to out; a value that is not a
// literal string, or an object where the path ends, is unknown.
func (w *shrMatrixWalk) walk(r actionlint.RawYAMLValue, path []string) {
	switch x := r.(type) {
	case *actionlint.RawYAMLString:
		if len(path) > 0 || strings.Contains(x.Value, "${{") {
			w.unknown = true
			return
		}
		w.out = append(w.out, x.Value)
	case *actionlint.RawYAMLArray:
		if len(path) > 0 && path[0] == "*" {
			path = path[1:]
		}
		for _, e := range x.Elems {
			w.walk(e, path)
		}
	case *actionlint.RawYAMLObject:
		if len(path) == 0 {
			w.unknown = true
			return
		}
		for k, e := range x.Props {
			if strings.EqualFold(k, path[0]) {
				w.walk(e, path[1:])
			}
		}
	}
}

// shrExcluded lists the values of a matrix key that an exclude: entry naming that key alone
// removes from every combination.
func shrExcluded(m *actionlint.Matrix, prop string) map[string]bool {
	if m.Exclude == nil || m.Exclude.Expression != nil {
		return nil
	}
	var out map[string]bool
	for _, c := range m.Exclude.Combinations {
		if c == nil || c.Expression != nil || len(c.Assigns) != 1 {
			continue
		}
		for name, a := range c.Assigns {
			if a == nil || !strings.EqualFold(name, prop) {
				continue
			}
			if str, ok := a.Value.(*actionlint.RawYAMLString); ok && !strings.Contains(str.Value, "${{") {
				if out == nil {
					out = map[string]bool{}
				}
				out[str.Value] = true
			}
		}
	}
	return out
}
