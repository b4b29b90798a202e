package org

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	gh "github.com/google/go-github/v93/github"
	"github.com/rampart-sec/rampart/audit"
)

// settingsData is what the batched query answered about a repository's settings.
type settingsData struct {
	canAdmin     bool
	defaultProt  *audit.Protection
	defaultErr   error
	branches     []string
	branchesMore bool
	branchCursor string
	codeowners   map[string][]byte
}

// settingsFrom reads the settings part of a batched answer.
func (s *scanner) settingsFrom(ctx context.Context, r listedRepo, rj *repoJSON, co map[string]*blobJSON, errs []gqlError) (*settingsData, error) {
	d := &settingsData{canAdmin: rj.ViewerCanAdminister, codeowners: map[string][]byte{}}
	classicErr, rulesErr := fieldErr(errs, "branchProtectionRule"), fieldErr(errs, "rules")
	if rj.DefaultBranchRef != nil {
		d.defaultProt, d.defaultErr = protection(r.DefaultBranch, rj.DefaultBranchRef, d.canAdmin, classicErr, rulesErr)
	} else {
		d.defaultProt = &audit.Protection{Branch: r.DefaultBranch, Sources: []string{}}
	}
	if rj.Refs != nil {
		for _, n := range rj.Refs.Nodes {
			d.branches = append(d.branches, n.Name)
		}
		d.branchesMore, d.branchCursor = rj.Refs.PageInfo.HasNextPage, rj.Refs.PageInfo.EndCursor
	}
	owner, name, _ := strings.Cut(r.FullName, "/")
	for p, b := range co {
		if b == nil || b.Oid == "" {
			continue
		}
		if b.Text != nil && !b.IsTruncated && !b.IsBinary {
			d.codeowners[p] = []byte(*b.Text)
			continue
		}
		raw, err := s.blobREST(ctx, owner, name, b.Oid)
		if err != nil {
			return nil, fmt.Errorf("cannot read %s: %w", p, err)
		}
		d.codeowners[p] = raw
	}
	return d, nil
}

// fieldErr returns the first error whose path ends in field (FORBIDDEN and the like).
func fieldErr(errs []gqlError, field string) *gqlError {
	for i, e := range errs {
		if len(e.Path) > 0 && fmt.Sprint(e.Path[len(e.Path)-1]) == field {
			return &errs[i]
		}
	}
	return nil
}

// protection merges a branch's classic rule and ruleset rules into one view, as the REST
// client does: a classic rule that cannot be read (no admin rights: GraphQL answers null) is
// unknown, and so is the whole answer when no ruleset protects the branch either.
func protection(branch string, pj *protJSON, canAdmin bool, classicErr, rulesErr *gqlError) (*audit.Protection, error) {
	p := &audit.Protection{Branch: branch, Sources: []string{}}
	var unknown []string
	if bp := pj.BranchProtectionRule; bp != nil {
		p.Sources = append(p.Sources, "classic")
		p.BlocksForcePush, p.BlocksDeletion = !bp.AllowsForcePushes, !bp.AllowsDeletions
		if bp.RequiresApprovingReviews {
			p.RequiresPR = true
			p.RequiredReviewers = bp.RequiredApprovingReviewCount
			p.RequiresCodeOwners, p.DismissesStaleReviews, p.RequiresLastPushReview = bp.RequiresCodeOwnerReviews, bp.DismissesStaleReviews, bp.RequireLastPushApproval
		}
		p.RequiresStatusChecks, p.EnforcedForAdmins = bp.RequiresStatusChecks, bp.IsAdminEnforced
	} else if classicErr != nil || !canAdmin {
		unknown = append(unknown, fmt.Sprintf("classic branch protection of %q: token lacks administration: read", branch))
	}
	if rulesErr != nil {
		unknown = append(unknown, fmt.Sprintf("rulesets of %q: %s", branch, rulesErr.Message))
	} else if pj.Rules != nil {
		sources := map[string]bool{}
		for _, r := range pj.Rules.Nodes {
			src := "ruleset"
			if rs := r.RepositoryRuleset; rs != nil {
				src = fmt.Sprintf("ruleset %d (%s)", rs.DatabaseID, rs.Name)
			}
			switch r.Type {
			case "NON_FAST_FORWARD", "UPDATE":
				p.BlocksForcePush = true
			case "DELETION":
				p.BlocksDeletion = true
			case "PULL_REQUEST":
				p.RequiresPR = true
				if pr := r.Parameters; pr != nil {
					p.RequiredReviewers = max(p.RequiredReviewers, pr.RequiredApprovingReviewCount)
					p.RequiresCodeOwners = p.RequiresCodeOwners || pr.RequireCodeOwnerReview
					p.DismissesStaleReviews = p.DismissesStaleReviews || pr.DismissStaleReviewsOnPush
					p.RequiresLastPushReview = p.RequiresLastPushReview || pr.RequireLastPushApproval
				}
			case "REQUIRED_STATUS_CHECKS":
				p.RequiresStatusChecks = true
			default:
				continue
			}
			sources[src] = true
		}
		names := make([]string, 0, len(sources))
		for n := range sources {
			names = append(names, n)
		}
		slices.Sort(names)
		p.Sources = append(p.Sources, names...)
	}
	if len(unknown) > 0 && len(p.Sources) == 0 {
		return nil, &audit.UnknownError{What: fmt.Sprintf("branch protection of %q", branch), Reason: strings.Join(unknown, "; ")}
	}
	p.Unknown = unknown
	p.Protected = len(p.Sources) > 0
	return p, nil
}

