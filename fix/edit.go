package fix

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"go.yaml.in/yaml/v4"
)

// Edit replaces the bytes [Start, End) of a file's source with Text. Text is written with "\n"
// line breaks; Apply turns them into the file's own ("\r\n" in a CRLF file).
type Edit struct {
	Start, End int
	Text       string
}

// Apply returns src with the edits made. Edits must not overlap; they may come in any order.
func Apply(src []byte, edits []Edit) ([]byte, error) {
	es := slices.Clone(edits)
	slices.SortStableFunc(es, func(a, b Edit) int { return a.Start - b.Start })
	eol := lineEnding(src)
	var out bytes.Buffer
	last := 0
	for _, e := range es {
		if e.Start < last || e.End < e.Start || e.End > len(src) {
			return nil, fmt.Errorf("overlapping or out-of-range edit at byte %d", e.Start)
		}
		out.Write(src[last:e.Start])
		out.WriteString(strings.ReplaceAll(e.Text, "\n", eol))
		last = e.End
	}
	out.Write(src[last:])
	return out.Bytes(), nil
}

// lineEnding is the file's line break: "\r\n" when most of its lines end so, else "\n".
func lineEnding(src []byte) string {
	crlf := bytes.Count(src, []byte("\r\n"))
	if crlf > 0 && crlf*2 >= bytes.Count(src, []byte("\n")) {
		return "\r\n"
	}
	return "\n"
}

// doc is a file's source with its YAML node tree, for finding where to edit.
type doc struct {
	file *audit.File
	root *yaml.Node // the top-level mapping; nil when the document is not one
	// unit is the file's indentation step (2 unless the jobs: mapping says otherwise).
	unit int
}

func parseDoc(f *audit.File) (*doc, error) {
	var n yaml.Node
	if err := yaml.Unmarshal(f.Source, &n); err != nil {
		return nil, fmt.Errorf("cannot parse YAML: %v", err)
	}
	d := &doc{file: f, unit: 2}
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 && n.Content[0].Kind == yaml.MappingNode {
		d.root = n.Content[0]
	}
	if d.root != nil && d.root.Style&yaml.FlowStyle == 0 {
		if _, jobs := mapGet(d.root, "jobs"); jobs != nil && jobs.Kind == yaml.MappingNode && len(jobs.Content) > 0 &&
			jobs.Style&yaml.FlowStyle == 0 {
			if u := jobs.Content[0].Column - d.root.Column; u > 0 && u <= 8 {
				d.unit = u
			}
		}
	}
	return d, nil
}

// mapGet returns the key and value nodes of a mapping's entry; nil, nil when absent.
func mapGet(m *yaml.Node, key string) (*yaml.Node, *yaml.Node) {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i], m.Content[i+1]
		}
	}
	return nil, nil
}

// offset is the byte offset of a node's first character.
func (d *doc) offset(n *yaml.Node) int { return d.file.Offset(n.Line, n.Column) }

// lineStart is the byte offset where a 1-based line starts.
func (d *doc) lineStart(line int) int { return d.file.Offset(line, 1) }

// lineEnd is the byte offset of a line's break ("\r\n" or "\n"), or the end of the file.
func (d *doc) lineEnd(line int) int {
	src := d.file.Source
	i := d.lineStart(line)
	if i < 0 {
		return len(src)
	}
	j := bytes.IndexByte(src[i:], '\n')
	if j < 0 {
		return len(src)
	}
	if j > 0 && src[i+j-1] == '\r' {
		j--
	}
	return i + j
}

// indentOf is the number of leading spaces of a line, and whether the line is blank or a comment.
func (d *doc) indentOf(line int) (n int, blankOrComment bool) {
	s := d.file.Line(line)
	t := strings.TrimLeft(s, " ")
	return len(s) - len(t), t == "" || strings.HasPrefix(t, "#")
}

// entryEnd is the last line of a block mapping entry whose key is at column keyCol on line
// keyLine: the last non-blank line before the first line indented no deeper than the key
// (a comment at the key's column or left of it belongs to what follows).
func (d *doc) entryEnd(keyLine, keyCol int) int {
	last := keyLine
	for l := keyLine + 1; l <= d.file.LineCount(); l++ {
		if strings.TrimSpace(d.file.Line(l)) == "" {
			continue
		}
		if ind, _ := d.indentOf(l); ind <= keyCol-1 {
			break
		}
		last = l
	}
	return last
}

// insertAfterLine inserts whole lines after a line; the file's final newline (or its absence)
// is kept.
func (d *doc) insertAfterLine(line int, lines ...string) Edit {
	at := d.lineEnd(line)
	return Edit{Start: at, End: at, Text: "\n" + strings.Join(lines, "\n")}
}

// insertBeforeLine inserts whole lines before a line.
func (d *doc) insertBeforeLine(line int, lines ...string) Edit {
	at := d.lineStart(line)
	return Edit{Start: at, End: at, Text: strings.Join(lines, "\n") + "\n"}
}

// flowEnd finds the closing bracket of a flow mapping or sequence that opens at off; -1 when
// the source does not look as expected.
func flowEnd(src []byte, off int) int {
	if off < 0 || off >= len(src) || (src[off] != '{' && src[off] != '[') {
		return -1
	}
	depth := 0
	for i := off; i < len(src); i++ {
		switch c := src[i]; c {
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i
			}
		case '"':
			for i++; i < len(src) && src[i] != '"'; i++ {
				if src[i] == '\\' {
					i++
				}
			}
		case '\'':
			for i++; i < len(src); i++ {
				if src[i] == '\'' {
					if i+1 < len(src) && src[i+1] == '\'' {
						i++
						continue
					}
					break
				}
			}
		case '#':
			if i > 0 && (src[i-1] == ' ' || src[i-1] == '\t') {
				for i < len(src) && src[i] != '\n' {
					i++
				}
			}
		}
	}
	return -1
}

// flowInsert adds "key: value" to the flow mapping that opens at off.
func flowInsert(src []byte, off int, entry string) (Edit, bool) {
	end := flowEnd(src, off)
	if end < 0 || src[off] != '{' {
		return Edit{}, false
	}
	inner := strings.TrimSpace(string(src[off+1 : end]))
	at := end
	for at > off+1 && (src[at-1] == ' ' || src[at-1] == '\t' || src[at-1] == '\n' || src[at-1] == '\r') {
		at--
	}
	switch {
	case inner == "":
		return Edit{Start: off + 1, End: end, Text: entry}, true
	case strings.HasSuffix(inner, ","):
		return Edit{Start: at, End: at, Text: " " + entry}, true
	}
	return Edit{Start: at, End: at, Text: ", " + entry}, true
}

// yamlScalar writes s as a YAML scalar that reads back as s: plain when that is safe, else
// single-quoted.
func yamlScalar(s string, flow bool) string {
	plain := s != "" && !strings.ContainsAny(s[:1], "!&*-?:,[]{}#|>@`\"'%") &&
		!strings.Contains(s, ": ") && !strings.Contains(s, " #") && !strings.HasSuffix(s, ":") &&
		strings.TrimSpace(s) == s && !strings.ContainsAny(s, "\n\t")
	if plain && flow && strings.ContainsAny(s, ",[]{}") {
		plain = false
	}
	if plain {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
