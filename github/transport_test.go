package github

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rampart-sec/rampart/github/githubtest"
)

// scripted answers each request with the next response queued for its path, and records the
// requests it was sent.
type scripted struct {
	mu   sync.Mutex
	next map[string][]func() *http.Response
	sent []string
}

func (s *scripted) add(path string, resp func() *http.Response) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.next == nil {
		s.next = map[string][]func() *http.Response{}
	}
	s.next[path] = append(s.next[path], resp)
}

func (s *scripted) RoundTrip(req *http.Request) (*http.Response, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = append(s.sent, req.Method+" "+req.URL.Path)
	q := s.next[req.URL.Path]
	if len(q) == 0 {
		return nil, fmt.Errorf("unexpected request %s %s", req.Method, req.URL.Path)
	}
	s.next[req.URL.Path] = q[1:]
	resp := q[0]()
	resp.Request = req
	return resp, nil
}

func (s *scripted) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.sent...)
}

// answer is a response with the rate limit headers of resource ("" for none).
func answer(status int, resource string, remaining, limit int, reset time.Time, extra ...string) func() *http.Response {
	return func() *http.Response {
		h := http.Header{"Content-Type": {"application/json"}}
		if resource != "" {
			h.Set("X-RateLimit-Resource", resource)
			h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
			h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
			h.Set("X-RateLimit-Used", strconv.Itoa(limit-remaining))
			h.Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
		}
		for i := 0; i+1 < len(extra); i += 2 {
			h.Set(extra[i], extra[i+1])
		}
		body := `{}`
		if status != http.StatusOK {
			body = `{"message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}`
		}
		return &http.Response{StatusCode: status, Status: http.StatusText(status), Header: h,
			Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body))}
	}
}

func newTestRetrier(next http.RoundTripper) (*retrier, *sleeps) {
	r := newRetrier(next)
	s := &sleeps{}
	r.sleep = s.sleep
	return r, s
}

func send(t *testing.T, rt http.RoundTripper, method, url string) (*http.Response, error) {
	t.Helper()
	var body io.Reader
	if method == http.MethodPost {
		body = strings.NewReader(`{"query": "{ viewer { login } }"}`)
	}
	req, err := http.NewRequestWithContext(ctx(t), method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := rt.RoundTrip(req)
	if err == nil {
		drain(resp)
	}
	return resp, err
}

// TestRateLimitBucketsPerResource: GitHub counts REST ("core") and GraphQL ("graphql") apart,
// so the GraphQL points running out never holds up a REST request, nor the other way round.
func TestRateLimitBucketsPerResource(t *testing.T) {
	const api = "https://api.github.com"
	far := time.Now().Add(45 * time.Minute)
	soon := time.Now().Add(20 * time.Second)
	net := &scripted{}
	r, s := newTestRetrier(net)

	// GraphQL spent until far away; REST has plenty left.
	net.add("/graphql", answer(200, "graphql", 0, 5000, far))
	net.add("/repos/acme/app", answer(200, "core", 4999, 5000, far))
	net.add("/repos/acme/app", answer(200, "core", 4998, 5000, far))
	for _, u := range []string{"/graphql", "/repos/acme/app", "/repos/acme/app"} {
		method := http.MethodGet
		if u == "/graphql" {
			method = http.MethodPost
		}
		if _, err := send(t, r, method, api+u); err != nil {
			t.Fatalf("%s: %v", u, err)
		}
	}
	// The next GraphQL query is not sent: its points are spent and the reset is far.
	_, err := send(t, r, http.MethodPost, api+"/graphql")
	var rl *RateLimitError
	if !errors.As(err, &rl) || rl.Resource != "graphql" {
		t.Fatalf("GraphQL after its points ran out: err = %v, want a graphql *RateLimitError", err)
	}
	if !strings.Contains(err.Error(), "graphql: 5000 points an hour") {
		t.Errorf("message does not name the resource: %q", err)
	}
	if got := len(net.requests()); got != 3 {
		t.Errorf("%d requests sent, want 3 (the spent GraphQL query held back)", got)
	}
	if d := s.all(); len(d) != 0 {
		t.Errorf("waits = %v, want none", d)
	}

	// The other way round: REST spent with a close reset waits for it; GraphQL (fresh window)
	// goes out at once.
	net2 := &scripted{}
	r2, s2 := newTestRetrier(net2)
	net2.add("/api/v3/repos/acme/app", answer(200, "core", 0, 5000, soon))
	net2.add("/api/graphql", answer(200, "graphql", 4000, 5000, far))
	net2.add("/api/graphql", answer(200, "graphql", 3999, 5000, far))
	net2.add("/api/v3/repos/acme/app", answer(200, "core", 4999, 5000, soon.Add(time.Hour)))
	const ghes = "https://ghes.example.com"
	if _, err := send(t, r2, http.MethodGet, ghes+"/api/v3/repos/acme/app"); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := send(t, r2, http.MethodPost, ghes+"/api/graphql"); err != nil {
			t.Fatal(err)
		}
	}
	if d := s2.all(); len(d) != 0 {
		t.Fatalf("GraphQL waited %v for the REST limit", d)
	}
	if _, err := send(t, r2, http.MethodGet, ghes+"/api/v3/repos/acme/app"); err != nil {
		t.Fatal(err)
	}
	if d := s2.all(); len(d) != 1 || d[0] < 15*time.Second || d[0] > 22*time.Second {
		t.Errorf("REST waits = %v, want one of about 20s (its own reset)", d)
	}
}

