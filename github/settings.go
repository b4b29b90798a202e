package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	gh "github.com/google/go-github/v93/github"
	"github.com/rampart-sec/rampart/audit"
)

// Settings implements audit.RepoSettings for one repository.
//
// What each answer needs of the token: Info and Branches, metadata: read; Protection, classic
// branch protection needs administration: read (the default GITHUB_TOKEN cannot read it: it is
// then listed in Protection.Unknown), while the rules that apply to a branch (rulesets) are
// readable with contents: read, so even the default GITHUB_TOKEN sees rulesets; Actions,
// administration: read (organization level: an organization administrator); File, contents: read.
type Settings struct {
	c            *Client
	a            *Actions
	owner, name  string
	branches     memo[[]string]
	protection   memo[*audit.Protection]
	actions      memo[*audit.ActionsSettings]
	files        memo[[]byte]
	orgWorkflows memo[*gh.DefaultWorkflowPermissionOrganization]
}

var _ audit.RepoSettings = (*Settings)(nil)

// Settings returns the settings of owner/name; a shares the repository metadata cache.
func (c *Client) Settings(a *Actions, owner, name string) *Settings {
	if a == nil {
		a = c.Actions()
	}
	return &Settings{c: c, a: a, owner: owner, name: name}
}

func (s *Settings) full() string { return s.owner + "/" + s.name }

// Info implements audit.RepoSettings.
func (s *Settings) Info(ctx context.Context) (*audit.RepoInfo, error) {
	return s.a.Repo(ctx, s.owner, s.name)
}

// Branches implements audit.RepoSettings: every branch name, page by page.
func (s *Settings) Branches(ctx context.Context) ([]string, error) {
	return s.branches.get(ctx, "", func() ([]string, error) {
		out := []string{}
		opt := &gh.BranchListOptions{ListOptions: gh.ListOptions{PerPage: 100}}
		for {
			bs, resp, err := s.c.REST.Repositories.ListBranches(ctx, s.owner, s.name, opt)
			if err != nil {
				return nil, classify(err, fmt.Sprintf("branches of %q", s.full()), "metadata: read")
			}
			for _, b := range bs {
				out = append(out, b.GetName())
			}
			if resp.NextPage == 0 {
				return out, nil
			}
			opt.Page = resp.NextPage
		}
	})
}

// Protection implements audit.RepoSettings: classic protection and the rules that apply to the
// branch, merged. A 404 "Branch not protected" is an answer (no classic protection; rulesets
// may still protect it); a 403 makes classic protection unknown, named in Unknown. Only when
// neither can be read is the whole answer an *audit.UnknownError.
func (s *Settings) Protection(ctx context.Context, branch string) (*audit.Protection, error) {
	return s.protection.get(ctx, branch, func() (*audit.Protection, error) {
		p := &audit.Protection{Branch: branch, Sources: []string{}}
		classicErr := s.classic(ctx, branch, p)
		if classicErr != nil && !audit.IsUnknown(classicErr) {
			return nil, classicErr
		}
		rulesErr := s.rules(ctx, branch, p)
		if rulesErr != nil && !audit.IsUnknown(rulesErr) {
			return nil, rulesErr
		}
		if classicErr != nil && (rulesErr != nil || len(p.Sources) == 0) {
			// Without classic protection's answer, an unprotected-looking branch is unknown.
			var u *audit.UnknownError
			errors.As(classicErr, &u)
			reason := u.Reason
			if ru, ok := rulesErr.(*audit.UnknownError); ok {
				reason += "; rulesets: " + ru.Reason
			}
			return nil, &audit.UnknownError{What: fmt.Sprintf("branch protection of %q", branch), Reason: reason}
		}
		for _, e := range []error{classicErr, rulesErr} {
			var u *audit.UnknownError
			if errors.As(e, &u) {
				p.Unknown = append(p.Unknown, u.What+": "+u.Reason)
			}
		}
		p.Protected = len(p.Sources) > 0
		return p, nil
	})
}

