package checks

import (
	"context"
	"strings"

	"github.com/rampart-sec/rampart/audit"
)

// arAPI asks GitHub about the repositories of a target's actions for one pass, and remembers
// every answer: each repository's refs, metadata and advisories, and each owner/repo@sha's
// reachability, are asked for at most once per pass (the client caches across passes too).
// What cannot be learnt is recorded once with pass.Unknown and reported as not ok; the check
// then says nothing about that use.
type arAPI struct {
	pass   *audit.Pass
	api    audit.ActionRepos
	ctx    context.Context
	cancel context.CancelFunc

	refs      map[string]*audit.Refs
	repos     map[string]*audit.RepoInfo
	reachable map[string]bool
	onBranch  map[string]bool
	advs      map[string][]audit.Advisory
	failed    map[string]bool
}

// arOpen starts a pass's API use; without API access it records why and returns nil.
// Callers defer Close on a non-nil result.
func arOpen(pass *audit.Pass) *arAPI {
	if pass.Online == nil || pass.Online.Actions == nil {
		pass.Unknown("no API access: the actions' repositories cannot be read")
		return nil
	}
	ctx, cancel := pass.Online.Context()
	return &arAPI{pass: pass, api: pass.Online.Actions, ctx: ctx, cancel: cancel,
		refs: map[string]*audit.Refs{}, repos: map[string]*audit.RepoInfo{},
		reachable: map[string]bool{}, onBranch: map[string]bool{}, advs: map[string][]audit.Advisory{}, failed: map[string]bool{}}
}

// Close releases the pass's API context.
func (a *arAPI) Close() { a.cancel() }

// fail records, once per key, that something could not be learnt. An *audit.UnknownError
// (the token cannot read it) and any other error (not found, network) are both unknown for
// these checks: a repository that cannot be read is no evidence either way.
func (a *arAPI) fail(key, what string, err error) {
	a.failed[key] = true
	if audit.IsUnknown(err) {
		a.pass.Unknown("%v", err)
		return
	}
	a.pass.Unknown("could not read %s: %v", what, err)
}

// Refs returns the branches and tags of owner/name.
func (a *arAPI) Refs(u actionUse) (*audit.Refs, bool) {
	key := "refs " + u.Slug()
	if r, ok := a.refs[key]; ok {
		return r, true
	}
	if a.failed[key] {
		return nil, false
	}
	r, err := a.api.Refs(a.ctx, u.Owner, u.Name)
	if err == nil && r == nil {
		r = &audit.Refs{}
	}
	if err != nil {
		a.fail(key, "refs of "+u.Slug(), err)
		return nil, false
	}
	a.refs[key] = r
	return r, true
}

// Repo returns the metadata of owner/name.
func (a *arAPI) Repo(u actionUse) (*audit.RepoInfo, bool) {
	key := "repo " + u.Slug()
	if r, ok := a.repos[key]; ok {
		return r, true
	}
	if a.failed[key] {
		return nil, false
	}
	r, err := a.api.Repo(a.ctx, u.Owner, u.Name)
	if err == nil && r == nil {
		r = &audit.RepoInfo{FullName: u.Slug()}
	}
	if err != nil {
		a.fail(key, "repository "+u.Slug(), err)
		return nil, false
	}
	a.repos[key] = r
	return r, true
}

// Reachable reports whether sha is on a branch or tag of owner/name. A SHA that a branch or tag
// points at directly (or an annotated tag's object) is answered from the refs without another request.
func (a *arAPI) Reachable(u actionUse, sha string) (bool, bool) {
	sha = strings.ToLower(sha)
	key := "reachable " + u.Slug() + "@" + sha
	if r, ok := a.reachable[key]; ok {
		return r, true
	}
	if a.failed[key] {
		return false, false
	}
	if refs, ok := a.Refs(u); ok && (len(arBranchesAt(refs, sha)) > 0 || len(arTagsAt(refs, sha)) > 0) {
		a.reachable[key] = true
		return true, true
	}
	r, err := a.api.CommitReachable(a.ctx, u.Owner, u.Name, sha)
	if err != nil {
		a.fail(key, "whether "+u.Slug()+"@"+arShortSHA(sha)+" is on a branch or tag", err)
		return false, false
	}
	a.reachable[key] = r
	return r, true
}

