package action

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
)

// maxEventSize bounds the event payload read from GITHUB_EVENT_PATH (GitHub caps webhook payloads at 25 MB).
const maxEventSize = 32 << 20

// PullRequest is what the action needs of a pull_request event.
type PullRequest struct {
	Number  int
	BaseSHA string
	HeadSHA string
	BaseRef string
	HeadRef string
	// BaseRepo and HeadRepo are "owner/name"; HeadRepo is "" when the fork was deleted.
	BaseRepo string
	HeadRepo string
	// Fork is true when the head is in another repository: its GITHUB_TOKEN is read-only.
	Fork bool
}

// Event is the event that started the run.
type Event struct {
	Name string
	// PR is set for pull_request events.
	PR *PullRequest
}

type prPayload struct {
	Number      int `json:"number"`
	PullRequest *struct {
		Number int `json:"number"`
		Base   struct {
			SHA  string `json:"sha"`
			Ref  string `json:"ref"`
			Repo *struct {
				FullName string `json:"full_name"`
			} `json:"repo"`
		} `json:"base"`
		Head struct {
			SHA  string `json:"sha"`
			Ref  string `json:"ref"`
			Repo *struct {
				FullName string `json:"full_name"`
				Fork     bool   `json:"fork"`
			} `json:"repo"`
		} `json:"head"`
	} `json:"pull_request"`
}

var shaRE = regexp.MustCompile(`^[0-9a-f]{40}([0-9a-f]{24})?$`)

// IsSHA reports whether s is a full commit id (SHA-1 or SHA-256).
func IsSHA(s string) bool { return shaRE.MatchString(s) }

// ReadEvent reads the event payload of a run. Only pull_request events are parsed into a PR; a
// pull_request_target run's workspace holds the base branch, not the pull request, so it is
// audited like a push. A missing payload file is an error only for a pull_request event.
func ReadEvent(name, path string) (*Event, error) {
	ev := &Event{Name: name}
	if name != "pull_request" {
		return ev, nil
	}
	if path == "" {
		return nil, fmt.Errorf("GITHUB_EVENT_PATH is not set for a %s event", name)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the event payload: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxEventSize+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read the event payload: %w", err)
	}
	if len(b) > maxEventSize {
		return nil, fmt.Errorf("the event payload is over %d bytes", maxEventSize)
	}
	var p prPayload
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("the event payload is not JSON: %v", err)
	}
	if p.PullRequest == nil {
		return nil, fmt.Errorf("the %s event payload has no pull_request", name)
	}
	pr := &PullRequest{Number: p.PullRequest.Number, BaseSHA: p.PullRequest.Base.SHA, HeadSHA: p.PullRequest.Head.SHA,
		BaseRef: p.PullRequest.Base.Ref, HeadRef: p.PullRequest.Head.Ref}
	if pr.Number == 0 {
		pr.Number = p.Number
	}
	if r := p.PullRequest.Base.Repo; r != nil {
		pr.BaseRepo = r.FullName
	}
	if r := p.PullRequest.Head.Repo; r != nil {
		pr.HeadRepo = r.FullName
	}
	pr.Fork = pr.HeadRepo == "" || (pr.BaseRepo != "" && pr.HeadRepo != pr.BaseRepo)
	switch {
	case pr.Number <= 0:
		return nil, fmt.Errorf("the pull_request event payload has no pull request number")
	case !IsSHA(pr.BaseSHA) || !IsSHA(pr.HeadSHA):
		return nil, fmt.Errorf("the pull_request event payload has no valid base and head commit ids")
	case pr.BaseRepo != "" && !validRepo(pr.BaseRepo):
		return nil, fmt.Errorf("the pull_request event payload's base repository %q is not owner/name", pr.BaseRepo)
	}
	ev.PR = pr
	return ev, nil
}
