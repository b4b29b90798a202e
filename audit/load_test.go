package audit

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, root, rel, content string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

const okWorkflow = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n"

func TestLoadDirDiscoversAndAccountsForEveryFile(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	write(t, outside, "secret.yml", okWorkflow)
	write(t, root, ".github/workflows/ok.yml", okWorkflow)
	write(t, root, ".github/workflows/also.yaml", okWorkflow)
	write(t, root, ".github/workflows/notes.txt", "not yaml")
	write(t, root, ".github/workflows/broken.yml", "on: push\njobs:\n  a: [\n")
	write(t, root, ".github/workflows/big.yml", okWorkflow+strings.Repeat("# padding\n", 200))
	write(t, root, ".github/workflows/bomb.yml", "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\non: push\njobs: {}\nz: *f\n")
	// Anchors named as YAML allows but a letter-only test would miss, in a matrix, whose values
	// actionlint's parser walks and would expand: 10^6 nodes.
	write(t, root, ".github/workflows/bomb-dots.yml", "x0: &.a0 [x, x, x, x, x, x, x, x, x, x]\n"+
		"x1: &.a1 [*.a0, *.a0, *.a0, *.a0, *.a0, *.a0, *.a0, *.a0, *.a0, *.a0]\n"+
		"x2: &.a2 [*.a1, *.a1, *.a1, *.a1, *.a1, *.a1, *.a1, *.a1, *.a1, *.a1]\n"+
		"x3: &.a3 [*.a2, *.a2, *.a2, *.a2, *.a2, *.a2, *.a2, *.a2, *.a2, *.a2]\n"+
		"x4: &.a4 [*.a3, *.a3, *.a3, *.a3, *.a3, *.a3, *.a3, *.a3, *.a3, *.a3]\n"+
		"x5: &.a5 [*.a4, *.a4, *.a4, *.a4, *.a4, *.a4, *.a4, *.a4, *.a4, *.a4]\n"+
		"on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        v: *.a5\n    steps:\n      - run: echo\n")
	write(t, root, "action.yml", "name: x\nruns:\n  using: composite\n  steps:\n    - run: echo hi\n      shell: bash\n")
	write(t, root, "sub/deeper/action.yaml", "name: y\nruns:\n  using: docker\n  image: docker://alpine:3\n")
	write(t, root, "node_modules/pkg/action.yml", "name: skipped\nruns: {using: node20, main: x.js}\n")
	write(t, root, ".github/dependabot.yml", "version: 2\nupdates: []\n")
	if err := os.Symlink(filepath.Join(outside, "secret.yml"), filepath.Join(root, ".github/workflows/escape.yml")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("ok.yml", filepath.Join(root, ".github/workflows/inside.yml")); err != nil {
		t.Fatal(err)
	}
	tg, err := LoadDir(root, LoadOptions{MaxFileSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range tg.Files {
		got = append(got, f.Kind.String()+":"+f.Path)
	}
	want := []string{"dependabot:.github/dependabot.yml", "workflow:.github/workflows/also.yaml", "workflow:.github/workflows/inside.yml",
		"workflow:.github/workflows/ok.yml", "action:action.yml", "action:sub/deeper/action.yaml"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("files:\n got %v\nwant %v", got, want)
	}
	errs := map[string]string{}
	for _, e := range tg.Errors {
		errs[e.File] += e.Message
		if e.File == ".github/workflows/broken.yml" && e.Line != 3 {
			t.Errorf("broken.yml error at line %d, want 3: %s", e.Line, e.Message)
		}
	}
	for file, frag := range map[string]string{
		".github/workflows/broken.yml":    "not audited",
		".github/workflows/big.yml":       "over the",
		".github/workflows/bomb.yml":      "aliases expand",
		".github/workflows/bomb-dots.yml": "aliases expand",
		".github/workflows/escape.yml":    "outside the target",
	} {
		if !strings.Contains(errs[file], frag) {
			t.Errorf("%s: error %q does not say %q", file, errs[file], frag)
		}
	}
	for _, e := range tg.Errors {
		if strings.Contains(e.Message, outside) || strings.Contains(e.Message, root) {
			t.Errorf("error leaks an absolute path: %+v", e)
		}
	}
}

func TestLoadWorkflowsFolderDirectly(t *testing.T) {
	root := t.TempDir()
	write(t, root, ".github/workflows/ok.yml", okWorkflow)
	write(t, root, "action.yml", "name: x\nruns: {using: node20, main: x.js}\n")
	tg, err := LoadDir(filepath.Join(root, ".github", "workflows"), LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(tg.Files) != 1 || tg.Files[0].Path != ".github/workflows/ok.yml" {
		t.Errorf("files %v", tg.Files)
	}
}

func TestLoadFileKinds(t *testing.T) {
	root := t.TempDir()
	write(t, root, "x/action.yml", "name: x\nruns: {using: node20, main: x.js}\n")
	write(t, root, "ci.yml", okWorkflow)
	for p, kind := range map[string]FileKind{"x/action.yml": KindAction, "ci.yml": KindWorkflow} {
		tg, err := LoadFile(filepath.Join(root, p), LoadOptions{})
		if err != nil || len(tg.Files) != 1 || tg.Files[0].Kind != kind {
			t.Errorf("%s: %v %+v", p, err, tg)
		}
	}
}

func TestCompositeActionSteps(t *testing.T) {
	tg := &Target{}
	tg.AddSource("a/action.yml", []byte("name: x\ninputs:\n  who: {default: me}\nruns:\n  using: composite\n  steps:\n    - name: greet\n      run: |\n        echo hi\n        echo ${{ inputs.who }}\n      shell: bash\n    - uses: actions/checkout@v4\n      with:\n        ref: main\n"))
	if len(tg.Errors) > 0 {
		t.Fatal(tg.Errors)
	}
	steps := tg.Files[0].Steps()
	if len(steps) != 2 || steps[0].Run() == nil || steps[1].Uses() == nil {
		t.Fatalf("steps %+v", steps)
	}
	if steps[1].Uses().Inputs["ref"].Value.Value != "main" {
		t.Errorf("with: not parsed")
	}
	ex := tg.Files[0].Exprs(steps[0].Run().Run)
	if len(ex) != 1 || ex[0].Line != 10 || ex[0].Col != 14 {
		t.Errorf("expr position %+v, want line 10 col 14", ex)
	}
	if p, _ := ExprPath(ex[0].Node); p != "inputs.who" {
		t.Errorf("path %q", p)
	}
}

func TestDockerfiles(t *testing.T) {
	root := t.TempDir()
	write(t, root, "Dockerfile", "# syntax=docker/dockerfile:1\nFROM --platform=linux/amd64 golang:1.26 AS build\nRUN go build \\\n  -o /x .\nFROM scratch\n")
	write(t, root, "deploy/api.Dockerfile", "FROM alpine@sha256:0123\n")
	write(t, root, "node_modules/x/Dockerfile", "FROM evil\n")
	tg, err := LoadDir(root, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(tg.Dockerfiles()) != 2 {
		t.Fatalf("dockerfiles %v", tg.Files)
	}
	ins := tg.File("Dockerfile").Dockerfile
	if len(ins) != 3 || ins[0].Cmd != "FROM" || ins[0].Args != "--platform=linux/amd64 golang:1.26 AS build" || ins[1].Line != 3 || ins[2].Line != 5 {
		t.Errorf("instructions %+v", ins)
	}
}

func TestRepoFromGitRemote(t *testing.T) {
	for url, want := range map[string]string{
		"https://github.com/rampart-sec/rampart.git": "rampart-sec/rampart",
		"git@github.com:Owner/Repo.js.git":           "Owner/Repo.js",
		"https://ghe.example.com/team/tool":          "team/tool",
		"/srv/git/local.git":                         "",
	} {
		root := t.TempDir()
		write(t, root, ".git/config", "[core]\n\tbare = false\n[remote \"upstream\"]\n\turl = https://github.com/other/fork.git\n[remote \"origin\"]\n\turl = "+url+"\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n")
		write(t, root, ".github/workflows/ok.yml", okWorkflow)
		tg, err := LoadDir(root, LoadOptions{})
		if err != nil || tg.Repo != want {
			t.Errorf("%s: repo %q, want %q (%v)", url, tg.Repo, want, err)
		}
	}
}

func TestIsDockerfile(t *testing.T) {
	for name, want := range map[string]bool{"Dockerfile": true, "dockerfile": true, "Dockerfile.dev": true, "api.Dockerfile": true,
		"build.dockerfile": true, "Dockerfile.md": false, "dockerfile.txtar": false, "Dockerfile.yml": false, "README.md": false} {
		if isDockerfile(name) != want {
			t.Errorf("isDockerfile(%q) = %v", name, !want)
		}
	}
}

func TestSymlinkToElsewhereInTheTarget(t *testing.T) {
	root := t.TempDir()
	write(t, root, "shared/ci.yml", okWorkflow)
	write(t, root, ".github/workflows/.keep", "")
	if err := os.Symlink("../../shared/ci.yml", filepath.Join(root, ".github/workflows/ci.yml")); err != nil {
		t.Fatal(err)
	}
	tg, err := LoadDir(root, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(tg.Files) != 1 || tg.Files[0].Path != ".github/workflows/ci.yml" || len(tg.Errors) != 0 {
		t.Errorf("files %v errors %v", tg.Files, tg.Errors)
	}
}

func TestWorkflowsFolderSymlinkInsideTheTarget(t *testing.T) {
	root := t.TempDir()
	write(t, root, "ci/workflows/ci.yml", okWorkflow)
	if err := os.MkdirAll(filepath.Join(root, ".github"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../ci/workflows", filepath.Join(root, ".github/workflows")); err != nil {
		t.Fatal(err)
	}
	tg, err := LoadDir(root, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(tg.Files) != 1 || tg.Files[0].Path != ".github/workflows/ci.yml" {
		t.Errorf("files %v errors %v", tg.Files, tg.Errors)
	}
}

func TestMayHaveAnchors(t *testing.T) {
	for src, want := range map[string]bool{
		"a: &x 1\nb: *x\n":     true,
		"- &anchor\n":          true,
		"[&a 1, *a]":           true,
		"run: a && b 2>&1 &\n": false,
		"x: 1 &":               false,
		"&a":                   false, // at the very start there is nothing before it
		"k: v\n&top 1":         true,
		"if: a &&b":            false,
		"name: Q&A\n":          false,
		"x: &.a [1]\ny: *.a\n": true, // names need not start with a letter
		"x: {k: &a 1}":         true,
		"run: cmd &>/dev/null": false,
		"run: a &&b\nx: *&b":   true, // an anchor named "&b", with its alias
		"x: &>a 1\ny: *>a\n":   true,
		"":                     false,
	} {
		if got := mayHaveAnchors([]byte(src)); got != want {
			t.Errorf("mayHaveAnchors(%q) = %v, want %v", src, got, want)
		}
	}
}

// TestListDirAgreesWithReadDir checks the folder listing discovery uses against os.ReadDir: the
// same names, folders as folders, symlinks (to a folder too) not, over several getdents calls.
func TestListDirAgreesWithReadDir(t *testing.T) {
	dir := t.TempDir()
	for i := range 600 {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("file-with-a-rather-long-name-%04d.yml", i)), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []string{"sub", ".github", "node_modules"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("sub", filepath.Join(dir, "link-to-dir")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("file-with-a-rather-long-name-0001.yml", filepath.Join(dir, "link-to-file")); err != nil {
		t.Fatal(err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	fh, err := root.Open(".")
	if err != nil {
		t.Fatal(err)
	}
	got, err := listDir(root, fh)
	fh.Close()
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]bool{}
	for _, e := range got {
		if _, dup := kinds[e.name]; dup {
			t.Errorf("%s listed twice", e.name)
		}
		kinds[e.name] = e.dir
	}
	if len(got) != len(want) {
		t.Fatalf("listDir found %d entries, os.ReadDir %d", len(got), len(want))
	}
	for _, e := range want {
		dir, ok := kinds[e.Name()]
		if !ok || dir != e.IsDir() {
			t.Errorf("%s: listDir says folder=%v (listed %v), os.ReadDir says %v", e.Name(), dir, ok, e.IsDir())
		}
	}
}

// TestFormsGitHubAcceptsAreNotErrors checks that actionlint's diagnostics about forms GitHub runs
// as written (an empty secrets: section, a with: given as one expression) do not list the file in
// errors, while a with: that is a plain scalar still does.
func TestFormsGitHubAcceptsAreNotErrors(t *testing.T) {
	tg := &Target{Kind: "dir", Name: "x"}
	tg.AddSource(".github/workflows/a.yml", []byte(`on: push
permissions: {}
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
        with: ${{ fromJSON(vars.CHECKOUT) }}
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
        with: oops
  b:
    uses: ./.github/workflows/r.yml
    secrets: {}
`))
	if len(tg.Files) != 1 {
		t.Fatalf("the workflow was not audited: %+v", tg.Errors)
	}
	if len(tg.Errors) != 1 || tg.Errors[0].Line != 10 {
		t.Fatalf("errors %+v, want only the plain scalar with: on line 10", tg.Errors)
	}
}

// TestSourcesAreReadWhole checks that a file's source is all of its bytes at sizes around the
// reader's buffer and page sizes, and that a file over the cap is refused while one at the cap is
// read. (On Linux the reader stops once a read brings the file to the size fstat gave; a local
// file system returns the whole file in one read, so this cannot show that the last read is
// spared, only that nothing is lost.)
func TestSourcesAreReadWhole(t *testing.T) {
	dir := t.TempDir()
	sizes := []int{0, 1, 4095, 4096, 4097, 65536, 100_001}
	want := map[string]string{}
	for _, n := range sizes {
		var b strings.Builder
		b.WriteString("# ")
		for b.Len() < n {
			fmt.Fprintf(&b, "%d ", b.Len())
		}
		content := b.String()[:n]
		name := fmt.Sprintf(".github/workflows/w%d.yml", n)
		write(t, dir, name, content)
		want[name] = content
	}
	tg, err := LoadDir(dir, LoadOptions{MaxFileSize: 65536})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range tg.Files {
		got[f.Path] = string(f.Source)
	}
	for name, content := range want {
		if len(content) > 65536 {
			if _, ok := got[name]; ok {
				t.Errorf("%s (%d bytes) was read despite the 65536-byte cap", name, len(content))
			}
			continue
		}
		if len(content) == 0 {
			continue // an empty file has no model: it is listed in errors, not Files
		}
		if g, ok := got[name]; !ok || g != content {
			t.Errorf("%s: read %d bytes (listed %v), the file has %d", name, len(g), ok, len(content))
		}
	}
	refused := false
	for _, e := range tg.Errors {
		if e.File == ".github/workflows/w100001.yml" && strings.Contains(e.Message, "cap") {
			refused = true
		}
	}
	if !refused {
		t.Errorf("the file over the cap is not in errors with the reason: %+v", tg.Errors)
	}
}
