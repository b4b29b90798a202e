package github

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"path"
	"slices"
	"strings"
	"sync"

	gh "github.com/google/go-github/v93/github"
	"github.com/rampart-sec/rampart/audit"
)

// FetchOptions control how a remote target is read.
type FetchOptions struct {
	// MaxFileSize skips blobs larger than this (audit.DefaultMaxFileSize when 0), listing them in errors.
	MaxFileSize int64
	// KnownChecks validates the repository's config file (.github/rampart.yml); nil accepts any id.
	KnownChecks map[string]bool
	// Parallel bounds concurrent blob requests (default 4).
	Parallel int
}

// ConfigError is a repository's config file that is invalid.
type ConfigError struct {
	Path string
	Err  error
}

func (e *ConfigError) Error() string { return fmt.Sprintf("%s: %v", e.Path, e.Err) }
func (e *ConfigError) Unwrap() error { return e.Err }

// entry is one file of the repository's tree.
type entry struct {
	path, sha, mode string
	size            int
}

// FetchTarget reads a repository at ref (the default branch when ref is "") as an audit target
// with as few requests as it can: the repository (only without a ref), one recursive tree, then
// one blob per pipeline file (identical files once). Paths from the API are validated and never
// used as file-system paths. A truncated tree falls back to listing .github/workflows, .github
// and the root through the contents API, and says so in the target's errors.
func (c *Client) FetchTarget(ctx context.Context, a *Actions, owner, name, ref string, o FetchOptions) (*audit.Target, error) {
	if a == nil {
		a = c.Actions()
	}
	full := owner + "/" + name
	if ref == "" {
		info, err := a.Repo(ctx, owner, name)
		if err != nil {
			return nil, err
		}
		ref = info.DefaultBranch
	}
	t := &audit.Target{Kind: "repo", Name: full, Ref: ref}
	tree, _, err := c.REST.Git.GetTree(ctx, owner, name, url.PathEscape(ref), true)
	if err != nil {
		err = classify(err, fmt.Sprintf("the tree of %q at %q", full, ref), "contents: read")
		if IsNotFound(err) {
			return nil, fmt.Errorf("repository %q or its ref %q not found (or the token cannot see it)", full, ref)
		}
		return nil, err
	}
	var entries []entry
	if tree.GetTruncated() {
		t.Errors = append(t.Errors, audit.FileError{Message: fmt.Sprintf("the tree of %q is too large for one API answer (truncated): only .github/workflows, .github and the root were listed through the contents API; action.yml files and Dockerfiles deeper down were not audited", full)})
		if entries, err = c.listFallback(ctx, owner, name, ref); err != nil {
			return nil, err
		}
	} else {
		for _, e := range tree.Entries {
			if e.GetType() != "blob" {
				continue
			}
			entries = append(entries, entry{path: e.GetPath(), sha: e.GetSHA(), mode: e.GetMode(), size: e.GetSize()})
		}
	}
	limit := o.MaxFileSize
	if limit <= 0 {
		limit = audit.DefaultMaxFileSize
	}
	var want []entry
	t.Markers = map[string]bool{}
	for _, e := range entries {
		if slices.Contains(audit.MarkerFiles, e.path) {
			t.Markers[e.path] = true
		}
		if !wanted(e.path) {
			continue
		}
		if err := checkPath(e.path); err != nil {
			t.Errors = append(t.Errors, audit.FileError{File: safeName(e.path), Message: "not audited: " + err.Error()})
			continue
		}
		switch {
		case !isObjectID(e.sha):
			// The id goes into the blob request's path: only a hex object id may.
			t.Errors = append(t.Errors, audit.FileError{File: e.path, Message: "not audited: the API gave no valid object id for it"})
		case e.mode == "120000":
			t.Errors = append(t.Errors, audit.FileError{File: e.path, Message: "not audited: symbolic link (not followed through the API)"})
		case int64(e.size) > limit:
			t.Errors = append(t.Errors, audit.FileError{File: e.path, Message: fmt.Sprintf("not audited: file is %d bytes, over the %d-byte cap (max-file-size)", e.size, limit)})
		default:
			want = append(want, e)
		}
	}
	blobs, err := c.blobs(ctx, owner, name, want, o.Parallel)
	if err != nil {
		return nil, err
	}
	var cfgPath string
	var cfgSrc []byte
	for _, e := range want {
		src := blobs[e.sha]
		if isConfig(e.path) {
			if cfgPath == "" || slices.Index(audit.ConfigFileNames, e.path) < slices.Index(audit.ConfigFileNames, cfgPath) {
				cfgPath, cfgSrc = e.path, src
			}
			continue
		}
		if int64(len(src)) > limit {
			t.Errors = append(t.Errors, audit.FileError{File: e.path, Message: fmt.Sprintf("not audited: file is over the %d-byte cap (max-file-size)", limit)})
			continue
		}
		t.AddSource(e.path, src)
	}
	if cfgPath != "" {
		cfg, err := audit.ParseConfig(cfgSrc, o.KnownChecks)
		if err != nil {
			return nil, &ConfigError{Path: full + ":" + cfgPath, Err: err}
		}
		cfg.Path = full + ":" + cfgPath
		t.Config = cfg
	}
	return t, nil
}