// repoSettings implements audit.RepoSettings for one repository of the scan: the metadata from
// the listing, protection and CODEOWNERS from the batched query, other branches through a
// small GraphQL query each, and the Actions settings through REST (they have no GraphQL field).
type repoSettings struct {
	s    *scanner
	repo listedRepo
	d    *settingsData

	mu       sync.Mutex
	prot     map[string]*audit.Protection
	actions  *audit.ActionsSettings
	actErr   error
	actDone  bool
	branches []string
}

var _ audit.RepoSettings = (*repoSettings)(nil)

func (rs *repoSettings) Info(context.Context) (*audit.RepoInfo, error) {
	r := rs.repo
	return &audit.RepoInfo{FullName: r.FullName, DefaultBranch: r.DefaultBranch, Archived: r.Archived, Fork: r.Fork,
		Private: r.Private, Visibility: r.Visibility}, nil
}

func (rs *repoSettings) Branches(ctx context.Context) ([]string, error) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.branches != nil {
		return rs.branches, nil
	}
	out := append([]string{}, rs.d.branches...)
	more, cursor := rs.d.branchesMore, rs.d.branchCursor
	owner, name, _ := strings.Cut(rs.repo.FullName, "/")
	for more {
		ans, err := rs.s.gql.do(ctx, branchesQuery, map[string]any{"owner": owner, "name": name, "cursor": cursor})
		if err != nil {
			return nil, fmt.Errorf("cannot list the branches of %q: %w", rs.repo.FullName, err)
		}
		var v struct {
			Repository *struct {
				Refs refsJSON `json:"refs"`
			} `json:"repository"`
		}
		if err := decodeData(ans, &v); err != nil || v.Repository == nil {
			return nil, fmt.Errorf("cannot list the branches of %q", rs.repo.FullName)
		}
		for _, n := range v.Repository.Refs.Nodes {
			out = append(out, n.Name)
		}
		more, cursor = v.Repository.Refs.PageInfo.HasNextPage, v.Repository.Refs.PageInfo.EndCursor
	}
	rs.branches = out
	return out, nil
}

func (rs *repoSettings) Protection(ctx context.Context, branch string) (*audit.Protection, error) {
	if branch == rs.repo.DefaultBranch {
		return rs.d.defaultProt, rs.d.defaultErr
	}
	rs.mu.Lock()
	if p, ok := rs.prot[branch]; ok {
		rs.mu.Unlock()
		return p, nil
	}
	rs.mu.Unlock()
	owner, name, _ := strings.Cut(rs.repo.FullName, "/")
	ans, err := rs.s.gql.do(ctx, branchQuery, map[string]any{"owner": owner, "name": name, "ref": "refs/heads/" + branch})
	if err != nil {
		return nil, fmt.Errorf("cannot read the protection of %q in %q: %w", branch, rs.repo.FullName, err)
	}
	var v struct {
		Repository *struct {
			Ref *protJSON `json:"ref"`
		} `json:"repository"`
	}
	if err := decodeData(ans, &v); err != nil {
		return nil, err
	}
	var p *audit.Protection
	if v.Repository == nil || v.Repository.Ref == nil {
		p = &audit.Protection{Branch: branch, Sources: []string{}}
	} else {
		p, err = protection(branch, v.Repository.Ref, rs.d.canAdmin, fieldErr(ans.Errors, "branchProtectionRule"), fieldErr(ans.Errors, "rules"))
		if err != nil {
			return nil, err
		}
	}
	rs.mu.Lock()
	if rs.prot == nil {
		rs.prot = map[string]*audit.Protection{}
	}
	rs.prot[branch] = p
	rs.mu.Unlock()
	return p, nil
}

