package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	gh "github.com/google/go-github/v93/github"
	"github.com/rampart-sec/rampart/audit"
)

// NotFoundError is a 404: the thing does not exist, or the token cannot see a private repository.
// It is a failure (or an answer, where the caller says so), never unknown.
type NotFoundError struct {
	What string
}

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("%s not found (or the token cannot see it)", e.What)
}

// IsNotFound reports whether err is a 404.
func IsNotFound(err error) bool {
	var nf *NotFoundError
	return errors.As(err, &nf)
}

// classify turns a go-github error into rampart's outcomes: a 403 that names a missing
// permission becomes an *audit.UnknownError (what the token lacks, taken from GitHub's
// X-Accepted-GitHub-Permissions header or, failing that, needs); a 404 a *NotFoundError; the
// rest a failure whose message says what could not be read.
func classify(err error, what, needs string) error {
	if err == nil {
		return nil
	}
	var rl *RateLimitError
	if errors.As(err, &rl) {
		return fmt.Errorf("cannot read %s: %w", what, rl)
	}
	var abuse *gh.AbuseRateLimitError
	if errors.As(err, &abuse) {
		return fmt.Errorf("cannot read %s: GitHub's secondary rate limit stopped rampart (retry after %s); try again later", what, abuse.GetRetryAfter())
	}
	var er *gh.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		msg := er.Message
		switch er.Response.StatusCode {
		case http.StatusForbidden:
			if lacks := permissionNeeded(er.Response, msg, needs); lacks != "" {
				return &audit.UnknownError{What: what, Reason: lacks}
			}
			return fmt.Errorf("cannot read %s: GitHub answered 403 %q", what, msg)
		case http.StatusNotFound:
			return &NotFoundError{What: what}
		case http.StatusUnauthorized:
			return fmt.Errorf("cannot read %s: GitHub refused the credentials (401 %q); check GITHUB_TOKEN/GH_TOKEN or the GitHub App settings", what, msg)
		}
		return fmt.Errorf("cannot read %s: GitHub answered %d %q", what, er.Response.StatusCode, msg)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("cannot read %s: the request timed out", what)
	}
	return fmt.Errorf("cannot read %s: %w", what, scrub(err))
}

// permissionNeeded tells what a 403 says the token lacks, or "" when the 403 is not about
// permissions.
func permissionNeeded(resp *http.Response, msg, needs string) string {
	lower := strings.ToLower(msg)
	if !strings.Contains(lower, "not accessible") && !strings.Contains(lower, "permission") &&
		!strings.Contains(lower, "admin rights") && !strings.Contains(lower, "must have") &&
		resp.Header.Get("X-Accepted-GitHub-Permissions") == "" {
		return ""
	}
	if h := resp.Header.Get("X-Accepted-GitHub-Permissions"); h != "" {
		// "administration=read" or "contents=read,metadata=read; actions=write": the first option.
		first := strings.TrimSpace(strings.Split(h, ";")[0])
		var parts []string
		for p := range strings.SplitSeq(first, ",") {
			if k, v, ok := strings.Cut(strings.TrimSpace(p), "="); ok && k != "metadata" {
				parts = append(parts, k+": "+v)
			}
		}
		if len(parts) > 0 {
			return "token lacks " + strings.Join(parts, ", ")
		}
	}
	if needs != "" {
		return "token lacks " + needs
	}
	return "token lacks the permission (" + msg + ")"
}
