package github

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/github/githubtest"
)

const ciYAML = `on: push
permissions: {}
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
`

// registerRepo serves a repository's tree at ref and the blobs of the files rampart reads.
func registerRepo(t *testing.T, reg *githubtest.Registry, repo, ref string, files map[string][]byte, blobs ...string) {
	t.Helper()
	reg.Register("GET repos/"+repo+"/git/trees/"+ref+"?recursive=1", githubtest.Tree(t, repo, files, false))
	seen := map[string]bool{}
	for _, p := range blobs {
		sha := githubtest.BlobSHA(files[p])
		if seen[sha] {
			continue
		}
		seen[sha] = true
		reg.Register("GET repos/"+repo+"/git/blobs/"+sha, githubtest.Blob(t, repo, files[p]))
	}
}

func TestFetchTarget(t *testing.T) {
	files := map[string][]byte{
		".github/workflows/ci.yml":         []byte(ciYAML),
		".github/workflows/copy.yaml":      []byte(ciYAML), // the same blob: fetched once
		".github/workflows/notes.md":       []byte("# not a workflow\n"),
		".github/workflows/sub/nested.yml": []byte(ciYAML), // not a direct child: not a workflow
		".github/dependabot.yml":           []byte("version: 2\nupdates: []\n"),
		".github/rampart.yml":              []byte("fail-on: critical\n"),
		"tools/lint/action.yml":            []byte("name: lint\nruns:\n  using: composite\n  steps: []\n"),
		"node_modules/x/action.yml":        []byte("name: skipped\n"),
		"docker/Dockerfile":                []byte("FROM alpine:3.20\n"),
		"big/action.yml":                   []byte(strings.Repeat("#", 300) + "\n"),
		"README.md":                        []byte("hello\n"),
	}
	reg := githubtest.New(t)
	reg.Register("GET repos/octocat/Hello-World", githubtest.File(t, 200, "repo.json"))
	registerRepo(t, reg, "octocat/Hello-World", "master", files,
		".github/workflows/ci.yml", ".github/dependabot.yml", ".github/rampart.yml", "tools/lint/action.yml", "docker/Dockerfile")
	c, _ := newClient(t, reg, Options{})
	tg, err := c.FetchTarget(ctx(t), nil, "octocat", "Hello-World", "", FetchOptions{MaxFileSize: 200})
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, f := range tg.Files {
		paths = append(paths, f.Path+":"+f.Kind.String())
	}
	want := ".github/dependabot.yml:dependabot .github/workflows/ci.yml:workflow .github/workflows/copy.yaml:workflow docker/Dockerfile:dockerfile tools/lint/action.yml:action"
	if strings.Join(paths, " ") != want {
		t.Errorf("files = %s\nwant    %s", strings.Join(paths, " "), want)
	}
	if tg.Kind != "repo" || tg.Name != "octocat/Hello-World" || tg.Ref != "master" || tg.RootDir != "" {
		t.Errorf("target = %s %s %s %q", tg.Kind, tg.Name, tg.Ref, tg.RootDir)
	}
	if len(tg.Errors) != 1 || tg.Errors[0].File != "big/action.yml" || !strings.Contains(tg.Errors[0].Message, "over the 200-byte cap") {
		t.Errorf("errors = %+v", tg.Errors)
	}
	if tg.Config == nil || tg.Config.FailOn == nil || tg.Config.FailOn.String() != "critical" {
		t.Errorf("config = %+v", tg.Config)
	}
	if c.Requests() != 7 {
		t.Errorf("requests = %d, want 7 (repo, tree, 5 blobs)", c.Requests())
	}
}

