package checks

import (
	"slices"
	"strings"

	"github.com/rampart-sec/rampart/audit"
)

// tiKind is how far an attacker controls a value that an expression expands.
type tiKind int

// The kinds of value, from harmless to attacker-controlled.
const (
	tiSafe       tiKind = iota
	tiRuntime           // computed while the workflow runs: step outputs, env set through GITHUB_ENV
	tiGuess             // a free-text github.event field the table does not know
	tiDispatch          // a string input of workflow_dispatch: whoever dispatches has write access
	tiCaller            // a string input of workflow_call or of a composite action: the caller decides
	tiMaintainer        // written by maintainers but often carrying contributors' text (release notes)
	tiAttacker          // set by anyone who can open an issue, a pull request or a comment
)

// Event groups for the untrusted-context table.
var (
	tiPREvents      = []string{"pull_request", "pull_request_target", "pull_request_review", "pull_request_review_comment"}
	tiIssueEvents   = []string{"issues", "issue_comment"}
	tiCommentEvents = []string{"issue_comment", "pull_request_review_comment", "discussion_comment", "commit_comment"}
	tiDiscussEvents = []string{"discussion", "discussion_comment"}
	tiEditedEvents  = []string{"issues", "issue_comment", "discussion", "discussion_comment", "pull_request", "pull_request_target"}
)

// tiPrivileged are the triggers that any GitHub user can set off and whose runs get the base
// repository's secrets and a token that may write to it.
var tiPrivileged = map[string]bool{
	"pull_request_target": true, "workflow_run": true, "issues": true, "issue_comment": true,
	"discussion": true, "discussion_comment": true,
}

// tiContext is one entry of the untrusted-context table: a context path ("*" for any array
// element), how far it is controlled, and the events whose payload sets it.
type tiContext struct {
	path   string
	kind   tiKind
	events []string
}

// tiContexts extends actionlint's BuiltinUntrustedInputs with the fields zizmor's capability table
// and GitHub's script-injection guide name as free text: branch names, commit metadata, fork
// descriptions, workflow_run and merge-queue heads. Logins (alphanumerics and hyphens), numbers,
// ids, SHAs and the base repository's names are not listed: they cannot carry shell syntax.
var tiContexts = func() []tiContext {
	var t []tiContext
	add := func(kind tiKind, events []string, paths ...string) {
		for _, p := range paths {
			t = append(t, tiContext{p, kind, events})
		}
	}
	commit := func(prefix string) []string {
		return []string{prefix + ".message", prefix + ".author.name", prefix + ".author.email",
			prefix + ".committer.name", prefix + ".committer.email"}
	}
	add(tiAttacker, tiPREvents, "github.head_ref",
		"github.event.pull_request.title", "github.event.pull_request.body",
		"github.event.pull_request.head.ref", "github.event.pull_request.head.label",
		"github.event.pull_request.head.repo.default_branch", "github.event.pull_request.head.repo.description",
		"github.event.pull_request.head.repo.homepage")
	add(tiAttacker, tiIssueEvents, "github.event.issue.title", "github.event.issue.body")
	add(tiAttacker, tiCommentEvents, "github.event.comment.body")
	add(tiAttacker, []string{"pull_request_review_comment", "commit_comment"}, "github.event.comment.path")
	add(tiAttacker, []string{"pull_request_review_comment"}, "github.event.comment.diff_hunk", "github.event.review_comment.body")
	add(tiAttacker, []string{"pull_request_review"}, "github.event.review.body")
	add(tiAttacker, tiDiscussEvents, "github.event.discussion.title", "github.event.discussion.body")
	add(tiAttacker, tiEditedEvents, "github.event.changes.title.from", "github.event.changes.body.from")
	add(tiAttacker, []string{"gollum"}, "github.event.pages.*.page_name", "github.event.pages.*.title", "github.event.pages.*.summary")
	add(tiAttacker, []string{"push"}, commit("github.event.head_commit")...)
	add(tiAttacker, []string{"push"}, commit("github.event.commits.*")...)
	add(tiAttacker, []string{"merge_group"}, commit("github.event.merge_group.head_commit")...)
	add(tiAttacker, []string{"workflow_run"}, commit("github.event.workflow_run.head_commit")...)
	add(tiAttacker, []string{"workflow_run"}, "github.event.workflow_run.head_branch",
		"github.event.workflow_run.display_title", "github.event.workflow_run.head_repository.description",
		"github.event.workflow_run.pull_requests.*.head.ref")
	add(tiAttacker, []string{"workflow_job"}, "github.event.workflow_job.head_branch")
	add(tiAttacker, []string{"check_suite"}, "github.event.check_suite.head_branch")
	add(tiAttacker, []string{"check_run"}, "github.event.check_run.check_suite.head_branch")
	add(tiMaintainer, []string{"release"}, "github.event.release.name", "github.event.release.body")
	return t
}()

// tiContextSegs are the paths of tiContexts split at their dots.
var tiContextSegs = func() [][]string {
	out := make([][]string, len(tiContexts))
	for i, c := range tiContexts {
		out[i] = strings.Split(c.path, ".")
	}
	return out
}()

