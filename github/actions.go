package github

import (
	"context"
	"fmt"
	"strings"
	"sync"

	gh "github.com/google/go-github/v93/github"
	"github.com/rampart-sec/rampart/audit"
)

// memo caches one answer per key, computing it once even when asked concurrently. A context
// error is not cached: the next caller tries again.
type memo[V any] struct {
	mu sync.Mutex
	m  map[string]*memoEntry[V]
}

type memoEntry[V any] struct {
	done chan struct{}
	v    V
	err  error
}

func (m *memo[V]) get(ctx context.Context, key string, f func() (V, error)) (V, error) {
	m.mu.Lock()
	if m.m == nil {
		m.m = map[string]*memoEntry[V]{}
	}
	if e, ok := m.m[key]; ok {
		m.mu.Unlock()
		select {
		case <-e.done:
			return e.v, e.err
		case <-ctx.Done():
			var zero V
			return zero, ctx.Err()
		}
	}
	e := &memoEntry[V]{done: make(chan struct{})}
	m.m[key] = e
	m.mu.Unlock()
	e.v, e.err = f()
	if e.err != nil && ctx.Err() != nil {
		m.mu.Lock()
		delete(m.m, key)
		m.mu.Unlock()
	}
	close(e.done)
	return e.v, e.err
}

// Actions implements audit.ActionRepos over the REST API, with an in-memory cache per
// repository (many workflows use the same action).
type Actions struct {
	c          *Client
	repos      memo[*audit.RepoInfo]
	refs       memo[*audit.Refs]
	reachable  memo[bool]
	advisories memo[[]audit.Advisory]
	// MaxCompares bounds the compare requests of one CommitReachable (default 25).
	MaxCompares int
}

var _ audit.ActionRepos = (*Actions)(nil)

// Actions returns the client's audit.ActionRepos; one per run, shared by every target.
func (c *Client) Actions() *Actions { return &Actions{c: c, MaxCompares: 25} }

func repoKey(owner, name string) string { return strings.ToLower(owner + "/" + name) }

// Repo implements audit.ActionRepos: GET /repos/{owner}/{repo}.
func (a *Actions) Repo(ctx context.Context, owner, name string) (*audit.RepoInfo, error) {
	return a.repos.get(ctx, repoKey(owner, name), func() (*audit.RepoInfo, error) {
		return a.c.repoInfo(ctx, owner, name)
	})
}

func (c *Client) repoInfo(ctx context.Context, owner, name string) (*audit.RepoInfo, error) {
	r, _, err := c.REST.Repositories.Get(ctx, owner, name)
	if err != nil {
		return nil, classify(err, fmt.Sprintf("repository %q", owner+"/"+name), "metadata: read")
	}
	return &audit.RepoInfo{FullName: r.GetFullName(), DefaultBranch: r.GetDefaultBranch(), Archived: r.GetArchived(),
		Fork: r.GetFork(), Private: r.GetPrivate(), Visibility: r.GetVisibility()}, nil
}

// Refs implements audit.ActionRepos: every branch and tag with its commit, page by page. The
// tags endpoint gives each tag's commit, so annotated tags come dereferenced without a request each.
func (a *Actions) Refs(ctx context.Context, owner, name string) (*audit.Refs, error) {
	return a.refs.get(ctx, repoKey(owner, name), func() (*audit.Refs, error) {
		return a.c.refs(ctx, owner, name)
	})
}

func (c *Client) refs(ctx context.Context, owner, name string) (*audit.Refs, error) {
	out := &audit.Refs{Branches: []audit.GitRef{}, Tags: []audit.GitRef{}}
	what := fmt.Sprintf("branches of %q", owner+"/"+name)
	bopt := &gh.BranchListOptions{ListOptions: gh.ListOptions{PerPage: 100}}
	for {
		bs, resp, err := c.REST.Repositories.ListBranches(ctx, owner, name, bopt)
		if err != nil {
			return nil, classify(err, what, "contents: read")
		}
		for _, b := range bs {
			out.Branches = append(out.Branches, audit.GitRef{Name: b.GetName(), SHA: b.GetCommit().GetSHA()})
		}
		if resp.NextPage == 0 {
			break
		}
		bopt.Page = resp.NextPage
	}
	what = fmt.Sprintf("tags of %q", owner+"/"+name)
	topt := &gh.ListOptions{PerPage: 100}
	for {
		ts, resp, err := c.REST.Repositories.ListTags(ctx, owner, name, topt)
		if err != nil {
			return nil, classify(err, what, "contents: read")
		}
		for _, t := range ts {
			out.Tags = append(out.Tags, audit.GitRef{Name: t.GetName(), SHA: t.GetCommit().GetSHA()})
		}
		if resp.NextPage == 0 {
			break
		}
		topt.Page = resp.NextPage
	}
	return out, nil
}

