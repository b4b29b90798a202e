// Package action runs rampart as a GitHub Action: it reads what the runner gives a Docker action
// (INPUT_* variables, the event payload, GITHUB_* variables), writes the step outputs and the step
// summary, emits annotations within GitHub's limits, composes the pull request comment and keeps it
// as one sticky comment per pull request.
//
// Everything that comes from the audited repository is untrusted here: it reaches the comment and
// the summary only through package render's escaping, and the annotations only through its
// workflow-command escaping. A report read back from an artifact (`rampart comment`) is validated
// strictly first (ReadUntrustedReport).
package action

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/sethvargo/go-githubactions"
)

// Inputs are the action's inputs (action.yml), as read from INPUT_* variables.
type Inputs struct {
	Token string
	// Path is the directory to audit, relative to the workspace ("." by default).
	Path   string
	Config string
	// FailOn is "" when not given (the config file's or the default applies).
	FailOn string
	// MinScore is -1 when not given.
	MinScore int
	// Comment is auto, always or never.
	Comment   string
	SARIFFile string
	Format    string
	Online    bool
}

// Runner is what the runner tells the step about the run.
type Runner struct {
	EventName, EventPath string
	// Repository is "owner/name".
	Repository string
	Workspace  string
	APIURL     string
	ServerURL  string
	BaseRef    string
	HeadRef    string
	SHA        string
	// OutputFile and SummaryFile are GITHUB_OUTPUT and GITHUB_STEP_SUMMARY ("" when not set).
	OutputFile, SummaryFile string
}

// Env is an action's view of its environment.
type Env struct {
	Inputs Inputs
	Runner Runner
}

// ReadEnv reads the inputs and the runner's variables through getenv. A runner gives a Docker
// action its inputs as INPUT_<NAME> with the name upper-cased and hyphens kept (INPUT_FAIL-ON).
// An input with an invalid value is an error that names it.
func ReadEnv(getenv func(string) string) (*Env, error) {
	a := githubactions.New(githubactions.WithGetenv(getenv))
	in := Inputs{
		Token:     a.GetInput("token"),
		Path:      a.GetInput("path"),
		Config:    a.GetInput("config"),
		FailOn:    strings.ToLower(a.GetInput("fail-on")),
		MinScore:  -1,
		Comment:   strings.ToLower(a.GetInput("comment")),
		SARIFFile: a.GetInput("sarif-file"),
		Format:    strings.ToLower(a.GetInput("format")),
		Online:    true,
	}
	if in.Path == "" {
		in.Path = "."
	}
	if in.Comment == "" {
		in.Comment = "auto"
	}
	if in.Format == "" {
		in.Format = "text"
	}
	switch in.Comment {
	case "auto", "always", "never":
	default:
		return nil, fmt.Errorf("input comment must be auto, always or never, not %q", in.Comment)
	}
	switch in.FailOn {
	case "", "none", "info", "low", "medium", "high", "critical":
	default:
		return nil, fmt.Errorf("input fail-on must be none, info, low, medium, high or critical, not %q", in.FailOn)
	}
	if s := a.GetInput("min-score"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > 100 {
			return nil, fmt.Errorf("input min-score must be a whole number from 0 to 100, not %q", s)
		}
		in.MinScore = n
	}
	if s := strings.ToLower(a.GetInput("online")); s != "" {
		switch s {
		case "true", "yes", "1", "on":
			in.Online = true
		case "false", "no", "0", "off":
			in.Online = false
		default:
			return nil, fmt.Errorf("input online must be true or false, not %q", s)
		}
	}
	ctx, _ := a.Context() // its only errors are unparsable booleans we do not use
	r := Runner{
		EventName:   getenv("GITHUB_EVENT_NAME"),
		EventPath:   getenv("GITHUB_EVENT_PATH"),
		Repository:  getenv("GITHUB_REPOSITORY"),
		Workspace:   getenv("GITHUB_WORKSPACE"),
		APIURL:      getenv("GITHUB_API_URL"),
		ServerURL:   getenv("GITHUB_SERVER_URL"),
		BaseRef:     getenv("GITHUB_BASE_REF"),
		HeadRef:     getenv("GITHUB_HEAD_REF"),
		SHA:         getenv("GITHUB_SHA"),
		OutputFile:  getenv("GITHUB_OUTPUT"),
		SummaryFile: getenv("GITHUB_STEP_SUMMARY"),
	}
	if ctx != nil && r.ServerURL == "" {
		r.ServerURL = ctx.ServerURL
	}
	if r.Repository != "" && !validRepo(r.Repository) {
		return nil, fmt.Errorf("GITHUB_REPOSITORY %q is not owner/name", r.Repository)
	}
	return &Env{Inputs: in, Runner: r}, nil
}

// validRepo reports whether s is a plausible "owner/name".
func validRepo(s string) bool {
	owner, name, ok := strings.Cut(s, "/")
	if !ok || owner == "" || name == "" || len(s) > 140 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./", r)) {
			return false
		}
	}
	// "." and ".." would move an API path ("repos/../x/...") to another endpoint.
	return !strings.Contains(name, "/") && name != "." && name != ".." && owner != "." && owner != ".."
}

// SplitRepo splits "owner/name"; ok is false when s is not one.
func SplitRepo(s string) (owner, name string, ok bool) {
	if !validRepo(s) {
		return "", "", false
	}
	owner, name, _ = strings.Cut(s, "/")
	return owner, name, true
}
