// Package docgen keeps the documentation in step with the code: docs/checks.md from the checks'
// inline docs, and the generated parts of README.md and docs/action.md (the checks table, the
// score, the demo scan, the example comments from the Action's golden files, and the copy-paste
// workflows of docs/action.md and docs/org.md). `go generate ./...` writes them; a test fails when
// a committed file differs from what Generate returns.
package docgen

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rampart-sec/rampart/checks"
	"github.com/rampart-sec/rampart/cli"
)

// Files are the generated files, relative to the repository root.
var Files = []string{"docs/checks.md", "docs/action.md", "README.md"}

// Generate returns the wanted contents of Files, read from and computed in the repository at root.
// The demo scan runs in root.
func Generate(root string) (map[string]string, error) {
	read := func(p string) (string, error) {
		b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(p)))
		return string(b), err
	}
	out := map[string]string{"docs/checks.md": checks.DocsMarkdown()}

	action, err := read("docs/action.md")
	if err != nil {
		return nil, err
	}
	for name, golden := range map[string]string{"comment-opened": "testdata/action/pr-opened.md", "comment-fixed": "testdata/action/pr-fixed.md"} {
		g, err := read(golden)
		if err != nil {
			return nil, err
		}
		if action, err = replace(action, "docs/action.md", name, g); err != nil {
			return nil, err
		}
	}
	out["docs/action.md"] = action

	org, err := read("docs/org.md")
	if err != nil {
		return nil, err
	}
	readme, err := read("README.md")
	if err != nil {
		return nil, err
	}
	demo, err := inDir(root, cli.DemoOutput)
	if err != nil {
		return nil, err
	}
	sections := []struct{ name, content string }{
		{"checks", checks.ReadmeChecksTable()},
		{"score", strings.Replace(audit.ScoreDoc(), "# How the score is computed\n\n", "", 1)},
		{"demo", demo},
		{"action-sarif", firstYAML(section(action, "## Code scanning (SARIF)"))},
		{"action-fork", yamlBlocks(section(action, "## Pull requests from forks"))},
		{"action-comment", between(action, "comment-opened")},
		{"org-workflow", firstYAML(section(org, "## A scheduled workflow"))},
	}
	for _, s := range sections {
		if readme, err = replace(readme, "README.md", s.name, s.content); err != nil {
			return nil, err
		}
	}
	out["README.md"] = readme
	return out, nil
}

// replace puts content between the lines `<!-- name:start -->` and `<!-- name:end -->` of doc.
func replace(doc, file, name, content string) (string, error) {
	start, end := "<!-- "+name+":start -->\n", "<!-- "+name+":end -->"
	i := strings.Index(doc, start)
	j := strings.Index(doc, end)
	if i < 0 || j < i {
		return doc, fmt.Errorf("%s has no %q markers", file, name)
	}
	if content != "" && !strings.HasSuffix(content, "\n") {
		content += "\n"
	}
	return doc[:i+len(start)] + content + doc[j:], nil
}

// between returns what stands between a pair of markers.
func between(doc, name string) string {
	start, end := "<!-- "+name+":start -->\n", "<!-- "+name+":end -->"
	i := strings.Index(doc, start)
	j := strings.Index(doc, end)
	if i < 0 || j < i {
		return ""
	}
	return doc[i+len(start) : j]
}

// section returns the text under a heading, up to the next heading of the same or a higher level.
func section(doc, heading string) string {
	i := strings.Index(doc, "\n"+heading+"\n")
	if i < 0 {
		return ""
	}
	rest := doc[i+1+len(heading)+1:]
	level := strings.Count(strings.Fields(heading)[0], "#")
	for off := 0; off < len(rest); {
		nl := strings.IndexByte(rest[off:], '\n')
		line := rest[off:]
		if nl >= 0 {
			line = rest[off : off+nl]
		}
		if strings.HasPrefix(line, "#") {
			if n := len(line) - len(strings.TrimLeft(line, "#")); n <= level && strings.HasPrefix(line[n:], " ") && !inFence(rest[:off]) {
				return rest[:off]
			}
		}
		if nl < 0 {
			break
		}
		off += nl + 1
	}
	return rest
}

func inFence(s string) bool { return strings.Count(s, "\n```")%2 == 1 }

// yamlBlocks returns the ```yaml blocks of a text, fences included.
func yamlBlocks(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "```yaml\n")
		if i < 0 {
			return b.String()
		}
		j := strings.Index(s[i+8:], "\n```")
		if j < 0 {
			return b.String()
		}
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString(s[i : i+8+j+4])
		b.WriteString("\n")
		s = s[i+8+j+4:]
	}
}

func firstYAML(s string) string {
	all := yamlBlocks(s)
	if i := strings.Index(all, "\n```\n"); i >= 0 {
		return all[:i+5]
	}
	return all
}

// inDir runs fn with the working directory set to dir.
func inDir(dir string, fn func() string) (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	if err := os.Chdir(dir); err != nil {
		return "", err
	}
	defer os.Chdir(wd)
	return fn(), nil
}
