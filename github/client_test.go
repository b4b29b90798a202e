package github

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rampart-sec/rampart/github/githubtest"
)

const testToken = "ghp_TESTTOKEN0000000000000000000000000000"

// sleeps records the client's waits instead of sleeping.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(_ context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.d = append(s.d, d)
	return nil
}

func (s *sleeps) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

// contractCheck turns Prism's answer to a request or response that breaks GitHub's OpenAPI
// description (contract mode, application/problem+json) into a test failure naming the
// violations, and into a status the client does not retry.
type contractCheck struct {
	t    *testing.T
	next http.RoundTripper
	// expect collects violations instead of failing (the self-check).
	expect     bool
	mu         sync.Mutex
	violations []string
}

func (c *contractCheck) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(r)
	if err != nil || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
		return resp, err
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	msg := fmt.Sprintf("%s %s breaks GitHub's OpenAPI description: %s", r.Method, r.URL.Path, b)
	c.mu.Lock()
	c.violations = append(c.violations, msg)
	c.mu.Unlock()
	if !c.expect {
		c.t.Error(msg)
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	resp.StatusCode, resp.Status = http.StatusTeapot, "418 contract violation"
	return resp, nil
}

func newClient(t *testing.T, reg *githubtest.Registry, o Options) (*Client, *sleeps) {
	t.Helper()
	c, s, _ := newContractClient(t, reg, o, false)
	return c, s
}

func newContractClient(t *testing.T, reg *githubtest.Registry, o Options, expect bool) (*Client, *sleeps, *contractCheck) {
	t.Helper()
	next := o.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	cc := &contractCheck{t: t, next: next, expect: expect}
	o.Transport = cc
	if o.Token == "" && o.AppID == 0 {
		o.Token = testToken
	}
	if o.BaseURL == "" && o.APIURL == "" {
		o.BaseURL = reg.URL
	}
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	s := &sleeps{}
	c.retry.sleep = s.sleep
	return c, s, cc
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func TestRepoInfoAndTokenHeader(t *testing.T) {
	reg := githubtest.New(t)
	s := reg.Register("GET repos/octocat/Hello-World", githubtest.File(t, 200, "repo.json"))
	s.Check = func(t testing.TB, r *http.Request) {
		if got := r.Header.Get("Authorization"); got != "Bearer "+testToken {
			t.Errorf("Authorization = %q", got)
		}
		if r.Header.Get("X-GitHub-Api-Version") == "" {
			t.Errorf("no X-GitHub-Api-Version header")
		}
	}
	c, _ := newClient(t, reg, Options{})
	a := c.Actions()
	info, err := a.Repo(ctx(t), "octocat", "Hello-World")
	if err != nil {
		t.Fatal(err)
	}
	want := audit.RepoInfo{FullName: "octocat/Hello-World", DefaultBranch: "master", Visibility: "public"}
	if *info != want {
		t.Errorf("info = %+v, want %+v", *info, want)
	}
	// Cached: no second request.
	if _, err := a.Repo(ctx(t), "Octocat", "hello-world"); err != nil {
		t.Fatal(err)
	}
	if c.Requests() != 1 {
		t.Errorf("requests = %d, want 1", c.Requests())
	}
}

func TestRepoNotFoundIsAnErrorNotUnknown(t *testing.T) {
	reg := githubtest.New(t)
	reg.Register("GET repos/octocat/missing", githubtest.Error(t, 404, "Not Found", "https://docs.github.com/rest/repos/repos#get-a-repository"))
	c, _ := newClient(t, reg, Options{})
	_, err := c.Actions().Repo(ctx(t), "octocat", "missing")
	if err == nil || audit.IsUnknown(err) || !IsNotFound(err) {
		t.Fatalf("err = %v (unknown %v), want a not-found error", err, audit.IsUnknown(err))
	}
	if !strings.Contains(err.Error(), `"octocat/missing" not found`) {
		t.Errorf("message = %q", err)
	}
}

func TestBadCredentialsNeverShowTheToken(t *testing.T) {
	reg := githubtest.New(t)
	reg.Register("GET repos/octocat/Hello-World", githubtest.Error(t, 401, "Bad credentials", "https://docs.github.com/rest"))
	c, _ := newClient(t, reg, Options{})
	_, err := c.Actions().Repo(ctx(t), "octocat", "Hello-World")
	if err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), testToken) || strings.Contains(fmt.Sprintf("%#v", err), testToken) {
		t.Errorf("the error shows the token: %v", err)
	}
}

func page(reg *githubtest.Registry, path string, next int) []string {
	return []string{"Link", fmt.Sprintf(`<%s%s?per_page=100&page=%d>; rel="next", <%s%s?per_page=100&page=%d>; rel="last"`,
		reg.URL, path, next, reg.URL, path, next)}
}

