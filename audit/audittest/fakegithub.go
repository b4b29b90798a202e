package audittest

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/rampart-sec/rampart/audit"
)

// FakeGitHub is an in-memory GitHub for online checks' tests. In a txtar fixture it is the file
// `github.yml`, decoded into this struct:
//
//	repos: {actions/checkout: {defaultbranch: main}}
//	refs: {actions/checkout: {tags: [{name: v4.2.2, sha: 11bd7..., objectsha: 9f2a1...}], branches: [...]}}
//	reachable: ["actions/checkout@b4ffd..."]
//	onbranch: ["actions/checkout@11bd7...", "actions/checkout@b4ffd..."]
//	unknown: {protection: "needs administration: read"}
//
// A tag's objectsha is its annotated tag object. Reachable lists commits on some branch or tag
// besides the ref heads (and tag objects), which are reachable anyway; onbranch lists the commits
// on a branch besides the branch heads (commits listed there are reachable too). A tag's commit
// that onbranch does not list is one that only the tag reaches.
//
// Unknown names a method (lower case) whose answer is an *audit.UnknownError with that reason;
// a repository missing from repos is a not-found error.
type FakeGitHub struct {
	Repos        map[string]*audit.RepoInfo   `yaml:"repos"`
	RefsOf       map[string]*audit.Refs       `yaml:"refs"`
	Reachable    []string                     `yaml:"reachable"`
	OnBranch     []string                     `yaml:"onbranch"`
	AdvisoriesOf map[string][]audit.Advisory  `yaml:"advisories"`
	Self         *audit.RepoInfo              `yaml:"self"`
	BranchList   []string                     `yaml:"branches"`
	Protect      map[string]*audit.Protection `yaml:"protection"`
	Settings     *audit.ActionsSettings       `yaml:"actions"`
	Files        map[string]string            `yaml:"files"`
	Unknown      map[string]string            `yaml:"unknown"`

	mu    sync.Mutex
	calls map[string]int
}

// Calls returns how often a method was called.
func (f *FakeGitHub) Calls(method string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[method]
}

func (f *FakeGitHub) call(method, what string) error {
	f.mu.Lock()
	if f.calls == nil {
		f.calls = map[string]int{}
	}
	f.calls[method]++
	f.mu.Unlock()
	if r, ok := f.Unknown[method]; ok {
		return &audit.UnknownError{What: what, Reason: r}
	}
	return nil
}

// Online returns the fake as a pass's API access.
func (f *FakeGitHub) Online() *audit.Online {
	o := &audit.Online{Actions: f}
	if f.Self != nil {
		o.Repo = fakeRepo{f}
	}
	return o
}

// Repo implements audit.ActionRepos.
func (f *FakeGitHub) Repo(_ context.Context, owner, name string) (*audit.RepoInfo, error) {
	if err := f.call("repo", owner+"/"+name); err != nil {
		return nil, err
	}
	if r, ok := f.Repos[owner+"/"+name]; ok {
		return r, nil
	}
	return nil, fmt.Errorf("repository %s/%s not found", owner, name)
}

// Refs implements audit.ActionRepos.
func (f *FakeGitHub) Refs(_ context.Context, owner, name string) (*audit.Refs, error) {
	if err := f.call("refs", owner+"/"+name); err != nil {
		return nil, err
	}
	if r, ok := f.RefsOf[owner+"/"+name]; ok {
		return r, nil
	}
	return nil, fmt.Errorf("repository %s/%s not found", owner, name)
}

// CommitReachable implements audit.ActionRepos.
func (f *FakeGitHub) CommitReachable(_ context.Context, owner, name, sha string) (bool, error) {
	if err := f.call("reachable", owner+"/"+name+"@"+sha); err != nil {
		return false, err
	}
	if listed(f.Reachable, owner, name, sha) || listed(f.OnBranch, owner, name, sha) {
		return true, nil
	}
	if refs, ok := f.RefsOf[owner+"/"+name]; ok {
		for _, r := range append(append([]audit.GitRef{}, refs.Branches...), refs.Tags...) {
			if strings.EqualFold(r.SHA, sha) || r.ObjectSHA != "" && strings.EqualFold(r.ObjectSHA, sha) {
				return true, nil
			}
		}
	}
	return false, nil
}

// CommitOnBranch implements audit.ActionRepos: a branch head, or a commit onbranch lists.
func (f *FakeGitHub) CommitOnBranch(_ context.Context, owner, name, sha string) (bool, error) {
	if err := f.call("onbranch", owner+"/"+name+"@"+sha); err != nil {
		return false, err
	}
	if listed(f.OnBranch, owner, name, sha) {
		return true, nil
	}
	if refs, ok := f.RefsOf[owner+"/"+name]; ok {
		for _, r := range refs.Branches {
			if strings.EqualFold(r.SHA, sha) {
				return true, nil
			}
		}
	}
	return false, nil
}

// listed reports whether list holds "owner/name@sha" (case aside).
func listed(list []string, owner, name, sha string) bool {
	key := owner + "/" + name + "@" + sha
	for _, r := range list {
		if strings.EqualFold(r, key) {
			return true
		}
	}
	return false
}

// Advisories implements audit.ActionRepos.
func (f *FakeGitHub) Advisories(_ context.Context, pkg string) ([]audit.Advisory, error) {
	if err := f.call("advisories", "advisories of "+pkg); err != nil {
		return nil, err
	}
	return f.AdvisoriesOf[pkg], nil
}

type fakeRepo struct{ f *FakeGitHub }

func (r fakeRepo) Info(context.Context) (*audit.RepoInfo, error) {
	if err := r.f.call("info", "repository"); err != nil {
		return nil, err
	}
	return r.f.Self, nil
}

func (r fakeRepo) Branches(context.Context) ([]string, error) {
	if err := r.f.call("branches", "branches"); err != nil {
		return nil, err
	}
	return r.f.BranchList, nil
}

func (r fakeRepo) Protection(_ context.Context, branch string) (*audit.Protection, error) {
	if err := r.f.call("protection", "branch protection of "+branch); err != nil {
		return nil, err
	}
	if p, ok := r.f.Protect[branch]; ok {
		return p, nil
	}
	return &audit.Protection{Branch: branch}, nil
}

func (r fakeRepo) Actions(context.Context) (*audit.ActionsSettings, error) {
	if err := r.f.call("actions", "Actions settings"); err != nil {
		return nil, err
	}
	if r.f.Settings == nil {
		return &audit.ActionsSettings{}, nil
	}
	return r.f.Settings, nil
}

func (r fakeRepo) File(_ context.Context, path string) ([]byte, error) {
	if err := r.f.call("file", path); err != nil {
		return nil, err
	}
	if s, ok := r.f.Files[path]; ok {
		return []byte(s), nil
	}
	return nil, nil
}
