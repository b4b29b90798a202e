package cli

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/action"
	"github.com/rampart-sec/rampart/github/githubtest"
)

// The repository and commits of the recorded pull_request payloads (testdata/events).
const (
	evRepo    = "Codertocat/Hello-World"
	evPR      = 2
	evBaseSHA = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e"
	evHeadSHA = "ec26c3e57ca3a959ca5aad62de7213c562f8c821"
	evToken   = "ghs_TESTTOKENthatmustneverbeprinted0001"
)

// The base branch: one low finding (checkout pinned to a tag).
const baseWorkflow = `name: ci
on: pull_request
permissions: {}
jobs:
  test:
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@v4
        with:
          persist-credentials: false
      - run: make test
`

// A pull request that adds a high finding (template injection).
const worseWorkflow = baseWorkflow + `      - name: greet
        run: echo "${{ github.event.pull_request.title }}"
`

// A pull request that fixes the base's finding (checkout pinned to a commit).
const betterWorkflow = `name: ci
on: pull_request
permissions: {}
jobs:
  test:
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1
        with:
          persist-credentials: false
      - run: make test
`

// newActionFake starts the fake GitHub Enterprise Server (REST under /api/v3) that the Action's
// tests point GITHUB_API_URL at. In contract mode (scripts/contract-test.sh) the requests go
// through Prism, and any request or response that breaks GitHub's OpenAPI description fails
// the test.
func newActionFake(t *testing.T) *githubtest.Registry {
	t.Helper()
	githubtest.GuardDefaultTransport(t)
	return githubtest.New(t, githubtest.WithPrefix("/api/v3"))
}

func eventFile(name string) string {
	p, _ := filepath.Abs(filepath.Join("..", "testdata", "events", name))
	return p
}

type runnerRun struct {
	ws, output, summary string
}

