package audit

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/rhysd/actionlint"
	"go.yaml.in/yaml/v4"
)

// DefaultMaxFileSize is the size above which a file is listed in errors and not read.
const DefaultMaxFileSize = 2 << 20

// LoadOptions controls discovery and reading.
type LoadOptions struct {
	// MaxFileSize caps the size of a file that is read (DefaultMaxFileSize when 0).
	MaxFileSize int64
}

// skipDirs are never descended into when looking for action.yml files.
var skipDirs = map[string]bool{".git": true, "node_modules": true, "vendor": true}

// LoadDir discovers and parses the pipeline files of a directory target. No symlink leads out of
// the target: folders and files are opened without following symlinks (by descriptor on Linux,
// through os.Root elsewhere), and a file that is a symlink is read through the target's os.Root,
// which follows it only inside the target.
// A .github or .github/workflows folder given directly audits the workflows in it.
func LoadDir(dir string, opts LoadOptions) (*Target, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	rootDir, only := abs, ""
	switch {
	case filepath.Base(abs) == "workflows" && filepath.Base(filepath.Dir(abs)) == ".github":
		rootDir, only = filepath.Dir(filepath.Dir(abs)), ".github/workflows"
	case filepath.Base(abs) == ".github":
		rootDir, only = filepath.Dir(abs), ".github"
	}
	tr := &targetRoot{dir: rootDir}
	defer tr.close()
	found, err := discover(tr, only)
	if err != nil {
		return nil, fmt.Errorf("cannot open target %q: %w", dir, err)
	}
	defer found.close()
	t := &Target{Kind: "dir", Name: dir, RootDir: rootDir, Partial: only != ""}
	if only != "" || found.git {
		if root, err := tr.get(); err == nil {
			t.Repo = repoFromGit(root)
		}
	}
	t.Markers = findMarkers(tr, found.markers)
	t.Errors = append(t.Errors, found.errs...)
	for _, p := range found.paths {
		dir, base := path.Split(p)
		d, ok := found.folders[dir]
		if !ok {
			// A folder the walk did not enter (a symlinked .github/workflows): opened through
			// the target's root, which keeps it inside.
			if root, err := tr.get(); err == nil {
				if sub, err := root.OpenRoot(filepath.FromSlash(strings.TrimSuffix(dir, "/"))); err == nil {
					d = rootFolder{sub}
				}
			}
			found.folders[dir] = d
		}
		if d == nil {
			t.Errors = append(t.Errors, FileError{File: p, Message: "not audited: cannot open its folder"})
			continue
		}
		f, ferr, symlink := d.read(base, p, kindForPath(p), opts)
		if symlink || ferr != nil && dir != "" && strings.Contains(ferr.Message, "outside the target") {
			// A symlink to elsewhere in the target: follow it from the target's root.
			if root, err := tr.get(); err == nil {
				f, ferr = readFileAs(root, p, kindForPath(p), opts)
			} else {
				f, ferr = nil, &FileError{File: p, Message: "not audited: " + cleanErr(err)}
			}
		}
		if ferr != nil {
			t.Errors = append(t.Errors, *ferr)
			continue
		}
		t.addParsed(f)
	}
	t.sortFiles()
	return t, nil
}

// LoadFile parses a single file target: a workflow, an action.yml or a dependabot.yml.
func LoadFile(file string, opts LoadOptions) (*Target, error) {
	abs, err := filepath.Abs(file)
	if err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(filepath.Dir(abs))
	if err != nil {
		return nil, fmt.Errorf("cannot open %q: %w", file, err)
	}
	defer root.Close()
	t := &Target{Kind: "file", Name: file, RootDir: filepath.Dir(abs)}
	name := filepath.Base(abs)
	kind, ok := KindOf(name)
	if !ok {
		kind = KindWorkflow
		if parent := filepath.Base(filepath.Dir(abs)); parent == ".github" && strings.HasPrefix(name, "dependabot.") {
			kind = KindDependabot
		}
	}
	f, ferr := readFileAs(root, name, kind, opts)
	if ferr != nil {
		t.Errors = append(t.Errors, *ferr)
		return t, nil
	}
	t.addParsed(f)
	return t, nil
}

