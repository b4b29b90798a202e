// Package orgtest is a fake GitHub for rampart org's tests and benchmark: a synthetic
// organization of any size (10,000 repositories by default) whose workflow files are drawn
// deterministically from ../shared/corpus/real (or generated when the corpus is missing),
// served through GraphQL (every query parsed and validated against GitHub's published schema
// with gqlparser and answered per alias) and the REST endpoints rampart falls back to. It
// reports rateLimit costs computed as GitHub documents them, enforces GitHub's limits (500,000
// nodes, first/last at most 100, the hour's points), and can fail a share of requests the ways
// GitHub does (500, 502, secondary rate limits with Retry-After, 429, timeouts, cut bodies).
package orgtest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options shape the fake.
type Options struct {
	// Org is the organization's login (default "acme").
	Org string
	// Repos is the number of repositories (default 10,000).
	Repos int
	// CorpusDir is where workflow files come from (default CorpusDir(); generated when "").
	CorpusDir string
	// FaultRate is the share of requests that fail (0 to 1); Seed makes the faults repeatable.
	FaultRate float64
	Seed      uint64
	// RetryAfter is the Retry-After of injected secondary rate limits and 429s (seconds).
	RetryAfter int
	// Hang is how long an injected timeout holds the request (default 3s; the client gives up earlier).
	Hang time.Duration
	// Points is the GraphQL points of an hour (default 5,000); RESTLimit the REST requests (default 1,000,000).
	Points, RESTLimit int
	// MaxAnswerBytes: a GraphQL answer larger than this is a 502, as GitHub times out on heavy
	// queries (default 8 MB).
	MaxAnswerBytes int
}

// Server is a running fake.
type Server struct {
	*httptest.Server
	o      Options
	corpus *corpus
	blobs  sync.Map // sha -> content

	mu     sync.Mutex
	rng    *rand.Rand
	points int
	rest   int
	reset  time.Time
	issues []*issue

	// Counters of what was served.
	GraphQLRequests, RESTRequests, Faults atomic.Int64
	MaxNodes, MaxCost                     atomic.Int64
	TooLarge                              atomic.Int64
}

type issue struct {
	Number int    `json:"number"`
	Title  string `json:"title"`
	Body   string `json:"body"`
	State  string `json:"state"`
	URL    string `json:"html_url"`
	User   struct {
		Login string `json:"login"`
	} `json:"user"`
}

// IssueAuthor is the author of the issues the fake's client opens (a GitHub App installation:
// the fake does not answer GET /user).
const IssueAuthor = "rampart-app[bot]"

// PlantIssue opens an issue as login, as someone else than rampart would.
func (s *Server) PlantIssue(login, title, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	is := &issue{Number: len(s.issues) + 1, Title: title, Body: body, State: "open"}
	is.User.Login = login
	s.issues = append(s.issues, is)
}

// New starts a fake; Close it when done.
func New(o Options) *Server {
	if o.Org == "" {
		o.Org = "acme"
	}
	if o.Repos == 0 {
		o.Repos = 10000
	}
	if o.Hang == 0 {
		o.Hang = 3 * time.Second
	}
	if o.Points == 0 {
		o.Points = 5000
	}
	if o.RESTLimit == 0 {
		o.RESTLimit = 1000000
	}
	if o.MaxAnswerBytes == 0 {
		o.MaxAnswerBytes = 8 << 20
	}
	if o.CorpusDir == "" {
		o.CorpusDir = CorpusDir()
	}
	s := &Server{o: o, corpus: loadCorpus(o.CorpusDir), rng: rand.New(rand.NewPCG(o.Seed, 0x5eed)),
		points: o.Points, rest: o.RESTLimit, reset: time.Now().Add(time.Hour)}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /graphql", s.graphql)
	mux.HandleFunc("GET /repos/{owner}/{repo}/git/blobs/{sha}", s.blob)
	mux.HandleFunc("GET /repos/{owner}/{repo}/actions/permissions", s.actionsPermissions)
	mux.HandleFunc("GET /repos/{owner}/{repo}/actions/permissions/workflow", s.workflowPermissions)
	mux.HandleFunc("GET /repos/{owner}/{repo}/actions/permissions/selected-actions", s.selectedActions)
	mux.HandleFunc("GET /repos/{owner}/{repo}/actions/permissions/fork-pr-contributor-approval", s.forkApproval)
	mux.HandleFunc("GET /orgs/{org}/actions/permissions/workflow", s.orgWorkflow)
	mux.HandleFunc("GET /repos/{owner}/{repo}/issues", s.listIssues)
	mux.HandleFunc("POST /repos/{owner}/{repo}/issues", s.createIssue)
	mux.HandleFunc("PATCH /repos/{owner}/{repo}/issues/{number}", s.updateIssue)
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/graphql" {
			s.GraphQLRequests.Add(1)
		} else {
			s.RESTRequests.Add(1)
		}
		if s.fault(w, r) {
			return
		}
		mux.ServeHTTP(w, r)
	}))
	return s
}

