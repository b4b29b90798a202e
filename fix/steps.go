package fix

import (
	"strings"

	"go.yaml.in/yaml/v4"
)

// stepNode is one step's mapping in the YAML tree, with the job around it.
type stepNode struct {
	// job is the job's mapping; nil in a composite action.
	job  *yaml.Node
	node *yaml.Node
	// seq is the steps: sequence the step belongs to.
	seq *yaml.Node
}

// steps lists the step mappings of a workflow's jobs or a composite action's runs.
func (d *doc) steps() []stepNode {
	var out []stepNode
	add := func(job, seq *yaml.Node) {
		if seq == nil || seq.Kind != yaml.SequenceNode {
			return
		}
		for _, s := range seq.Content {
			if s.Kind == yaml.MappingNode {
				out = append(out, stepNode{job: job, node: s, seq: seq})
			}
		}
	}
	if _, jobs := mapGet(d.root, "jobs"); jobs != nil && jobs.Kind == yaml.MappingNode {
		for i := 1; i < len(jobs.Content); i += 2 {
			_, seq := mapGet(jobs.Content[i], "steps")
			add(jobs.Content[i], seq)
		}
	}
	if _, runs := mapGet(d.root, "runs"); runs != nil {
		_, seq := mapGet(runs, "steps")
		add(nil, seq)
	}
	return out
}

// stepWith returns the step whose key's value node stands at line:col.
func (d *doc) stepWith(key string, line, col int) (stepNode, *yaml.Node, bool) {
	for _, s := range d.steps() {
		if _, v := mapGet(s.node, key); v != nil && v.Line == line && v.Column == col {
			return s, v, true
		}
	}
	return stepNode{}, nil, false
}

// block reports whether a node is written in block style.
func block(n *yaml.Node) bool { return n != nil && n.Style&yaml.FlowStyle == 0 }

// keyCol is the column of a block mapping's keys.
func keyCol(m *yaml.Node) int {
	if len(m.Content) > 0 {
		return m.Content[0].Column
	}
	return m.Column
}

// onOwnLine reports whether a mapping key starts its line (it does not follow "- ").
func (d *doc) onOwnLine(k *yaml.Node) bool {
	return strings.TrimSpace(d.file.Line(k.Line)[:d.file.Offset(k.Line, k.Column)-d.lineStart(k.Line)]) == ""
}

// singleLine reports whether a scalar value is written on its key's line, so the entry ends there.
func singleLine(k, v *yaml.Node) bool {
	return v.Kind == yaml.ScalarNode && v.Line == k.Line &&
		v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) == 0 && !strings.Contains(v.Value, "\n")
}

// addEntries adds key: value lines to a block mapping, after its last entry when that entry is
// one line, else before its first. The lines are indented like the mapping's keys.
func (d *doc) addEntries(m *yaml.Node, lines []string) (Edit, bool) {
	if len(m.Content) < 2 || !block(m) {
		return Edit{}, false
	}
	col := keyCol(m)
	ind := strings.Repeat(" ", col-1)
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = ind + l
	}
	lk, lv := m.Content[len(m.Content)-2], m.Content[len(m.Content)-1]
	if singleLine(lk, lv) && d.onOwnLine(lk) {
		return d.insertAfterLine(lk.Line, out...), true
	}
	first := m.Content[0]
	if !d.onOwnLine(first) {
		return Edit{}, false
	}
	return d.insertBeforeLine(first.Line, out...), true
}

// setIn adds entries to the mapping under key of a block step mapping, creating the key when it
// is absent. The new key goes after the entry afterKey (or at the end of the step).
func (d *doc) setIn(step *yaml.Node, key string, entries []string, flowEntries []string, afterKey string) (Edit, string) {
	if !block(step) {
		return Edit{}, "the step is written in flow style"
	}
	k, v := mapGet(step, key)
	switch {
	case k == nil:
		col := keyCol(step)
		ind := strings.Repeat(" ", col-1)
		lines := []string{ind + key + ":"}
		for _, e := range entries {
			lines = append(lines, ind+strings.Repeat(" ", d.unit)+e)
		}
		if ak, av := mapGet(step, afterKey); ak != nil && singleLine(ak, av) {
			return d.insertAfterLine(ak.Line, lines...), ""
		}
		lk := step.Content[len(step.Content)-2]
		return d.insertAfterLine(d.entryEnd(lk.Line, lk.Column), lines...), ""
	case v.Kind == yaml.MappingNode && block(v):
		if e, ok := d.addEntries(v, entries); ok {
			return e, ""
		}
		return Edit{}, "its " + key + ": block is laid out in a way rampart does not edit"
	case v.Kind == yaml.MappingNode:
		if e, ok := flowInsert(d.file.Source, d.offset(v), strings.Join(flowEntries, ", ")); ok {
			return e, ""
		}
		return Edit{}, "its flow-style " + key + ": mapping could not be edited"
	case v.Kind == yaml.ScalarNode && v.Tag == "!!null" && v.Value == "":
		ind := strings.Repeat(" ", k.Column-1+d.unit)
		lines := make([]string, len(entries))
		for i, e := range entries {
			lines[i] = ind + e
		}
		return d.insertAfterLine(k.Line, lines...), ""
	}
	return Edit{}, "its " + key + ": is not a mapping"
}