// setActionEnv sets what the runner gives a Docker action; inputs override the defaults.
func setActionEnv(t *testing.T, event, payload, api string, inputs map[string]string) *runnerRun {
	t.Helper()
	dir := t.TempDir()
	r := &runnerRun{ws: filepath.Join(dir, "workspace"), output: filepath.Join(dir, "output"), summary: filepath.Join(dir, "summary")}
	for _, f := range []string{r.output, r.summary} {
		if err := os.WriteFile(f, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := map[string]string{
		"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": event, "GITHUB_EVENT_PATH": "",
		"GITHUB_REPOSITORY": evRepo, "GITHUB_WORKSPACE": r.ws, "GITHUB_API_URL": api,
		"GITHUB_SERVER_URL": "https://github.com", "GITHUB_SHA": evHeadSHA,
		"GITHUB_BASE_REF": "", "GITHUB_HEAD_REF": "",
		"GITHUB_OUTPUT": r.output, "GITHUB_STEP_SUMMARY": r.summary,
		"GITHUB_TOKEN": "", "GH_TOKEN": "",
		"INPUT_TOKEN": evToken, "INPUT_PATH": ".", "INPUT_CONFIG": "", "INPUT_FAIL-ON": "", "INPUT_MIN-SCORE": "",
		"INPUT_COMMENT": "auto", "INPUT_SARIF-FILE": "rampart.sarif", "INPUT_FORMAT": "text", "INPUT_ONLINE": "false",
	}
	if payload != "" {
		env["GITHUB_EVENT_PATH"] = eventFile(payload)
	}
	if event == "pull_request" {
		env["GITHUB_BASE_REF"], env["GITHUB_HEAD_REF"] = "master", "changes"
	}
	for k, v := range inputs {
		env[k] = v
	}
	for k, v := range env {
		t.Setenv(k, v)
	}
	return r
}

func (r *runnerRun) run(t *testing.T) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main([]string{"rampart", "action"}, strings.NewReader(""), &out, &errb)
	// The one place the token may appear is the ::add-mask:: command that hides it.
	logged := strings.Replace(out.String(), "::add-mask::"+evToken+"\n", "", 1)
	for _, s := range []string{logged, errb.String(), r.read(t, r.summary), r.read(t, r.output)} {
		if strings.Contains(s, evToken) {
			t.Fatalf("the token was printed:\n%s", s)
		}
	}
	return code, out.String(), errb.String()
}

func (r *runnerRun) read(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// outputs parses the GITHUB_OUTPUT file (name<<DELIM ... DELIM).
func (r *runnerRun) outputs(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	lines := strings.Split(r.read(t, r.output), "\n")
	for i := 0; i < len(lines); i++ {
		if lines[i] == "" {
			continue
		}
		name, delim, ok := strings.Cut(lines[i], "<<")
		if !ok {
			t.Fatalf("GITHUB_OUTPUT line %q is not name<<delimiter", lines[i])
		}
		var val []string
		for i++; i < len(lines) && lines[i] != delim; i++ {
			val = append(val, lines[i])
		}
		out[name] = strings.Join(val, "\n")
	}
	return out
}

// fakeBase registers the base commit's files: one tree and one blob per pipeline file.
func fakeBase(t *testing.T, reg *githubtest.Registry, files map[string]string) {
	raw := map[string][]byte{"README.md": []byte("# Hello-World\n")}
	for p, c := range files {
		raw[p] = []byte(c)
	}
	reg.Register("GET repos/"+evRepo+"/git/trees/"+evBaseSHA+"?recursive=1", githubtest.Tree(t, evRepo, raw, false))
	for _, c := range files {
		reg.Register("GET repos/"+evRepo+"/git/blobs/"+githubtest.BlobSHA([]byte(c)), githubtest.Blob(t, evRepo, []byte(c)))
	}
}

// fixture decodes a recorded response of testdata/github (an example of GitHub's OpenAPI
// description), for a test to adapt.
func fixture[T any](t *testing.T, name string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(githubtest.Load(t, name), &v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return v
}

// prFiles is GET /repos/{owner}/{repo}/pulls/{n}/files: the workflow, with the patch of its
// changed lines (none: a change GitHub shows no diff for), in the shape of the recorded pull-files.json.
func prFiles(t *testing.T, patch string) githubtest.Response {
	files := fixture[[]map[string]any](t, "pull-files.json")
	f := files[0]
	adds, dels := 0, 0
	for l := range strings.SplitSeq(patch, "\n") {
		switch {
		case strings.HasPrefix(l, "@@"):
		case strings.HasPrefix(l, "+"):
			adds++
		case strings.HasPrefix(l, "-"):
			dels++
		}
	}
	for k, v := range map[string]any{
		"sha": "bbcd538c8e72b8c175046e27cc8f907076331401", "filename": ".github/workflows/ci.yml", "status": "modified",
		"additions": adds, "deletions": dels, "changes": adds + dels,
		"blob_url":     "https://github.com/" + evRepo + "/blob/" + evHeadSHA + "/.github/workflows/ci.yml",
		"raw_url":      "https://github.com/" + evRepo + "/raw/" + evHeadSHA + "/.github/workflows/ci.yml",
		"contents_url": "https://api.github.com/repos/" + evRepo + "/contents/.github%2Fworkflows%2Fci.yml?ref=" + evHeadSHA,
		"patch":        patch,
	} {
		f[k] = v
	}
	if patch == "" {
		delete(f, "patch")
	}
	return githubtest.JSON(t, http.StatusOK, files[:1])
}

// The ids of the accounts in the tests' comments.
var userIDs = map[string]int64{"octocat": 583231, "mallory": 9919, "rampart-bot": 7, action.DefaultBot: 41898282}

// apiUser is an account as GitHub's answers embed it (simple-user): a person, or an App's bot
// ("github-actions[bot]", whose API URLs escape the brackets).
func apiUser(login string) map[string]any {
	id := userIDs[login]
	api := "https://api.github.com/users/" + url.PathEscape(login)
	u := map[string]any{
		"login": login, "id": id, "node_id": base64.StdEncoding.EncodeToString([]byte("04:User" + jsonNum(id))),
		"avatar_url": "https://avatars.githubusercontent.com/u/" + jsonNum(id) + "?v=4", "gravatar_id": "",
		"url": api, "html_url": "https://github.com/" + login,
		"followers_url": api + "/followers", "following_url": api + "/following{/other_user}",
		"gists_url": api + "/gists{/gist_id}", "starred_url": api + "/starred{/owner}{/repo}",
		"subscriptions_url": api + "/subscriptions", "organizations_url": api + "/orgs", "repos_url": api + "/repos",
		"events_url": api + "/events{/privacy}", "received_events_url": api + "/received_events",
		"type": "User", "site_admin": false,
	}
	if strings.HasSuffix(login, "[bot]") {
		u["type"], u["node_id"] = "Bot", "MDM6Qm90NDE4OTgyODI="
		u["avatar_url"], u["html_url"] = "https://avatars.githubusercontent.com/in/15368?v=4", "https://github.com/apps/github-actions"
	}
	return u
}

// issueComment is an issue comment as GitHub returns it, in the shape of the recorded issue-comment.json.
func issueComment(t *testing.T, id int64, login, body string) map[string]any {
	c := fixture[map[string]any](t, "issue-comment.json")
	assoc := "CONTRIBUTOR"
	if strings.HasSuffix(login, "[bot]") {
		assoc = "NONE"
	}
	for k, v := range map[string]any{
		"id": id, "node_id": base64.StdEncoding.EncodeToString([]byte("012:IssueComment" + jsonNum(id))), "body": body,
		"url":        "https://api.github.com/repos/" + evRepo + "/issues/comments/" + jsonNum(id),
		"html_url":   "https://github.com/" + evRepo + "/pull/2#issuecomment-" + jsonNum(id),
		"issue_url":  "https://api.github.com/repos/" + evRepo + "/issues/2",
		"created_at": "2026-01-10T10:00:00Z", "updated_at": "2026-01-10T10:00:00Z",
		"author_association": assoc, "user": apiUser(login),
	} {
		c[k] = v
	}
	return c
}

// pullRequest is GET /repos/{owner}/{repo}/pulls/2 of the recorded payloads' pull request, in
// the shape of the recorded pull-request.json.
func pullRequest(t *testing.T) githubtest.Response {
	p := fixture[map[string]any](t, "pull-request.json")
	p["number"], p["state"], p["title"] = evPR, "open", "Update the README with new information."
	p["url"] = "https://api.github.com/repos/" + evRepo + "/pulls/2"
	p["html_url"] = "https://github.com/" + evRepo + "/pull/2"
	for side, ref := range map[string][2]string{"head": {"changes", evHeadSHA}, "base": {"master", evBaseSHA}} {
		b := p[side].(map[string]any)
		b["ref"], b["sha"], b["label"] = ref[0], ref[1], "Codertocat:"+ref[0]
	}
	return githubtest.JSON(t, http.StatusOK, p)
}

// authenticatedUser is GET /user for a personal token, in the shape of the recorded user.json.
func authenticatedUser(t *testing.T, login string) githubtest.Response {
	u := fixture[map[string]any](t, "user.json")
	for k, v := range apiUser(login) {
		u[k] = v
	}
	u["name"], u["email"], u["bio"], u["twitter_username"] = "rampart bot", nil, nil, nil
	return githubtest.JSON(t, http.StatusOK, u)
}

func jsonNum(n int64) string { b, _ := json.Marshal(n); return string(b) }

// captureBody records the JSON body of a matched request.
func captureBody(dst *string) func(testing.TB, *http.Request) {
	return func(t testing.TB, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var v struct {
			Body string `json:"body"`
		}
		if err := json.Unmarshal(b, &v); err != nil {
			t.Errorf("request body is not {\"body\": ...}: %v", err)
		}
		*dst = v.Body
	}
}

var forbidden = func(t *testing.T) githubtest.Response {
	return githubtest.Error(t, http.StatusForbidden, "Resource not accessible by integration",
		"https://docs.github.com/rest/users/users#get-the-authenticated-user")
}

// The first run on a pull request creates the comment; the second, after a push that fixes the
// base's finding, updates the same comment and shows the finding fixed and the score rising.
func TestActionPullRequestCreatesThenUpdatesOneComment(t *testing.T) {
	reg := newActionFake(t)
	base := map[string]string{".github/workflows/ci.yml": baseWorkflow}

	// Run 1: opened, the PR adds a template injection.
	fakeBase(t, reg, base)
	reg.Register("GET repos/"+evRepo+"/pulls/2/files?per_page=100", prFiles(t, "@@ -13,0 +14,2 @@\n+      - name: greet\n+        run: echo \"${{ github.event.pull_request.title }}\""))
	reg.Register("GET user", forbidden(t))
	reg.Register("GET repos/"+evRepo+"/issues/2/comments?per_page=100", githubtest.JSON(t, 200, []any{
		issueComment(t, 11, "octocat", "Looks good to me"),
		issueComment(t, 12, "mallory", action.Marker+"\nforged: score 100"),
	}))
	var created string
	post := reg.Register("POST repos/"+evRepo+"/issues/2/comments", githubtest.JSON(t, http.StatusCreated, issueComment(t, 1001, "github-actions[bot]", "x")))
	post.Check = captureBody(&created)

	r := setActionEnv(t, "pull_request", "pull_request.opened.json", reg.URL, nil)
	writeFile(t, r.ws, ".github/workflows/ci.yml", worseWorkflow)
	code, out, errb := r.run(t)
	if code != ExitFail {
		t.Fatalf("exit %d, want %d (a new high finding, fail-on high)\nstdout:\n%s\nstderr:\n%s", code, ExitFail, out, errb)
	}
	if !strings.HasPrefix(created, action.Marker+"\n") {
		t.Fatalf("the comment does not start with the marker:\n%s", created)
	}
	for _, want := range []string{"score 99 → 93 (-6), 1 new high", "compared with the base commit <code>f95f852</code>",
		"https://github.com/Codertocat/Hello-World/blob/" + evHeadSHA + "/.github/workflows/ci.yml#L15", "template-injection"} {
		if !strings.Contains(created, want) {
			t.Errorf("comment lacks %q:\n%s", want, created)
		}
	}
	if strings.Count(created, action.Marker) != 1 {
		t.Errorf("the comment has %d markers, want 1", strings.Count(created, action.Marker))
	}
	outs := r.outputs(t)
	wantOuts := map[string]string{"score": "93", "grade": "A", "findings": "2", "new-findings": "1",
		"report-file": "rampart-report.json", "sarif-file": "rampart.sarif"}
	for k, v := range wantOuts {
		if outs[k] != v {
			t.Errorf("output %s = %q, want %q (all: %v)", k, outs[k], v, outs)
		}
	}
	for _, f := range []string{"rampart-report.json", "rampart.sarif"} {
		if _, err := os.Stat(filepath.Join(r.ws, f)); err != nil {
			t.Errorf("%s not written: %v", f, err)
		}
	}
	if !strings.Contains(r.read(t, r.summary), "score 99 → 93 (-6), 1 new high") {
		t.Errorf("summary lacks the headline:\n%s", r.read(t, r.summary))
	}
	// The new finding on a changed line is the first annotation.
	if first := firstAnnotation(out); !strings.Contains(first, "line=15") || !strings.HasPrefix(first, "::error ") {
		t.Errorf("first annotation %q, want the new template injection at line 15", first)
	}
	if !strings.Contains(out, "::add-mask::"+evToken) {
		t.Errorf("the token was not masked first")
	}
	writeGolden(t, "pr-opened.md", created)

	// Run 2: synchronize, the PR now pins checkout instead: the low finding is fixed.
	fakeBase(t, reg, base)
	reg.Register("GET repos/"+evRepo+"/pulls/2/files?per_page=100", prFiles(t, "@@ -10 +10 @@\n-      - uses: actions/checkout@v4\n+      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1"))
	reg.Register("GET user", forbidden(t))
	reg.Register("GET repos/"+evRepo+"/issues/2/comments?per_page=100",
		githubtest.JSON(t, 200, []any{issueComment(t, 11, "octocat", "Looks good to me"), issueComment(t, 12, "mallory", action.Marker+"\nforged")},
			"Link", `<`+reg.URL+`repositories/1296269/issues/2/comments?per_page=100&page=2>; rel="next"`))
	reg.Register("GET repos/"+evRepo+"/issues/2/comments?page=2&per_page=100",
		githubtest.JSON(t, 200, []any{issueComment(t, 1001, "github-actions[bot]", created)}))
	var updated string
	patch := reg.Register("PATCH repos/"+evRepo+"/issues/comments/1001", githubtest.JSON(t, 200, issueComment(t, 1001, "github-actions[bot]", "x")))
	patch.Check = captureBody(&updated)

	r = setActionEnv(t, "pull_request", "pull_request.synchronize.json", reg.URL, nil)
	writeFile(t, r.ws, ".github/workflows/ci.yml", betterWorkflow)
	code, out, errb = r.run(t)
	if code != ExitOK {
		t.Fatalf("exit %d, want 0\nstdout:\n%s\nstderr:\n%s", code, out, errb)
	}
	for _, want := range []string{"score 99 → 100 (+1), 1 new low, 1 fixed", "Fixed since the baseline (1)", "unpinned-uses"} {
		if !strings.Contains(updated, want) {
			t.Errorf("updated comment lacks %q:\n%s", want, updated)
		}
	}
	if outs := r.outputs(t); outs["score"] != "100" || outs["new-findings"] != "1" {
		t.Errorf("outputs %v", outs)
	}
	writeGolden(t, "pr-fixed.md", updated)
	for _, req := range reg.Requests() {
		if strings.Contains(req, "comments/12") {
			t.Errorf("touched the forged comment: %s", req)
		}
	}
}

func firstAnnotation(log string) string {
	for l := range strings.SplitSeq(log, "\n") {
		if strings.HasPrefix(l, "::error ") || strings.HasPrefix(l, "::warning ") || strings.HasPrefix(l, "::notice ") {
			return l
		}
	}
	return ""
}

// A fork's pull request gets a read-only token: the comment is refused with 403. The step still
// writes the summary (saying why) and the outputs, and its exit status follows fail-on.
func TestActionForkPullRequestReadOnlyToken(t *testing.T) {
	reg := newActionFake(t)
	fakeBase(t, reg, map[string]string{".github/workflows/ci.yml": baseWorkflow})
	reg.Register("GET repos/"+evRepo+"/pulls/2/files?per_page=100", prFiles(t, "@@ -13,0 +14,2 @@\n+      - name: greet\n+        run: x"))
	reg.Register("GET user", forbidden(t))
	reg.Register("GET repos/"+evRepo+"/issues/2/comments?per_page=100", githubtest.JSON(t, 200, []any{}))
	reg.Register("POST repos/"+evRepo+"/issues/2/comments", githubtest.Error(t, http.StatusForbidden,
		"Resource not accessible by integration", "https://docs.github.com/rest/issues/comments#create-an-issue-comment"))

	r := setActionEnv(t, "pull_request", "pull_request.opened.fork.json", reg.URL, nil)
	writeFile(t, r.ws, ".github/workflows/ci.yml", worseWorkflow)
	code, out, errb := r.run(t)
	if code != ExitFail {
		t.Fatalf("exit %d, want %d (fail-on decides, not the refused comment)\n%s\n%s", code, ExitFail, out, errb)
	}
	sum := r.read(t, r.summary)
	for _, want := range []string{"score 99 → 93 (-6), 1 new high", "No pull request comment: GitHub gave this run a read-only token because the pull request comes from a fork"} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary lacks %q:\n%s", want, sum)
		}
	}
	if !strings.Contains(out, "::warning::rampart: no pull request comment") {
		t.Errorf("the log does not say why no comment was posted:\n%s", out)
	}
	if outs := r.outputs(t); outs["new-findings"] != "1" {
		t.Errorf("outputs %v", outs)
	}

	// With fail-on none the same run passes.
	reg2 := newActionFake(t)
	fakeBase(t, reg2, map[string]string{".github/workflows/ci.yml": baseWorkflow})
	reg2.Register("GET repos/"+evRepo+"/pulls/2/files?per_page=100", prFiles(t, ""))
	reg2.Register("GET user", forbidden(t))
	reg2.Register("GET repos/"+evRepo+"/issues/2/comments?per_page=100", githubtest.JSON(t, 200, []any{}))
	reg2.Register("POST repos/"+evRepo+"/issues/2/comments", githubtest.Error(t, http.StatusForbidden, "Resource not accessible by integration", ""))
	r = setActionEnv(t, "pull_request", "pull_request.opened.fork.json", reg2.URL, map[string]string{"INPUT_FAIL-ON": "none"})
	writeFile(t, r.ws, ".github/workflows/ci.yml", worseWorkflow)
	if code, out, errb := r.run(t); code != ExitOK {
		t.Fatalf("exit %d with fail-on none\n%s\n%s", code, out, errb)
	}
}

// Outside pull requests (push, schedule, workflow_dispatch) there is no base and no comment: every
// finding counts, and no request is made when the API-backed checks are off.
func TestActionOtherEvents(t *testing.T) {
	for _, tc := range []struct{ event, payload string }{
		{"push", "push.json"}, {"schedule", "schedule.json"}, {"workflow_dispatch", "workflow_dispatch.json"},
	} {
		t.Run(tc.event, func(t *testing.T) {
			reg := newActionFake(t) // no stub: any request fails the test
			r := setActionEnv(t, tc.event, tc.payload, reg.URL, map[string]string{"INPUT_COMMENT": "always"})
			writeFile(t, r.ws, ".github/workflows/ci.yml", baseWorkflow)
			code, out, errb := r.run(t)
			if code != ExitOK {
				t.Fatalf("exit %d (a low finding, fail-on high)\n%s\n%s", code, out, errb)
			}
			outs := r.outputs(t)
			if outs["score"] != "99" || outs["findings"] != "1" || outs["new-findings"] != "1" || outs["grade"] != "A" {
				t.Errorf("outputs %v", outs)
			}
			if sum := r.read(t, r.summary); !strings.Contains(sum, action.Marker) || !strings.Contains(sum, "score 99/100 (A), 1 low") {
				t.Errorf("summary:\n%s", sum)
			}
			// fail-on low makes the existing finding fail the step; min-score too.
			r = setActionEnv(t, tc.event, tc.payload, reg.URL, map[string]string{"INPUT_FAIL-ON": "low"})
			writeFile(t, r.ws, ".github/workflows/ci.yml", baseWorkflow)
			if code, _, _ := r.run(t); code != ExitFail {
				t.Errorf("fail-on low: exit %d, want 1", code)
			}
			r = setActionEnv(t, tc.event, tc.payload, reg.URL, map[string]string{"INPUT_MIN-SCORE": "100", "INPUT_FAIL-ON": "none"})
			writeFile(t, r.ws, ".github/workflows/ci.yml", baseWorkflow)
			if code, _, _ := r.run(t); code != ExitFail {
				t.Errorf("min-score 100: exit %d, want 1", code)
			}
		})
	}
}

func TestActionBadInputs(t *testing.T) {
	for in, want := range map[string]string{
		"INPUT_COMMENT":   "input comment must be auto, always or never",
		"INPUT_FAIL-ON":   "input fail-on must be",
		"INPUT_MIN-SCORE": "input min-score must be",
		"INPUT_ONLINE":    "input online must be",
		"INPUT_FORMAT":    "input format must be one of",
	} {
		r := setActionEnv(t, "push", "push.json", "", map[string]string{in: "bogus"})
		writeFile(t, r.ws, ".github/workflows/ci.yml", baseWorkflow)
		code, _, errb := r.run(t)
		if code != ExitUsage || !strings.Contains(errb, want) {
			t.Errorf("%s=bogus: exit %d, stderr %q; want 2 and %q", in, code, errb, want)
		}
	}
}

// `rampart comment` posts from an untrusted report artifact, checks the PR's head first, and
// refuses a report that is not strictly valid.
func TestCommentCommand(t *testing.T) {
	reg := newActionFake(t)
	// A report as the PR run wrote it.
	fakeBase(t, reg, map[string]string{".github/workflows/ci.yml": baseWorkflow})
	reg.Register("GET repos/"+evRepo+"/pulls/2/files?per_page=100", prFiles(t, ""))
	r := setActionEnv(t, "pull_request", "pull_request.opened.fork.json", reg.URL, map[string]string{"INPUT_COMMENT": "never"})
	writeFile(t, r.ws, ".github/workflows/ci.yml", worseWorkflow)
	if code, out, errb := r.run(t); code != ExitFail {
		t.Fatalf("exit %d\n%s\n%s", code, out, errb)
	}
	report := filepath.Join(r.ws, "rampart-report.json")

	t.Setenv("GITHUB_TOKEN", evToken)
	pull := pullRequest(t)
	reg.Register("GET repos/"+evRepo+"/pulls/2", pull, pull)
	reg.Register("GET user", forbidden(t))
	reg.Register("GET repos/"+evRepo+"/issues/2/comments?per_page=100", githubtest.JSON(t, 200, []any{}))
	var body string
	reg.Register("POST repos/"+evRepo+"/issues/2/comments", githubtest.JSON(t, 201, issueComment(t, 2002, "github-actions[bot]", "x"))).Check = captureBody(&body)

	code, out, errb := run2(t, "comment", "--report", report, "--pr", "2", "--repo", evRepo, "--sha", evHeadSHA)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errb)
	}
	if !strings.HasPrefix(body, action.Marker) || !strings.Contains(body, "score 99 → 93 (-6), 1 new high") {
		t.Errorf("comment:\n%s", body)
	}
	// A head that moved on: no comment.
	code, _, errb = run2(t, "comment", "--report", report, "--pr", "2", "--repo", evRepo, "--sha", strings.Repeat("a", 40))
	if code != ExitNoAudit || !strings.Contains(errb, "the report is for another commit") {
		t.Errorf("moved head: exit %d, %s", code, errb)
	}
	// Reports that are not strictly valid are refused before any request.
	b, _ := os.ReadFile(report)
	bad := map[string]string{
		"unknown field": strings.Replace(string(b), `"schema"`, `"extra": 1, "schema"`, 1),
		"bad score":     regexp.MustCompile(`"score": \d+`).ReplaceAllString(string(b), `"score": 1000`),
		"trailing data": string(b) + "{}",
		"huge":          strings.Repeat(" ", action.MaxReportBytes+1),
	}
	for name, content := range bad {
		p := filepath.Join(t.TempDir(), "r.json")
		os.WriteFile(p, []byte(content), 0o644)
		if code, _, errb := run2(t, "comment", "--report", p, "--pr", "2", "--repo", evRepo); code != ExitUsage {
			t.Errorf("%s: exit %d (%s), want 2", name, code, errb)
		}
	}
}