func (rs *repoSettings) File(ctx context.Context, p string) ([]byte, error) {
	if b, ok := rs.d.codeowners[p]; ok {
		return b, nil
	}
	switch p {
	case ".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS":
		return nil, nil
	}
	owner, name, _ := strings.Cut(rs.repo.FullName, "/")
	var out []byte
	err := rs.s.rest(ctx, fmt.Sprintf("%q of %q", p, rs.repo.FullName), "contents: read", func() error {
		fc, _, _, err := rs.s.o.Client.REST.Repositories.GetContents(ctx, owner, name, p, nil)
		if err == nil && fc != nil && fc.GetType() == "file" {
			c, derr := fc.GetContent()
			out = []byte(c)
			return derr
		}
		return err
	})
	if isNotFound(err) {
		return nil, nil
	}
	return out, err
}

// Actions reads the Actions settings through REST: the permissions, the default workflow
// permissions (the organization's when the repository's cannot be read), the selected actions
// when the policy is "selected", and the fork pull request approval policy of a public repository.
func (rs *repoSettings) Actions(ctx context.Context) (*audit.ActionsSettings, error) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.actDone {
		return rs.actions, rs.actErr
	}
	rs.actions, rs.actErr = rs.readActions(ctx)
	if ctx.Err() == nil {
		rs.actDone = true
	}
	return rs.actions, rs.actErr
}

func (rs *repoSettings) readActions(ctx context.Context) (*audit.ActionsSettings, error) {
	c := rs.s.o.Client.REST
	owner, name, _ := strings.Cut(rs.repo.FullName, "/")
	full := rs.repo.FullName
	out := &audit.ActionsSettings{Level: "repository"}
	var unknown []string
	read := 0
	soft := func(err error) error {
		var u *audit.UnknownError
		switch {
		case errors.As(err, &u):
			unknown = append(unknown, u.Reason)
			return nil
		case isNotFound(err):
			return nil
		}
		return err
	}
	var perms *gh.ActionsPermissionsRepository
	err := rs.s.rest(ctx, "Actions permissions of "+full, "administration: read", func() (err error) {
		perms, _, err = c.Repositories.GetActionsPermissions(ctx, owner, name)
		return err
	})
	if err = soft(err); err != nil {
		return nil, err
	}
	if perms != nil {
		read++
		out.AllowedActions = perms.GetAllowedActions()
		if !perms.Enabled {
			out.AllowedActions = "disabled"
		}
	}
	var wf *gh.DefaultWorkflowPermissionRepository
	err = rs.s.rest(ctx, "default workflow permissions of "+full, "administration: read", func() (err error) {
		wf, _, err = c.Repositories.GetDefaultWorkflowPermissions(ctx, owner, name)
		return err
	})
	if err = soft(err); err != nil {
		return nil, err
	}
	if wf != nil {
		read++
		out.DefaultWorkflowPermissions = wf.GetDefaultWorkflowPermissions()
		out.CanApprovePullRequests = wf.CanApprovePullRequestReviews
	} else if org := rs.s.orgWorkflow(ctx, owner); org != nil {
		read++
		out.DefaultWorkflowPermissions = org.GetDefaultWorkflowPermissions()
		out.CanApprovePullRequests = org.CanApprovePullRequestReviews
		out.Level = "organization"
	}
	if out.AllowedActions == "selected" {
		var sel *gh.ActionsAllowed
		err = rs.s.rest(ctx, "selected actions of "+full, "administration: read", func() (err error) {
			sel, _, err = c.Repositories.GetActionsAllowed(ctx, owner, name)
			return err
		})
		if err = soft(err); err != nil {
			return nil, err
		}
		if sel != nil {
			out.VerifiedAllowed, out.GitHubOwnedAllowed = sel.GetVerifiedAllowed(), sel.GetGithubOwnedAllowed()
		}
	}
	if !rs.repo.Private && (rs.repo.Visibility == "" || rs.repo.Visibility == "public") {
		var pol *gh.ContributorApprovalPermissions
		err = rs.s.rest(ctx, "fork pull request approval of "+full, "administration: read", func() (err error) {
			pol, _, err = c.Actions.GetForkPRContributorApprovalPermissions(ctx, owner, name)
			return err
		})
		if err = soft(err); err != nil {
			return nil, err
		}
		if pol != nil {
			read++
			out.ForkPRApproval = pol.ApprovalPolicy
		}
	}
	if read == 0 && len(unknown) > 0 {
		return nil, &audit.UnknownError{What: "Actions settings of " + full, Reason: unknown[0]}
	}
	return out, nil
}

