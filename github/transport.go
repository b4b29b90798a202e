package github

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The transport stack, outermost first: retry (backoff, rate limits, a deadline per attempt) ->
// ETag cache (when a cache directory is set) -> authentication (GitHub App) -> counting -> the
// network. go-github adds a token's Authorization header above all of them.

// counter counts every request that goes out on the wire, retries and token fetches included.
type counter struct {
	next http.RoundTripper
	n    atomic.Int64
	// max caps each answer's body (0: no cap).
	max int64
}

func (c *counter) RoundTrip(req *http.Request) (*http.Response, error) {
	c.n.Add(1)
	resp, err := c.next.RoundTrip(req)
	if err == nil && resp.Body != nil && c.max > 0 {
		resp.Body = &cappedBody{ReadCloser: resp.Body, left: c.max, max: c.max}
	}
	return resp, err
}

// DefaultMaxResponseBytes caps one API answer's body: a server (a hostile GitHub Enterprise, a
// proxy) that streams without end makes the request fail instead of filling the memory.
const DefaultMaxResponseBytes = 64 << 20

// ErrResponseTooLarge is the error of reading past the cap on an answer's body.
var ErrResponseTooLarge = errors.New("the API answer is over the size cap; not read")

// cappedBody fails a read past max bytes.
type cappedBody struct {
	io.ReadCloser
	left, max int64
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// One byte more tells a body of exactly max bytes from a longer one.
		var one [1]byte
		if n, _ := b.ReadCloser.Read(one[:]); n > 0 {
			return 0, fmt.Errorf("%w (%d bytes)", ErrResponseTooLarge, b.max)
		}
		return b.ReadCloser.Read(p[:0])
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.ReadCloser.Read(p)
	b.left -= int64(n)
	return n, err
}

// RateLimitError says the primary rate limit of one resource is spent and its reset is too far
// away to wait for.
type RateLimitError struct {
	// Resource is the limit's resource as GitHub names it in X-RateLimit-Resource: "core" (REST),
	// "graphql", "search", ...
	Resource string
	// Limit is the resource's requests (GraphQL: points) an hour; 0 when unknown.
	Limit int
	Reset time.Time
	Wait  time.Duration
	// MaxWait is the longest rampart waits for a reset.
	MaxWait time.Duration
}

func (e *RateLimitError) Error() string {
	what := ""
	switch {
	case e.Resource != "" && e.Limit > 0:
		unit := "requests"
		if e.Resource == "graphql" {
			unit = "points"
		}
		what = fmt.Sprintf(" (%s: %d %s an hour)", e.Resource, e.Limit, unit)
	case e.Resource != "":
		what = fmt.Sprintf(" (%s)", e.Resource)
	case e.Limit > 0:
		what = fmt.Sprintf(" (%d requests an hour)", e.Limit)
	}
	return fmt.Sprintf("GitHub API rate limit exhausted%s; it resets at %s, in %s, more than the %s rampart waits; try again later, or use a token with a higher limit (a GitHub App installation)",
		what, e.Reset.UTC().Format(time.RFC3339), e.Wait.Round(time.Second), e.MaxWait)
}

// RetryAfterError says GitHub asked rampart to pause (a secondary rate limit, a 429) for longer
// than it waits (Options.MaxRetryWait): the request fails at once instead of sleeping.
type RetryAfterError struct {
	// Method and Path are the request's ("GET", "/repos/acme/app/git/blobs/…"); no query, no host.
	Method, Path string
	// Status is the answer's HTTP status (403 or 429).
	Status int
	// Wait is what GitHub asked for (Retry-After, or the minute GitHub documents when it gives none).
	Wait time.Duration
	// MaxWait is the longest rampart waits (Options.MaxRetryWait).
	MaxWait time.Duration
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("GitHub's secondary rate limit (HTTP %d to %s %s) asks rampart to wait %s before trying again, more than the %s it waits; try again later",
		e.Status, e.Method, e.Path, e.Wait.Round(time.Second), e.MaxWait)
}

// retrier retries 5xx responses, timeouts and connection errors with exponential backoff and
// jitter; waits for the primary rate limit's reset when it is close, and stops with a
// *RateLimitError when it is not; honours Retry-After on secondary rate limits and 429 up to
// maxRetryWait, and stops with a *RetryAfterError beyond it; and bounds every attempt with a
// deadline.
//
// GitHub keeps one primary limit per resource (X-RateLimit-Resource: "core" for REST,
// "graphql", "search", "code_search", ...), so the retrier keeps one bucket per resource: the
// GraphQL points running low never pauses REST requests, nor the other way round.
type retrier struct {
	next http.RoundTripper
	// MaxRetries is how many times a request is retried after a 5xx or a network error.
	maxRetries int
	// baseDelay is the first backoff (doubled each retry, with jitter), capped by maxDelay.
	baseDelay, maxDelay time.Duration
	// maxWait bounds one wait for a primary rate limit's reset.
	maxWait time.Duration
	// maxRetryWait bounds one Retry-After wait (secondary rate limits, 429).
	maxRetryWait time.Duration
	// attemptTimeout bounds one attempt, from sending to the body's end.
	attemptTimeout time.Duration
	// minRemaining: when the last response left fewer requests than this, wait for the reset
	// (if it is within maxWait) before the next request.
	minRemaining int
	sleep        func(context.Context, time.Duration) error
	now          func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket // by resource
}

