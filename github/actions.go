package github

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
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
	onBranch   memo[bool]
	compares   memo[string]
	advisories memo[[]audit.Advisory]
	// MaxCompares bounds the compare requests of one CommitReachable, and of one CommitOnBranch
	// (default 25).
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

// Refs implements audit.ActionRepos: every branch and tag with its commit, page by page, and the
// tag object of each annotated tag (see tags).
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
	tags, err := c.tags(ctx, owner, name)
	if err != nil {
		return nil, err
	}
	out.Tags = tags
	return out, nil
}

// tags lists a repository's tags, in the order of their names, each with its commit and, for an
// annotated tag, its tag object. One request (GET /repos/{o}/{r}/git/matching-refs/tags) gives
// every tag's object: a lightweight tag's is its commit, and when no tag is annotated that is
// all. Annotated tags are then dereferenced by the cheaper of two ways: the tags list (GET
// /repos/{o}/{r}/tags, one page per 100 tags, each with its commit) or one GET
// /repos/{o}/{r}/git/tags/{sha} per annotated tag.
func (c *Client) tags(ctx context.Context, owner, name string) ([]audit.GitRef, error) {
	what := fmt.Sprintf("tags of %q", owner+"/"+name)
	refs, err := c.matchingTagRefs(ctx, owner, name)
	if err != nil {
		if emptyRepo(err) {
			return []audit.GitRef{}, nil
		}
		return nil, classify(err, what, "contents: read")
	}
	out := make([]audit.GitRef, 0, len(refs))
	annotated := 0
	for _, r := range refs {
		tag := audit.GitRef{Name: strings.TrimPrefix(r.GetRef(), "refs/tags/")}
		switch r.GetObject().GetType() {
		case "commit":
			tag.SHA = r.GetObject().GetSHA()
		case "tag":
			tag.ObjectSHA = r.GetObject().GetSHA()
			annotated++
		default:
			continue // a tag of a tree or a blob names no code to run
		}
		out = append(out, tag)
	}
	if annotated == 0 {
		return out, nil
	}
	if pages := (len(refs) + 99) / 100; annotated < pages {
		err = c.derefTags(ctx, owner, name, out)
	} else {
		err = c.tagCommits(ctx, owner, name, out)
	}
	if err != nil {
		return nil, classify(err, what, "contents: read")
	}
	kept := out[:0]
	for _, t := range out {
		if t.SHA != "" {
			kept = append(kept, t)
		}
	}
	return kept, nil
}

// matchingTagRefs is GET /repos/{o}/{r}/git/matching-refs/tags, every page (GitHub answers with
// all of them at once, but the description allows a Link header).
func (c *Client) matchingTagRefs(ctx context.Context, owner, name string) ([]*gh.Reference, error) {
	refs, resp, err := c.REST.Git.ListMatchingRefs(ctx, owner, name, "tags")
	for err == nil && resp.NextPage != 0 {
		var req *http.Request
		req, err = c.REST.NewRequest(ctx, "GET", fmt.Sprintf("repos/%v/%v/git/matching-refs/tags?page=%d", owner, name, resp.NextPage), nil)
		if err != nil {
			return nil, err
		}
		var more []*gh.Reference
		resp, err = c.REST.Do(req, &more)
		refs = append(refs, more...)
	}
	return refs, err
}

// emptyRepo reports a 409 "Git Repository is empty": a repository without commits has no tags.
func emptyRepo(err error) bool {
	var er *gh.ErrorResponse
	return errors.As(err, &er) && er.Response != nil && er.Response.StatusCode == http.StatusConflict
}

// tagCommits fills in the commits of annotated tags from the tags list, joined by name.
func (c *Client) tagCommits(ctx context.Context, owner, name string, tags []audit.GitRef) error {
	commit := map[string]string{}
	opt := &gh.ListOptions{PerPage: 100}
	for {
		ts, resp, err := c.REST.Repositories.ListTags(ctx, owner, name, opt)
		if err != nil {
			return err
		}
		for _, t := range ts {
			commit[t.GetName()] = t.GetCommit().GetSHA()
		}
		if resp.NextPage == 0 {
			break
		}
		opt.Page = resp.NextPage
	}
	for i := range tags {
		if tags[i].SHA == "" {
			tags[i].SHA = commit[tags[i].Name]
		}
	}
	return nil
}

// derefTags fills in the commits of annotated tags one tag object at a time, following a tag of
// a tag (at most a few levels deep).
func (c *Client) derefTags(ctx context.Context, owner, name string, tags []audit.GitRef) error {
	for i := range tags {
		sha := tags[i].ObjectSHA
		for depth := 0; sha != "" && tags[i].SHA == "" && depth < 4; depth++ {
			t, _, err := c.REST.Git.GetTag(ctx, owner, name, sha)
			if err != nil {
				return err
			}
			switch t.GetObject().GetType() {
			case "commit":
				tags[i].SHA = t.GetObject().GetSHA()
			case "tag":
				sha = t.GetObject().GetSHA()
			default:
				sha = ""
			}
		}
	}
	return nil
}