// OnBranch reports whether the commit sha is on a branch of owner/name; a branch head is
// answered from the refs without another request.
func (a *arAPI) OnBranch(u actionUse, sha string) (bool, bool) {
	sha = strings.ToLower(sha)
	key := "onbranch " + u.Slug() + "@" + sha
	if r, ok := a.onBranch[key]; ok {
		return r, true
	}
	if a.failed[key] {
		return false, false
	}
	if refs, ok := a.Refs(u); ok && len(arBranchesAt(refs, sha)) > 0 {
		a.onBranch[key] = true
		return true, true
	}
	r, err := a.api.CommitOnBranch(a.ctx, u.Owner, u.Name, sha)
	if err != nil {
		a.fail(key, "whether "+u.Slug()+"@"+arShortSHA(sha)+" is on a branch", err)
		return false, false
	}
	a.onBranch[key] = r
	return r, true
}

// Advisories returns the advisories of an action package ("owner/name" or "owner/name/path").
func (a *arAPI) Advisories(pkg string) ([]audit.Advisory, bool) {
	key := "advisories " + pkg
	if r, ok := a.advs[key]; ok {
		return r, true
	}
	if a.failed[key] {
		return nil, false
	}
	r, err := a.api.Advisories(a.ctx, pkg)
	if err != nil {
		a.fail(key, "advisories of "+pkg, err)
		return nil, false
	}
	a.advs[key] = r
	return r, true
}

// arTagsAt returns the names of the tags that point at sha: at the commit, or whose annotated
// tag object sha is.
func arTagsAt(r *audit.Refs, sha string) []string {
	var out []string
	for _, g := range arTagRefsAt(r, sha) {
		out = append(out, g.Name)
	}
	return out
}

// arTagRefsAt returns the tags that point at sha, as arTagsAt.
func arTagRefsAt(r *audit.Refs, sha string) []audit.GitRef {
	var out []audit.GitRef
	for _, g := range r.Tags {
		if strings.EqualFold(g.SHA, sha) || g.ObjectSHA != "" && strings.EqualFold(g.ObjectSHA, sha) {
			out = append(out, g)
		}
	}
	return out
}

// arIsTagObject reports whether sha is the object of an annotated tag rather than a commit.
func arIsTagObject(r *audit.Refs, sha string) bool {
	for _, g := range r.Tags {
		if g.ObjectSHA != "" && strings.EqualFold(g.ObjectSHA, sha) {
			return true
		}
	}
	return false
}

// arBranchesAt returns the names of the branches whose head is sha.
func arBranchesAt(r *audit.Refs, sha string) []string { return arRefsAt(r.Branches, sha) }

func arRefsAt(refs []audit.GitRef, sha string) []string {
	var out []string
	for _, g := range refs {
		if strings.EqualFold(g.SHA, sha) {
			out = append(out, g.Name)
		}
	}
	return out
}

// arFind returns the ref named name (exactly as git compares names), or nil.
func arFind(refs []audit.GitRef, name string) *audit.GitRef {
	for i := range refs {
		if refs[i].Name == name {
			return &refs[i]
		}
	}
	return nil
}

// arResolve returns the commit a symbolic ref names: a tag first (as git's own lookup,
// `git rev-parse`, prefers refs/tags over refs/heads), then a branch.
func arResolve(r *audit.Refs, ref string) (string, bool) {
	if t := arFind(r.Tags, ref); t != nil {
		return t.SHA, true
	}
	if b := arFind(r.Branches, ref); b != nil {
		return b.SHA, true
	}
	return "", false
}
