package org

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rampart-sec/rampart/github"
)

// Counter is the bottom of the HTTP stack (github.Options.Transport): it counts every request
// that goes on the wire, REST and GraphQL apart, and remembers the rate limit each resource has left.
type Counter struct {
	Next             http.RoundTripper
	rest, graphql    atomic.Int64
	restRemaining    atomic.Int64
	graphqlRemaining atomic.Int64
}

// NewCounter returns a Counter over next (http.DefaultTransport when nil).
func NewCounter(next http.RoundTripper) *Counter {
	c := &Counter{Next: next}
	c.restRemaining.Store(-1)
	c.graphqlRemaining.Store(-1)
	return c
}

// RoundTrip implements http.RoundTripper.
func (c *Counter) RoundTrip(req *http.Request) (*http.Response, error) {
	next := c.Next
	if next == nil {
		next = http.DefaultTransport
	}
	gql := strings.HasSuffix(req.URL.Path, "/graphql")
	if gql {
		c.graphql.Add(1)
	} else {
		c.rest.Add(1)
	}
	resp, err := next.RoundTrip(req)
	if err == nil {
		if rem, e := strconv.ParseInt(resp.Header.Get("X-RateLimit-Remaining"), 10, 64); e == nil {
			if gql || resp.Header.Get("X-RateLimit-Resource") == "graphql" {
				c.graphqlRemaining.Store(rem)
			} else {
				c.restRemaining.Store(rem)
			}
		}
	}
	return resp, err
}

// Requests returns the REST and GraphQL requests sent so far.
func (c *Counter) Requests() (rest, graphql int) {
	return int(c.rest.Load()), int(c.graphql.Load())
}

// Remaining returns the rate limit left (REST requests, GraphQL points); -1 when not yet known.
func (c *Counter) Remaining() (rest, graphql int) {
	return int(c.restRemaining.Load()), int(c.graphqlRemaining.Load())
}

// gqlClient sends GraphQL queries through the REST client's http.Client (authentication,
// retries with backoff on 5xx and network errors, Retry-After, a deadline per attempt) and adds
// what GraphQL needs on top: errors inside 200 answers, truncated bodies, the point budget of
// rateLimit { cost remaining resetAt }, and retries of whole queries.
type gqlClient struct {
	http     *http.Client
	endpoint string
	// attempts is how many times a query is sent before it fails (default 5).
	attempts int
	// backoff is the first wait between whole-query retries (doubled each time).
	backoff time.Duration
	// maxWait bounds a wait for the point budget's reset.
	maxWait time.Duration

	mu        sync.Mutex
	remaining int // -1 unknown
	resetAt   time.Time
	lastCost  int
}

// graphqlEndpoint derives the GraphQL URL from the REST base URL: https://api.github.com/graphql,
// https://HOST/api/graphql for GitHub Enterprise Server (REST under /api/v3/), BASE/graphql otherwise.
func graphqlEndpoint(restBase string) (string, error) {
	u, err := url.Parse(restBase)
	if err != nil {
		return "", err
	}
	p := strings.TrimSuffix(u.Path, "/")
	if strings.HasSuffix(p, "/api/v3") {
		u.Path = strings.TrimSuffix(p, "/v3") + "/graphql"
	} else {
		u.Path = p + "/graphql"
	}
	return u.String(), nil
}

// gqlError is one entry of a GraphQL answer's errors.
type gqlError struct {
	Type    string `json:"type"`
	Message string `json:"message"`
	Path    []any  `json:"path"`
}

// pathHead is the first element of the error's path ("r3"), or "".
func (e gqlError) pathHead() string {
	if len(e.Path) == 0 {
		return ""
	}
	s, _ := e.Path[0].(string)
	return s
}

type rateLimit struct {
	Cost      int       `json:"cost"`
	Remaining int       `json:"remaining"`
	ResetAt   time.Time `json:"resetAt"`
	Limit     int       `json:"limit"`
	NodeCount int       `json:"nodeCount"`
}

// gqlAnswer is a decoded answer: data as raw JSON per top-level field, and the errors.
type gqlAnswer struct {
	Data   map[string]json.RawMessage `json:"data"`
	Errors []gqlError                 `json:"errors"`
	// Size is the body's length in bytes.
	Size int `json:"-"`
}

// errTooBig says a query was refused or timed out for its size: send a smaller batch.
var errTooBig = errors.New("query too large")

// queryError is a whole query's failure after its retries.
type queryError struct {
	msg string
	// fatal errors are not worth retrying (bad credentials, a query GitHub refuses).
	fatal bool
}

func (e *queryError) Error() string { return e.msg }

// do sends a query and returns its answer. Errors with a path are left to the caller (a missing
// repository, a field the token cannot read); an answer without data, a body that does not
// parse, a 5xx and a rate limit are retried; a query GitHub finds too large returns errTooBig
// at once so the caller can split it.
func (g *gqlClient) do(ctx context.Context, query string, vars map[string]any) (*gqlAnswer, error) {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return nil, err
	}
	attempts := g.attempts
	if attempts <= 0 {
		attempts = 5
	}
	var last error
	for i := range attempts {
		if i > 0 {
			d := g.backoff << (i - 1)
			if d > 0 {
				d = d/2 + rand.N(d/2+1)
			}
			if err := sleep(ctx, d); err != nil {
				return nil, err
			}
		}
		if err := g.waitBudget(ctx); err != nil {
			return nil, err
		}
		ans, err := g.once(ctx, body)
		if err == nil {
			return ans, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var qe *queryError
		if errors.Is(err, errTooBig) || errors.As(err, &qe) && qe.fatal {
			return nil, err
		}
		// A connection that could not be opened, after the transport's own retries: nothing
		// listens there (a wrong API URL, a firewall); sending the query again only delays the
		// answer.
		var oe *net.OpError
		if errors.As(err, &oe) && oe.Op == "dial" {
			return nil, err
		}
		// A rate limit the transport would not wait for (a reset or a Retry-After beyond its
		// bounds): sending the query again sooner would only be refused again.
		var rle *github.RateLimitError
		var rae *github.RetryAfterError
		if errors.As(err, &rle) || errors.As(err, &rae) {
			return nil, err
		}
		last = err
	}
	return nil, fmt.Errorf("GraphQL query failed %d times: %w", attempts, last)
}

