package cli

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rampart-sec/rampart/github/githubtest"
)

// serveDir serves a directory as repository repo on the fake: the repository, its recursive
// tree at the default branch "main", and the blobs of the pipeline files.
func serveDir(t *testing.T, reg *githubtest.Registry, repo, dir string, blobs ...string) {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = b
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	owner, name, _ := strings.Cut(repo, "/")
	reg.Register("GET repos/"+repo, githubtest.Patched(t, 200, "repo.json", map[string]any{
		"name": name, "full_name": repo, "default_branch": "main",
		"html_url": "https://github.com/" + repo, "url": "https://api.github.com/repos/" + repo}))
	reg.Register("GET repos/"+repo+"/git/trees/main?recursive=1", githubtest.Tree(t, repo, files, false))
	_ = owner
	for _, p := range blobs {
		b, ok := files[p]
		if !ok {
			t.Fatalf("%s has no %s", dir, p)
		}
		reg.Register("GET repos/"+repo+"/git/blobs/"+githubtest.BlobSHA(b), githubtest.Blob(t, repo, b))
	}
}

func runJSON(t *testing.T, args ...string) (*audit.Report, int, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(append([]string{"rampart"}, args...), nil, &out, &errb)
	var rep audit.Report
	if out.Len() > 0 {
		if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out.String())
		}
	}
	return &rep, code, errb.String()
}

func TestScanRemoteTargetLikeLocal(t *testing.T) {
	t.Setenv("GITHUB_TOKEN", "")
	t.Setenv("GH_TOKEN", "")
	t.Setenv("GITHUB_API_URL", "")
	dir := filepath.Join("..", "testdata", "demo")
	reg := githubtest.New(t, githubtest.WithPrefix("/api/v3"))
	serveDir(t, reg, "octo/demo", dir, ".github/actions/comment/action.yml",
		".github/workflows/ci.yml", ".github/workflows/pr-preview.yml", ".github/workflows/release.yml")
	apiURL := strings.TrimSuffix(reg.URL, "/api/v3/")

	local, lcode, lerr := runJSON(t, "scan", dir, "--format", "json", "--offline", "--fail-on", "none")
	remote, rcode, rerr := runJSON(t, "scan", "octo/demo", "--format", "json", "--fail-on", "none", "--api-url", apiURL)
	if lcode != 0 || rcode != 0 {
		t.Fatalf("exit codes local %d (%s), remote %d (%s)", lcode, lerr, rcode, rerr)
	}
	key := func(r *audit.Report) string {
		var b strings.Builder
		for _, f := range r.Findings {
			b.WriteString(f.File + ":" + itoa(f.Line) + ":" + itoa(f.Column) + " " + f.Check + " " + f.Message + "\n")
		}
		return b.String()
	}
	if key(local) == "" {
		t.Fatalf("the demo has no findings: nothing compared")
	}
	if key(local) != key(remote) {
		t.Errorf("remote findings differ from local ones:\nlocal:\n%s\nremote:\n%s", key(local), key(remote))
	}
	if remote.Target.Kind != "repo" || remote.Target.Name != "octo/demo" || remote.Target.Ref != "main" {
		t.Errorf("target = %+v", remote.Target)
	}
	if remote.Stats.Files != local.Stats.Files || remote.Score != local.Score {
		t.Errorf("stats %+v score %d; local %+v score %d", remote.Stats, remote.Score, local.Stats, local.Score)
	}
	// The repository, the tree and four blobs.
	if remote.Stats.APIRequests != 6 || local.Stats.APIRequests != 0 {
		t.Errorf("api_requests remote %d, local %d; want 6 and 0", remote.Stats.APIRequests, local.Stats.APIRequests)
	}
	t.Logf("remote scan of %d files used %d API requests", remote.Stats.Files, remote.Stats.APIRequests)
}

func TestScanRemoteTargetErrors(t *testing.T) {
	t.Setenv("GITHUB_TOKEN", "ghp_SECRET0000000000000000000000000000000")
	t.Setenv("GITHUB_API_URL", "")
	reg := githubtest.New(t, githubtest.WithPrefix("/api/v3"))
	reg.Register("GET repos/octo/missing", githubtest.Error(t, 404, "Not Found", "https://docs.github.com/rest/repos/repos#get-a-repository"))
	apiURL := strings.TrimSuffix(reg.URL, "/api/v3/")
	_, code, stderr := runJSON(t, "scan", "octo/missing", "--format", "json", "--api-url", apiURL)
	if code != ExitNoAudit || !strings.Contains(stderr, `"octo/missing" not found`) || strings.Contains(stderr, "SECRET") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	_, code, stderr = runJSON(t, "scan", "octo/missing", "--offline")
	if code != ExitUsage || !strings.Contains(stderr, "--offline") {
		t.Errorf("--offline with a remote target: exit %d, stderr %q", code, stderr)
	}
	_, code, _ = runJSON(t, "scan", "--repo", "not a repo", filepath.Join("..", "testdata", "demo"))
	if code != ExitUsage {
		t.Errorf("bad --repo: exit %d, want %d", code, ExitUsage)
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
