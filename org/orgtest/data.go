package orgtest

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
)

// Repo is one repository of the synthetic organization.
type Repo struct {
	Name          string // without the owner
	Index         int
	Archived      bool
	Fork          bool
	Empty         bool
	Visibility    string // PUBLIC, PRIVATE, INTERNAL
	Topics        []string
	DefaultBranch string
	Branches      []string
	// Files maps a path on the default branch to its content.
	Files map[string]string
	// Truncated and Binary paths: GraphQL gives no usable text, REST has the blob.
	Truncated, Binary map[string]bool
	// Classic is a classic protection rule on the default branch; Ruleset a ruleset's rules on it.
	Classic, Ruleset bool
	AllowedActions   string // "all" or "selected"
	WorkflowPerms    string // "read" or "write"
	ForkApproval     string
}

// corpus is the pool synthetic files are drawn from.
type corpus struct {
	workflows []string
	names     []string
	actions   []string
}

var corpusCache struct {
	dir string
	c   *corpus
}

// CorpusDir is ../shared/corpus/real beside the repository, or "" when it is missing.
func CorpusDir() string {
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	d := filepath.Join(root, "..", "shared", "corpus", "real")
	if st, err := os.Stat(d); err == nil && st.IsDir() {
		return d
	}
	return ""
}

func loadCorpus(dir string) *corpus {
	if corpusCache.c != nil && corpusCache.dir == dir {
		return corpusCache.c
	}
	c := &corpus{}
	if dir != "" {
		_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			rel, _ := filepath.Rel(dir, p)
			rel = filepath.ToSlash(rel)
			b, err := os.ReadFile(p)
			if err != nil || len(b) > 100<<10 {
				return nil
			}
			base := filepath.Base(p)
			switch {
			case strings.Contains(rel, "/.github/workflows/"):
				c.workflows = append(c.workflows, string(b))
				c.names = append(c.names, base)
			case base == "action.yml" || base == "action.yaml":
				c.actions = append(c.actions, string(b))
			}
			return nil
		})
	}
	if len(c.workflows) == 0 {
		for i := range 40 {
			c.workflows = append(c.workflows, generatedWorkflow(i))
			c.names = append(c.names, fmt.Sprintf("gen-%d.yml", i))
		}
	}
	if len(c.actions) == 0 {
		c.actions = append(c.actions, "name: build\nruns:\n  using: composite\n  steps:\n    - run: echo \"${{ github.event.issue.title }}\"\n      shell: bash\n")
	}
	corpusCache.dir, corpusCache.c = dir, c
	return c
}

// generatedWorkflow is a simple workflow for when the corpus is missing.
func generatedWorkflow(i int) string {
	trigger := []string{"push", "pull_request", "pull_request_target", "issue_comment"}[i%4]
	return fmt.Sprintf(`name: gen-%d
on: %s
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: echo "${{ github.event.pull_request.title }}" && make test-%d
`, i, trigger, i)
}

func hash(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// blobSHA is git's blob id of content.
func blobSHA(content string) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(content))
	h.Write([]byte(content))
	return hex.EncodeToString(h.Sum(nil))
}

// makeRepo builds repository i of the synthetic organization, deterministically.
func makeRepo(c *corpus, i int) *Repo {
	name := fmt.Sprintf("repo-%05d", i)
	h := hash(name)
	r := &Repo{Name: name, Index: i, Files: map[string]string{}, Truncated: map[string]bool{}, Binary: map[string]bool{},
		DefaultBranch: "main", AllowedActions: "all", WorkflowPerms: "read", ForkApproval: "first_time_contributors"}
	r.Archived = i%37 == 5
	r.Fork = i%41 == 7
	r.Empty = i%97 == 11
	r.Visibility = []string{"PUBLIC", "PRIVATE", "INTERNAL"}[i%3]
	switch i % 5 {
	case 0:
		r.Topics = []string{"team-a"}
	case 1:
		r.Topics = []string{"team-b", "go"}
	}
	if r.Empty {
		r.DefaultBranch = ""
		return r
	}
	r.Branches = []string{"main"}
	if i%10 == 0 {
		r.Branches = append(r.Branches, "release-1.0")
	}
	if i%500 == 1 {
		for b := range 150 {
			r.Branches = append(r.Branches, fmt.Sprintf("feature-%03d", b))
		}
	}
	slices.Sort(r.Branches)
	n := int(h % 5)
	for k := range n {
		j := int((h>>8)+uint64(k)*7919) % len(c.workflows)
		fname := c.names[j]
		if !strings.HasSuffix(fname, ".yml") && !strings.HasSuffix(fname, ".yaml") {
			fname += ".yml"
		}
		p := ".github/workflows/" + fname
		if _, dup := r.Files[p]; dup {
			p = fmt.Sprintf(".github/workflows/%d-%s", k, fname)
		}
		r.Files[p] = c.workflows[j]
	}
	r.Files[".github/workflows/README.md"] = "not a workflow\n"
	if n > 0 && i%53 == 3 {
		for p := range r.Files {
			if strings.HasSuffix(p, ".yml") || strings.HasSuffix(p, ".yaml") {
				r.Truncated[p] = true
				break
			}
		}
	}
	if i%7 == 0 {
		r.Files["Dockerfile"] = "FROM node:20\nRUN npm ci\n"
	}
	if i%4 == 0 {
		r.Files[".github/dependabot.yml"] = "version: 2\nupdates:\n  - package-ecosystem: npm\n    directory: /\n    schedule:\n      interval: weekly\n"
	}
	if i%29 == 0 {
		r.Files["action.yml"] = c.actions[int(h>>16)%len(c.actions)]
	}
	if i%13 == 0 {
		r.Files[".github/actions/build/action.yml"] = c.actions[int(h>>24)%len(c.actions)]
		r.Files[".github/actions/build/run.sh"] = "#!/bin/sh\nmake\n"
	}
	if i%211 == 9 {
		r.Files[".github/dependabot.yml"] = "version: 2\nupdates: []\n"
		r.Binary[".github/dependabot.yml"] = true
	}
	switch i % 6 {
	case 0:
		r.Files[".github/CODEOWNERS"] = "* @acme/devs\n"
	case 3:
		r.Files["CODEOWNERS"] = "* @acme/devs\n/.github/workflows/ @acme/security\n"
	}
	r.Files["README.md"] = "# " + name + "\n"
	r.Classic = i%4 == 0
	r.Ruleset = i%4 == 1
	if i%8 == 0 {
		r.AllowedActions = "selected"
	}
	if i%2 == 0 {
		r.WorkflowPerms = "write"
	}
	return r
}

// entries lists the direct children of dir ("" is the root): files and folders, sorted.
func (r *Repo) entries(dir string) (files, dirs []string) {
	prefix := ""
	if dir != "" {
		prefix = dir + "/"
	}
	seenDir := map[string]bool{}
	for p := range r.Files {
		if !strings.HasPrefix(p, prefix) {
			continue
		}
		rest := p[len(prefix):]
		if d, _, ok := strings.Cut(rest, "/"); ok {
			if !seenDir[d] {
				seenDir[d] = true
				dirs = append(dirs, d)
			}
			continue
		}
		files = append(files, rest)
	}
	slices.Sort(files)
	slices.Sort(dirs)
	return files, dirs
}
