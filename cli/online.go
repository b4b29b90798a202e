package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rampart-sec/rampart/github"
)

// OnlineOptions are the flags of API access beyond --offline and --api-url.
type OnlineOptions struct {
	// Repo (owner/name) is the GitHub repository of a local directory target, for the settings checks.
	Repo           string
	AppID          int64
	InstallationID int64
	AppKeyFile     string
	CacheDir       string
}

func onlineFlags(fs *flag.FlagSet, o *OnlineOptions) {
	fs.StringVar(&o.Repo, "repo", "", "the GitHub repository (`OWNER/NAME`) of a local directory target: enables its settings checks (default $GITHUB_REPOSITORY when the target is $GITHUB_WORKSPACE)")
	fs.Int64Var(&o.AppID, "app-id", 0, "authenticate as a GitHub App with this `ID` (with --installation-id and --app-key-file or $RAMPART_APP_KEY)")
	fs.Int64Var(&o.InstallationID, "installation-id", 0, "the GitHub App installation `ID`")
	fs.StringVar(&o.AppKeyFile, "app-key-file", "", "the GitHub App's private key, a PEM `FILE` (or the key itself in $RAMPART_APP_KEY)")
	fs.StringVar(&o.CacheDir, "cache-dir", "", "keep API answers in `DIR` and revalidate them with ETags (off by default)")
}

// onlineSession is one run's API access: one client, one cache of action repositories shared by
// every target, and the settings of each audited repository.
type onlineSession struct {
	client  *github.Client
	actions *github.Actions
	// checks is false when the API-backed checks cannot run (no credentials); the client may
	// still fetch public remote targets.
	checks bool

	mu       sync.Mutex
	settings map[string]*github.Settings
	repoOf   map[*audit.Target]string
}

var repoName = remoteTarget

// startOnline builds the session, or returns nil when the run is offline. why is the reason the
// API-backed checks are skipped, "" when they run.
func startOnline(o ScanOptions) (s *onlineSession, why string, err error) {
	if o.Offline {
		return nil, "--offline: API-backed check skipped", nil
	}
	if o.Online.Repo != "" && (!repoName.MatchString(o.Online.Repo) || strings.Contains(o.Online.Repo, "@")) {
		return nil, "", usageError{fmt.Sprintf("--repo must be OWNER/NAME, not %q", o.Online.Repo)}
	}
	gopts := github.Options{APIURL: o.APIURL, CacheDir: o.Online.CacheDir, UserAgent: "rampart/" + Version}
	if gopts.APIURL == "" {
		gopts.APIURL = os.Getenv("GITHUB_API_URL")
	}
	app := o.Online.AppID != 0 || o.Online.InstallationID != 0 || o.Online.AppKeyFile != ""
	switch {
	case app:
		key := []byte(os.Getenv("RAMPART_APP_KEY"))
		if o.Online.AppKeyFile != "" {
			if key, err = os.ReadFile(o.Online.AppKeyFile); err != nil {
				return nil, "", usageError{fmt.Sprintf("cannot read --app-key-file: %v", err)}
			}
		}
		if o.Online.AppID == 0 || o.Online.InstallationID == 0 || len(key) == 0 {
			return nil, "", usageError{"GitHub App authentication needs --app-id, --installation-id and --app-key-file (or $RAMPART_APP_KEY)"}
		}
		gopts.AppID, gopts.InstallationID, gopts.AppKey = o.Online.AppID, o.Online.InstallationID, key
	case os.Getenv("GITHUB_TOKEN") != "":
		gopts.Token = os.Getenv("GITHUB_TOKEN")
	case os.Getenv("GH_TOKEN") != "":
		gopts.Token = os.Getenv("GH_TOKEN")
	default:
		why = "no token (set GITHUB_TOKEN or GH_TOKEN): API-backed check skipped"
	}
	c, err := github.New(gopts)
	if err != nil {
		return nil, "", usageError{err.Error()}
	}
	return &onlineSession{client: c, actions: c.Actions(), checks: why == "",
		settings: map[string]*github.Settings{}, repoOf: map[*audit.Target]string{}}, why, nil
}

// fetch reads a remote target owner/repo[@ref].
func (s *onlineSession) fetch(name string, maxSize int64, known map[string]bool) (*audit.Target, error) {
	full, ref, _ := strings.Cut(name, "@")
	owner, repo, _ := strings.Cut(full, "/")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	t, err := s.client.FetchTarget(ctx, s.actions, owner, repo, ref, github.FetchOptions{MaxFileSize: maxSize, KnownChecks: known})
	if err != nil {
		var ce *github.ConfigError
		if errors.As(err, &ce) {
			return nil, usageError{err.Error()}
		}
		return nil, auditError{fmt.Sprintf("remote target %q: %v", name, err)}
	}
	s.setRepo(t, full)
	return t, nil
}

func (s *onlineSession) setRepo(t *audit.Target, full string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.repoOf[t] = full
}

// bindLocal gives a local directory target its repository: --repo, or $GITHUB_REPOSITORY when
// the target is $GITHUB_WORKSPACE.
func (s *onlineSession) bindLocal(t *audit.Target, repo string) {
	if s == nil || t.Kind != "dir" {
		return
	}
	if repo == "" {
		ws, gr := os.Getenv("GITHUB_WORKSPACE"), os.Getenv("GITHUB_REPOSITORY")
		if ws == "" || gr == "" || !sameDir(ws, t.RootDir) {
			return
		}
		repo = gr
	}
	s.setRepo(t, repo)
}

func sameDir(a, b string) bool {
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	if err1 != nil || err2 != nil {
		return false
	}
	if ea, err := filepath.EvalSymlinks(aa); err == nil {
		aa = ea
	}
	if eb, err := filepath.EvalSymlinks(bb); err == nil {
		bb = eb
	}
	return aa == bb
}

// onlineFor is AuditOptions.OnlineFor: the shared action repositories and the target's settings.
func (s *onlineSession) onlineFor(t *audit.Target) *audit.Online {
	o := &audit.Online{Actions: s.actions}
	s.mu.Lock()
	defer s.mu.Unlock()
	if full, ok := s.repoOf[t]; ok {
		st, ok := s.settings[strings.ToLower(full)]
		if !ok {
			owner, name, _ := strings.Cut(full, "/")
			st = s.client.Settings(s.actions, owner, name)
			s.settings[strings.ToLower(full)] = st
		}
		o.Repo = st
	}
	return o
}

// requests is how many API requests the run sent.
func (s *onlineSession) requests() int {
	if s == nil {
		return 0
	}
	return s.client.Requests()
}