// KindOf tells the kind of a file from its base name: action.yml and dependabot.yml; a .yml
// that is neither is taken as a workflow only by where it stands (see discover).
func KindOf(base string) (FileKind, bool) {
	switch {
	case base == "action.yml" || base == "action.yaml":
		return KindAction, true
	case isDockerfile(base):
		return KindDockerfile, true
	}
	return KindWorkflow, false
}

// dirEntry is a folder's entry: its name and whether it is a folder itself (a symlink to one is not).
type dirEntry struct {
	name string
	dir  bool
}

// discovery is what discover found: the pipeline files of a tree as slash paths, sorted, the
// marker files it passed, what it could not read, and an open handle for each folder it entered
// (keyed "a/b/", "" for the target), so that reading a file costs one openat.
type discovery struct {
	paths, markers []string
	errs           []FileError
	folders        map[string]folder
	// git is true when the target's folder holds a .git entry (a folder, or a worktree's file).
	git bool
	// root is the target's os.Root, which LoadDir closes; a folder that is it is not closed here.
	root *os.Root
}

func (d *discovery) close() {
	for _, f := range d.folders {
		if f == nil {
			continue
		}
		if rf, ok := f.(rootFolder); ok && rf.r == d.root {
			continue
		}
		f.close()
	}
}

// targetRoot is the target's os.Root, opened the first time something needs it: the walk and
// the reads go by descriptor on Linux (folder_linux.go), and the root is then needed only for a
// symlink, a .git folder, a package.json or a folder given directly.
type targetRoot struct {
	dir    string
	r      *os.Root
	err    error
	opened bool
}

func (tr *targetRoot) get() (*os.Root, error) {
	if !tr.opened {
		tr.opened = true
		tr.r, tr.err = os.OpenRoot(tr.dir)
	}
	return tr.r, tr.err
}

func (tr *targetRoot) close() {
	if tr.r != nil {
		tr.r.Close()
	}
}

// discover walks the target's tree folder by folder, never following a symlinked folder:
// workflows (direct children of .github/workflows), dependabot.yml, every action.yml and
// Dockerfile, and the marker files. only, when set, is the one folder to walk. Its error means
// that the target itself cannot be opened.
func discover(tr *targetRoot, only string) (*discovery, error) {
	d := &discovery{folders: map[string]folder{}}
	isYAML := func(n string) bool { return strings.HasSuffix(n, ".yml") || strings.HasSuffix(n, ".yaml") }
	// listWorkflows adds the direct children of .github/workflows; the walk finds them itself, and
	// this is used only when the folder is the target or a symlink the walk does not enter.
	listWorkflows := func() {
		root, err := tr.get()
		var entries []fs.DirEntry
		if err == nil {
			entries, err = fs.ReadDir(root.FS(), ".github/workflows")
		}
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				d.errs = append(d.errs, FileError{File: ".github/workflows", Message: "cannot list workflows: " + cleanErr(err)})
			}
			return
		}
		for _, e := range entries {
			if isYAML(e.Name()) && !e.IsDir() {
				d.paths = append(d.paths, ".github/workflows/"+e.Name())
			}
		}
	}
	if only != "" {
		root, err := tr.get()
		if err != nil {
			return nil, err
		}
		d.root = root
	}
	if only == ".github/workflows" {
		listWorkflows()
		return d, nil
	}
	// walk lists one folder and descends into its subfolders; it reports whether it found a
	// pipeline file directly in the folder (whose root is then kept open for reading it; the
	// others are closed on the way back, so open handles stay few).
	var walk func(dir folder, rel string) (bool, error)
	walk = func(dir folder, rel string) (bool, error) {
		entries, err := dir.list()
		if err != nil {
			return false, err
		}
		found := len(d.paths)
		for _, e := range entries {
			name := e.name
			p := name
			if rel != "" {
				p = rel + "/" + name
			}
			if p == ".git" {
				d.git = true // a folder, or the file of a worktree
			}
			if e.dir {
				if skipDirs[name] {
					continue
				}
				sub, err := dir.sub(name)
				if err == nil {
					var keep bool
					if keep, err = walk(sub, p); keep {
						d.folders[p+"/"] = sub
					} else {
						sub.close()
					}
				}
				if err != nil {
					d.errs = append(d.errs, FileError{File: p, Message: "cannot read: " + cleanErr(err)})
				}
				continue
			}
			switch {
			case p == ".github/workflows":
				listWorkflows() // a symlink to a folder: read through the root, which keeps it inside
			case isYAML(name) && rel == ".github/workflows":
				d.paths = append(d.paths, p)
			case p == ".github/dependabot.yml" || p == ".github/dependabot.yaml":
				d.paths = append(d.paths, p)
			case name == "action.yml" || name == "action.yaml" || isDockerfile(name):
				d.paths = append(d.paths, p)
			case isMarker(p):
				d.markers = append(d.markers, p)
			}
		}
		// Paths added by listWorkflows (a symlinked folder) are not in this folder; a walk
		// that enters .github/workflows itself adds its files here.
		for _, p := range d.paths[found:] {
			if path.Dir(p) == rel || rel == "" && !strings.Contains(p, "/") {
				return true, nil
			}
		}
		return false, nil
	}
	var top folder
	start := only
	if only != "" {
		sub, err := d.root.OpenRoot(filepath.FromSlash(only))
		if err != nil {
			d.errs = append(d.errs, FileError{File: only, Message: "cannot walk: " + cleanErr(err)})
			return d, nil
		}
		top = rootFolder{sub}
		d.folders[only+"/"] = top
	} else {
		start = "."
		var err error
		if top, err = openTop(tr); err != nil {
			return nil, err
		}
		if rf, ok := top.(rootFolder); ok {
			d.root = rf.r
		}
		d.folders[""] = top
	}
	if _, err := walk(top, only); err != nil {
		d.errs = append(d.errs, FileError{File: start, Message: "cannot walk: " + cleanErr(err)})
	}
	slices.Sort(d.paths)
	d.paths = slices.Compact(d.paths)
	return d, nil
}

