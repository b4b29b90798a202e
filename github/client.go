// Package github is rampart's GitHub API client: go-github (REST) behind one http.Client whose
// transport counts, caches (ETags), retries and respects rate limits, with token, GitHub App and
// Enterprise (GHES, ghe.com) support. It implements audit.ActionRepos and audit.RepoSettings and
// fetches remote targets (owner/repo[@ref]).
package github

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/bradleyfalzon/ghinstallation/v2"
	gh "github.com/google/go-github/v93/github"
)

// DefaultAPIURL is github.com's REST API.
const DefaultAPIURL = "https://api.github.com/"

// Options configure a Client. Exactly one of Token or the App fields authenticates.
type Options struct {
	// Token is a personal access token or GITHUB_TOKEN. It is sent only to the API's origin and
	// never printed, stored or put in an error.
	Token string
	// APIURL is the REST API: "" for github.com; a GitHub Enterprise Server URL
	// ("https://ghes.example.com", REST under /api/v3) or a ghe.com one ("https://api.acme.ghe.com").
	APIURL string
	// BaseURL, when set, is used as the REST base URL exactly as given (tests, proxies); it wins over APIURL.
	BaseURL string
	// AppID, InstallationID and AppKey (a PEM private key) authenticate as a GitHub App installation.
	AppID, InstallationID int64
	AppKey                []byte
	// CacheDir, when set, keeps ETag'd responses on disk and revalidates them (304s are free).
	CacheDir string
	// Transport is the network below the stack (http.DefaultTransport when nil).
	Transport http.RoundTripper
	// MaxRetries for 5xx and network errors (default 3); RetryDelay is the first backoff (default 500ms).
	MaxRetries int
	RetryDelay time.Duration
	// MaxRateWait bounds one wait for a primary rate limit's reset (default 2 minutes); a reset
	// further away fails the request with a *RateLimitError.
	MaxRateWait time.Duration
	// MaxRetryWait bounds one wait that GitHub asks for with Retry-After (secondary rate limits,
	// 429; default DefaultMaxRetryWait, 2 minutes): an answer asking for longer fails the request
	// at once with a *RetryAfterError naming the wait, instead of sleeping through it.
	MaxRetryWait time.Duration
	// RequestTimeout bounds one attempt of one request (default 30 seconds).
	RequestTimeout time.Duration
	UserAgent      string
	// MaxResponseBytes caps the body of one answer (DefaultMaxResponseBytes when 0; no cap when negative).
	MaxResponseBytes int64
}

// Client is one run's connection to GitHub. It is safe for concurrent use.
type Client struct {
	REST    *gh.Client
	counter *counter
	cache   *etagCache
	retry   *retrier
	// host is the API's host, for messages.
	host string
}

