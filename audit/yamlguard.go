package audit

import (
	"bytes"

	"go.yaml.in/yaml/v4"
)

// maxAliasNodes caps how many nodes a YAML document may expand to through aliases
// (a "billion laughs" document expands exponentially).
const maxAliasNodes = 200_000

// aliasExpansion counts the nodes of a document with every alias expanded, stopping past limit.
func aliasExpansion(root *yaml.Node, limit int) int {
	memo := map[*yaml.Node]int{}
	var count func(n *yaml.Node, depth int) int
	count = func(n *yaml.Node, depth int) int {
		if n == nil {
			return 0
		}
		if depth > 1000 {
			return limit + 1
		}
		if v, ok := memo[n]; ok {
			return v
		}
		memo[n] = limit + 1 // a cycle counts as too much
		total := 1
		if n.Kind == yaml.AliasNode {
			total += count(n.Alias, depth+1)
		}
		for _, c := range n.Content {
			total += count(c, depth+1)
			if total > limit {
				break
			}
		}
		memo[n] = total
		return total
	}
	return count(root, 0)
}

// mayHaveAnchors is mayHaveAnchors of the file's source, worked out once (when it is parsed).
func (f *File) mayHaveAnchors() bool {
	if f.anchors == 0 {
		f.anchors = 1
		if mayHaveAnchors(f.Source) {
			f.anchors = 2
		}
	}
	return f.anchors == 2
}

// mayHaveAnchors is a cheap test for a YAML anchor ("&name" after a space, "-", ":" or "[").
func mayHaveAnchors(b []byte) bool {
	for off := 1; off < len(b); {
		j := bytes.IndexByte(b[off:], '&')
		if j < 0 {
			return false
		}
		i := off + j
		off = i + 1
		if i+1 >= len(b) {
			return false
		}
		prev, next := b[i-1], b[i+1]
		if (prev == ' ' || prev == '\t' || prev == '-' || prev == ':' || prev == '[' || prev == ',' || prev == '\n') &&
			(next >= 'a' && next <= 'z' || next >= 'A' && next <= 'Z' || next >= '0' && next <= '9' || next == '_' || next == '-') {
			return true
		}
	}
	return false
}
