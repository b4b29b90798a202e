package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"strings"
	"time"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rampart-sec/rampart/checks"
	"github.com/rampart-sec/rampart/github"
	"github.com/rampart-sec/rampart/org"
	"github.com/rampart-sec/rampart/render"
)

// OrgOptions are the flags of `rampart org`.
type OrgOptions struct {
	Org             string
	Out             string
	Shard           string
	Resume          bool
	IncludeArchived bool
	IncludeForks    bool
	Visibility      string
	Topics          multiFlag
	Exclude         multiFlag
	ReposFrom       string
	Settings        bool
	ActionChecks    bool
	SARIF           bool
	Baseline        string
	DashboardIssue  string
	Quiet           bool
	APIURL          string
	Concurrency     int
	BatchSize       int
	MinSeverity     string
	Persona         string
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

var loginPattern = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$`)

func runOrg(args []string, stderr io.Writer) (int, error) {
	var o OrgOptions
	fs := newFlagSet("rampart org", stderr)
	fs.StringVar(&o.Out, "out", "rampart-org", "write org.json, org.md, the checkpoint and SARIF files under `DIR`")
	fs.StringVar(&o.Shard, "shard", "", "scan only shard `I/N` of the repositories (a stable hash of each name); join the shards with rampart merge")
	fs.BoolVar(&o.Resume, "resume", false, "continue an interrupted scan from DIR/checkpoint.jsonl")
	fs.BoolVar(&o.IncludeArchived, "include-archived", false, "scan archived repositories (skipped by default)")
	fs.BoolVar(&o.IncludeForks, "include-forks", false, "scan forks (skipped by default)")
	fs.StringVar(&o.Visibility, "visibility", "", "only repositories of this visibility: public|private|internal")
	fs.Var(&o.Topics, "topic", "only repositories with this `TOPIC` (repeatable: all must match)")
	fs.Var(&o.Exclude, "exclude", "leave out repositories whose name or owner/name matches `GLOB` (repeatable)")
	fs.StringVar(&o.ReposFrom, "repos-from", "", "only the repositories listed in `FILE` (one name or owner/name a line, # comments)")
	fs.BoolVar(&o.Settings, "settings", false, "also check repository settings: branch protection, Actions settings, CODEOWNERS (about 2-3 REST requests a repository)")
	fs.BoolVar(&o.ActionChecks, "action-checks", false, "also run the checks on used actions (impostor commits, advisories, stale refs); one cache for the organization")
	fs.BoolVar(&o.SARIF, "sarif", false, "write a SARIF file per repository under DIR/sarif")
	fs.StringVar(&o.Baseline, "baseline", "", "an earlier `org.json`: show the change since it in org.md")
	fs.StringVar(&o.DashboardIssue, "dashboard-issue", "", "keep one issue of `OWNER/REPO` updated with the dashboard")
	fs.BoolVar(&o.Quiet, "quiet", false, "no progress on stderr")
	fs.StringVar(&o.APIURL, "api-url", "", "GitHub API URL (default $GITHUB_API_URL or https://api.github.com)")
	fs.IntVar(&o.Concurrency, "concurrency", 2, "GraphQL queries in flight")
	fs.IntVar(&o.BatchSize, "batch-size", 50, "repositories in the first GraphQL query (it adapts to the answers)")
	fs.StringVar(&o.MinSeverity, "min-severity", "info", "leave out findings below this severity")
	fs.StringVar(&o.Persona, "persona", "regular", "regular|pedantic|auditor")
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: rampart org ORG [flags]\n\nAudit every repository of an organization or user account. Outputs under --out:\norg.json (rampart/org/v1), org.md (dashboard), checkpoint.jsonl, sarif/ (--sarif).\n\nFlags:\n")
		fs.PrintDefaults()
	}
	pos, help, err := parseFlags(fs, args)
	if help || err != nil {
		return ExitOK, err
	}
	if len(pos) != 1 || !loginPattern.MatchString(pos[0]) {
		return ExitUsage, usageError{"rampart org needs one organization or user login, such as: rampart org acme --out results"}
	}
	o.Org = pos[0]
	return orgScan(context.Background(), o, stderr, nil)
}

// orgScan runs a scan; transport, when set, is the network below the client (tests).
func orgScan(ctx context.Context, o OrgOptions, stderr io.Writer, transport *org.Counter) (int, error) {
	shard, err := org.ParseShard(o.Shard)
	if err != nil {
		return ExitUsage, usageError{err.Error()}
	}
	if o.Visibility != "" {
		if err := oneOf("visibility", o.Visibility, "public", "private", "internal"); err != nil {
			return ExitUsage, err
		}
	}
	if err := org.ValidateGlobs(o.Exclude); err != nil {
		return ExitUsage, usageError{err.Error()}
	}
	if err := oneOf("persona", o.Persona, audit.Personas...); err != nil {
		return ExitUsage, err
	}
	minSev, err := audit.ParseSeverity(o.MinSeverity)
	if err != nil {
		return ExitUsage, usageError{"--min-severity: " + err.Error()}
	}
	minConf := audit.MediumConfidence
	if o.Persona != "regular" {
		minConf = audit.LowConfidence
	}
	var only []string
	if o.ReposFrom != "" {
		if only, err = readRepoList(o.ReposFrom); err != nil {
			return ExitUsage, usageError{err.Error()}
		}
	}
	token := os.Getenv("GITHUB_TOKEN")
	if token == "" {
		token = os.Getenv("GH_TOKEN")
	}
	if token == "" {
		return ExitUsage, usageError{"rampart org needs a token: set GITHUB_TOKEN or GH_TOKEN (a GitHub App installation token has the highest rate limit)"}
	}
	api := o.APIURL
	if api == "" {
		api = os.Getenv("GITHUB_API_URL")
	}
	counter := transport
	if counter == nil {
		counter = org.NewCounter(nil)
	}
	gopts := github.Options{Token: token, APIURL: api, Transport: counter, UserAgent: "rampart/" + Version + " (org)"}
	if base := os.Getenv("RAMPART_API_BASE_URL"); base != "" {
		gopts.BaseURL = base
	}
	client, err := github.New(gopts)
	if err != nil {
		return ExitUsage, usageError{err.Error()}
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	opts := org.Options{Org: o.Org, Client: client, Counter: counter, Checks: checks.All(), KnownChecks: checks.IDs(),
		Version: Version, Shard: shard, Settings: o.Settings, ActionChecks: o.ActionChecks, OutDir: o.Out,
		Resume: o.Resume, SARIF: o.SARIF, Baseline: o.Baseline, MinSeverity: minSev, MinConfidence: minConf,
		Persona: o.Persona, BatchSize: o.BatchSize, Concurrency: o.Concurrency,
		Filters: org.Filters{IncludeArchived: o.IncludeArchived, IncludeForks: o.IncludeForks, Visibility: o.Visibility,
			Topics: o.Topics, Exclude: o.Exclude, Only: only}}
	if !o.Quiet {
		opts.Progress, opts.Terminal = stderr, isTerminal(stderr)
	}
	res, err := org.Scan(ctx, opts)
	if err != nil {
		return ExitNoAudit, auditError{err.Error()}
	}
	st := res.Report.Stats
	fmt.Fprintf(stderr, "rampart org %s: %d repositories (%d scored, %d failed, %d skipped) with %d GraphQL and %d REST requests; wrote %s and %s\n",
		o.Org, st.Repositories, st.Scored, st.Failed, st.Skipped, st.APIRequests.GraphQL, st.APIRequests.REST, res.JSONPath, res.MarkdownPath)
	if o.DashboardIssue != "" {
		body, err := org.DashboardBody(res.JSONPath, o.Baseline)
		if err != nil {
			return ExitNoAudit, auditError{err.Error()}
		}
		url, err := org.UpsertDashboard(ctx, client, o.DashboardIssue, body)
		if err != nil {
			return ExitNoAudit, auditError{err.Error()}
		}
		fmt.Fprintf(stderr, "dashboard: %s\n", render.TerminalLine(url))
	}
	if st.Failed > 0 {
		return ExitNoAudit, auditError{fmt.Sprintf("%d repositories could not be scanned (see org.json); run again with --resume to retry them", st.Failed)}
	}
	return ExitOK, nil
}

func readRepoList(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--repos-from: %v", err)
	}
	defer f.Close()
	out := []string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if i := strings.Index(line, "#"); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		if line != "" {
			out = append(out, line)
		}
	}
	return out, sc.Err()
}

func runMerge(args []string, stderr io.Writer) (int, error) {
	fs := newFlagSet("rampart merge", stderr)
	out := fs.String("out", "rampart-org", "write the merged org.json and org.md under `DIR`")
	baseline := fs.String("baseline", "", "an earlier `org.json`: show the change since it in org.md")
	issue := fs.String("dashboard-issue", "", "keep one issue of `OWNER/REPO` updated with the dashboard")
	apiURL := fs.String("api-url", "", "GitHub API URL (default $GITHUB_API_URL or https://api.github.com)")
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: rampart merge DIR... [flags]\n\nJoin the org.json of the shards of one `rampart org --shard I/N` scan.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	pos, help, err := parseFlags(fs, args)
	if help || err != nil {
		return ExitOK, err
	}
	if len(pos) == 0 {
		return ExitUsage, usageError{"rampart merge needs the shards' output directories (or org.json files)"}
	}
	res, err := org.Merge(pos, *out, *baseline, time.Now())
	if err != nil {
		return ExitNoAudit, auditError{err.Error()}
	}
	st := res.Report.Stats
	fmt.Fprintf(stderr, "rampart merge: %d repositories (%d scored, %d failed, %d skipped); wrote %s and %s\n",
		st.Repositories, st.Scored, st.Failed, st.Skipped, res.JSONPath, res.MarkdownPath)
	if *issue != "" {
		token := os.Getenv("GITHUB_TOKEN")
		if token == "" {
			token = os.Getenv("GH_TOKEN")
		}
		api := *apiURL
		if api == "" {
			api = os.Getenv("GITHUB_API_URL")
		}
		gopts := github.Options{Token: token, APIURL: api}
		if base := os.Getenv("RAMPART_API_BASE_URL"); base != "" {
			gopts.BaseURL = base
		}
		client, err := github.New(gopts)
		if err != nil {
			return ExitUsage, usageError{err.Error()}
		}
		body, err := org.DashboardBody(res.JSONPath, *baseline)
		if err != nil {
			return ExitNoAudit, auditError{err.Error()}
		}
		url, err := org.UpsertDashboard(context.Background(), client, *issue, body)
		if err != nil {
			return ExitNoAudit, auditError{err.Error()}
		}
		fmt.Fprintf(stderr, "dashboard: %s\n", render.TerminalLine(url))
	}
	if st.Failed > 0 {
		return ExitNoAudit, auditError{fmt.Sprintf("%d repositories could not be scanned (see org.json)", st.Failed)}
	}
	return ExitOK, nil
}
