// Package githubtest is a fake GitHub REST API for tests of the real client: an httptest.Server
// that answers only the requests a test registered, with recorded JSON responses from
// testdata/github/ (copies of the examples of GitHub's OpenAPI description), in the manner of
// cli/cli's pkg/httpmock. A request no stub matches fails the test, and so does a stub that
// was never used.
//
// Contract mode: when RAMPART_PRISM_URL and RAMPART_FAKE_ADDR are set (scripts/contract-test.sh),
// the fake listens on RAMPART_FAKE_ADDR and the client is pointed at Prism (RAMPART_PRISM_URL,
// or RAMPART_PRISM_GHES_URL for the /api/v3 prefix), which proxies to the fake and fails any
// request or response that does not match GitHub's OpenAPI description. Tests of one package
// then must not run in parallel: one registry is active at a time.
package githubtest

import (
	"bytes"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Response is one recorded answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Stub answers requests of one method and path (and, when given, query parameters), one
// response per request, in order. Every response must be used by the end of the test.
type Stub struct {
	Method string
	Path   string
	Query  url.Values
	// Check, when set, inspects the matched request (headers) and reports problems through t.
	Check     func(t testing.TB, r *http.Request)
	responses []Response
	used      int
	persist   bool
}

// Persist makes the stub's last response answer any number of further requests.
func (s *Stub) Persist() *Stub { s.persist = true; return s }

// Registry is a fake GitHub for one test.
type Registry struct {
	t      testing.TB
	prefix string
	// URL is the base URL the client under test uses ("http://127.0.0.1:PORT/" or Prism's, with the prefix).
	URL string
	// Server is the fake (nil in contract mode, where one shared listener serves every registry).
	Server *httptest.Server

	mu       sync.Mutex
	stubs    []*Stub
	requests []string
}

// Option configures a Registry.
type Option func(*Registry)

// WithPrefix serves the API under a path prefix: "/api/v3" for GitHub Enterprise Server.
func WithPrefix(p string) Option {
	return func(r *Registry) { r.prefix = "/" + strings.Trim(p, "/") }
}

// New starts a fake GitHub for t; it is closed and verified when the test ends.
func New(t testing.TB, opts ...Option) *Registry {
	t.Helper()
	r := &Registry{t: t}
	for _, o := range opts {
		o(r)
	}
	if prism := os.Getenv("RAMPART_PRISM_URL"); prism != "" && os.Getenv("RAMPART_FAKE_ADDR") != "" {
		base := prism
		if r.prefix != "" {
			base = os.Getenv("RAMPART_PRISM_GHES_URL")
			if base == "" {
				t.Skip("contract mode without RAMPART_PRISM_GHES_URL: the /api/v3 test needs the GHES description")
			}
		}
		startShared(t)
		shared.mu.Lock()
		shared.active = r
		shared.mu.Unlock()
		r.URL = strings.TrimSuffix(base, "/") + r.prefix + "/"
		t.Cleanup(func() {
			shared.mu.Lock()
			shared.active = nil
			shared.mu.Unlock()
		})
	} else {
		r.Server = httptest.NewServer(r)
		r.URL = r.Server.URL + r.prefix + "/"
		t.Cleanup(r.Server.Close)
	}
	t.Cleanup(r.verify)
	return r
}

// Contract reports whether requests go through Prism against GitHub's OpenAPI description.
func Contract() bool {
	return os.Getenv("RAMPART_PRISM_URL") != "" && os.Getenv("RAMPART_FAKE_ADDR") != ""
}

// GuardDefaultTransport, in contract mode, makes http.DefaultTransport fail t whenever Prism
// answers that a request, or the recorded response to it, breaks GitHub's OpenAPI description
// (an application/problem+json answer), and turns that answer into a 418 the client does not
// retry. It is for tests whose client is built out of their reach (the CLI's commands build
// theirs on http.DefaultTransport); the transport is restored when t ends. Outside contract
// mode it does nothing. Such tests must not run in parallel.
func GuardDefaultTransport(t testing.TB) {
	t.Helper()
	if !Contract() {
		return
	}
	if _, ok := http.DefaultTransport.(*contractGuard); ok {
		return
	}
	prev := http.DefaultTransport
	http.DefaultTransport = &contractGuard{t: t, next: prev}
	t.Cleanup(func() { http.DefaultTransport = prev })
}

type contractGuard struct {
	t    testing.TB
	next http.RoundTripper
}

func (g *contractGuard) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := g.next.RoundTrip(r)
	if err != nil || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
		return resp, err
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	g.t.Errorf("%s %s breaks GitHub's OpenAPI description: %s", r.Method, r.URL.Path, b)
	resp.Body = io.NopCloser(bytes.NewReader(b))
	resp.StatusCode, resp.Status = http.StatusTeapot, "418 contract violation"
	return resp, nil
}

var shared struct {
	once   sync.Once
	err    error
	mu     sync.Mutex
	active *Registry
}

