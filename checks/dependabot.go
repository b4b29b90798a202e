package checks

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
	"go.yaml.in/yaml/v4"
)

// dbUpdate is one entry of a dependabot.yml's updates: list.
type dbUpdate struct {
	// Node is the entry's mapping.
	Node *yaml.Node
	// Ecosystem is its package-ecosystem value; EcosystemNode is that value's node (the entry's
	// own node when it has none).
	Ecosystem     string
	EcosystemNode *yaml.Node
	// Directory is its directory, or its directories joined with ", ".
	Directory string
}

// Label names the entry for messages: `updates entry "npm" (directory "/")`.
func (u dbUpdate) Label() string {
	eco := u.Ecosystem
	if eco == "" {
		eco = "?"
	}
	if u.Directory == "" {
		return fmt.Sprintf("updates entry %q", eco)
	}
	return fmt.Sprintf("updates entry %q (directory %q)", eco, u.Directory)
}

// Key is a fingerprint key for the entry, without line numbers.
func (u dbUpdate) Key(extra string) string {
	return strings.TrimSpace("dependabot " + u.Ecosystem + " " + u.Directory + " " + extra)
}

// dbUpdates lists the entries of a dependabot.yml's updates:, in file order.
func dbUpdates(f *audit.File) []dbUpdate {
	if f == nil || f.YAML == nil || len(f.YAML.Content) == 0 {
		return nil
	}
	_, list := dbGet(f.YAML.Content[0], "updates")
	if list == nil || list.Kind != yaml.SequenceNode {
		return nil
	}
	var out []dbUpdate
	for _, n := range list.Content {
		n = dbDeref(n)
		if n.Kind != yaml.MappingNode {
			continue
		}
		u := dbUpdate{Node: n, EcosystemNode: n}
		if _, v := dbGet(n, "package-ecosystem"); v != nil && v.Kind == yaml.ScalarNode {
			u.Ecosystem, u.EcosystemNode = v.Value, v
		}
		if _, v := dbGet(n, "directory"); v != nil && v.Kind == yaml.ScalarNode {
			u.Directory = v.Value
		} else if _, v := dbGet(n, "directories"); v != nil && v.Kind == yaml.SequenceNode {
			var dirs []string
			for _, d := range v.Content {
				if d = dbDeref(d); d.Kind == yaml.ScalarNode {
					dirs = append(dirs, d.Value)
				}
			}
			u.Directory = strings.Join(dirs, ", ")
		}
		out = append(out, u)
	}
	return out
}

// dbDeref follows aliases to the node they name.
func dbDeref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && n.Alias != nil && i < 64; i++ {
		n = n.Alias
	}
	return n
}

// dbGet returns the key and value nodes of key in a mapping, following aliases and `<<:` merge
// keys (a key of the mapping itself wins over a merged one); nil, nil when absent.
func dbGet(m *yaml.Node, key string) (k, v *yaml.Node) {
	return dbGetDepth(m, key, 0)
}

func dbGetDepth(m *yaml.Node, key string, depth int) (k, v *yaml.Node) {
	m = dbDeref(m)
	if m == nil || m.Kind != yaml.MappingNode || depth > 16 {
		return nil, nil
	}
	var merges []*yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		kn, vn := m.Content[i], m.Content[i+1]
		if kn.Value == key {
			return kn, dbDeref(vn)
		}
		if kn.Value == "<<" && kn.Tag != "!!str" {
			merges = append(merges, vn)
		}
	}
	for _, mv := range merges {
		mv = dbDeref(mv)
		srcs := []*yaml.Node{mv}
		if mv.Kind == yaml.SequenceNode {
			srcs = mv.Content
		}
		for _, src := range srcs {
			if k, v := dbGetDepth(src, key, depth+1); k != nil {
				return k, v
			}
		}
	}
	return nil, nil
}

// dbInt reads an integer scalar.
func dbInt(n *yaml.Node) (int, bool) {
	if n == nil || n.Kind != yaml.ScalarNode {
		return 0, false
	}
	i, err := strconv.Atoi(strings.TrimSpace(n.Value))
	return i, err == nil
}

// dbPos is a node's position for Reportf.
func dbPos(n *yaml.Node) *actionlint.Pos { return audit.At(n.Line, n.Column) }
