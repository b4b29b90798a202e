package checks

import (
	"reflect"
	"sort"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// secwStringType is the type of the syntax tree's string values.
var secwStringType = reflect.TypeFor[*actionlint.String]()

// secwEachString calls fn for every string value below v (a workflow, a job, a step...), walking
// the syntax tree by reflection so that no field (env, with, container, outputs...) is missed.
func secwEachString(v any, fn func(*actionlint.String)) {
	secwWalk(reflect.ValueOf(v), fn, 0)
}

func secwWalk(v reflect.Value, fn func(*actionlint.String), depth int) {
	if !v.IsValid() || depth > 64 {
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return
		}
		if v.Type() == secwStringType {
			fn(v.Interface().(*actionlint.String))
			return
		}
		secwWalk(v.Elem(), fn, depth+1)
	case reflect.Interface:
		if !v.IsNil() {
			secwWalk(v.Elem(), fn, depth+1)
		}
	case reflect.Struct:
		t := v.Type()
		for i := range v.NumField() {
			if t.Field(i).IsExported() {
				secwWalk(v.Field(i), fn, depth+1)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			secwWalk(v.Index(i), fn, depth+1)
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			secwWalk(it.Value(), fn, depth+1)
		}
	}
}

// secwExpr is one ${{ }} placeholder of a file with the string it stands in.
type secwExpr struct {
	audit.Expr
	In *actionlint.String
}

// secwExprs returns every parsed ${{ }} placeholder in the strings below v.
func secwExprs(file *audit.File, v any) []secwExpr {
	var out []secwExpr
	secwEachString(v, func(s *actionlint.String) {
		for _, e := range file.Exprs(s) {
			if e.Node != nil {
				out = append(out, secwExpr{Expr: e, In: s})
			}
		}
	})
	// Maps (env:, with:) are walked in random order: sort, so that the first use of a secret,
	// the one reported, is the same on every run.
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Line != out[j].Line {
			return out[i].Line < out[j].Line
		}
		return out[i].Col < out[j].Col
	})
	return out
}

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