func TestRefsPaginate(t *testing.T) {
	reg := githubtest.New(t)
	reg.Register("GET repos/octocat/Hello-World/branches?per_page=100",
		githubtest.File(t, 200, "branches.json", page(reg, "repos/octocat/Hello-World/branches", 2)...))
	reg.Register("GET repos/octocat/Hello-World/branches?per_page=100&page=2",
		githubtest.JSON(t, 200, []map[string]any{{"name": "release/v1", "commit": map[string]any{
			"sha": "762941318ee16e59dabbacb1b4049eec22f0d303",
			"url": "https://api.github.com/repos/octocat/Hello-World/commits/762941318ee16e59dabbacb1b4049eec22f0d303"},
			"protected": false, "protection_url": "https://api.github.com/repos/octocat/Hello-World/branches/release%2Fv1/protection"}}))
	// One tag is annotated: its commit comes from the tags list (one page), its object from the refs.
	reg.Register("GET repos/octocat/Hello-World/git/matching-refs/tags", githubtest.File(t, 200, "git-matching-refs-tags.json"))
	reg.Register("GET repos/octocat/Hello-World/tags?per_page=100", githubtest.File(t, 200, "tags.json"))
	c, _ := newClient(t, reg, Options{})
	refs, err := c.Actions().Refs(ctx(t), "octocat", "Hello-World")
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(refs.Branches, refs.Tags)
	want := "[{master c5b97d5ae6c19d5c5df71a34c7fbeeda2479ccbc } {release/v1 762941318ee16e59dabbacb1b4049eec22f0d303 }] " +
		"[{v0.0.1 c3d0be41ecbe669545ee3e94d31ed9a4bc91ee3c 940bd336248efae0f9ee5bc7b2d5c985887b16ac} {v0.1 c5b97d5ae6c19d5c5df71a34c7fbeeda2479ccbc }]"
	if got != want {
		t.Errorf("refs = %s\nwant   %s", got, want)
	}
}

// tagRef is one entry of GET /repos/octocat/Hello-World/git/matching-refs/tags, in the shape of
// the recorded git-matching-refs-tags.json.
func tagRef(name, typ, sha string) map[string]any {
	kind := map[string]string{"commit": "commits", "tag": "tags"}[typ]
	return map[string]any{"ref": "refs/tags/" + name, "node_id": "MDM6UmVmcmVmcy90YWdzL3YwLjE=",
		"url":    "https://api.github.com/repos/octocat/Hello-World/git/refs/tags/" + name,
		"object": map[string]any{"type": typ, "sha": sha, "url": "https://api.github.com/repos/octocat/Hello-World/git/" + kind + "/" + sha}}
}

// Without annotated tags, the matching refs are all there is to ask: no tags list.
func TestRefsLightweightTagsOnly(t *testing.T) {
	reg := githubtest.New(t)
	reg.Register("GET repos/octocat/Hello-World/branches?per_page=100", githubtest.File(t, 200, "branches.json"))
	reg.Register("GET repos/octocat/Hello-World/git/matching-refs/tags",
		githubtest.JSON(t, 200, []any{tagRef("v0.1", "commit", "c5b97d5ae6c19d5c5df71a34c7fbeeda2479ccbc")}))
	c, _ := newClient(t, reg, Options{})
	refs, err := c.Actions().Refs(ctx(t), "octocat", "Hello-World")
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(refs.Tags); got != "[{v0.1 c5b97d5ae6c19d5c5df71a34c7fbeeda2479ccbc }]" {
		t.Errorf("tags = %s", got)
	}
	if c.Requests() != 2 {
		t.Errorf("requests = %d, want 2 (branches, matching refs)", c.Requests())
	}
}

// Many tags and few annotated ones: each tag object is read (GET git/tags/{sha}) instead of
// listing every tag (two pages here).
func TestRefsDereferenceFewTagObjects(t *testing.T) {
	reg := githubtest.New(t)
	reg.Register("GET repos/octocat/Hello-World/branches?per_page=100", githubtest.File(t, 200, "branches.json"))
	refs := []any{tagRef("v0.0.1", "tag", "940bd336248efae0f9ee5bc7b2d5c985887b16ac")}
	for i := range 150 {
		refs = append(refs, tagRef(fmt.Sprintf("v1.%d.0", i), "commit", fmt.Sprintf("%040x", i+1)))
	}
	reg.Register("GET repos/octocat/Hello-World/git/matching-refs/tags", githubtest.JSON(t, 200, refs))
	reg.Register("GET repos/octocat/Hello-World/git/tags/940bd336248efae0f9ee5bc7b2d5c985887b16ac", githubtest.File(t, 200, "git-tag.json"))
	c, _ := newClient(t, reg, Options{})
	got, err := c.Actions().Refs(ctx(t), "octocat", "Hello-World")
	if err != nil {
		t.Fatal(err)
	}
	want := audit.GitRef{Name: "v0.0.1", SHA: "c3d0be41ecbe669545ee3e94d31ed9a4bc91ee3c", ObjectSHA: "940bd336248efae0f9ee5bc7b2d5c985887b16ac"}
	if len(got.Tags) != 151 || got.Tags[0] != want {
		t.Errorf("%d tags, first %+v; want 151, first %+v", len(got.Tags), got.Tags[0], want)
	}
	if c.Requests() != 3 {
		t.Errorf("requests = %d, want 3 (branches, matching refs, one tag object)", c.Requests())
	}
}

// An empty repository (409 "Git Repository is empty") has no tags; that is an answer.
func TestRefsEmptyRepository(t *testing.T) {
	reg := githubtest.New(t)
	reg.Register("GET repos/octocat/Hello-World/branches?per_page=100", githubtest.JSON(t, 200, []any{}))
	reg.Register("GET repos/octocat/Hello-World/git/matching-refs/tags",
		githubtest.Error(t, 409, "Git Repository is empty.", "https://docs.github.com/rest/git/refs#list-matching-references"))
	c, _ := newClient(t, reg, Options{})
	refs, err := c.Actions().Refs(ctx(t), "octocat", "Hello-World")
	if err != nil || len(refs.Tags) != 0 || len(refs.Branches) != 0 {
		t.Errorf("refs %+v, err %v; want none and no error", refs, err)
	}
}