// bucket is what the last answers said of one resource's primary limit.
type bucket struct {
	remaining int // -1 when unknown
	limit     int
	reset     time.Time
}

// DefaultMaxRetryWait is the longest rampart honours a Retry-After by default.
const DefaultMaxRetryWait = 2 * time.Minute

func newRetrier(next http.RoundTripper) *retrier {
	return &retrier{next: next, maxRetries: 3, baseDelay: 500 * time.Millisecond, maxDelay: 8 * time.Second,
		maxWait: 2 * time.Minute, maxRetryWait: DefaultMaxRetryWait, attemptTimeout: 30 * time.Second, minRemaining: 1,
		sleep: sleepCtx, now: time.Now, buckets: map[string]*bucket{}}
}

// resourceOf is the rate limit resource a request will count against, as far as its path
// tells; the answer's X-RateLimit-Resource has the last word.
func resourceOf(req *http.Request) string {
	p := req.URL.Path
	switch {
	case strings.HasSuffix(p, "/graphql"):
		return "graphql"
	case strings.Contains(p, "/search/code"):
		return "code_search"
	case strings.Contains(p, "/search/"):
		return "search"
	}
	return "core"
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
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

func (r *retrier) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if req.Body != nil && req.GetBody == nil && req.Method != http.MethodGet && req.Method != http.MethodHead {
		// A body that cannot be replayed: one attempt only.
		return r.attempt(req)
	}
	guess := resourceOf(req)
	retries := 0
	rateWaits := 0
	for {
		if err := r.waitPrimary(ctx, guess); err != nil {
			return nil, err
		}
		attemptReq := req
		if retries+rateWaits > 0 && req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			attemptReq = req.Clone(ctx)
			attemptReq.Body = body
		}
		resp, err := r.attempt(attemptReq)
		if err != nil {
			if ctx.Err() != nil || !retryableError(err) || retries >= r.maxRetries {
				return nil, err
			}
			retries++
			if err := r.sleep(ctx, r.backoff(retries)); err != nil {
				return nil, err
			}
			continue
		}
		resource := r.note(resp, guess)
		switch wait, kind := r.rateLimited(resp); kind {
		case "primary":
			if wait > r.maxWait || rateWaits >= 2 {
				drain(resp)
				return nil, r.limitError(resource, wait)
			}
			drain(resp)
			rateWaits++
			if err := r.sleep(ctx, wait); err != nil {
				return nil, err
			}
			r.forgetLimit(resource)
			continue
		case "secondary":
			if wait > r.maxRetryWait {
				drain(resp)
				return nil, &RetryAfterError{Method: req.Method, Path: req.URL.Path, Status: resp.StatusCode, Wait: wait, MaxWait: r.maxRetryWait}
			}
			if rateWaits >= 3 {
				return resp, nil // go-github turns it into an *AbuseRateLimitError
			}
			drain(resp)
			rateWaits++
			if err := r.sleep(ctx, wait); err != nil {
				return nil, err
			}
			continue
		}
		if retryableStatus(resp.StatusCode) && retries < r.maxRetries {
			drain(resp)
			retries++
			if err := r.sleep(ctx, r.backoff(retries)); err != nil {
				return nil, err
			}
			continue
		}
		return resp, nil
	}
}

// attempt sends one request under the per-attempt deadline; the deadline's context ends when
// the body is closed.
func (r *retrier) attempt(req *http.Request) (*http.Response, error) {
	if r.attemptTimeout <= 0 {
		return r.next.RoundTrip(req)
	}
	ctx, cancel := context.WithTimeout(req.Context(), r.attemptTimeout)
	resp, err := r.next.RoundTrip(req.WithContext(ctx))
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	resp.Body.Close()
}

// backoff is the delay before retry n (1-based): base * 2^(n-1), capped, with full jitter
// over its upper half.
func (r *retrier) backoff(n int) time.Duration {
	d := r.baseDelay << (n - 1)
	if d > r.maxDelay || d <= 0 {
		d = r.maxDelay
	}
	half := d / 2
	if half <= 0 {
		return d
	}
	return half + rand.N(half+1)
}