func startShared(t testing.TB) {
	shared.once.Do(func() {
		ln, err := net.Listen("tcp", os.Getenv("RAMPART_FAKE_ADDR"))
		if err != nil {
			shared.err = err
			return
		}
		go http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			shared.mu.Lock()
			r := shared.active
			shared.mu.Unlock()
			if r == nil {
				http.Error(w, `{"message":"no test is running"}`, http.StatusServiceUnavailable)
				return
			}
			r.ServeHTTP(w, req)
		}))
	})
	if shared.err != nil {
		t.Fatalf("githubtest: cannot listen on RAMPART_FAKE_ADDR: %v", shared.err)
	}
}

// Register adds a stub for "GET repos/o/r/branches?per_page=100" (method, then the path under
// the API root with the query parameters that must match) answering with responses in order.
func (r *Registry) Register(request string, responses ...Response) *Stub {
	r.t.Helper()
	method, rest, ok := strings.Cut(request, " ")
	if !ok {
		r.t.Fatalf("githubtest: stub %q: want \"METHOD path\"", request)
	}
	p, q, _ := strings.Cut(rest, "?")
	query, err := url.ParseQuery(q)
	if err != nil {
		r.t.Fatalf("githubtest: stub %q: %v", request, err)
	}
	if len(responses) == 0 {
		r.t.Fatalf("githubtest: stub %q has no response", request)
	}
	s := &Stub{Method: method, Path: "/" + strings.TrimPrefix(p, "/"), Query: query, responses: responses}
	r.mu.Lock()
	r.stubs = append(r.stubs, s)
	r.mu.Unlock()
	return s
}

// Requests returns the requests served so far, as "GET /path?query".
func (r *Registry) Requests() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.requests)
}

func (r *Registry) verify() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range r.stubs {
		if s.used < len(s.responses) {
			r.t.Errorf("githubtest: stub %s %s%s was used %d of %d times", s.Method, s.Path, queryText(s.Query), s.used, len(s.responses))
		}
	}
}

func queryText(q url.Values) string {
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

// ServeHTTP answers from the stubs; an unexpected request fails the test.
func (r *Registry) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	p := req.URL.EscapedPath()
	line := req.Method + " " + p + queryText(req.URL.Query())
	r.mu.Lock()
	r.requests = append(r.requests, line)
	var stub *Stub
	var resp Response
	if dp := req.URL.Path; strings.HasPrefix(dp, r.prefix+"/") {
		rel := strings.TrimPrefix(dp, r.prefix)
		for _, s := range r.stubs {
			if s.Method != req.Method || s.Path != rel || !queryMatches(s.Query, req.URL.Query()) {
				continue
			}
			if s.used < len(s.responses) {
				stub, resp = s, s.responses[s.used]
				s.used++
				break
			}
			if s.persist {
				stub, resp = s, s.responses[len(s.responses)-1]
				break
			}
		}
	}
	r.mu.Unlock()
	if stub == nil {
		r.t.Errorf("githubtest: unexpected request %s", line)
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusNotImplemented)
		fmt.Fprintf(w, `{"message":"githubtest: no stub for %s"}`, strings.ReplaceAll(line, `"`, `'`))
		return
	}
	if stub.Check != nil {
		stub.Check(r.t, req)
	}
	h := w.Header()
	for k, v := range defaultHeaders() {
		h[k] = v
	}
	for k, v := range resp.Header {
		h[k] = v
	}
	if resp.Status == http.StatusNotModified {
		h.Del("Content-Type")
		w.WriteHeader(resp.Status)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(resp.Body)))
	w.WriteHeader(resp.Status)
	w.Write(resp.Body)
}

func queryMatches(want, got url.Values) bool {
	for k, vs := range want {
		if !slices.Equal(vs, got[k]) {
			return false
		}
	}
	return true
}

// defaultHeaders are the headers GitHub sends with every REST answer.
func defaultHeaders() http.Header {
	reset := time.Now().Add(time.Hour).Unix()
	return http.Header{
		"Content-Type":                  {"application/json; charset=utf-8"},
		"X-Github-Media-Type":           {"github.v3; format=json"},
		"X-Github-Api-Version-Selected": {"2022-11-28"},
		"X-Ratelimit-Limit":             {"5000"},
		"X-Ratelimit-Remaining":         {"4999"},
		"X-Ratelimit-Used":              {"1"},
		"X-Ratelimit-Reset":             {strconv.FormatInt(reset, 10)},
		"X-Ratelimit-Resource":          {"core"},
		"X-Github-Request-Id":           {"CAFE:1234:5678:9ABC:66000000"},
	}
}

// Dir is testdata/github, where recorded responses live.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "github")
}

// Load reads a recorded response body from testdata/github.
func Load(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(Dir(), filepath.FromSlash(name)))
	if err != nil {
		t.Fatalf("githubtest: %v", err)
	}
	return b
}

// File answers with a recorded body and status; headers come as "Name", "value" pairs.
func File(t testing.TB, status int, name string, headers ...string) Response {
	t.Helper()
	return Response{Status: status, Header: headerPairs(t, headers), Body: Load(t, name)}
}