// helloRefs registers the branches (master at c5b97d5) and tags (v0.1 at the same commit,
// annotated v0.0.1 at c3d0be4 with tag object 940bd33) of octocat/Hello-World, and the repository.
func helloRefs(t *testing.T, reg *githubtest.Registry) {
	reg.Register("GET repos/octocat/Hello-World/branches?per_page=100", githubtest.File(t, 200, "branches.json"))
	reg.Register("GET repos/octocat/Hello-World/git/matching-refs/tags", githubtest.File(t, 200, "git-matching-refs-tags.json"))
	reg.Register("GET repos/octocat/Hello-World/tags?per_page=100", githubtest.File(t, 200, "tags.json"))
	reg.Register("GET repos/octocat/Hello-World", githubtest.File(t, 200, "repo.json"))
}

func TestCommitReachable(t *testing.T) {
	const head = "c5b97d5ae6c19d5c5df71a34c7fbeeda2479ccbc"
	const tagObject = "940bd336248efae0f9ee5bc7b2d5c985887b16ac"
	const old = "6dcb09b5b57875f334f61aebed695e2e4193db5e"
	const impostor = "0328041d1152db8ae77652d1618a02e57f745f17"
	const gone = "ffffffffffffffffffffffffffffffffffffffff"
	reg := githubtest.New(t)
	helloRefs(t, reg)
	reg.Register("GET repos/octocat/Hello-World/compare/master..."+old+"?per_page=1",
		githubtest.Patched(t, 200, "compare.json", map[string]any{"status": "behind", "ahead_by": 0, "behind_by": 3}))
	// The impostor: a fork's commit, diverged from the default branch and ahead of the tags (newest first).
	reg.Register("GET repos/octocat/Hello-World/compare/master..."+impostor+"?per_page=1",
		githubtest.Patched(t, 200, "compare.json", map[string]any{"status": "diverged", "ahead_by": 1, "behind_by": 5}))
	reg.Register("GET repos/octocat/Hello-World/compare/v0.1..."+impostor+"?per_page=1",
		githubtest.Patched(t, 200, "compare.json", map[string]any{"status": "ahead", "ahead_by": 1, "behind_by": 0}))
	reg.Register("GET repos/octocat/Hello-World/compare/v0.0.1..."+impostor+"?per_page=1",
		githubtest.Patched(t, 200, "compare.json", map[string]any{"status": "diverged", "ahead_by": 1, "behind_by": 2}))
	// A commit GitHub does not know: one compare, no tag is asked about.
	reg.Register("GET repos/octocat/Hello-World/compare/master..."+gone+"?per_page=1",
		githubtest.Error(t, 404, "Not Found", "https://docs.github.com/rest/commits/commits#compare-two-commits"))
	c, _ := newClient(t, reg, Options{})
	a := c.Actions()
	for _, tc := range []struct {
		sha  string
		want bool
	}{{head, true}, {tagObject, true}, {old, true}, {impostor, false}, {gone, false}, {impostor, false}} {
		got, err := a.CommitReachable(ctx(t), "octocat", "Hello-World", tc.sha)
		if err != nil {
			t.Fatalf("%s: %v", tc.sha, err)
		}
		if got != tc.want {
			t.Errorf("CommitReachable(%s) = %v, want %v", tc.sha, got, tc.want)
		}
	}
	// The on-branch question of a commit found behind the default branch is answered by the same compare.
	if on, err := a.CommitOnBranch(ctx(t), "octocat", "Hello-World", old); err != nil || !on {
		t.Errorf("CommitOnBranch(%s) = %v, %v; want true", old, on, err)
	}
	if c.Requests() != 9 {
		t.Errorf("requests = %d, want 9 (branches, matching refs, tags, repo and compares each once)", c.Requests())
	}
}

// CommitOnBranch tells a tag's commit that is on a branch (one compare with the default branch)
// from one that only the tag reaches (a tag moved to a fork's commit); a branch head costs nothing.
func TestCommitOnBranch(t *testing.T) {
	const head = "c5b97d5ae6c19d5c5df71a34c7fbeeda2479ccbc"
	const release = "c3d0be41ecbe669545ee3e94d31ed9a4bc91ee3c"
	const moved = "0328041d1152db8ae77652d1618a02e57f745f17"
	reg := githubtest.New(t)
	helloRefs(t, reg)
	reg.Register("GET repos/octocat/Hello-World/compare/master..."+release+"?per_page=1",
		githubtest.Patched(t, 200, "compare.json", map[string]any{"status": "behind", "ahead_by": 0, "behind_by": 12}))
	reg.Register("GET repos/octocat/Hello-World/compare/master..."+moved+"?per_page=1",
		githubtest.Patched(t, 200, "compare.json", map[string]any{"status": "diverged", "ahead_by": 1, "behind_by": 5}))
	c, _ := newClient(t, reg, Options{})
	a := c.Actions()
	for _, tc := range []struct {
		sha  string
		want bool
	}{{head, true}, {release, true}, {moved, false}, {moved, false}} {
		got, err := a.CommitOnBranch(ctx(t), "octocat", "Hello-World", tc.sha)
		if err != nil {
			t.Fatalf("%s: %v", tc.sha, err)
		}
		if got != tc.want {
			t.Errorf("CommitOnBranch(%s) = %v, want %v", tc.sha, got, tc.want)
		}
	}
	if c.Requests() != 6 {
		t.Errorf("requests = %d, want 6 (branches, matching refs, tags, repo, two compares)", c.Requests())
	}
}