func (s *Settings) classic(ctx context.Context, branch string, p *audit.Protection) error {
	what := fmt.Sprintf("classic branch protection of %q", branch)
	bp, _, err := s.c.REST.Repositories.GetBranchProtection(ctx, s.owner, s.name, branch)
	if errors.Is(err, gh.ErrBranchNotProtected) {
		return nil
	}
	if err != nil {
		err = classify(err, what, "administration: read")
		if IsNotFound(err) {
			// A 404 that is not "Branch not protected": a token without admin rights on the
			// repository gets this instead of a 403.
			return &audit.UnknownError{What: what, Reason: "token lacks administration: read (GitHub answered 404)"}
		}
		return err
	}
	p.Sources = append(p.Sources, "classic")
	if bp.AllowForcePushes == nil || !bp.AllowForcePushes.Enabled {
		p.BlocksForcePush = true
	}
	if bp.AllowDeletions == nil || !bp.AllowDeletions.Enabled {
		p.BlocksDeletion = true
	}
	if r := bp.RequiredPullRequestReviews; r != nil {
		p.RequiresPR = true
		p.RequiredReviewers = max(p.RequiredReviewers, r.RequiredApprovingReviewCount)
		p.RequiresCodeOwners = p.RequiresCodeOwners || r.RequireCodeOwnerReviews
		p.DismissesStaleReviews = p.DismissesStaleReviews || r.DismissStaleReviews
		p.RequiresLastPushReview = p.RequiresLastPushReview || r.RequireLastPushApproval
	}
	if bp.RequiredStatusChecks != nil {
		p.RequiresStatusChecks = true
	}
	if bp.EnforceAdmins != nil && bp.EnforceAdmins.Enabled {
		p.EnforcedForAdmins = true
	}
	return nil
}

func (s *Settings) rules(ctx context.Context, branch string, p *audit.Protection) error {
	what := fmt.Sprintf("rulesets of %q", branch)
	opt := &gh.ListOptions{PerPage: 100}
	sources := map[string]bool{}
	for {
		br, resp, err := s.c.REST.Repositories.ListRulesForBranch(ctx, s.owner, s.name, branch, opt)
		if err != nil {
			err = classify(err, what, "contents: read")
			if IsNotFound(err) {
				// GHES before rulesets, or a branch that does not exist: no rules.
				return nil
			}
			return err
		}
		if br != nil {
			mergeRules(br, p, sources)
		}
		if resp.NextPage == 0 {
			break
		}
		opt.Page = resp.NextPage
	}
	names := make([]string, 0, len(sources))
	for n := range sources {
		names = append(names, n)
	}
	slices.Sort(names)
	p.Sources = append(p.Sources, names...)
	return nil
}

func rulesetName(m gh.BranchRuleMetadata) string {
	if m.RulesetSource != "" {
		return fmt.Sprintf("ruleset %d (%s %s)", m.RulesetID, strings.ToLower(string(m.RulesetSourceType)), m.RulesetSource)
	}
	return fmt.Sprintf("ruleset %d", m.RulesetID)
}

func mergeRules(br *gh.BranchRules, p *audit.Protection, sources map[string]bool) {
	for _, r := range br.NonFastForward {
		p.BlocksForcePush = true
		sources[rulesetName(*r)] = true
	}
	for _, r := range br.Deletion {
		p.BlocksDeletion = true
		sources[rulesetName(*r)] = true
	}
	for _, r := range br.PullRequest {
		sources[rulesetName(r.BranchRuleMetadata)] = true
		p.RequiresPR = true
		pr := r.Parameters
		p.RequiredReviewers = max(p.RequiredReviewers, pr.RequiredApprovingReviewCount)
		p.RequiresCodeOwners = p.RequiresCodeOwners || pr.RequireCodeOwnerReview
		p.DismissesStaleReviews = p.DismissesStaleReviews || pr.DismissStaleReviewsOnPush
		p.RequiresLastPushReview = p.RequiresLastPushReview || pr.RequireLastPushApproval
	}
	for _, r := range br.RequiredStatusChecks {
		sources[rulesetName(r.BranchRuleMetadata)] = true
		p.RequiresStatusChecks = true
	}
	for _, r := range br.Update {
		// An update rule forbids pushes to the branch altogether.
		sources[rulesetName(r.BranchRuleMetadata)] = true
		p.BlocksForcePush = true
	}
}