func run2(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(append([]string{"rampart"}, args...), strings.NewReader(""), &out, &errb)
	if strings.Contains(out.String()+errb.String(), evToken) {
		t.Fatal("the token was printed")
	}
	return code, out.String(), errb.String()
}

var update = os.Getenv("RAMPART_UPDATE_GOLDEN") == "1"

// writeGolden compares a comment with testdata/action/NAME (RAMPART_UPDATE_GOLDEN=1 rewrites it).
func writeGolden(t *testing.T, name, got string) {
	t.Helper()
	// The tool version and timings vary; the golden keeps the rest.
	got = regexp.MustCompile(`<sub>rampart [^·]*·`).ReplaceAllString(got, "<sub>rampart VERSION ·")
	p := filepath.Join("..", "testdata", "action", name)
	if update {
		if err := os.WriteFile(p, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run with RAMPART_UPDATE_GOLDEN=1 to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file (RAMPART_UPDATE_GOLDEN=1 rewrites it):\n%s", name, got)
	}
}

// comment: auto stays silent on a clean pull request with no earlier comment, and updates the
// earlier comment of the token's own identity (GET /user works for a personal token) when there is one.
func TestActionAutoCommentOnCleanPullRequest(t *testing.T) {
	clean := map[string]string{".github/workflows/ci.yml": cleanWorkflow}
	user := authenticatedUser(t, "rampart-bot")

	reg := newActionFake(t)
	fakeBase(t, reg, clean)
	reg.Register("GET repos/"+evRepo+"/pulls/2/files?per_page=100", prFiles(t, ""))
	reg.Register("GET user", user)
	reg.Register("GET repos/"+evRepo+"/issues/2/comments?per_page=100", githubtest.JSON(t, 200, []any{
		issueComment(t, 31, "github-actions[bot]", action.Marker+"\nwritten by another identity"),
	}))
	r := setActionEnv(t, "pull_request", "pull_request.opened.json", reg.URL, nil)
	writeFile(t, r.ws, ".github/workflows/ci.yml", cleanWorkflow)
	if code, out, errb := r.run(t); code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errb)
	}
	for _, req := range reg.Requests() {
		if strings.HasPrefix(req, "POST") || strings.HasPrefix(req, "PATCH") {
			t.Errorf("auto mode wrote a comment with nothing to say: %s", req)
		}
	}
	if sum := r.read(t, r.summary); !strings.Contains(sum, "score 100 → 100 (+0), no new findings") {
		t.Errorf("summary:\n%s", sum)
	}

	reg = newActionFake(t)
	fakeBase(t, reg, clean)
	reg.Register("GET repos/"+evRepo+"/pulls/2/files?per_page=100", prFiles(t, ""))
	reg.Register("GET user", user)
	reg.Register("GET repos/"+evRepo+"/issues/2/comments?per_page=100", githubtest.JSON(t, 200, []any{
		issueComment(t, 31, "github-actions[bot]", action.Marker+"\nwritten by another identity"),
		issueComment(t, 32, "rampart-bot", action.Marker+"\nan earlier report"),
	}))
	var body string
	reg.Register("PATCH repos/"+evRepo+"/issues/comments/32", githubtest.JSON(t, 200, issueComment(t, 32, "rampart-bot", "x"))).Check = captureBody(&body)
	r = setActionEnv(t, "pull_request", "pull_request.opened.json", reg.URL, nil)
	writeFile(t, r.ws, ".github/workflows/ci.yml", cleanWorkflow)
	if code, out, errb := r.run(t); code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errb)
	}
	if !strings.Contains(body, "No new findings, none fixed.") {
		t.Errorf("updated comment:\n%s", body)
	}
}
