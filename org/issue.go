package org

import (
	"context"
	"fmt"
	"strings"

	gh "github.com/google/go-github/v93/github"
	"github.com/rampart-sec/rampart/github"
)

// DashboardTitle is the dashboard issue's title.
const DashboardTitle = "rampart: organization security dashboard"

// UpsertDashboard keeps one issue of repo ("owner/name") up to date with body: the open issue
// whose body starts with Marker and that the token's identity opened is edited in place, or a new
// one is opened. It returns the issue's URL. An issue by anyone else, even one that copies the
// marker, is never edited: its author could edit the dashboard afterwards.
func UpsertDashboard(ctx context.Context, c *github.Client, repo, body string) (string, error) {
	owner, name, ok := strings.Cut(repo, "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		return "", fmt.Errorf("--dashboard-issue must be OWNER/REPO, not %q", repo)
	}
	if !strings.HasPrefix(body, Marker) {
		body = Marker + "\n" + body
	}
	if n := len([]rune(body)); n > IssueBodyLimit {
		return "", fmt.Errorf("the dashboard is %d characters, over GitHub's %d-character limit", n, IssueBodyLimit)
	}
	mine := dashboardAuthor(ctx, c)
	opt := &gh.IssueListByRepoOptions{State: "open", ListOptions: gh.ListOptions{PerPage: 100}}
	for page := 0; page < 20; page++ {
		issues, resp, err := c.REST.Issues.ListByRepo(ctx, owner, name, opt)
		if err != nil {
			return "", fmt.Errorf("cannot list the issues of %q to find the dashboard: %w (the token needs issues: write)", repo, err)
		}
		for _, is := range issues {
			if is.IsPullRequest() || !strings.HasPrefix(is.GetBody(), Marker) || !mine(is.GetUser().GetLogin()) {
				continue
			}
			if is.GetBody() == body {
				return is.GetHTMLURL(), nil
			}
			upd, _, err := c.REST.Issues.Update(ctx, owner, name, is.GetNumber(), gh.UpdateIssueRequest{Body: &body})
			if err != nil {
				return "", fmt.Errorf("cannot update the dashboard issue #%d of %q: %w (the token needs issues: write)", is.GetNumber(), repo, err)
			}
			return upd.GetHTMLURL(), nil
		}
		if resp.NextPage == 0 {
			break
		}
		opt.ListOptions.Page = resp.NextPage
	}
	created, _, err := c.REST.Issues.Create(ctx, owner, name, gh.CreateIssueRequest{Title: DashboardTitle, Body: &body})
	if err != nil {
		return "", fmt.Errorf("cannot open the dashboard issue in %q: %w (the token needs issues: write)", repo, err)
	}
	return created.GetHTMLURL(), nil
}

// dashboardAuthor tells which issue authors are the token's identity: its login from GET /user,
// or, when that is refused (a GitHub App installation token cannot read /user), an App's bot
// account ("slug[bot]"), which no person can sign up as.
func dashboardAuthor(ctx context.Context, c *github.Client) func(string) bool {
	if u, _, err := c.REST.Users.Get(ctx, ""); err == nil && u.GetLogin() != "" {
		login := u.GetLogin()
		return func(l string) bool { return strings.EqualFold(l, login) }
	}
	return func(l string) bool { return strings.HasSuffix(l, "[bot]") }
}

// DashboardBody renders the dashboard for the issue from a finished scan's org.json, within the
// issue body limit.
func DashboardBody(orgJSON, baseline string) (string, error) {
	var base *baselineData
	var err error
	if baseline != "" {
		if base, err = loadBaseline(baseline); err != nil {
			return "", err
		}
	}
	sum := newSummary()
	sum.base = base
	rep, err := readReport(orgJSON, func(r *RepoResult) error { sum.add(r); return nil })
	if err != nil {
		return "", err
	}
	return Dashboard(rep, sum, base, IssueBodyLimit-1000), nil
}
