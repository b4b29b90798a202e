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
// whose body carries Marker is edited in place, or a new one is opened. It returns the issue's URL.
func UpsertDashboard(ctx context.Context, c *github.Client, repo, body string) (string, error) {
	owner, name, ok := strings.Cut(repo, "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		return "", fmt.Errorf("--dashboard-issue must be OWNER/REPO, not %q", repo)
	}
	if !strings.Contains(body, Marker) {
		body = Marker + "\n" + body
	}
	if n := len([]rune(body)); n > IssueBodyLimit {
		return "", fmt.Errorf("the dashboard is %d characters, over GitHub's %d-character limit", n, IssueBodyLimit)
	}
	opt := &gh.IssueListByRepoOptions{State: "open", ListOptions: gh.ListOptions{PerPage: 100}}
	for page := 0; page < 20; page++ {
		issues, resp, err := c.REST.Issues.ListByRepo(ctx, owner, name, opt)
		if err != nil {
			return "", fmt.Errorf("cannot list the issues of %q to find the dashboard: %w (the token needs issues: write)", repo, err)
		}
		for _, is := range issues {
			if is.IsPullRequest() || !strings.Contains(is.GetBody(), Marker) {
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