func kindForPath(p string) FileKind {
	switch {
	case path.Base(p) == "action.yml" || path.Base(p) == "action.yaml":
		return KindAction
	case p == ".github/dependabot.yml" || p == ".github/dependabot.yaml":
		return KindDependabot
	case dockerfilePath(p):
		return KindDockerfile
	}
	return KindWorkflow
}

// readFileAs reads one file through the root (refusing symlinks out of it).
func readFileAs(root *os.Root, p string, kind FileKind, opts LoadOptions) (*File, *FileError) {
	return readFileIn(root, filepath.FromSlash(p), p, kind, opts)
}

// readFileIn reads name in root (a root of the target or of one of its folders; a symlink cannot
// lead out of it) as the file p of the target.
func readFileIn(root *os.Root, name, p string, kind FileKind, opts LoadOptions) (*File, *FileError) {
	limit := opts.MaxFileSize
	if limit <= 0 {
		limit = DefaultMaxFileSize
	}
	// Non-blocking: opening a FIFO (a tarball or a hostile checkout can hold one) must not
	// wait for a writer; the Stat below then refuses it as not a regular file.
	fh, err := root.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, &FileError{File: p, Message: "not audited: " + cleanErr(err)}
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, &FileError{File: p, Message: "not audited: " + cleanErr(err)}
	}
	if !st.Mode().IsRegular() {
		return nil, &FileError{File: p, Message: "not audited: not a regular file"}
	}
	if st.Size() > limit {
		return nil, &FileError{File: p, Message: fmt.Sprintf("not audited: file is %d bytes, over the %d-byte cap (max-file-size)", st.Size(), limit)}
	}
	b := make([]byte, 0, st.Size()+1)
	b, err = readAllInto(b, io.LimitReader(fh, limit+1))
	if err != nil {
		return nil, &FileError{File: p, Message: "not audited: " + cleanErr(err)}
	}
	if int64(len(b)) > limit {
		return nil, &FileError{File: p, Message: fmt.Sprintf("not audited: file is over the %d-byte cap (max-file-size)", limit)}
	}
	return &File{Path: p, Kind: kind, Source: b}, nil
}

// readAllInto reads r to its end into b, which is sized for the file already.
func readAllInto(b []byte, r io.Reader) ([]byte, error) {
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}

// CleanErr is the message of an os error without the absolute path it carries.
func CleanErr(err error) string { return cleanErr(err) }