// Patched answers with a recorded JSON object whose top-level fields are replaced by set
// (a nil value deletes the field): one realistic fixture, many scenarios.
func Patched(t testing.TB, status int, name string, set map[string]any, headers ...string) Response {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(Load(t, name), &v); err != nil {
		t.Fatalf("githubtest: %s: %v", name, err)
	}
	for k, x := range set {
		if x == nil {
			delete(v, k)
		} else {
			v[k] = x
		}
	}
	return JSON(t, status, v, headers...)
}

// JSON answers with v encoded as JSON.
func JSON(t testing.TB, status int, v any, headers ...string) Response {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatalf("githubtest: %v", err)
	}
	return Response{Status: status, Header: headerPairs(t, headers), Body: b}
}

// Error answers with GitHub's basic-error shape: {"message", "documentation_url", "status"}.
func Error(t testing.TB, status int, message, docURL string, headers ...string) Response {
	t.Helper()
	return JSON(t, status, map[string]any{"message": message, "documentation_url": docURL, "status": strconv.Itoa(status)}, headers...)
}

// NotModified is a 304 (an ETag revalidation that matched).
func NotModified(headers ...string) Response {
	h := http.Header{}
	for i := 0; i+1 < len(headers); i += 2 {
		h.Set(headers[i], headers[i+1])
	}
	return Response{Status: http.StatusNotModified, Header: h}
}

func headerPairs(t testing.TB, kv []string) http.Header {
	t.Helper()
	if len(kv)%2 != 0 {
		t.Fatalf("githubtest: headers must come in name, value pairs: %q", kv)
	}
	h := http.Header{}
	for i := 0; i < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	return h
}

// BlobSHA is git's object id of a blob with content b.
func BlobSHA(b []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(b))
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

// Blob is the answer of GET /repos/{owner}/{repo}/git/blobs/{sha} for content b, in the
// shape of the recorded blob.json: base64 in lines of 60 characters, as GitHub sends it.
func Blob(t testing.TB, repo string, b []byte) Response {
	t.Helper()
	enc := base64.StdEncoding.EncodeToString(b)
	var lines bytes.Buffer
	for len(enc) > 60 {
		lines.WriteString(enc[:60] + "\n")
		enc = enc[60:]
	}
	lines.WriteString(enc + "\n")
	sha := BlobSHA(b)
	return Patched(t, http.StatusOK, "blob.json", map[string]any{
		"content": lines.String(), "encoding": "base64", "sha": sha, "size": len(b),
		"url":     "https://api.github.com/repos/" + repo + "/git/blobs/" + sha,
		"node_id": base64.StdEncoding.EncodeToString([]byte("04:Blob" + sha)),
	})
}

// TreeEntry is one entry of a git tree answer.
type TreeEntry struct {
	Path string `json:"path"`
	Mode string `json:"mode"`
	Type string `json:"type"`
	SHA  string `json:"sha"`
	Size *int   `json:"size,omitempty"`
	URL  string `json:"url"`
}

// Tree is the answer of GET /repos/{owner}/{repo}/git/trees/{ref}?recursive=1 for files
// (path -> content), in the shape of the recorded tree.json, with the tree entries of their
// directories.
func Tree(t testing.TB, repo string, files map[string][]byte, truncated bool) Response {
	t.Helper()
	var entries []TreeEntry
	dirs := map[string]bool{}
	for p, b := range files {
		sha := BlobSHA(b)
		n := len(b)
		entries = append(entries, TreeEntry{Path: p, Mode: "100644", Type: "blob", SHA: sha, Size: &n,
			URL: "https://api.github.com/repos/" + repo + "/git/blobs/" + sha})
		for d := filepath.ToSlash(filepath.Dir(p)); d != "." && !dirs[d]; d = filepath.ToSlash(filepath.Dir(d)) {
			dirs[d] = true
			tsha := BlobSHA([]byte("tree " + d))
			entries = append(entries, TreeEntry{Path: d, Mode: "040000", Type: "tree", SHA: tsha,
				URL: "https://api.github.com/repos/" + repo + "/git/trees/" + tsha})
		}
	}
	slices.SortFunc(entries, func(a, b TreeEntry) int { return strings.Compare(a.Path, b.Path) })
	root := BlobSHA([]byte("root " + repo))
	return Patched(t, http.StatusOK, "tree.json", map[string]any{
		"sha": root, "url": "https://api.github.com/repos/" + repo + "/git/trees/" + root,
		"tree": entries, "truncated": truncated,
	})
}

// NoContract skips t in contract mode, for a request Prism cannot route although GitHub
// serves it: Prism's path parameters never match a "/", so the contents API's {path} with
// slashes (".github/workflows") has no route in Prism.
func NoContract(t testing.TB, why string) {
	t.Helper()
	if Contract() {
		t.Skip("not run through Prism: " + why)
	}
}