// CommitReachable implements audit.ActionRepos. A commit is reachable when it is a branch or
// tag head, or when the compare API says it is behind (or identical to) the default branch or,
// failing that, a tag. A commit that is ahead of or diverged from them all, or unknown (404),
// lives only in the repository's network (a fork): an impostor.
func (a *Actions) CommitReachable(ctx context.Context, owner, name, sha string) (bool, error) {
	return a.reachable.get(ctx, repoKey(owner, name)+"@"+strings.ToLower(sha), func() (bool, error) {
		return a.commitReachable(ctx, owner, name, sha)
	})
}

func (a *Actions) commitReachable(ctx context.Context, owner, name, sha string) (bool, error) {
	refs, err := a.Refs(ctx, owner, name)
	if err != nil {
		return false, err
	}
	for _, r := range append(append([]audit.GitRef{}, refs.Branches...), refs.Tags...) {
		if strings.EqualFold(r.SHA, sha) {
			return true, nil
		}
	}
	info, err := a.Repo(ctx, owner, name)
	if err != nil {
		return false, err
	}
	bases := []string{}
	if info.DefaultBranch != "" {
		bases = append(bases, info.DefaultBranch)
	}
	for _, t := range refs.Tags {
		bases = append(bases, t.Name)
	}
	limit := a.MaxCompares
	if limit <= 0 {
		limit = 25
	}
	for i, base := range bases {
		if i >= limit {
			return false, &audit.UnknownError{What: fmt.Sprintf("whether %s is on a branch or tag of %q", sha, owner+"/"+name),
				Reason: fmt.Sprintf("not behind the default branch nor the first %d tags; the rest were not compared", limit-1)}
		}
		cmp, _, err := a.c.REST.Repositories.CompareCommits(ctx, owner, name, base, sha, &gh.ListOptions{PerPage: 1})
		if err != nil {
			err = classify(err, fmt.Sprintf("commit %s of %q", sha, owner+"/"+name), "contents: read")
			if IsNotFound(err) {
				// Not in the repository's network at all, or the base is gone: try the next base.
				continue
			}
			return false, err
		}
		switch cmp.GetStatus() {
		case "behind", "identical":
			return true, nil
		}
	}
	return false, nil
}

// Advisories implements audit.ActionRepos: GET /advisories?type=reviewed&ecosystem=actions&affects=PKG,
// following the cursor pages.
func (a *Actions) Advisories(ctx context.Context, pkg string) ([]audit.Advisory, error) {
	return a.advisories.get(ctx, strings.ToLower(pkg), func() ([]audit.Advisory, error) {
		return a.c.advisories(ctx, pkg)
	})
}

func (c *Client) advisories(ctx context.Context, pkg string) ([]audit.Advisory, error) {
	opt := &gh.ListGlobalSecurityAdvisoriesOptions{Type: new("reviewed"), Ecosystem: new("actions"),
		Affects: new(pkg), ListCursorOptions: gh.ListCursorOptions{PerPage: 100}}
	out := []audit.Advisory{}
	for {
		advs, resp, err := c.REST.SecurityAdvisories.ListGlobalSecurityAdvisories(ctx, opt)
		if err != nil {
			return nil, classify(err, fmt.Sprintf("advisories of %q", pkg), "")
		}
		for _, adv := range advs {
			if adv.WithdrawnAt != nil {
				continue
			}
			sev, err := audit.ParseSeverity(adv.GetSeverity())
			if err != nil {
				sev = audit.Medium // "unknown"
			}
			base := audit.Advisory{GHSA: adv.GetGHSAID(), CVE: adv.GetCVEID(), Summary: adv.GetSummary(),
				Severity: sev, URL: adv.GetHTMLURL()}
			for _, v := range adv.Vulnerabilities {
				p := v.GetPackage()
				if p == nil || !strings.EqualFold(p.GetEcosystem(), "actions") || !strings.EqualFold(p.GetName(), pkg) {
					continue
				}
				a := base
				a.Vulnerable = v.GetVulnerableVersionRange()
				a.FirstPatched = v.GetFirstPatchedVersion()
				out = append(out, a)
			}
		}
		if resp.After == "" {
			break
		}
		opt.After = resp.After
	}
	return out, nil
}
