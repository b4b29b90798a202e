package audit

import (
	"bytes"
	"slices"

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

// mayHaveAnchors is a cheap test for a YAML anchor: "&" after a space, a line break, "-", ":" or a
// flow indicator, and before a byte an anchor's name may start with (any printable byte but a
// blank and a flow indicator, as go.yaml.in/yaml reads names). A name that starts with "&" or ">"
// is shell text far more often ("&&" between commands, "&>" redirecting): it counts only when an
// alias of it ("*" and the name) stands in the text too.
func mayHaveAnchors(b []byte) bool {
	var searched [][]byte // names starting with & or > whose alias was looked for
	for off := 1; off < len(b); {
		j := bytes.IndexByte(b[off:], '&')
		if j < 0 {
			return false
		}
		i := off + j
		off = i + 1
		if i+1 >= len(b) || !anchorAfter(b[i-1]) || !anchorNameStart(b[i+1]) {
			continue
		}
		if c := b[i+1]; c != '&' && c != '>' {
			return true
		}
		k := i + 1
		for k < len(b) && anchorNameStart(b[k]) {
			k++
		}
		name := b[i:k:k] // "&" and the name
		if slices.ContainsFunc(searched, func(n []byte) bool { return bytes.Equal(n, name) }) {
			continue
		}
		searched = append(searched, name)
		alias := append([]byte{'*'}, name[1:]...)
		if bytes.Contains(b, alias) {
			return true
		}
	}
	return false
}

// anchorAfter reports whether a node's properties (an anchor) may follow the byte c.
func anchorAfter(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', '-', ':', '[', '{', ',':
		return true
	}
	return false
}

// anchorNameStart reports whether an anchor's name may hold c: any printable byte but blanks and
// flow indicators.
func anchorNameStart(c byte) bool {
	switch c {
	case ',', '[', ']', '{', '}':
		return false
	}
	return c > ' ' && c != 0x7f
}
