package audit

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// The GitHub API sits behind the small interfaces of this file: audit/ defines them, the github
// package implements them over REST and GraphQL, and tests use in-memory fakes. A method either
// answers, or returns an error that is an *UnknownError (the token cannot read it: the setting is
// unknown, never a failure) or any other error (a failure: network, 5xx after retries, a bug).

// UnknownError says the token cannot read something (403, "Resource not accessible by integration").
type UnknownError struct {
	// What could not be read ("branch protection of main").
	What string
	// Reason is what would let rampart read it ("needs `administration: read`").
	Reason string
}

func (e *UnknownError) Error() string { return fmt.Sprintf("cannot read %s: %s", e.What, e.Reason) }

// IsUnknown reports whether err says the token cannot read something.
func IsUnknown(err error) bool {
	var u *UnknownError
	return errors.As(err, &u)
}

// RepoInfo is what online checks need of a repository.
type RepoInfo struct {
	FullName      string
	DefaultBranch string
	Archived      bool
	Fork          bool
	Private       bool
	Visibility    string
}

// GitRef is a branch or tag and the commit it points at (for annotated tags, the tagged commit).
type GitRef struct {
	Name string
	SHA  string
	// ObjectSHA is, for an annotated tag, the SHA of the tag object itself (the line of
	// `git ls-remote` without "^{}"), which `uses: owner/repo@<sha>` accepts as well; "" for a
	// lightweight tag and a branch.
	ObjectSHA string
}

// Refs are a repository's branches and tags.
type Refs struct {
	Branches []GitRef
	Tags     []GitRef
}

// Advisory is a GitHub security advisory affecting an action.
type Advisory struct {
	GHSA     string
	CVE      string
	Summary  string
	Severity Severity
	URL      string
	// Vulnerable is the affected version range as GitHub writes it ("< 4.1.2", ">= 1.0, < 1.3.1").
	Vulnerable string
	// FirstPatched is the first fixed version ("4.1.2"), or "".
	FirstPatched string
}

// ActionRepos answers questions about the repositories that actions and reusable workflows come from.
type ActionRepos interface {
	// Repo returns a repository's metadata; a missing repository is an error that is not unknown.
	Repo(ctx context.Context, owner, name string) (*RepoInfo, error)
	// Refs lists a repository's branches and tags with their commits.
	Refs(ctx context.Context, owner, name string) (*Refs, error)
	// CommitReachable reports whether sha is on some branch or tag of owner/name, rather than only
	// in a fork of its network (an impostor commit). The SHA of an annotated tag object counts
	// as its tag.
	CommitReachable(ctx context.Context, owner, name, sha string) (bool, error)
	// CommitOnBranch reports whether the commit sha is on a branch of owner/name: a branch head,
	// or in the history of one. A commit that only tags reach (a tag moved to a fork's commit)
	// is not; sha must be a commit, not a tag object.
	CommitOnBranch(ctx context.Context, owner, name, sha string) (bool, error)
	// Advisories returns the reviewed global advisories of the actions ecosystem for a package
	// ("owner/repo" or "owner/repo/path").
	Advisories(ctx context.Context, pkg string) ([]Advisory, error)
}

// Protection is a branch's protection, classic protection and rulesets merged into one view.
type Protection struct {
	Branch string
	// Sources say where each rule came from: "classic", "ruleset NAME".
	Sources []string
	// Protected is false when neither classic protection nor a ruleset applies.
	Protected              bool
	BlocksForcePush        bool
	BlocksDeletion         bool
	RequiresPR             bool
	RequiredReviewers      int
	RequiresCodeOwners     bool
	DismissesStaleReviews  bool
	RequiresStatusChecks   bool
	EnforcedForAdmins      bool
	RequiresLastPushReview bool
	// Unknown lists what the token could not read ("classic protection: needs administration: read").
	Unknown []string
}

// ActionsSettings are a repository's (and, when readable, its organization's) Actions settings.
type ActionsSettings struct {
	// DefaultWorkflowPermissions is "read" or "write"; "" when unknown.
	DefaultWorkflowPermissions string
	// CanApprovePullRequests is whether GITHUB_TOKEN may approve pull requests; nil when unknown.
	CanApprovePullRequests *bool
	// AllowedActions is "all", "local_only" or "selected"; "" when unknown.
	AllowedActions string
	// VerifiedAllowed and GitHubOwnedAllowed detail "selected".
	VerifiedAllowed, GitHubOwnedAllowed bool
	// ForkPRApproval is the approval policy for fork pull request workflows of a public
	// repository ("first_time_contributors_new_to_github", "first_time_contributors", "all_external_contributors"); "" when unknown.
	ForkPRApproval string
	// Level says where the effective value was read: "repository" or "organization".
	Level string
}

// RepoSettings answers questions about the audited repository.
type RepoSettings interface {
	// Info returns the audited repository's metadata.
	Info(ctx context.Context) (*RepoInfo, error)
	// Branches lists the repository's branch names.
	Branches(ctx context.Context) ([]string, error)
	// Protection returns a branch's merged protection (classic and rulesets).
	Protection(ctx context.Context, branch string) (*Protection, error)
	// Actions returns the repository's Actions settings.
	Actions(ctx context.Context) (*ActionsSettings, error)
	// File returns a file of the default branch, or nil when it does not exist (CODEOWNERS).
	File(ctx context.Context, path string) ([]byte, error)
}

// Online is what a pass may ask of GitHub. A field is nil when it is not available (offline, no
// token, or a target that is not a GitHub repository); checks then report unknown.
type Online struct {
	Actions ActionRepos
	// Repo is the audited repository's settings; nil for a directory with no known repository.
	Repo RepoSettings
	// Timeout bounds one check's API use (default one minute).
	Timeout time.Duration
}

// Context returns a context bounded by the pass's timeout.
func (o *Online) Context() (context.Context, context.CancelFunc) {
	d := o.Timeout
	if d <= 0 {
		d = time.Minute
	}
	return context.WithTimeout(context.Background(), d)
}