// URL of the REST API (the GraphQL endpoint is URL + "graphql").
func (s *Server) BaseURL() string { return s.URL + "/" }

// Org is the organization's login.
func (s *Server) Org() string { return s.o.Org }

// Repo returns repository i (0-based).
func (s *Server) Repo(i int) *Repo { return makeRepo(s.corpus, i) }

// repoByName finds a repository by name, or nil.
func (s *Server) repoByName(owner, name string) *Repo {
	if !strings.EqualFold(owner, s.o.Org) || !strings.HasPrefix(name, "repo-") {
		return nil
	}
	i, err := strconv.Atoi(strings.TrimPrefix(name, "repo-"))
	if err != nil || i < 0 || i >= s.o.Repos || fmt.Sprintf("repo-%05d", i) != name {
		return nil
	}
	return s.Repo(i)
}

// Issues returns the issues opened in the fake.
func (s *Server) Issues() []issue {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]issue, len(s.issues))
	for i, is := range s.issues {
		out[i] = *is
	}
	return out
}

// fault fails the request the way GitHub does, at the configured rate. A cut body is decided
// here and applied by the handler's writer.
func (s *Server) fault(w http.ResponseWriter, r *http.Request) bool {
	if s.o.FaultRate <= 0 {
		return false
	}
	s.mu.Lock()
	hit := s.rng.Float64() < s.o.FaultRate
	kind := s.rng.IntN(6)
	s.mu.Unlock()
	if !hit {
		return false
	}
	s.Faults.Add(1)
	ra := strconv.Itoa(s.o.RetryAfter)
	switch kind {
	case 0:
		writeJSON(w, http.StatusInternalServerError, map[string]any{"message": "Server Error"})
	case 1:
		w.WriteHeader(http.StatusBadGateway)
		io.WriteString(w, "<html>502 Bad Gateway</html>")
	case 2:
		w.Header().Set("Retry-After", ra)
		writeJSON(w, http.StatusForbidden, map[string]any{"message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
			"documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"})
	case 3:
		w.Header().Set("Retry-After", ra)
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"message": "Too Many Requests"})
	case 4:
		t := time.NewTimer(s.o.Hang)
		defer t.Stop()
		select {
		case <-r.Context().Done():
		case <-t.C:
		}
		writeJSON(w, http.StatusGatewayTimeout, map[string]any{"message": "timeout"})
	case 5:
		// A 200 whose body is cut short: the connection drops before Content-Length bytes.
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "4096")
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, `{"data": {"rateLimit": {"cost": 1, "remaining": 4`)
	}
	return true
}