// TestRateLimitBucketFollowsTheHeader: the answer's X-RateLimit-Resource decides the bucket,
// and an older answer arriving late does not raise the count of the current window.
func TestRateLimitBucketFollowsTheHeader(t *testing.T) {
	const api = "https://api.github.com"
	far := time.Now().Add(45 * time.Minute)
	net := &scripted{}
	r, _ := newTestRetrier(net)
	// A search answer spends "search", not "core".
	net.add("/search/issues", answer(200, "search", 0, 30, far))
	net.add("/repos/acme/app", answer(200, "core", 10, 5000, far))
	net.add("/repos/acme/app", answer(200, "core", 0, 5000, far))
	for _, u := range []string{"/search/issues", "/repos/acme/app"} {
		if _, err := send(t, r, http.MethodGet, api+u); err != nil {
			t.Fatalf("%s: %v", u, err)
		}
	}
	if _, err := send(t, r, http.MethodGet, api+"/search/issues"); err == nil {
		t.Fatal("search went out with its limit spent")
	}
	if _, err := send(t, r, http.MethodGet, api+"/repos/acme/app"); err != nil {
		t.Fatalf("core after search ran out: %v", err)
	}
	// Late answer of the same window saying 10 left: the bucket keeps 0.
	r.note(answer(200, "core", 10, 5000, far)(), "core")
	_, err := send(t, r, http.MethodGet, api+"/repos/acme/app")
	var rl *RateLimitError
	if !errors.As(err, &rl) || rl.Resource != "core" {
		t.Fatalf("err = %v, want a core *RateLimitError", err)
	}
}

// TestRetryAfterBeyondTheCapFails: a Retry-After longer than MaxRetryWait fails the request at
// once with a message naming the wait; one within it is waited for.
func TestRetryAfterBeyondTheCapFails(t *testing.T) {
	const api = "https://api.github.com"
	net := &scripted{}
	r, s := newTestRetrier(net)
	r.maxRetryWait = time.Minute
	net.add("/repos/acme/app", answer(403, "", 0, 0, time.Time{}, "Retry-After", "3600"))
	_, err := send(t, r, http.MethodGet, api+"/repos/acme/app")
	var ra *RetryAfterError
	if !errors.As(err, &ra) {
		t.Fatalf("err = %v, want a *RetryAfterError", err)
	}
	for _, want := range []string{"1h0m0s", "1m0s", "403", "GET /repos/acme/app", "secondary rate limit"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q does not say %q", err, want)
		}
	}
	if d := s.all(); len(d) != 0 {
		t.Errorf("waits = %v, want none", d)
	}
	// A 429 without Retry-After: GitHub asks for a minute, more than a 10s cap.
	r.maxRetryWait = 10 * time.Second
	net.add("/repos/acme/app", answer(429, "", 0, 0, time.Time{}))
	if _, err := send(t, r, http.MethodGet, api+"/repos/acme/app"); !errors.As(err, &ra) || ra.Wait != time.Minute || ra.Status != 429 {
		t.Fatalf("429 without Retry-After: err = %v", err)
	}
	// Within the cap: waited for, then the answer.
	r.maxRetryWait = time.Minute
	net.add("/repos/acme/app", answer(403, "", 0, 0, time.Time{}, "Retry-After", "45"))
	net.add("/repos/acme/app", answer(200, "core", 4000, 5000, time.Now().Add(time.Hour)))
	resp, err := send(t, r, http.MethodGet, api+"/repos/acme/app")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("Retry-After 45 under a 1m cap: %v", err)
	}
	if d := s.all(); fmt.Sprint(d) != "[45s]" {
		t.Errorf("waits = %v, want [45s]", d)
	}
	if got := len(net.requests()); got != 4 {
		t.Errorf("%d requests, want 4", got)
	}
}

// TestMaxRetryWaitOption: the option reaches the transport and a REST call through go-github
// fails cleanly, naming the wait.
func TestMaxRetryWaitOption(t *testing.T) {
	reg := githubtest.New(t)
	reg.Register("GET repos/octocat/Hello-World",
		githubtest.Error(t, 403, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
			"https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
			"Retry-After", "900"))
	c, s := newClient(t, reg, Options{MaxRetryWait: 30 * time.Second})
	if c.retry.maxRetryWait != 30*time.Second {
		t.Fatalf("maxRetryWait = %s", c.retry.maxRetryWait)
	}
	_, err := c.Actions().Repo(ctx(t), "octocat", "Hello-World")
	if err == nil || !strings.Contains(err.Error(), "wait 15m0s") || !strings.Contains(err.Error(), "30s") {
		t.Fatalf("err = %v, want a failure naming the 15m0s asked and the 30s cap", err)
	}
	if strings.Contains(err.Error(), testToken) {
		t.Errorf("the error quotes the token: %v", err)
	}
	if len(s.all()) != 0 || c.Requests() != 1 {
		t.Errorf("waits %v, requests %d; want none and 1", s.all(), c.Requests())
	}
	// The default is a couple of minutes.
	d, _ := newClient(t, githubtest.New(t), Options{})
	if d.retry.maxRetryWait != DefaultMaxRetryWait || DefaultMaxRetryWait < time.Minute || DefaultMaxRetryWait > 5*time.Minute {
		t.Errorf("default maxRetryWait = %s", d.retry.maxRetryWait)
	}
}