// Past MaxCompares branches, whether a commit is on a branch is unknown, not false.
func TestCommitOnBranchBounded(t *testing.T) {
	const moved = "0328041d1152db8ae77652d1618a02e57f745f17"
	reg := githubtest.New(t)
	reg.Register("GET repos/octocat/Hello-World/branches?per_page=100", githubtest.JSON(t, 200, []map[string]any{
		{"name": "master", "commit": map[string]any{"sha": "c5b97d5ae6c19d5c5df71a34c7fbeeda2479ccbc",
			"url": "https://api.github.com/repos/octocat/Hello-World/commits/c5b97d5ae6c19d5c5df71a34c7fbeeda2479ccbc"}, "protected": false},
		{"name": "stable", "commit": map[string]any{"sha": "762941318ee16e59dabbacb1b4049eec22f0d303",
			"url": "https://api.github.com/repos/octocat/Hello-World/commits/762941318ee16e59dabbacb1b4049eec22f0d303"}, "protected": false},
		{"name": "next", "commit": map[string]any{"sha": "553c2077f0edc3d5dc5d17262f6aa498e69d6f8e",
			"url": "https://api.github.com/repos/octocat/Hello-World/commits/553c2077f0edc3d5dc5d17262f6aa498e69d6f8e"}, "protected": false},
	}))
	reg.Register("GET repos/octocat/Hello-World/git/matching-refs/tags", githubtest.JSON(t, 200, []any{}))
	reg.Register("GET repos/octocat/Hello-World", githubtest.File(t, 200, "repo.json"))
	reg.Register("GET repos/octocat/Hello-World/compare/master..."+moved+"?per_page=1",
		githubtest.Patched(t, 200, "compare.json", map[string]any{"status": "diverged", "ahead_by": 1, "behind_by": 5}))
	reg.Register("GET repos/octocat/Hello-World/compare/stable..."+moved+"?per_page=1",
		githubtest.Patched(t, 200, "compare.json", map[string]any{"status": "diverged", "ahead_by": 1, "behind_by": 2}))
	c, _ := newClient(t, reg, Options{})
	a := c.Actions()
	a.MaxCompares = 2
	_, err := a.CommitOnBranch(ctx(t), "octocat", "Hello-World", moved)
	if !audit.IsUnknown(err) {
		t.Errorf("err = %v, want unknown", err)
	}
}

func TestAdvisories(t *testing.T) {
	reg := githubtest.New(t)
	reg.Register("GET advisories?type=reviewed&ecosystem=actions&affects=tj-actions/changed-files&per_page=100",
		githubtest.File(t, 200, "advisories-actions.json"))
	c, _ := newClient(t, reg, Options{})
	advs, err := c.Actions().Advisories(ctx(t), "tj-actions/changed-files")
	if err != nil {
		t.Fatal(err)
	}
	want := []audit.Advisory{{GHSA: "GHSA-mrrh-fwg8-r2c3", CVE: "CVE-2025-30066",
		Summary:  "tj-actions changed-files through 45.0.7 allows remote attackers to discover secrets by reading actions logs.",
		Severity: audit.High, URL: "https://github.com/advisories/GHSA-mrrh-fwg8-r2c3", Vulnerable: "<= 45.0.7", FirstPatched: "46.0.1"}}
	if fmt.Sprint(advs) != fmt.Sprint(want) {
		t.Errorf("advisories = %+v\nwant %+v", advs, want)
	}
}

func TestProtection403IsUnknown(t *testing.T) {
	reg := githubtest.New(t)
	reg.Register("GET repos/octocat/Hello-World/branches/main/protection",
		githubtest.Error(t, 403, "Resource not accessible by integration",
			"https://docs.github.com/rest/branches/branch-protection#get-branch-protection",
			"X-Accepted-GitHub-Permissions", "administration=read"))
	reg.Register("GET repos/octocat/Hello-World/rules/branches/main?per_page=100", githubtest.JSON(t, 200, []any{}))
	c, _ := newClient(t, reg, Options{})
	_, err := c.Settings(nil, "octocat", "Hello-World").Protection(ctx(t), "main")
	var u *audit.UnknownError
	if !errors.As(err, &u) {
		t.Fatalf("err = %v, want unknown", err)
	}
	want := audit.UnknownError{What: `branch protection of "main"`, Reason: "token lacks administration: read"}
	if *u != want {
		t.Errorf("unknown = %+v, want %+v", *u, want)
	}
}