// Actions implements audit.RepoSettings: the repository's Actions permissions, default workflow
// permissions, selected actions and fork pull request approval; the organization's default
// workflow permissions when the repository's cannot be read. Fields that cannot be read stay
// unknown ("" or nil); only when nothing can be read is the answer an *audit.UnknownError.
func (s *Settings) Actions(ctx context.Context) (*audit.ActionsSettings, error) {
	return s.actions.get(ctx, "", func() (*audit.ActionsSettings, error) {
		out := &audit.ActionsSettings{Level: "repository"}
		var unknown []string
		soft := func(err error) error {
			var u *audit.UnknownError
			if errors.As(err, &u) {
				unknown = append(unknown, u.Reason)
				return nil
			}
			if IsNotFound(err) {
				return nil
			}
			return err
		}
		read := 0
		perms, _, err := s.c.REST.Repositories.GetActionsPermissions(ctx, s.owner, s.name)
		if err = soft(classify(err, "Actions permissions of "+s.full(), "administration: read")); err != nil {
			return nil, err
		}
		if perms != nil {
			read++
			out.AllowedActions = perms.GetAllowedActions()
			if !perms.Enabled {
				out.AllowedActions = "disabled"
			}
		}
		wf, _, err := s.c.REST.Repositories.GetDefaultWorkflowPermissions(ctx, s.owner, s.name)
		if err = soft(classify(err, "default workflow permissions of "+s.full(), "administration: read")); err != nil {
			return nil, err
		}
		if wf != nil {
			read++
			out.DefaultWorkflowPermissions = wf.GetDefaultWorkflowPermissions()
			out.CanApprovePullRequests = wf.CanApprovePullRequestReviews
		} else if org, err := s.orgWorkflow(ctx); err == nil && org != nil {
			read++
			out.DefaultWorkflowPermissions = org.GetDefaultWorkflowPermissions()
			out.CanApprovePullRequests = org.CanApprovePullRequestReviews
			out.Level = "organization"
		}
		if out.AllowedActions == "selected" {
			sel, _, err := s.c.REST.Repositories.GetActionsAllowed(ctx, s.owner, s.name)
			if err = soft(classify(err, "selected actions of "+s.full(), "administration: read")); err != nil {
				return nil, err
			}
			if sel != nil {
				out.VerifiedAllowed, out.GitHubOwnedAllowed = sel.GetVerifiedAllowed(), sel.GetGithubOwnedAllowed()
			}
		}
		if info, err := s.Info(ctx); err == nil && !info.Private {
			pol, _, err := s.c.REST.Actions.GetForkPRContributorApprovalPermissions(ctx, s.owner, s.name)
			if err = soft(classify(err, "fork pull request approval of "+s.full(), "administration: read")); err != nil {
				return nil, err
			}
			if pol != nil {
				read++
				out.ForkPRApproval = pol.ApprovalPolicy
			}
		}
		if read == 0 && len(unknown) > 0 {
			return nil, &audit.UnknownError{What: "Actions settings of " + s.full(), Reason: unknown[0]}
		}
		return out, nil
	})
}

// orgWorkflow reads the organization's default workflow permissions (an organization
// administrator's token); nil when the owner is a user or the token cannot read them.
func (s *Settings) orgWorkflow(ctx context.Context) (*gh.DefaultWorkflowPermissionOrganization, error) {
	return s.orgWorkflows.get(ctx, s.owner, func() (*gh.DefaultWorkflowPermissionOrganization, error) {
		wf, _, err := s.c.REST.Actions.GetDefaultWorkflowPermissionsInOrganization(ctx, s.owner)
		if err != nil {
			return nil, classify(err, "default workflow permissions of organization "+s.owner, "organization administration: read")
		}
		return wf, nil
	})
}

// File implements audit.RepoSettings: a file of the default branch through the contents API,
// or nil when there is none.
func (s *Settings) File(ctx context.Context, path string) ([]byte, error) {
	if err := checkPath(path); err != nil {
		return nil, err
	}
	return s.files.get(ctx, path, func() ([]byte, error) {
		what := fmt.Sprintf("%q of %q", path, s.full())
		fc, _, resp, err := s.c.REST.Repositories.GetContents(ctx, s.owner, s.name, path, nil)
		if err != nil {
			if resp != nil && resp.StatusCode == http.StatusNotFound {
				return nil, nil
			}
			return nil, classify(err, what, "contents: read")
		}
		if fc == nil || fc.GetType() != "file" {
			return nil, nil
		}
		if fc.GetEncoding() == "base64" {
			content, err := fc.GetContent()
			if err != nil {
				return nil, fmt.Errorf("cannot decode %s: %w", what, err)
			}
			return []byte(content), nil
		}
		// Over 1 MB the contents API leaves the content out: read the blob.
		b, _, err := s.c.REST.Git.GetBlobRaw(ctx, s.owner, s.name, fc.GetSHA())
		if err != nil {
			return nil, classify(err, what, "contents: read")
		}
		return b, nil
	})
}
