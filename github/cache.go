package github

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httputil"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
)

// etagCache makes GET requests conditional: a response with an ETag is kept on disk under a
// name that is a hash of the URL, the Accept header and who asks (a hash of the credentials,
// never the credentials themselves); the next identical request carries If-None-Match, and a
// 304 (which GitHub does not count against the rate limit) is answered from the disk copy.
type etagCache struct {
	next http.RoundTripper
	dir  string
	// identity tells apart who asks when the Authorization header is added below the cache
	// (a GitHub App installation).
	identity string
	// hits counts answers served from disk after a 304.
	hits atomic.Int64
}

// maxCached is the largest body the cache keeps.
const maxCached = 8 << 20

func (c *etagCache) key(req *http.Request) string {
	h := sha256.New()
	io.WriteString(h, req.URL.String())
	h.Write([]byte{0})
	io.WriteString(h, req.Header.Get("Accept"))
	h.Write([]byte{0})
	io.WriteString(h, req.Header.Get("X-GitHub-Api-Version"))
	h.Write([]byte{0})
	io.WriteString(h, req.Header.Get("Authorization"))
	h.Write([]byte{0})
	io.WriteString(h, c.identity)
	return hex.EncodeToString(h.Sum(nil))
}

func (c *etagCache) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodGet || req.Header.Get("Range") != "" {
		return c.next.RoundTrip(req)
	}
	file := filepath.Join(c.dir, c.key(req)[:2], c.key(req))
	cached := c.load(file, req)
	if cached != nil {
		if etag := cached.Header.Get("ETag"); etag != "" && req.Header.Get("If-None-Match") == "" {
			req = req.Clone(req.Context())
			req.Header.Set("If-None-Match", etag)
		}
	}
	resp, err := c.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusNotModified && cached != nil {
		drain(resp)
		// The fresh response's rate limit headers are the current ones.
		for _, h := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-RateLimit-Used", "X-RateLimit-Resource", "Date"} {
			if v := resp.Header.Get(h); v != "" {
				cached.Header.Set(h, v)
			}
		}
		cached.Header.Set("X-From-Cache", "1")
		c.hits.Add(1)
		return cached, nil
	}
	if resp.StatusCode == http.StatusOK && resp.Header.Get("ETag") != "" {
		body, err := io.ReadAll(io.LimitReader(resp.Body, maxCached+1))
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		if len(body) <= maxCached {
			c.store(file, resp, body)
		}
	}
	return resp, nil
}

func (c *etagCache) load(file string, req *http.Request) *http.Response {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil
	}
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(b)), req)
	if err != nil {
		return nil
	}
	return resp
}

func (c *etagCache) store(file string, resp *http.Response, body []byte) {
	saved := *resp
	saved.Header = resp.Header.Clone()
	saved.Body = io.NopCloser(bytes.NewReader(body))
	saved.ContentLength = int64(len(body))
	saved.TransferEncoding = nil
	saved.Header.Del("Set-Cookie")
	b, err := httputil.DumpResponse(&saved, true)
	if err != nil {
		return
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), ".tmp-*")
	if err != nil {
		return
	}
	_, werr := tmp.Write(b)
	cerr := tmp.Close()
	if werr != nil || cerr != nil || os.Rename(tmp.Name(), file) != nil {
		os.Remove(tmp.Name())
	}
}

// cacheIdentity is a short hash of who asks, for cache keys; it never holds a secret in the clear.
func cacheIdentity(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(h[:8])
}
