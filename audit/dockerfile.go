package audit

import (
	"bytes"
	"path"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// isDockerfile tells a Dockerfile by its name: Dockerfile, Dockerfile.*, *.Dockerfile, *.dockerfile.
// A Dockerfile.* whose extension says it is something else (Dockerfile.md, dockerfile.txtar) is not one.
func isDockerfile(base string) bool {
	lower := strings.ToLower(base)
	if lower == "dockerfile" || strings.HasSuffix(lower, ".dockerfile") {
		return true
	}
	if !strings.HasPrefix(lower, "dockerfile.") {
		return false
	}
	switch path.Ext(lower) {
	case ".md", ".txt", ".txtar", ".yml", ".yaml", ".json", ".sh", ".ps1", ".py", ".go", ".orig", ".bak", ".swp", ".dockerignore", ".lock":
		return false
	}
	return true
}

// parseDockerfile reads a Dockerfile's instructions with BuildKit's own parser.
func (f *File) parseDockerfile() []FileError {
	res, err := parser.Parse(bytes.NewReader(f.Source))
	if err != nil {
		return []FileError{{Line: 1, Column: 1, Message: "not audited: invalid Dockerfile: " + err.Error()}}
	}
	f.Dockerfile = []DockerInstruction{}
	for _, n := range res.AST.Children {
		var args []string
		args = append(args, n.Flags...)
		for a := n.Next; a != nil; a = a.Next {
			args = append(args, a.Value)
		}
		f.Dockerfile = append(f.Dockerfile, DockerInstruction{Cmd: strings.ToUpper(n.Value), Args: strings.Join(args, " "), Line: n.StartLine})
	}
	return nil
}

func dockerfilePath(p string) bool { return isDockerfile(path.Base(p)) }