// wanted tells the paths a remote target audits, as a local directory's discovery does:
// .github/workflows/*.yml|yaml, .github/dependabot.yml|yaml, every action.yml|yaml and
// Dockerfile outside .git, node_modules and vendor, and the config file.
func wanted(p string) bool {
	if isConfig(p) {
		return true
	}
	dir, base := path.Split(p)
	if dir == ".github/workflows/" && (strings.HasSuffix(base, ".yml") || strings.HasSuffix(base, ".yaml")) {
		return true
	}
	if p == ".github/dependabot.yml" || p == ".github/dependabot.yaml" {
		return true
	}
	if k, ok := audit.KindOf(base); ok && (k == audit.KindAction || k == audit.KindDockerfile) {
		for _, part := range strings.Split(strings.TrimSuffix(dir, "/"), "/") {
			if part == ".git" || part == "node_modules" || part == "vendor" {
				return false
			}
		}
		return true
	}
	return false
}

func isConfig(p string) bool { return slices.Contains(audit.ConfigFileNames, p) }

// checkPath refuses a path from the API that is not a clean relative slash path: empty, absolute,
// with "..", ".", empty components, a backslash, a NUL or another control character.
func checkPath(p string) error {
	switch {
	case p == "":
		return errors.New("empty path")
	case strings.ContainsAny(p, "\x00\\"):
		return errors.New("path has a NUL or a backslash")
	case strings.HasPrefix(p, "/") || (len(p) > 1 && p[1] == ':'):
		return errors.New("absolute path")
	}
	for _, r := range p {
		if r < 0x20 || r == 0x7f {
			return errors.New("path has a control character")
		}
	}
	for part := range strings.SplitSeq(p, "/") {
		if part == "" || part == "." || part == ".." {
			return errors.New("path is not clean (empty, . or .. component)")
		}
	}
	return nil
}

// isObjectID reports whether s is a git object id: 40 (SHA-1) or 64 (SHA-256) hex digits.
func isObjectID(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// safeName quotes a rejected path for the report without its control characters.
func safeName(p string) string {
	q := fmt.Sprintf("%q", p)
	return q[1 : len(q)-1]
}

// blobs fetches each distinct blob once, a few at a time.
func (c *Client) blobs(ctx context.Context, owner, name string, es []entry, parallel int) (map[string][]byte, error) {
	if parallel <= 0 {
		parallel = 4
	}
	out := map[string][]byte{}
	var shas []string
	for _, e := range es {
		if _, ok := out[e.sha]; !ok {
			out[e.sha] = nil
			shas = append(shas, e.sha)
		}
	}
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	sem := make(chan struct{}, parallel)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for _, sha := range shas {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			b, err := c.blob(ctx, owner, name, sha)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if firstErr == nil {
					firstErr = err
					cancel()
				}
				return
			}
			out[sha] = b
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	return out, nil
}

func (c *Client) blob(ctx context.Context, owner, name, sha string) ([]byte, error) {
	b, _, err := c.REST.Git.GetBlob(ctx, owner, name, sha)
	if err != nil {
		return nil, classify(err, fmt.Sprintf("blob %s of %q", sha, owner+"/"+name), "contents: read")
	}
	switch b.GetEncoding() {
	case "base64":
		raw, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(b.GetContent(), "\n", ""))
		if err != nil {
			return nil, fmt.Errorf("cannot decode blob %s of %q: %w", sha, owner+"/"+name, err)
		}
		return raw, nil
	case "utf-8", "":
		return []byte(b.GetContent()), nil
	}
	return nil, fmt.Errorf("blob %s of %q has an unknown encoding %q", sha, owner+"/"+name, b.GetEncoding())
}

// listFallback lists .github/workflows, .github and the root through the contents API (a
// truncated tree).
func (c *Client) listFallback(ctx context.Context, owner, name, ref string) ([]entry, error) {
	var out []entry
	for _, dir := range []string{".github/workflows", ".github", ""} {
		_, list, _, err := c.REST.Repositories.GetContents(ctx, owner, name, dir, &gh.RepositoryContentGetOptions{Ref: ref})
		if err != nil {
			err = classify(err, fmt.Sprintf("%q of %q", dir, owner+"/"+name), "contents: read")
			if IsNotFound(err) {
				continue
			}
			return nil, err
		}
		for _, e := range list {
			if e.GetType() != "file" && e.GetType() != "symlink" {
				continue
			}
			mode := "100644"
			if e.GetType() == "symlink" {
				mode = "120000"
			}
			out = append(out, entry{path: e.GetPath(), sha: e.GetSHA(), mode: mode, size: e.GetSize()})
		}
	}
	return out, nil
}