func TestProtection403WithRulesets(t *testing.T) {
	// Classic protection cannot be read, but a ruleset protects the branch: a partial answer.
	reg := githubtest.New(t)
	reg.Register("GET repos/octocat/Hello-World/branches/main/protection",
		githubtest.Error(t, 403, "Resource not accessible by integration", "https://docs.github.com/rest/branches/branch-protection#get-branch-protection"))
	reg.Register("GET repos/octocat/Hello-World/rules/branches/main?per_page=100", githubtest.File(t, 200, "rules-protected.json"))
	c, _ := newClient(t, reg, Options{})
	p, err := c.Settings(nil, "octocat", "Hello-World").Protection(ctx(t), "main")
	if err != nil {
		t.Fatal(err)
	}
	if !p.Protected || !p.RequiresPR || len(p.Unknown) != 1 || p.Unknown[0] != `classic branch protection of "main": token lacks administration: read` {
		t.Errorf("protection = %+v", p)
	}
}

func TestProtectionNotProtectedConsultsRulesets(t *testing.T) {
	reg := githubtest.New(t)
	reg.Register("GET repos/octocat/Hello-World/branches/main/protection",
		githubtest.Error(t, 404, "Branch not protected", "https://docs.github.com/rest/branches/branch-protection#get-branch-protection"))
	reg.Register("GET repos/octocat/Hello-World/rules/branches/main?per_page=100", githubtest.File(t, 200, "rules-protected.json"))
	c, _ := newClient(t, reg, Options{})
	p, err := c.Settings(nil, "octocat", "Hello-World").Protection(ctx(t), "main")
	if err != nil {
		t.Fatal(err)
	}
	want := audit.Protection{Branch: "main", Protected: true, BlocksForcePush: true, BlocksDeletion: true, RequiresPR: true,
		RequiredReviewers: 2, RequiresCodeOwners: true, DismissesStaleReviews: true, RequiresStatusChecks: true,
		Sources: []string{"ruleset 42 (repository octocat/Hello-World)", "ruleset 73 (organization octo-org)"}}
	if fmt.Sprintf("%+v", *p) != fmt.Sprintf("%+v", want) {
		t.Errorf("protection = %+v\nwant         %+v", *p, want)
	}
}

func TestProtectionNeitherClassicNorRulesets(t *testing.T) {
	reg := githubtest.New(t)
	reg.Register("GET repos/octocat/Hello-World/branches/dev/protection",
		githubtest.Error(t, 404, "Branch not protected", "https://docs.github.com/rest/branches/branch-protection#get-branch-protection"))
	reg.Register("GET repos/octocat/Hello-World/rules/branches/dev?per_page=100", githubtest.File(t, 200, "rules.json"))
	c, _ := newClient(t, reg, Options{})
	p, err := c.Settings(nil, "octocat", "Hello-World").Protection(ctx(t), "dev")
	if err != nil {
		t.Fatal(err)
	}
	if p.Protected || p.RequiresPR || p.BlocksForcePush || len(p.Unknown) != 0 {
		t.Errorf("protection = %+v, want an unprotected branch", p)
	}
}

func TestProtectionClassic(t *testing.T) {
	reg := githubtest.New(t)
	reg.Register("GET repos/octocat/Hello-World/branches/master/protection", githubtest.File(t, 200, "protection.json"))
	reg.Register("GET repos/octocat/Hello-World/rules/branches/master?per_page=100", githubtest.JSON(t, 200, []any{}))
	c, _ := newClient(t, reg, Options{})
	p, err := c.Settings(nil, "octocat", "Hello-World").Protection(ctx(t), "master")
	if err != nil {
		t.Fatal(err)
	}
	// The recorded example allows force pushes and deletions.
	want := audit.Protection{Branch: "master", Sources: []string{"classic"}, Protected: true, BlocksForcePush: false,
		BlocksDeletion: false, RequiresPR: true, RequiredReviewers: 2, RequiresCodeOwners: true, DismissesStaleReviews: true,
		RequiresStatusChecks: true, EnforcedForAdmins: true, RequiresLastPushReview: true}
	if fmt.Sprintf("%+v", *p) != fmt.Sprintf("%+v", want) {
		t.Errorf("protection = %+v\nwant         %+v", *p, want)
	}
}