// cleanErr drops the absolute path os errors carry: messages name files by their target path.
func cleanErr(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		if strings.Contains(pe.Err.Error(), "escapes from parent") || strings.Contains(pe.Err.Error(), "path escapes") {
			return "symlink points outside the target; not followed"
		}
		return pe.Err.Error()
	}
	return err.Error()
}

// AddSource parses a file given as bytes (from the API, a test, or a doc example) and adds it.
func (t *Target) AddSource(p string, src []byte) {
	t.addParsed(&File{Path: p, Kind: kindForPath(p), Source: src})
	t.sortFiles()
}

func (t *Target) sortFiles() {
	slices.SortFunc(t.Files, func(a, b *File) int { return strings.Compare(a.Path, b.Path) })
	slices.SortStableFunc(t.Errors, func(a, b FileError) int {
		if c := strings.Compare(a.File, b.File); c != 0 {
			return c
		}
		return a.Line - b.Line
	})
}

// addParsed parses a read file; parse errors go to the target's errors, and a file whose
// model could be built (even in part) is audited.
func (t *Target) addParsed(f *File) {
	errs := f.parse()
	for _, e := range errs {
		e.File = f.Path
		t.Errors = append(t.Errors, e)
	}
	if f.Workflow != nil || f.Action != nil || f.YAML != nil || f.Dockerfile != nil {
		t.Files = append(t.Files, f)
	}
}

// parse builds the file's model from its source.
func (f *File) parse() []FileError {
	if f.Kind == KindDockerfile {
		return f.parseDockerfile()
	}
	if f.mayHaveAnchors() {
		var doc yaml.Node
		if err := yaml.Unmarshal(f.Source, &doc); err == nil && aliasExpansion(&doc, maxAliasNodes) > maxAliasNodes {
			return []FileError{{Line: 1, Column: 1, Message: fmt.Sprintf("not audited: YAML aliases expand to more than %d nodes", maxAliasNodes)}}
		}
	}
	switch f.Kind {
	case KindWorkflow:
		w, errs := actionlint.Parse(f.Source)
		f.Workflow = w
		out := make([]FileError, 0, len(errs))
		for _, e := range errs {
			msg := e.Message
			if w != nil && f.acceptedByGitHub(e) {
				continue
			}
			if w == nil {
				msg = "not audited: " + msg
			}
			out = append(out, FileError{Line: e.Line, Column: e.Column, Message: msg})
		}
		if w == nil && len(out) == 0 {
			out = append(out, FileError{Line: 1, Column: 1, Message: "not audited: not a workflow"})
		}
		return out
	case KindAction, KindDependabot:
		var doc yaml.Node
		if err := yaml.Unmarshal(f.Source, &doc); err != nil {
			return []FileError{yamlError(err)}
		}
		if len(doc.Content) == 0 {
			return []FileError{{Line: 1, Column: 1, Message: "not audited: empty document"}}
		}
		if f.Kind == KindDependabot {
			f.YAML = &doc
			return nil
		}
		a, errs := parseAction(&doc)
		f.Action = a
		return errs
	}
	return nil
}

// acceptedByGitHub reports whether a diagnostic of actionlint's parser is about a form that GitHub
// runs as written, so that listing the file in errors would only be noise (the file is audited):
// an empty section ("secrets: {}"), and a with: given as one expression ("with: ${{ fromJSON(x) }}",
// whose inputs are then only known at run time).
func (f *File) acceptedByGitHub(e *actionlint.Error) bool {
	switch {
	case strings.HasSuffix(e.Message, "section should not be empty. please remove this section if it's unnecessary"):
		return true
	case e.Message == `"with" section is scalar node but mapping node is expected`:
		return strings.Contains(f.Line(e.Line), "${{")
	}
	return false
}

// yamlError turns a YAML parser error into a FileError with its line when the message has one.
func yamlError(err error) FileError {
	fe := FileError{Line: 1, Column: 1, Message: "not audited: invalid YAML: " + err.Error()}
	var line int
	msg := err.Error()
	if i := strings.Index(msg, "line "); i >= 0 {
		if _, e := fmt.Sscanf(msg[i:], "line %d", &line); e == nil && line > 0 {
			fe.Line = line
		}
	}
	return fe
}
