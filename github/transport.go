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
}

func (c *counter) RoundTrip(req *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.RoundTrip(req)
}

// RateLimitError says the primary rate limit is spent and its reset is too far away to wait for.
type RateLimitError struct {
	Limit int
	Reset time.Time
	Wait  time.Duration
	// MaxWait is the longest rampart waits for a reset.
	MaxWait time.Duration
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("GitHub API rate limit exhausted (%d requests an hour); it resets at %s, in %s, more than the %s rampart waits; try again later, or use a token with a higher limit (a GitHub App installation)",
		e.Limit, e.Reset.UTC().Format(time.RFC3339), e.Wait.Round(time.Second), e.MaxWait)
}

// retrier retries 5xx responses, timeouts and connection errors with exponential backoff and
// jitter; waits for the primary rate limit's reset when it is close, and stops with a
// *RateLimitError when it is not; honours Retry-After on secondary rate limits and 429; and
// bounds every attempt with a deadline.
type retrier struct {
	next http.RoundTripper
	// MaxRetries is how many times a request is retried after a 5xx or a network error.
	maxRetries int
	// baseDelay is the first backoff (doubled each retry, with jitter), capped by maxDelay.
	baseDelay, maxDelay time.Duration
	// maxWait bounds one wait for a rate limit (primary reset, Retry-After).
	maxWait time.Duration
	// attemptTimeout bounds one attempt, from sending to the body's end.
	attemptTimeout time.Duration
	// minRemaining: when the last response left fewer requests than this, wait for the reset
	// (if it is within maxWait) before the next request.
	minRemaining int
	sleep        func(context.Context, time.Duration) error
	now          func() time.Time

	mu        sync.Mutex
	remaining int // -1 when unknown
	limit     int
	reset     time.Time
}

func newRetrier(next http.RoundTripper) *retrier {
	return &retrier{next: next, maxRetries: 3, baseDelay: 500 * time.Millisecond, maxDelay: 8 * time.Second,
		maxWait: 2 * time.Minute, attemptTimeout: 30 * time.Second, minRemaining: 1,
		sleep: sleepCtx, now: time.Now, remaining: -1}
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
	retries := 0
	rateWaits := 0
	for {
		if err := r.waitPrimary(ctx); err != nil {
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
		r.note(resp)
		switch wait, kind := r.rateLimited(resp); kind {
		case "primary":
			if wait > r.maxWait || rateWaits >= 2 {
				drain(resp)
				return nil, r.limitError(wait)
			}
			drain(resp)
			rateWaits++
			if err := r.sleep(ctx, wait); err != nil {
				return nil, err
			}
			r.forgetLimit()
			continue
		case "secondary":
			if wait > r.maxWait || rateWaits >= 3 {
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

// note records the primary rate limit headers of a response.
func (r *retrier) note(resp *http.Response) {
	rem, err1 := strconv.Atoi(resp.Header.Get("X-RateLimit-Remaining"))
	reset, err2 := strconv.ParseInt(resp.Header.Get("X-RateLimit-Reset"), 10, 64)
	if err1 != nil || err2 != nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.remaining, r.reset = rem, time.Unix(reset, 0)
	if l, err := strconv.Atoi(resp.Header.Get("X-RateLimit-Limit")); err == nil {
		r.limit = l
	}
}

// waitPrimary waits before a request when the last response left the primary limit (nearly)
// spent and its reset is close; when the reset is far it stops with a *RateLimitError.
func (r *retrier) waitPrimary(ctx context.Context) error {
	r.mu.Lock()
	rem, reset, limit := r.remaining, r.reset, r.limit
	r.mu.Unlock()
	if rem < 0 || rem >= r.minRemaining {
		return nil
	}
	wait := reset.Sub(r.now()) + time.Second
	if wait <= 0 {
		return nil
	}
	if wait > r.maxWait {
		return &RateLimitError{Limit: limit, Reset: reset, Wait: wait, MaxWait: r.maxWait}
	}
	if err := r.sleep(ctx, wait); err != nil {
		return err
	}
	r.forgetLimit()
	return nil
}

// forgetLimit drops the recorded limit after waiting for its reset: the next answer tells anew.
func (r *retrier) forgetLimit() {
	r.mu.Lock()
	r.remaining = -1
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

func (r *retrier) limitError(wait time.Duration) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return &RateLimitError{Limit: r.limit, Reset: r.reset, Wait: wait, MaxWait: r.maxWait}
}