func TestActionsSettings(t *testing.T) {
	reg := githubtest.New(t)
	reg.Register("GET repos/octocat/Hello-World", githubtest.File(t, 200, "repo.json"))
	reg.Register("GET repos/octocat/Hello-World/actions/permissions", githubtest.File(t, 200, "actions-permissions.json"))
	reg.Register("GET repos/octocat/Hello-World/actions/permissions/workflow", githubtest.File(t, 200, "actions-workflow.json"))
	reg.Register("GET repos/octocat/Hello-World/actions/permissions/selected-actions", githubtest.File(t, 200, "selected-actions.json"))
	reg.Register("GET repos/octocat/Hello-World/actions/permissions/fork-pr-contributor-approval", githubtest.File(t, 200, "fork-pr-approval.json"))
	c, _ := newClient(t, reg, Options{})
	got, err := c.Settings(nil, "octocat", "Hello-World").Actions(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	yes := true
	want := audit.ActionsSettings{DefaultWorkflowPermissions: "read", CanApprovePullRequests: &yes, AllowedActions: "selected",
		VerifiedAllowed: false, GitHubOwnedAllowed: true, ForkPRApproval: "first_time_contributors", Level: "repository"}
	if got.DefaultWorkflowPermissions != want.DefaultWorkflowPermissions || got.CanApprovePullRequests == nil || !*got.CanApprovePullRequests ||
		got.AllowedActions != want.AllowedActions || got.VerifiedAllowed != want.VerifiedAllowed || got.GitHubOwnedAllowed != want.GitHubOwnedAllowed ||
		got.ForkPRApproval != want.ForkPRApproval || got.Level != want.Level {
		t.Errorf("settings = %+v, want %+v", *got, want)
	}
}

func TestActionsSettingsUnknown(t *testing.T) {
	forbidden := func() githubtest.Response {
		return githubtest.Error(t, 403, "Resource not accessible by integration",
			"https://docs.github.com/rest/actions/permissions", "X-Accepted-GitHub-Permissions", "administration=read")
	}
	reg := githubtest.New(t)
	reg.Register("GET repos/octocat/Hello-World", githubtest.File(t, 200, "repo.json"))
	reg.Register("GET repos/octocat/Hello-World/actions/permissions", forbidden())
	reg.Register("GET repos/octocat/Hello-World/actions/permissions/workflow", forbidden())
	reg.Register("GET orgs/octocat/actions/permissions/workflow", githubtest.Error(t, 404, "Not Found", "https://docs.github.com/rest/actions/permissions"))
	reg.Register("GET repos/octocat/Hello-World/actions/permissions/fork-pr-contributor-approval", forbidden())
	c, _ := newClient(t, reg, Options{})
	_, err := c.Settings(nil, "octocat", "Hello-World").Actions(ctx(t))
	var u *audit.UnknownError
	if !errors.As(err, &u) || u.Reason != "token lacks administration: read" {
		t.Fatalf("err = %v, want unknown naming administration: read", err)
	}
}

func TestFileCODEOWNERS(t *testing.T) {
	reg := githubtest.New(t)
	reg.Register("GET repos/octocat/Hello-World/contents/CODEOWNERS", githubtest.Patched(t, 200, "content-codeowners.json", map[string]any{"path": "CODEOWNERS"}))
	reg.Register("GET repos/octocat/Hello-World/contents/OWNERS", githubtest.Error(t, 404, "Not Found", "https://docs.github.com/rest/repos/contents#get-repository-content"))
	c, _ := newClient(t, reg, Options{})
	s := c.Settings(nil, "octocat", "Hello-World")
	b, err := s.File(ctx(t), "CODEOWNERS")
	if err != nil || string(b) != "# Owners of the workflows\n/.github/ @octo-org/security\n" {
		t.Errorf("CODEOWNERS = %q, %v", b, err)
	}
	b, err = s.File(ctx(t), "OWNERS")
	if err != nil || b != nil {
		t.Errorf("missing file = %q, %v; want nil, nil", b, err)
	}
	if _, err := s.File(ctx(t), "../etc/passwd"); err == nil {
		t.Errorf("a path with .. was accepted")
	}
}

func TestFileInAFolder(t *testing.T) {
	githubtest.NoContract(t, "the contents API's {path} has a slash")
	reg := githubtest.New(t)
	reg.Register("GET repos/octocat/Hello-World/contents/.github/CODEOWNERS", githubtest.File(t, 200, "content-codeowners.json"))
	reg.Register("GET repos/octocat/Hello-World/contents/docs/CODEOWNERS", githubtest.Error(t, 404, "Not Found", "https://docs.github.com/rest/repos/contents#get-repository-content"))
	c, _ := newClient(t, reg, Options{})
	s := c.Settings(nil, "octocat", "Hello-World")
	if b, err := s.File(ctx(t), ".github/CODEOWNERS"); err != nil || !strings.HasPrefix(string(b), "# Owners") {
		t.Errorf(".github/CODEOWNERS = %q, %v", b, err)
	}
	if b, err := s.File(ctx(t), "docs/CODEOWNERS"); err != nil || b != nil {
		t.Errorf("docs/CODEOWNERS = %q, %v; want nil, nil", b, err)
	}
}

func TestEnterprisePrefix(t *testing.T) {
	reg := githubtest.New(t, githubtest.WithPrefix("/api/v3"))
	reg.Register("GET repos/octocat/Hello-World", githubtest.File(t, 200, "repo.json"))
	apiURL := strings.TrimSuffix(strings.TrimSuffix(reg.URL, "/"), "/api/v3")
	c, _ := newClient(t, reg, Options{APIURL: apiURL})
	if !strings.HasSuffix(c.BaseURL(), "/api/v3/") {
		t.Fatalf("base URL = %q, want .../api/v3/", c.BaseURL())
	}
	if _, err := c.Actions().Repo(ctx(t), "octocat", "Hello-World"); err != nil {
		t.Fatal(err)
	}
}

func TestAPIURLs(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "https://api.github.com/"},
		{"https://api.github.com", "https://api.github.com/"},
		{"https://ghes.example.com", "https://ghes.example.com/api/v3/"},
		{"https://ghes.example.com/api/v3", "https://ghes.example.com/api/v3/"},
		{"https://octocorp.ghe.com", "https://api.octocorp.ghe.com/"},
		{"https://api.octocorp.ghe.com/", "https://api.octocorp.ghe.com/"},
	} {
		c, err := New(Options{APIURL: tc.in})
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if c.BaseURL() != tc.want {
			t.Errorf("APIURL %q: base %q, want %q", tc.in, c.BaseURL(), tc.want)
		}
	}
	if _, err := New(Options{APIURL: "ftp://x"}); err == nil {
		t.Errorf("ftp URL accepted")
	}
}