func TestFetchTargetRejectsBadPaths(t *testing.T) {
	files := map[string][]byte{
		".github/workflows/ci.yml": []byte(ciYAML),
		"a/../../action.yml":       []byte("name: x\n"),
	}
	reg := githubtest.New(t)
	registerRepo(t, reg, "octocat/Hello-World", "v1.0", files, ".github/workflows/ci.yml")
	c, _ := newClient(t, reg, Options{})
	tg, err := c.FetchTarget(ctx(t), nil, "octocat", "Hello-World", "v1.0", FetchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(tg.Files) != 1 || len(tg.Errors) != 1 || !strings.Contains(tg.Errors[0].Message, "not clean") {
		t.Errorf("files %d, errors %+v", len(tg.Files), tg.Errors)
	}
}

func TestFetchTargetTruncatedTree(t *testing.T) {
	githubtest.NoContract(t, "the contents API's {path} has a slash")
	wf := []byte(ciYAML)
	reg := githubtest.New(t)
	reg.Register("GET repos/octocat/Hello-World/git/trees/main?recursive=1",
		githubtest.Tree(t, "octocat/Hello-World", map[string][]byte{"README.md": []byte("x")}, true))
	sha := githubtest.BlobSHA(wf)
	dirEntry := func(path, typ, sha string, size int) map[string]any {
		url := "https://api.github.com/repos/octocat/Hello-World/contents/" + path + "?ref=main"
		return map[string]any{"type": typ, "size": size, "name": path[strings.LastIndex(path, "/")+1:], "path": path, "sha": sha,
			"url": url, "git_url": "https://api.github.com/repos/octocat/Hello-World/git/blobs/" + sha,
			"html_url": "https://github.com/octocat/Hello-World/blob/main/" + path, "download_url": "https://raw.githubusercontent.com/octocat/Hello-World/main/" + path,
			"_links": map[string]any{"self": url, "git": "https://api.github.com/repos/octocat/Hello-World/git/blobs/" + sha, "html": "https://github.com/octocat/Hello-World/blob/main/" + path}}
	}
	reg.Register("GET repos/octocat/Hello-World/contents/.github/workflows?ref=main",
		githubtest.JSON(t, 200, []any{dirEntry(".github/workflows/ci.yml", "file", sha, len(wf))}))
	reg.Register("GET repos/octocat/Hello-World/contents/.github?ref=main",
		githubtest.JSON(t, 200, []any{dirEntry(".github/workflows", "dir", githubtest.BlobSHA([]byte("d")), 0)}))
	reg.Register("GET repos/octocat/Hello-World/contents/?ref=main",
		githubtest.JSON(t, 200, []any{dirEntry("README.md", "file", githubtest.BlobSHA([]byte("x")), 1)}))
	reg.Register("GET repos/octocat/Hello-World/git/blobs/"+sha, githubtest.Blob(t, "octocat/Hello-World", wf))
	c, _ := newClient(t, reg, Options{})
	tg, err := c.FetchTarget(ctx(t), nil, "octocat", "Hello-World", "main", FetchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(tg.Files) != 1 || len(tg.Errors) != 1 || !strings.Contains(tg.Errors[0].Message, "truncated") {
		t.Errorf("files %d, errors %+v", len(tg.Files), tg.Errors)
	}
}

func TestFetchTargetMissingRepo(t *testing.T) {
	reg := githubtest.New(t)
	reg.Register("GET repos/octocat/nope/git/trees/main?recursive=1",
		githubtest.Error(t, 404, "Not Found", "https://docs.github.com/rest/git/trees#get-a-tree"))
	c, _ := newClient(t, reg, Options{})
	_, err := c.FetchTarget(ctx(t), nil, "octocat", "nope", "main", FetchOptions{})
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("%q", "octocat/nope")) {
		t.Fatalf("err = %v", err)
	}
}

// An object id from the tree answer goes into the blob request's path: one that is not hex
// ("../../user") is refused, and no request is sent for it.
func TestFetchTargetRejectsBadObjectIDs(t *testing.T) {
	reg := githubtest.New(t)
	reg.Register("GET repos/octocat/Hello-World/git/trees/v1.0?recursive=1", githubtest.JSON(t, 200, map[string]any{
		"sha": strings.Repeat("a", 40), "url": "https://api.github.com/repos/octocat/Hello-World/git/trees/" + strings.Repeat("a", 40),
		"truncated": false,
		"tree": []map[string]any{{"path": ".github/workflows/ci.yml", "mode": "100644", "type": "blob", "sha": "../../../../user", "size": 10,
			"url": "https://api.github.com/repos/octocat/Hello-World/git/blobs/x"}},
	}))
	c, _ := newClient(t, reg, Options{})
	tg, err := c.FetchTarget(ctx(t), nil, "octocat", "Hello-World", "v1.0", FetchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(tg.Files) != 0 || len(tg.Errors) != 1 || !strings.Contains(tg.Errors[0].Message, "no valid object id") {
		t.Errorf("files %d, errors %+v", len(tg.Files), tg.Errors)
	}
	if c.Requests() != 1 {
		t.Errorf("requests = %d, want 1 (the tree)", c.Requests())
	}
}