// orgWorkflow reads the organization's default workflow permissions once per scan; nil when
// they cannot be read (a user account, a token without organization administration).
func (s *scanner) orgWorkflow(ctx context.Context, owner string) *gh.DefaultWorkflowPermissionOrganization {
	s.orgWFOnce.Do(func() {
		_ = s.rest(ctx, "default workflow permissions of organization "+owner, "organization administration: read", func() (err error) {
			s.orgWF, _, err = s.o.Client.REST.Actions.GetDefaultWorkflowPermissionsInOrganization(ctx, owner)
			return err
		})
	})
	return s.orgWF
}

// notFoundError is a 404.
type notFoundError struct{ what string }

func (e *notFoundError) Error() string { return e.what + " not found (or the token cannot see it)" }

func isNotFound(err error) bool {
	var nf *notFoundError
	return errors.As(err, &nf)
}

// rest runs one REST call, retrying what the transport below could not cure (a body cut short,
// a secondary rate limit still in force, a 5xx after its retries) and turning the answer into
// rampart's outcomes: a 403 about permissions is an *audit.UnknownError naming what the token
// lacks, a 404 a *notFoundError, anything else after the retries a failure.
func (s *scanner) rest(ctx context.Context, what, needs string, call func() error) error {
	var err error
	for i := range 5 {
		if i > 0 {
			if e := sleep(ctx, time.Duration(i)*s.o.RetryDelay); e != nil {
				return e
			}
		}
		err = call()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if errors.Is(err, gh.ErrBranchNotProtected) {
			return &notFoundError{what: what}
		}
		var abuse *gh.AbuseRateLimitError
		if errors.As(err, &abuse) {
			continue
		}
		var er *gh.ErrorResponse
		if errors.As(err, &er) && er.Response != nil {
			switch code := er.Response.StatusCode; {
			case code == http.StatusNotFound:
				return &notFoundError{what: what}
			case code == http.StatusForbidden && er.Response.Header.Get("Retry-After") == "" &&
				!strings.Contains(strings.ToLower(er.Message), "rate limit"):
				return &audit.UnknownError{What: what, Reason: "token lacks " + needs}
			case code == http.StatusUnauthorized:
				return fmt.Errorf("cannot read %s: GitHub refused the credentials (401)", what)
			case code >= 500 || code == http.StatusTooManyRequests || code == http.StatusForbidden:
				continue
			}
			return fmt.Errorf("cannot read %s: GitHub answered %d %q", what, er.Response.StatusCode, er.Message)
		}
		var rle *gh.RateLimitError
		if errors.As(err, &rle) {
			return fmt.Errorf("cannot read %s: %w", what, err)
		}
		var se *json.SyntaxError
		if errors.As(err, &se) || errors.Is(err, errBlobMismatch) || strings.Contains(err.Error(), "unexpected EOF") || strings.Contains(err.Error(), "timeout") ||
			strings.Contains(err.Error(), "deadline") || strings.Contains(err.Error(), "connection") {
			continue
		}
		// github.RateLimitError from the shared transport, or anything else: not worth retrying.
		return fmt.Errorf("cannot read %s: %w", what, err)
	}
	return fmt.Errorf("cannot read %s: %w", what, err)
}