// CommitReachable implements audit.ActionRepos. A commit is reachable when it is a branch or
// tag head (or an annotated tag's object), or when the compare API says it is behind (or
// identical to) the default branch or, failing that, a tag. A commit that is ahead of or
// diverged from them all lives only in the repository's network (a fork): an impostor; so does
// one that GitHub does not know at all (404 against the default branch: no tag is compared then).
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
		if strings.EqualFold(r.SHA, sha) || r.ObjectSHA != "" && strings.EqualFold(r.ObjectSHA, sha) {
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
	for _, t := range newestTagsFirst(refs.Tags) {
		bases = append(bases, t.Name)
	}
	return a.behindAny(ctx, owner, name, sha, bases, info.DefaultBranch,
		fmt.Sprintf("whether %s is on a branch or tag of %q", sha, owner+"/"+name), "the newest %d tags")
}

// CommitOnBranch implements audit.ActionRepos. A branch head needs no request; otherwise one
// compare with the default branch answers for nearly every commit (the compare is shared with
// CommitReachable). Only a commit that is not behind the default branch is compared with the
// other branches, up to MaxCompares in all; a commit GitHub does not know (404) is on none.
func (a *Actions) CommitOnBranch(ctx context.Context, owner, name, sha string) (bool, error) {
	return a.onBranch.get(ctx, repoKey(owner, name)+"@"+strings.ToLower(sha), func() (bool, error) {
		return a.commitOnBranch(ctx, owner, name, sha)
	})
}

func (a *Actions) commitOnBranch(ctx context.Context, owner, name, sha string) (bool, error) {
	refs, err := a.Refs(ctx, owner, name)
	if err != nil {
		return false, err
	}
	for _, b := range refs.Branches {
		if strings.EqualFold(b.SHA, sha) {
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
	for _, b := range refs.Branches {
		if b.Name != info.DefaultBranch {
			bases = append(bases, b.Name)
		}
	}
	return a.behindAny(ctx, owner, name, sha, bases, info.DefaultBranch,
		fmt.Sprintf("whether %s is on a branch of %q", sha, owner+"/"+name), "%d other branches")
}

// behindAny compares sha with each base in turn (the default branch first) and reports whether
// some base contains it, up to MaxCompares compares; past them the answer is unknown. A commit
// GitHub does not know (the default branch's compare answers 404) is in none, and comparing
// more says nothing new.
func (a *Actions) behindAny(ctx context.Context, owner, name, sha string, bases []string, defaultBranch, what, restFmt string) (bool, error) {
	limit := a.maxCompares()
	for i, base := range bases {
		if i >= limit {
			return false, &audit.UnknownError{What: what,
				Reason: "not behind the default branch nor " + fmt.Sprintf(restFmt, limit-1) + "; the rest were not compared"}
		}
		status, err := a.compare(ctx, owner, name, base, sha)
		if err != nil {
			return false, err
		}
		switch {
		case status == "behind" || status == "identical":
			return true, nil
		case status == "" && base == defaultBranch:
			return false, nil
		}
	}
	return false, nil
}

func (a *Actions) maxCompares() int {
	if a.MaxCompares <= 0 {
		return 25
	}
	return a.MaxCompares
}

// compare is GET /repos/{o}/{r}/compare/{base}...{sha}: its status ("behind" when sha is in
// base's history, "identical", "ahead", "diverged"), or "" when GitHub knows no such commit or
// base is gone (404). Each answer is asked for once per run.
func (a *Actions) compare(ctx context.Context, owner, name, base, sha string) (string, error) {
	key := repoKey(owner, name) + ":" + base + "..." + strings.ToLower(sha)
	return a.compares.get(ctx, key, func() (string, error) {
		res, _, err := a.c.REST.Repositories.CompareCommits(ctx, owner, name, base, sha, &gh.ListOptions{PerPage: 1})
		if err != nil {
			err = classify(err, fmt.Sprintf("commit %s of %q", sha, owner+"/"+name), "contents: read")
			if IsNotFound(err) {
				return "", nil
			}
			return "", err
		}
		return res.GetStatus(), nil
	})
}

// newestTagsFirst orders tags by name, highest first, numbers compared as numbers (v10 after
// v9): the newest releases hold the most history, so they are compared first.
func newestTagsFirst(tags []audit.GitRef) []audit.GitRef {
	out := slices.Clone(tags)
	slices.SortStableFunc(out, func(x, y audit.GitRef) int { return naturalCompare(y.Name, x.Name) })
	return out
}

// naturalCompare compares strings with runs of digits compared by their value.
func naturalCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := digitRun(a), digitRun(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if c := cmp.Compare(len(na), len(nb)); c != 0 {
				return c
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return cmp.Compare(a[0], b[0])
		}
		a, b = a[1:], b[1:]
	}
	return cmp.Compare(len(a), len(b))
}

func digitRun(s string) int {
	i := 0
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	return i
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