func retryableStatus(code int) bool {
	return code == http.StatusInternalServerError || code == http.StatusBadGateway ||
		code == http.StatusServiceUnavailable || code == http.StatusGatewayTimeout
}

func retryableError(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	var oe *net.OpError
	return errors.As(err, &oe)
}

// note records the primary rate limit headers of a response in the bucket of the resource the
// response names (guess, the request's, when it names none) and returns that resource.
func (r *retrier) note(resp *http.Response, guess string) string {
	resource := strings.ToLower(strings.TrimSpace(resp.Header.Get("X-RateLimit-Resource")))
	if resource == "" {
		resource = guess
	}
	rem, err1 := strconv.Atoi(resp.Header.Get("X-RateLimit-Remaining"))
	reset, err2 := strconv.ParseInt(resp.Header.Get("X-RateLimit-Reset"), 10, 64)
	if err1 != nil || err2 != nil {
		return resource
	}
	resetAt := time.Unix(reset, 0)
	r.mu.Lock()
	defer r.mu.Unlock()
	b := r.buckets[resource]
	if b == nil {
		b = &bucket{remaining: -1}
		r.buckets[resource] = b
	}
	switch {
	case b.remaining >= 0 && resetAt.Equal(b.reset):
		// The same window: answers to concurrent requests arrive in any order, and the
		// count only goes down within a window.
		b.remaining = min(b.remaining, rem)
	case b.remaining >= 0 && resetAt.Before(b.reset):
		// A late answer from an earlier window: it says nothing of the current one.
		return resource
	default:
		b.remaining, b.reset = rem, resetAt
	}
	if l, err := strconv.Atoi(resp.Header.Get("X-RateLimit-Limit")); err == nil {
		b.limit = l
	}
	return resource
}

// waitPrimary waits before a request when the last answers left its resource's primary limit
// (nearly) spent and the reset is close; when the reset is far it stops with a *RateLimitError.
// Other resources' limits do not matter.
func (r *retrier) waitPrimary(ctx context.Context, resource string) error {
	r.mu.Lock()
	b := r.buckets[resource]
	if b == nil {
		r.mu.Unlock()
		return nil
	}
	rem, reset, limit := b.remaining, b.reset, b.limit
	r.mu.Unlock()
	if rem < 0 || rem >= r.minRemaining {
		return nil
	}
	wait := reset.Sub(r.now()) + time.Second
	if wait <= 0 {
		return nil
	}
	if wait > r.maxWait {
		return &RateLimitError{Resource: resource, Limit: limit, Reset: reset, Wait: wait, MaxWait: r.maxWait}
	}
	if err := r.sleep(ctx, wait); err != nil {
		return err
	}
	r.forgetLimit(resource)
	return nil
}

// forgetLimit drops a resource's recorded limit after waiting for its reset: the next answer
// tells anew.
func (r *retrier) forgetLimit(resource string) {
	r.mu.Lock()
	if b := r.buckets[resource]; b != nil {
		b.remaining = -1
	}
	r.mu.Unlock()
}

// rateLimited tells whether a response is a rate limit, which, and how long to wait.
func (r *retrier) rateLimited(resp *http.Response) (time.Duration, string) {
	if resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusTooManyRequests {
		return 0, ""
	}
	if ra := resp.Header.Get("Retry-After"); ra != "" {
		if s, err := strconv.Atoi(strings.TrimSpace(ra)); err == nil && s >= 0 {
			return time.Duration(s) * time.Second, "secondary"
		}
		if t, err := http.ParseTime(ra); err == nil {
			return max(t.Sub(r.now()), 0), "secondary"
		}
	}
	if resp.Header.Get("X-RateLimit-Remaining") == "0" {
		reset, err := strconv.ParseInt(resp.Header.Get("X-RateLimit-Reset"), 10, 64)
		if err != nil {
			return r.maxWait + time.Second, "primary"
		}
		return max(time.Unix(reset, 0).Sub(r.now())+time.Second, 0), "primary"
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		return time.Minute, "secondary"
	}
	// A 403 secondary limit without Retry-After: GitHub asks for at least a minute's pause.
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	if bytes.Contains(bytes.ToLower(b), []byte("secondary rate limit")) {
		return time.Minute, "secondary"
	}
	return 0, ""
}

func (r *retrier) limitError(resource string, wait time.Duration) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	e := &RateLimitError{Resource: resource, Reset: r.now().Add(wait), Wait: wait, MaxWait: r.maxWait}
	if b := r.buckets[resource]; b != nil {
		e.Limit = b.limit
		if !b.reset.IsZero() {
			e.Reset = b.reset
		}
	}
	return e
}
