package action

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	gh "github.com/google/go-github/v93/github"
)

// DefaultBot is the login of the GITHUB_TOKEN's identity, assumed when GET /user cannot say
// (an installation token cannot read /user).
const DefaultBot = "github-actions[bot]"

// maxCommentPages bounds the listing of a pull request's comments (100 per page).
const maxCommentPages = 50

// Sticky keeps one rampart comment per pull request.
type Sticky struct {
	REST        *gh.Client
	Owner, Repo string
	Number      int
	// Login is the identity whose comment counts; "" asks GET /user, falling back to DefaultBot.
	Login string
}

// Upserted says what became of the comment.
type Upserted struct {
	// Action is "created", "updated", "unchanged" or "skipped" (auto mode, nothing to say, no earlier comment).
	Action string
	ID     int64
	URL    string
	// Login is the identity that was matched.
	Login string
}

// Identity returns the token's login: GET /user, or DefaultBot when that is refused.
func (s *Sticky) Identity(ctx context.Context) string {
	if s.Login != "" {
		return s.Login
	}
	u, _, err := s.REST.Users.Get(ctx, "")
	if err != nil || u.GetLogin() == "" {
		return DefaultBot
	}
	return u.GetLogin()
}

// Find returns the earlier rampart comment on the pull request: the first comment whose body
// starts with Marker and whose author is login. A comment by anyone else, even one that copies
// the marker, never counts.
func (s *Sticky) Find(ctx context.Context, login string) (*gh.IssueComment, error) {
	opts := &gh.IssueListCommentsOptions{ListOptions: gh.ListOptions{PerPage: 100}}
	for page := 0; page < maxCommentPages; page++ {
		cs, resp, err := s.REST.Issues.ListComments(ctx, s.Owner, s.Repo, s.Number, opts)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			if strings.HasPrefix(c.GetBody(), Marker) && strings.EqualFold(c.GetUser().GetLogin(), login) {
				return c, nil
			}
		}
		if resp == nil || resp.NextPage == 0 {
			return nil, nil
		}
		opts.Page = resp.NextPage
	}
	return nil, nil
}

// Upsert updates the earlier comment in place or creates one. With create false (comment: auto
// and nothing to say) it only updates an earlier comment.
func (s *Sticky) Upsert(ctx context.Context, body string, create bool) (*Upserted, error) {
	login := s.Identity(ctx)
	old, err := s.Find(ctx, login)
	if err != nil {
		return nil, fmt.Errorf("cannot list the comments of pull request #%d: %w", s.Number, err)
	}
	if old != nil {
		if old.GetBody() == body {
			return &Upserted{Action: "unchanged", ID: old.GetID(), URL: old.GetHTMLURL(), Login: login}, nil
		}
		c, _, err := s.REST.Issues.UpdateComment(ctx, s.Owner, s.Repo, old.GetID(), gh.IssueCommentRequest{Body: body})
		if err != nil {
			return nil, fmt.Errorf("cannot update comment %d: %w", old.GetID(), err)
		}
		return &Upserted{Action: "updated", ID: c.GetID(), URL: c.GetHTMLURL(), Login: login}, nil
	}
	if !create {
		return &Upserted{Action: "skipped", Login: login}, nil
	}
	c, _, err := s.REST.Issues.CreateComment(ctx, s.Owner, s.Repo, s.Number, gh.IssueCommentRequest{Body: body})
	if err != nil {
		return nil, fmt.Errorf("cannot comment on pull request #%d: %w", s.Number, err)
	}
	return &Upserted{Action: "created", ID: c.GetID(), URL: c.GetHTMLURL(), Login: login}, nil
}

// IsForbidden reports whether err is GitHub refusing the token (403, or 404 on a repository the
// token cannot see): a read-only token, as on a pull request from a fork.
func IsForbidden(err error) bool {
	var er *gh.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		return er.Response.StatusCode == http.StatusForbidden || er.Response.StatusCode == http.StatusNotFound
	}
	return false
}

// WhyNoComment explains a refused comment in plain words.
func WhyNoComment(fork bool) string {
	if fork {
		return "GitHub gave this run a read-only token because the pull request comes from a fork, so rampart could not comment. " +
			"The findings are in this summary and as annotations; to comment on pull requests from forks, use the two-workflow pattern of docs/action.md (`rampart comment` in a `workflow_run` job)."
	}
	return "the token cannot write pull request comments (it needs `pull-requests: write`), so rampart could not comment. " +
		"The findings are in this summary and as annotations."
}