// New builds a Client: the transport stack, authentication and the API URL.
func New(o Options) (*Client, error) {
	base := o.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	maxBody := o.MaxResponseBytes
	if maxBody == 0 {
		maxBody = DefaultMaxResponseBytes
	}
	c := &Client{counter: &counter{next: base, max: maxBody}}
	var rt http.RoundTripper = c.counter

	apiBase, enterprise, err := apiBaseURL(o)
	if err != nil {
		return nil, err
	}
	identity := ""
	if o.AppID != 0 || o.InstallationID != 0 || len(o.AppKey) > 0 {
		if o.Token != "" {
			return nil, errors.New("both a token and GitHub App credentials are set; use one")
		}
		if o.AppID == 0 || o.InstallationID == 0 || len(o.AppKey) == 0 {
			return nil, errors.New("GitHub App authentication needs --app-id, --installation-id and a private key (--app-key-file or RAMPART_APP_KEY)")
		}
		itr, err := ghinstallation.New(rt, o.AppID, o.InstallationID, o.AppKey)
		if err != nil {
			return nil, fmt.Errorf("cannot use the GitHub App private key: %w", scrub(err))
		}
		itr.BaseURL = strings.TrimSuffix(apiBase, "/")
		rt = itr
		identity = cacheIdentity("app", fmt.Sprint(o.AppID), fmt.Sprint(o.InstallationID))
	}
	if o.CacheDir != "" {
		if err := os.MkdirAll(o.CacheDir, 0o700); err != nil {
			return nil, fmt.Errorf("cannot create the cache directory %q: %w", o.CacheDir, err)
		}
		c.cache = &etagCache{next: rt, dir: o.CacheDir, identity: identity}
		rt = c.cache
	}
	c.retry = newRetrier(rt)
	if o.MaxRetries > 0 {
		c.retry.maxRetries = o.MaxRetries
	} else if o.MaxRetries < 0 {
		c.retry.maxRetries = 0
	}
	if o.RetryDelay > 0 {
		c.retry.baseDelay = o.RetryDelay
		c.retry.maxDelay = max(c.retry.maxDelay, o.RetryDelay)
	}
	if o.MaxRateWait > 0 {
		c.retry.maxWait = o.MaxRateWait
	}
	if o.MaxRetryWait > 0 {
		c.retry.maxRetryWait = o.MaxRetryWait
	}
	if o.RequestTimeout > 0 {
		c.retry.attemptTimeout = o.RequestTimeout
	}
	ua := o.UserAgent
	if ua == "" {
		ua = "rampart"
	}
	opts := []gh.ClientOptionsFunc{
		gh.WithHTTPClient(&http.Client{Transport: c.retry}),
		gh.WithUserAgent(ua),
		gh.WithDisableRateLimitCheck(),
	}
	if o.Token != "" {
		opts = append(opts, gh.WithAuthToken(o.Token))
	}
	if enterprise {
		opts = append(opts, gh.WithEnterpriseURLs(apiBase, apiBase))
	} else {
		opts = append(opts, gh.WithURLs(&apiBase, &apiBase))
	}
	c.REST, err = gh.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("cannot set up the GitHub client: %w", err)
	}
	if u, err := url.Parse(c.REST.BaseURL()); err == nil {
		c.host = u.Host
	}
	return c, nil
}

// Requests is how many HTTP requests the client has sent (retries and App token fetches included).
func (c *Client) Requests() int { return int(c.counter.n.Load()) }

// CacheHits is how many responses came from the ETag cache after a 304.
func (c *Client) CacheHits() int {
	if c.cache == nil {
		return 0
	}
	return int(c.cache.hits.Load())
}

// BaseURL is the REST base URL in use.
func (c *Client) BaseURL() string { return c.REST.BaseURL() }

// apiBaseURL works out the REST base URL and whether it is a GitHub Enterprise Server.
func apiBaseURL(o Options) (string, bool, error) {
	if o.BaseURL != "" {
		u, err := url.Parse(o.BaseURL)
		if err != nil || u.Scheme == "" || u.Host == "" {
			return "", false, fmt.Errorf("invalid API base URL %q", o.BaseURL)
		}
		return strings.TrimSuffix(u.String(), "/") + "/", false, nil
	}
	if o.APIURL == "" {
		return DefaultAPIURL, false, nil
	}
	u, err := url.Parse(o.APIURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", false, fmt.Errorf("invalid API URL %q: want https://HOST (GitHub Enterprise Server) or https://api.SUBDOMAIN.ghe.com", o.APIURL)
	}
	u.RawQuery, u.Fragment, u.User = "", "", nil
	host := strings.ToLower(u.Hostname())
	switch {
	case host == "api.github.com" || host == "github.com":
		return DefaultAPIURL, false, nil
	case strings.HasSuffix(host, ".ghe.com"):
		// GitHub Enterprise Cloud with data residency: https://api.SUBDOMAIN.ghe.com.
		if !strings.HasPrefix(host, "api.") {
			u.Host = "api." + u.Host
		}
		u.Path = "/"
		return u.String(), false, nil
	}
	// GitHub Enterprise Server: REST under /api/v3 (go-github adds it when missing).
	return strings.TrimSuffix(u.String(), "/") + "/", true, nil
}

// scrub keeps an error's message but never lets key or token material through (ghinstallation
// and oauth2 errors can quote response bodies).
func scrub(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	for _, marker := range []string{"-----BEGIN", "ghs_", "ghp_", "gho_", "github_pat_", "ghu_", "ghr_"} {
		if i := strings.Index(msg, marker); i >= 0 {
			msg = msg[:i] + "[redacted]"
		}
	}
	return errors.New(msg)
}