// tiContextsByField lists, by the field X, the entries of tiContexts that a path github.event.X...
// (X not "*") may match (segsMatch) only when its X is theirs, and tiContextsAnyField those that
// it may match whatever its X (an entry github, github.event or github.event.*...: none, today);
// the entries left out (github.head_ref) match no such path. tiContextsAll lists every entry.
var tiContextsByField, tiContextsAnyField, tiContextsAll = func() (by map[string][]int, anyField, all []int) {
	by = map[string][]int{}
	is := func(segs []string, i int, want string) bool {
		return len(segs) <= i || segs[i] == want || segs[i] == "*"
	}
	for i, segs := range tiContextSegs {
		all = append(all, i)
		switch {
		case !is(segs, 0, "github") || !is(segs, 1, "event"):
		case len(segs) >= 3 && segs[2] != "*":
			by[segs[2]] = append(by[segs[2]], i)
		default:
			anyField = append(anyField, i)
		}
	}
	return by, anyField, all
}()

// tiContextCandidates returns the entries of tiContexts that a path (split at its dots) may
// match: every other entry fails segsMatch. A path github.event.X (X not "*") can match only the
// entries under github.event.X and those that any X matches: an entry under github.event.Y, or
// outside github.event, differs from it at a segment where neither holds "*". Most paths
// classifyGitHub sees are such, and the table holds some fifty entries: the match is tried on a
// few instead of all. Other paths (github.event, github.head_ref, github.event.*) try them all.
// The order does not matter to classifyGitHub: it keeps the highest kind and a set of events.
func tiContextCandidates(segs []string) []int {
	if len(segs) < 3 || segs[0] != "github" || segs[1] != "event" || segs[2] == "*" {
		return tiContextsAll
	}
	if len(tiContextsAnyField) == 0 {
		return tiContextsByField[segs[2]]
	}
	return append(slices.Clip(tiContextsByField[segs[2]]), tiContextsAnyField...)
}

// tiFreeText are field names that hold free text; a github.event field with one of these names
// that the table does not list is reported with low confidence.
var tiFreeText = map[string]bool{
	"title": true, "body": true, "message": true, "description": true, "head_ref": true,
	"head_branch": true, "display_title": true, "page_name": true, "label": true, "summary": true, "text": true,
}

// tiMaintained are parts of the event payload that only maintainers (or GitHub) set.
var tiMaintained = map[string]bool{
	"repository": true, "organization": true, "enterprise": true, "installation": true, "sender": true,
	"milestone": true, "labels": true, "label": true, "team": true, "requested_team": true, "requested_teams": true,
	"deployment": true, "deployment_status": true, "workflow": true, "registry_package": true, "package": true,
	"base": true, "project": true, "project_card": true, "project_column": true, "rule": true, "alert": true,
}

type tiClassKey struct{ path string }

type tiClass struct {
	kind   tiKind
	events []string
}

// classifyGitHubIn is classifyGitHub computed once per file and path: callers must not modify
// the events.
func classifyGitHubIn(file *audit.File, path string) (tiKind, []string) {
	if file == nil {
		return classifyGitHub(path)
	}
	c := file.Memo(tiClassKey{path}, func() any {
		k, events := classifyGitHub(path)
		return tiClass{k, events}
	}).(tiClass)
	return c.kind, c.events
}

// classifyGitHub says how far an attacker controls a github.* context path (lower case, "*" for indexes).
// events are the triggers whose payload sets it, for attacker- and maintainer-controlled paths.
func classifyGitHub(path string) (tiKind, []string) {
	return classifyGitHubAmong(path, tiContextCandidates)
}

// classifyGitHubAmong is classifyGitHub trying the entries of tiContexts that candidates returns
// for the path's segments (tiContextCandidates, or every entry in its test).
func classifyGitHubAmong(path string, candidates func(segs []string) []int) (tiKind, []string) {
	var buf [8]string
	segs := tiSplitDots(path, buf[:0])
	if len(segs) >= 3 && segs[1] == "event" {
		switch segs[2] {
		case "inputs":
			return tiDispatch, nil // resolved against the workflow's inputs by the caller
		case "client_payload":
			return tiMaintainer, []string{"repository_dispatch"}
		}
	}
	kind, events := tiSafe, map[string]bool{}
	for _, i := range candidates(segs) {
		c := tiContexts[i]
		if !segsMatch(segs, tiContextSegs[i]) {
			continue
		}
		if c.kind < kind {
			continue
		}
		if c.kind > kind {
			kind, events = c.kind, map[string]bool{}
		}
		for _, e := range c.events {
			events[e] = true
		}
	}
	if kind != tiSafe {
		return kind, setList(events)
	}
	if len(segs) >= 4 && segs[1] == "event" && tiFreeText[segs[len(segs)-1]] {
		for _, s := range segs[2 : len(segs)-1] {
			if tiMaintained[s] || s == "release" {
				return tiSafe, nil
			}
		}
		return tiGuess, nil
	}
	return tiSafe, nil
}

// segsMatch reports whether a path matches a table entry: equal segments, "*" matching any, or the
// path naming an object (a prefix) that holds the entry, as toJSON(github.event) does; a longer
// path below a free-text field is still that field.
func segsMatch(path, entry []string) bool {
	n := min(len(path), len(entry))
	for i := 0; i < n; i++ {
		if path[i] != entry[i] && path[i] != "*" && entry[i] != "*" {
			return false
		}
	}
	return true
}

func setList(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
