package bench

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// CorpusFile is one YAML file of the corpus.
type CorpusFile struct {
	Path   string // slash path relative to its repository folder
	Abs    string
	Action bool // an action.yml, which the engine parses itself; every other file is a workflow
}

// ListCorpus lists the repository folders of the corpus in dir (sorted) and their YAML files
// (MANIFEST.tsv and the like aside), with the files' total size.
func ListCorpus(dir string) (repos []string, files []CorpusFile, size int64, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, 0, err
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		repo := filepath.Join(dir, e.Name())
		repos = append(repos, repo)
		err := filepath.WalkDir(repo, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			name := d.Name()
			if !strings.HasSuffix(name, ".yml") && !strings.HasSuffix(name, ".yaml") {
				return nil
			}
			rel, err := filepath.Rel(repo, p)
			if err != nil {
				return err
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			size += info.Size()
			files = append(files, CorpusFile{Path: filepath.ToSlash(rel), Abs: p,
				Action: name == "action.yml" || name == "action.yaml"})
			return nil
		})
		if err != nil {
			return nil, nil, 0, err
		}
	}
	slices.Sort(repos)
	return repos, files, size, nil
}

// ParsePass is one parse-only pass, the floor of the speed target: every file read and parsed,
// with actionlint.Parse for workflows and the engine's own loader for action.yml files.
func ParsePass(files []CorpusFile) error {
	for _, f := range files {
		src, err := os.ReadFile(f.Abs)
		if err != nil {
			return err
		}
		if f.Action {
			(&audit.Target{}).AddSource(f.Path, src)
			continue
		}
		actionlint.Parse(src)
	}
	return nil
}
