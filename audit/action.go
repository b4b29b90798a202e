package audit

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/rhysd/actionlint"
	"go.yaml.in/yaml/v4"
)

// parseAction walks an action.yml document into an Action. Composite steps become actionlint
// Steps with source positions, so that checks read workflow and action steps alike.
func parseAction(doc *yaml.Node) (*Action, []FileError) {
	w := &actionWalker{}
	root := doc
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	if root.Kind != yaml.MappingNode {
		return nil, []FileError{{Line: root.Line, Column: root.Column, Message: "action metadata must be a mapping"}}
	}
	a := &Action{Inputs: map[string]*ActionInput{}}
	w.mapping(root, func(key, val *yaml.Node) {
		switch key.Value {
		case "name":
			a.Name = str(val)
		case "inputs":
			w.mapping(val, func(k, v *yaml.Node) {
				in := &ActionInput{Name: str(k)}
				w.mapping(v, func(k2, v2 *yaml.Node) {
					if k2.Value == "default" {
						in.Default = str(v2)
					}
				})
				a.Inputs[strings.ToLower(k.Value)] = in
			})
		case "runs":
			a.Runs = w.runs(key, val)
		}
	})
	if a.Runs == nil {
		w.errorf(root, "action metadata has no \"runs\" section")
	}
	return a, w.errs
}

type actionWalker struct{ errs []FileError }

func (w *actionWalker) errorf(n *yaml.Node, format string, args ...any) {
	w.errs = append(w.errs, FileError{Line: n.Line, Column: n.Column, Message: fmt.Sprintf(format, args...)})
}

// mapping calls f for each key and value of a mapping node; anything else is an error.
func (w *actionWalker) mapping(n *yaml.Node, f func(key, val *yaml.Node)) {
	n = deref(n)
	if n.Kind == yaml.ScalarNode && (n.Tag == "!!null" || n.Value == "") {
		return
	}
	if n.Kind != yaml.MappingNode {
		w.errorf(n, "expected a mapping, found a %s", kindName(n.Kind))
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		f(deref(n.Content[i]), deref(n.Content[i+1]))
	}
}

func (w *actionWalker) runs(key, n *yaml.Node) *ActionRuns {
	r := &ActionRuns{Pos: pos(key)}
	w.mapping(n, func(k, v *yaml.Node) {
		switch k.Value {
		case "using":
			r.Using = str(v)
		case "image":
			r.Image = str(v)
		case "main":
			r.Main = str(v)
		case "pre":
			r.Pre = str(v)
		case "post":
			r.Post = str(v)
		case "env":
			r.Env = w.env(v)
		case "steps":
			if v.Kind != yaml.SequenceNode {
				w.errorf(v, "\"steps\" must be a sequence")
				return
			}
			for _, s := range v.Content {
				if st := w.step(deref(s)); st != nil {
					r.Steps = append(r.Steps, st)
				}
			}
		}
	})
	return r
}

func (w *actionWalker) step(n *yaml.Node) *actionlint.Step {
	if n.Kind != yaml.MappingNode {
		w.errorf(n, "a step must be a mapping")
		return nil
	}
	st := &actionlint.Step{Pos: pos(n)}
	var run *actionlint.ExecRun
	var act *actionlint.ExecAction
	w.mapping(n, func(k, v *yaml.Node) {
		switch k.Value {
		case "id":
			st.ID = str(v)
		case "if":
			st.If = str(v)
		case "name":
			st.Name = str(v)
		case "env":
			st.Env = w.env(v)
		case "continue-on-error":
			b, err := strconv.ParseBool(v.Value)
			st.ContinueOnError = &actionlint.Bool{Value: err == nil && b, Pos: pos(v)}
			if err != nil {
				st.ContinueOnError.Expression = str(v)
			}
		case "run":
			if run == nil {
				run = &actionlint.ExecRun{}
			}
			run.Run, run.RunPos = str(v), pos(k)
		case "shell":
			if run == nil {
				run = &actionlint.ExecRun{}
			}
			run.Shell = str(v)
		case "working-directory":
			if run == nil {
				run = &actionlint.ExecRun{}
			}
			run.WorkingDirectory = str(v)
		case "uses":
			if act == nil {
				act = &actionlint.ExecAction{Inputs: map[string]*actionlint.Input{}}
			}
			act.Uses = str(v)
		case "with":
			if act == nil {
				act = &actionlint.ExecAction{Inputs: map[string]*actionlint.Input{}}
			}
			w.mapping(v, func(k2, v2 *yaml.Node) {
				in := &actionlint.Input{Name: str(k2), Value: str(v2)}
				switch strings.ToLower(k2.Value) {
				case "entrypoint":
					act.Entrypoint = in.Value
				case "args":
					act.Args = in.Value
				default:
					act.Inputs[strings.ToLower(k2.Value)] = in
				}
			})
		}
	})
	switch {
	case run != nil && act != nil && act.Uses != nil:
		w.errorf(n, "a step cannot have both \"run\" and \"uses\"")
		st.Exec = act
	case act != nil && act.Uses != nil:
		st.Exec = act
	case run != nil && run.Run != nil:
		st.Exec = run
	default:
		w.errorf(n, "a step needs \"run\" or \"uses\"")
		return nil
	}
	return st
}

func (w *actionWalker) env(n *yaml.Node) *actionlint.Env {
	if n.Kind == yaml.ScalarNode {
		return &actionlint.Env{Expression: str(n)}
	}
	e := &actionlint.Env{Vars: map[string]*actionlint.EnvVar{}}
	w.mapping(n, func(k, v *yaml.Node) {
		e.Vars[strings.ToLower(k.Value)] = &actionlint.EnvVar{Name: str(k), Value: str(v)}
	})
	return e
}

func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 64; i++ {
		n = n.Alias
	}
	return n
}

func pos(n *yaml.Node) *actionlint.Pos { return &actionlint.Pos{Line: n.Line, Col: n.Column} }

// str converts a scalar node to an actionlint String; a non-scalar keeps only its position.
func str(n *yaml.Node) *actionlint.String {
	quoted := n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0
	v := n.Value
	if n.Kind != yaml.ScalarNode {
		v = ""
	}
	return &actionlint.String{Value: v, Quoted: quoted, Pos: pos(n)}
}

func kindName(k yaml.Kind) string {
	switch k {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "sequence"
	case yaml.ScalarNode:
		return "scalar"
	case yaml.AliasNode:
		return "alias"
	}
	return "document"
}