func (s *Server) rateHeaders(w http.ResponseWriter, resource string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := w.Header()
	h.Set("X-RateLimit-Resource", resource)
	h.Set("X-RateLimit-Reset", strconv.FormatInt(s.reset.Unix(), 10))
	if resource == "graphql" {
		h.Set("X-RateLimit-Limit", strconv.Itoa(s.o.Points))
		h.Set("X-RateLimit-Remaining", strconv.Itoa(max(s.points, 0)))
		return
	}
	s.rest--
	h.Set("X-RateLimit-Limit", strconv.Itoa(s.o.RESTLimit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(max(s.rest, 0)))
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func notFound(w http.ResponseWriter) {
	writeJSON(w, http.StatusNotFound, map[string]any{"message": "Not Found", "documentation_url": "https://docs.github.com/rest"})
}

func (s *Server) repoOf(w http.ResponseWriter, r *http.Request) *Repo {
	s.rateHeaders(w, "core")
	rp := s.repoByName(r.PathValue("owner"), r.PathValue("repo"))
	if rp == nil {
		notFound(w)
	}
	return rp
}

func (s *Server) blob(w http.ResponseWriter, r *http.Request) {
	if s.repoOf(w, r) == nil {
		return
	}
	v, ok := s.blobs.Load(r.PathValue("sha"))
	if !ok {
		notFound(w)
		return
	}
	content := v.(string)
	if strings.Contains(r.Header.Get("Accept"), "raw") {
		w.Header().Set("Content-Type", "application/octet-stream")
		io.WriteString(w, content)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"sha": r.PathValue("sha"), "size": len(content), "encoding": "base64",
		"content": base64.StdEncoding.EncodeToString([]byte(content))})
}

func (s *Server) actionsPermissions(w http.ResponseWriter, r *http.Request) {
	if rp := s.repoOf(w, r); rp != nil {
		writeJSON(w, http.StatusOK, map[string]any{"enabled": true, "allowed_actions": rp.AllowedActions})
	}
}

func (s *Server) workflowPermissions(w http.ResponseWriter, r *http.Request) {
	if rp := s.repoOf(w, r); rp != nil {
		writeJSON(w, http.StatusOK, map[string]any{"default_workflow_permissions": rp.WorkflowPerms, "can_approve_pull_request_reviews": rp.Index%3 == 0})
	}
}

func (s *Server) selectedActions(w http.ResponseWriter, r *http.Request) {
	if s.repoOf(w, r) != nil {
		writeJSON(w, http.StatusOK, map[string]any{"github_owned_allowed": true, "verified_allowed": false, "patterns_allowed": []string{"acme/*"}})
	}
}

func (s *Server) forkApproval(w http.ResponseWriter, r *http.Request) {
	if rp := s.repoOf(w, r); rp != nil {
		writeJSON(w, http.StatusOK, map[string]any{"approval_policy": rp.ForkApproval})
	}
}

func (s *Server) orgWorkflow(w http.ResponseWriter, r *http.Request) {
	s.rateHeaders(w, "core")
	writeJSON(w, http.StatusOK, map[string]any{"default_workflow_permissions": "read", "can_approve_pull_request_reviews": false})
}

func (s *Server) listIssues(w http.ResponseWriter, r *http.Request) {
	s.rateHeaders(w, "core")
	s.mu.Lock()
	out := []issue{}
	for _, is := range s.issues {
		if is.State == "open" {
			out = append(out, *is)
		}
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) createIssue(w http.ResponseWriter, r *http.Request) {
	s.rateHeaders(w, "core")
	var req struct{ Title, Body string }
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Title == "" {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"message": "Validation Failed"})
		return
	}
	if len([]rune(req.Body)) > 65536 {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"message": "Validation Failed: body is too long (maximum is 65536 characters)"})
		return
	}
	s.mu.Lock()
	is := &issue{Number: len(s.issues) + 1, Title: req.Title, Body: req.Body, State: "open"}
	is.User.Login = IssueAuthor
	is.URL = fmt.Sprintf("https://github.com/%s/%s/issues/%d", r.PathValue("owner"), r.PathValue("repo"), is.Number)
	s.issues = append(s.issues, is)
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, is)
}

func (s *Server) updateIssue(w http.ResponseWriter, r *http.Request) {
	s.rateHeaders(w, "core")
	n, _ := strconv.Atoi(r.PathValue("number"))
	var req struct{ Body *string }
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"message": "Problems parsing JSON"})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, is := range s.issues {
		if is.Number == n {
			if req.Body != nil {
				if len([]rune(*req.Body)) > 65536 {
					writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"message": "Validation Failed: body is too long (maximum is 65536 characters)"})
					return
				}
				is.Body = *req.Body
			}
			writeJSON(w, http.StatusOK, is)
			return
		}
	}
	notFound(w)
}