func TestServerErrorsAreRetried(t *testing.T) {
	reg := githubtest.New(t)
	reg.Register("GET repos/octocat/Hello-World",
		githubtest.Error(t, 502, "Server Error", ""),
		githubtest.Error(t, 503, "Service Unavailable", ""),
		githubtest.File(t, 200, "repo.json"))
	c, s := newClient(t, reg, Options{RetryDelay: 100 * time.Millisecond})
	if _, err := c.Actions().Repo(ctx(t), "octocat", "Hello-World"); err != nil {
		t.Fatal(err)
	}
	if c.Requests() != 3 {
		t.Errorf("requests = %d, want 3", c.Requests())
	}
	d := s.all()
	if len(d) != 2 || d[0] < 50*time.Millisecond || d[0] > 100*time.Millisecond || d[1] < 100*time.Millisecond || d[1] > 200*time.Millisecond {
		t.Errorf("backoff waits = %v, want ~[50-100ms 100-200ms]", d)
	}
}

func TestServerErrorsGiveUp(t *testing.T) {
	reg := githubtest.New(t)
	reg.Register("GET repos/octocat/Hello-World",
		githubtest.Error(t, 500, "Server Error", ""), githubtest.Error(t, 500, "Server Error", ""))
	c, _ := newClient(t, reg, Options{MaxRetries: 1})
	_, err := c.Actions().Repo(ctx(t), "octocat", "Hello-World")
	if err == nil || audit.IsUnknown(err) || !strings.Contains(err.Error(), "500") {
		t.Fatalf("err = %v, want a failure naming the 500", err)
	}
}