// once sends one query: one request (the transport below may retry it).
func (g *gqlClient) once(ctx context.Context, body []byte) (*gqlAnswer, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := g.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("GraphQL request: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 256<<20))
	if err != nil {
		return nil, fmt.Errorf("reading the GraphQL answer: %w", err)
	}
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		return nil, &queryError{msg: "GitHub refused the credentials (401); check GITHUB_TOKEN/GH_TOKEN or the GitHub App settings", fatal: true}
	case resp.StatusCode == http.StatusBadGateway || resp.StatusCode == http.StatusGatewayTimeout:
		// GitHub answers a query that runs too long with a 502 or 504: send less at once.
		return nil, fmt.Errorf("%w: GitHub answered %d", errTooBig, resp.StatusCode)
	case resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusTooManyRequests:
		if wait := retryAfter(resp.Header); wait > 0 {
			if err := sleep(ctx, min(wait, g.maxWait)); err != nil {
				return nil, err
			}
		}
		if resp.Header.Get("X-RateLimit-Remaining") == "0" {
			g.noteExhausted(resp.Header)
		}
		return nil, fmt.Errorf("GitHub answered %d to a GraphQL query: %s", resp.StatusCode, snippet(b))
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("GitHub answered %d to a GraphQL query: %s", resp.StatusCode, snippet(b))
	}
	var ans gqlAnswer
	if err := json.Unmarshal(b, &ans); err != nil {
		return nil, fmt.Errorf("the GraphQL answer does not parse (%d bytes): %v", len(b), err)
	}
	ans.Size = len(b)
	if raw, ok := ans.Data["rateLimit"]; ok {
		var rl rateLimit
		if json.Unmarshal(raw, &rl) == nil && rl.Limit > 0 {
			g.mu.Lock()
			g.remaining, g.resetAt, g.lastCost = rl.Remaining, rl.ResetAt, rl.Cost
			g.mu.Unlock()
		}
	}
	for _, e := range ans.Errors {
		if e.pathHead() != "" {
			continue
		}
		switch e.Type {
		case "MAX_NODE_LIMIT_EXCEEDED", "EXCESSIVE_PAGINATION":
			return nil, fmt.Errorf("%w: %s", errTooBig, e.Message)
		case "RATE_LIMITED":
			g.mu.Lock()
			g.remaining = 0
			g.mu.Unlock()
			return nil, fmt.Errorf("GraphQL rate limit: %s", e.Message)
		}
		lower := strings.ToLower(e.Message)
		if strings.Contains(lower, "timeout") || strings.Contains(lower, "something went wrong") || strings.Contains(lower, "complexity") {
			return nil, fmt.Errorf("%w: %s", errTooBig, e.Message)
		}
		if len(ans.Data) == 0 || string(ans.Data[firstKey(ans.Data)]) == "null" && len(ans.Data) == 1 {
			return nil, &queryError{msg: "GitHub refused the GraphQL query: " + e.Message, fatal: e.Type == "" || e.Type == "INVALID"}
		}
	}
	if ans.Data == nil {
		return nil, fmt.Errorf("the GraphQL answer has no data: %s", snippet(b))
	}
	return &ans, nil
}

func firstKey(m map[string]json.RawMessage) string {
	for k := range m {
		return k
	}
	return ""
}

// waitBudget waits for the point budget's reset when the last answer left too little for
// another query like it; a reset further away than maxWait is an error.
func (g *gqlClient) waitBudget(ctx context.Context) error {
	g.mu.Lock()
	rem, reset, cost := g.remaining, g.resetAt, max(g.lastCost, 1)
	g.mu.Unlock()
	if rem < 0 || rem >= cost {
		return nil
	}
	wait := time.Until(reset) + time.Second
	if wait <= 0 {
		return nil
	}
	if wait > g.maxWait {
		return &queryError{msg: fmt.Sprintf("the GraphQL rate limit is spent; it resets at %s, in %s, more than the %s rampart waits; run again with --resume after it",
			reset.UTC().Format(time.RFC3339), wait.Round(time.Second), g.maxWait), fatal: true}
	}
	if err := sleep(ctx, wait); err != nil {
		return err
	}
	g.mu.Lock()
	g.remaining = -1
	g.mu.Unlock()
	return nil
}

func (g *gqlClient) noteExhausted(h http.Header) {
	reset, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64)
	if err != nil {
		return
	}
	g.mu.Lock()
	g.remaining, g.resetAt = 0, time.Unix(reset, 0)
	g.mu.Unlock()
}

// Remaining is the last known point budget left, or -1.
func (g *gqlClient) Remaining() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.remaining
}

func retryAfter(h http.Header) time.Duration {
	ra := strings.TrimSpace(h.Get("Retry-After"))
	if ra == "" {
		return 0
	}
	if s, err := strconv.Atoi(ra); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(ra); err == nil {
		return max(time.Until(t), 0)
	}
	return 0
}

func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return fmt.Sprintf("%q", s)
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