func rateHeaders(remaining int, reset time.Time) []string {
	return []string{"X-RateLimit-Limit", "5000", "X-RateLimit-Remaining", strconv.Itoa(remaining),
		"X-RateLimit-Used", strconv.Itoa(5000 - remaining), "X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10), "X-RateLimit-Resource", "core"}
}

func TestPrimaryRateLimitWaitsForACloseReset(t *testing.T) {
	reset := time.Now().Add(20 * time.Second)
	reg := githubtest.New(t)
	reg.Register("GET repos/octocat/Hello-World",
		githubtest.Error(t, 403, "API rate limit exceeded for user ID 1.", "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api",
			rateHeaders(0, reset)...),
		githubtest.File(t, 200, "repo.json"))
	c, s := newClient(t, reg, Options{MaxRateWait: time.Minute})
	if _, err := c.Actions().Repo(ctx(t), "octocat", "Hello-World"); err != nil {
		t.Fatal(err)
	}
	d := s.all()
	if len(d) != 1 || d[0] < 15*time.Second || d[0] > 22*time.Second {
		t.Errorf("waits = %v, want one of about 20s", d)
	}
}

func TestPrimaryRateLimitStopsWhenTheResetIsFar(t *testing.T) {
	reset := time.Now().Add(45 * time.Minute)
	reg := githubtest.New(t)
	reg.Register("GET repos/octocat/Hello-World", githubtest.File(t, 200, "repo.json", rateHeaders(0, reset)...))
	c, s := newClient(t, reg, Options{MaxRateWait: time.Minute})
	a := c.Actions()
	if _, err := a.Repo(ctx(t), "octocat", "Hello-World"); err != nil {
		t.Fatal(err)
	}
	// The last answer left no request: the next one is not sent.
	_, err := a.Refs(ctx(t), "octocat", "Hello-World")
	var rl *RateLimitError
	if !errors.As(err, &rl) {
		t.Fatalf("err = %v, want a rate limit error", err)
	}
	if !strings.Contains(err.Error(), "rate limit exhausted") || !strings.Contains(err.Error(), "resets at") {
		t.Errorf("message = %q", err)
	}
	if len(s.all()) != 0 || c.Requests() != 1 {
		t.Errorf("waits %v, requests %d; want none and 1", s.all(), c.Requests())
	}
}

func TestSecondaryRateLimitRetryAfter(t *testing.T) {
	reg := githubtest.New(t)
	reg.Register("GET repos/octocat/Hello-World",
		githubtest.Error(t, 403, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
			"https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
			"Retry-After", "7"),
		githubtest.Error(t, 429, "Too many requests", "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api", "Retry-After", "3"),
		githubtest.File(t, 200, "repo.json"))
	c, s := newClient(t, reg, Options{})
	if _, err := c.Actions().Repo(ctx(t), "octocat", "Hello-World"); err != nil {
		t.Fatal(err)
	}
	if d := s.all(); fmt.Sprint(d) != "[7s 3s]" {
		t.Errorf("waits = %v, want [7s 3s]", d)
	}
}

func TestETagCache(t *testing.T) {
	dir := t.TempDir()
	reg := githubtest.New(t)
	etag := `W/"7b2a1c5f0e6d9f3a8b4c2d1e0f9a8b7c"`
	reg.Register("GET repos/octocat/Hello-World", githubtest.File(t, 200, "repo.json", "ETag", etag, "Cache-Control", "private, max-age=60, s-maxage=60"))
	s := reg.Register("GET repos/octocat/Hello-World", githubtest.NotModified("ETag", etag))
	s.Check = func(t testing.TB, r *http.Request) {
		if r.Header.Get("If-None-Match") != etag {
			t.Errorf("If-None-Match = %q, want %q", r.Header.Get("If-None-Match"), etag)
		}
	}
	for i := range 2 {
		// A new client each time: the second run finds the first run's answer on disk.
		c, _ := newClient(t, reg, Options{CacheDir: dir})
		info, err := c.Actions().Repo(ctx(t), "octocat", "Hello-World")
		if err != nil {
			t.Fatal(err)
		}
		if info.FullName != "octocat/Hello-World" {
			t.Errorf("run %d: info = %+v", i, info)
		}
		if c.CacheHits() != i {
			t.Errorf("run %d: cache hits = %d, want %d", i, c.CacheHits(), i)
		}
	}
}

func TestPerAttemptDeadline(t *testing.T) {
	block := make(chan struct{})
	srv := &http.Server{}
	_ = srv
	reg := githubtest.New(t)
	reg.Register("GET repos/octocat/Hello-World", githubtest.File(t, 200, "repo.json"))
	slow := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		select {
		case <-r.Context().Done():
			return nil, r.Context().Err()
		case <-block:
			return nil, errors.New("unreachable")
		}
	})
	first := true
	var mu sync.Mutex
	tr := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		f := first
		first = false
		mu.Unlock()
		if f {
			return slow(r)
		}
		return http.DefaultTransport.RoundTrip(r)
	})
	c, _ := newClient(t, reg, Options{Transport: tr, RequestTimeout: 50 * time.Millisecond})
	if _, err := c.Actions().Repo(ctx(t), "octocat", "Hello-World"); err != nil {
		t.Fatal(err)
	}
	close(block)
	if c.Requests() != 2 {
		t.Errorf("requests = %d, want 2 (a timed-out attempt, then a retry)", c.Requests())
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestCheckPath(t *testing.T) {
	for _, p := range []string{"", "/etc/passwd", "../x", "a/../b", "a//b", "./a", "a\x00b", `a\b`, "C:/x", "a/\nb"} {
		if checkPath(p) == nil {
			t.Errorf("checkPath(%q) accepted it", p)
		}
	}
	for _, p := range []string{".github/workflows/ci.yml", "action.yml", "a/b/Dockerfile", "..foo/x"} {
		if err := checkPath(p); err != nil {
			t.Errorf("checkPath(%q) = %v", p, err)
		}
	}
}

// TestContractRejectsWrongShapes is the contract test's self-check (scripts/contract-test.sh):
// a recorded response that breaks GitHub's OpenAPI description (a repository without its
// required fields) and a request GitHub does not have (a misspelt path, a bad parameter) must
// each be rejected by Prism. It runs only in contract mode.
func TestContractRejectsWrongShapes(t *testing.T) {
	if !githubtest.Contract() {
		t.Skip("contract mode only (scripts/contract-test.sh)")
	}
	reg := githubtest.New(t)
	reg.Register("GET repos/octocat/Hello-World", githubtest.Patched(t, 200, "repo.json", map[string]any{"full_name": nil, "id": "not a number"}))
	c, _, cc := newContractClient(t, reg, Options{MaxRetries: -1}, true)
	if _, err := c.Actions().Repo(ctx(t), "octocat", "Hello-World"); err == nil {
		t.Errorf("a repository without full_name and with a string id was accepted")
	}
	// Requests that never reach the fake: an unknown path and an invalid enum value.
	for _, u := range []string{"repos/octocat/Hello-World/branch-protections", "advisories?ecosystem=not-an-ecosystem"} {
		req, err := c.REST.NewRequest(ctx(t), "GET", u, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.REST.Do(req, nil); err == nil {
			t.Errorf("GET %s was accepted", u)
		}
	}
	if len(cc.violations) != 3 {
		t.Errorf("Prism reported %d violations, want 3:\n%s", len(cc.violations), strings.Join(cc.violations, "\n"))
	}
	for _, v := range cc.violations {
		t.Logf("rejected as expected: %.300s", v)
	}
}

// endless is a JSON answer whose string never ends within n bytes.
type endless struct{ n int64 }

func (e *endless) Read(p []byte) (int, error) {
	if e.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > e.n {
		p = p[:e.n]
	}
	for i := range p {
		p[i] = 'a'
	}
	e.n -= int64(len(p))
	return len(p), nil
}

// A server that streams without end (a hostile GitHub Enterprise, a proxy) makes the request
// fail at the cap on an answer's body, instead of filling the memory.
func TestResponseBodyIsCapped(t *testing.T) {
	reads := int64(0)
	tr := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		body := io.MultiReader(strings.NewReader(`{"name":"`), &endless{n: 8 << 20}, strings.NewReader(`"}`))
		counted := readerFunc(func(p []byte) (int, error) {
			n, err := body.Read(p)
			reads += int64(n)
			return n, err
		})
		return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(counted), Request: r}, nil
	})
	c, err := New(Options{Token: testToken, BaseURL: "https://ghes.invalid/api/v3/", Transport: tr, MaxResponseBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Actions().Repo(ctx(t), "octocat", "Hello-World")
	if err == nil || !strings.Contains(err.Error(), ErrResponseTooLarge.Error()) {
		t.Fatalf("err = %v, want %q", err, ErrResponseTooLarge)
	}
	if reads > 2<<20 {
		t.Errorf("read %d bytes of an answer capped at 1 MiB", reads)
	}
	if strings.Contains(err.Error(), testToken) {
		t.Errorf("the error shows the token")
	}
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }
