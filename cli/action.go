package cli

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/rampart-sec/rampart/action"
	"github.com/rampart-sec/rampart/audit"
	"github.com/rampart-sec/rampart/checks"
	"github.com/rampart-sec/rampart/github"
	"github.com/rampart-sec/rampart/render"
	"github.com/sethvargo/go-githubactions"
)

// Files the action writes into the workspace, for later steps (upload-sarif, upload-artifact).
const actionReportFile = "rampart-report.json"

// actionTimeout bounds the whole action's API use.
const actionTimeout = 10 * time.Minute

func runAction(args []string, stdout, stderr io.Writer) (int, error) {
	fs := newFlagSet("rampart action", stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: rampart action\n\nThe entrypoint of the GitHub Action (action.yml): reads the inputs from INPUT_* variables,\n"+
			"the event from GITHUB_EVENT_PATH, and writes GITHUB_OUTPUT and GITHUB_STEP_SUMMARY. See docs/action.md.\n")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK, nil
		}
		return ExitUsage, usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return ExitUsage, usageError{fmt.Sprintf("rampart action takes no arguments (inputs come from INPUT_* variables), got %q", fs.Args())}
	}
	return actionRun(os.Getenv, stdout)
}

// actionLog writes to the job log through go-githubactions, whose writes panic on a failed write:
// a log that cannot be written must not stop the step.
type actionLog struct{ ga *githubactions.Action }

func (l actionLog) do(f func()) {
	defer func() { _ = recover() }()
	f()
}

// warn and info write one line: the arguments may come from API answers or the event, so
// the line is cleaned as audited text (go-githubactions' Infof writes its message as it is).
func (l actionLog) warn(format string, args ...any) {
	msg := render.TerminalLine(fmt.Sprintf(format, args...))
	l.do(func() { l.ga.Warningf("%s", msg) })
}
func (l actionLog) info(format string, args ...any) {
	msg := render.TerminalLine(fmt.Sprintf(format, args...))
	l.do(func() { l.ga.Infof("%s", msg) })
}

// actionRun is `rampart action` with its environment.
func actionRun(getenv func(string) string, stdout io.Writer) (int, error) {
	env, err := action.ReadEnv(getenv)
	if err != nil {
		return ExitUsage, usageError{err.Error()}
	}
	in, rn := env.Inputs, env.Runner
	log := actionLog{githubactions.New(githubactions.WithWriter(stdout), githubactions.WithGetenv(getenv))}
	if in.Token != "" {
		log.do(func() { log.ga.AddMask(in.Token) })
	}
	ev, err := action.ReadEvent(rn.EventName, rn.EventPath)
	if err != nil {
		return ExitNoAudit, auditError{err.Error()}
	}
	if err := oneOf("format", in.Format, render.Formats()...); err != nil {
		return ExitUsage, usageError{"input " + strings.TrimPrefix(err.Error(), "--")}
	}
	workspace := rn.Workspace
	if workspace == "" {
		workspace = "."
	}
	rel := path.Clean(filepath.ToSlash(in.Path))
	if filepath.IsAbs(in.Path) {
		return ExitUsage, usageError{fmt.Sprintf("input path %q must be relative to the workspace", in.Path)}
	}
	prefix := ""
	if rel != "." {
		prefix = rel
	}
	dir := filepath.Join(workspace, filepath.FromSlash(rel))

	known := checks.IDs()
	var global *audit.Config
	if in.Config != "" {
		p := in.Config
		if !filepath.IsAbs(p) {
			// The workspace holds the pull request's files: a config there that is a symlink
			// (to .git/config, or out of the workspace) would have rampart parse, and quote in its
			// errors, a file the pull request does not own.
			if err := regularInWorkspace(workspace, p); err != nil {
				return ExitUsage, usageError{fmt.Sprintf("input config %q: %v", in.Config, err)}
			}
			p = filepath.Join(workspace, p)
		}
		if global, err = audit.LoadConfig(p, known); err != nil {
			return ExitUsage, usageError{err.Error()}
		}
		if err := audit.ValidateConfig(global, checks.All()); err != nil {
			return ExitUsage, usageError{fmt.Sprintf("%s: %v", in.Config, err)}
		}
	}
	head, err := loadTarget(dir, ScanOptions{ConfigPath: in.Config}, 0, known, nil)
	if err != nil {
		return exitFor(err), err
	}
	if len(head.Files)+len(head.Errors) == 0 {
		return ExitNoAudit, auditError{fmt.Sprintf("no workflow, action.yml or dependabot.yml found in %q", in.Path)}
	}
	cfg := global
	if cfg == nil {
		cfg = head.Config
	}
	failOn, minScore, err := actionThresholds(in, cfg)
	if err != nil {
		return ExitUsage, err
	}
	minSev, minConf := audit.Info, audit.MediumConfidence
	if cfg != nil && cfg.MinSeverity != nil {
		minSev = *cfg.MinSeverity
	}
	if cfg != nil && cfg.MinConfidence != nil {
		minConf = *cfg.MinConfidence
	}

	ctx, cancel := context.WithTimeout(context.Background(), actionTimeout)
	defer cancel()
	var client *github.Client
	if in.Token != "" {
		client, err = github.New(github.Options{Token: in.Token, APIURL: rn.APIURL, UserAgent: "rampart-action/" + Version})
		if err != nil {
			return ExitUsage, usageError{err.Error()}
		}
	}
	repoOwner, repoName, haveRepo := action.SplitRepo(rn.Repository)
	opts := audit.AuditOptions{Config: global, MinSeverity: minSev, MinConfidence: minConf, Now: time.Now(), Persona: "regular"}
	switch {
	case !in.Online:
		opts.OfflineReason = "input online is false: API-backed check skipped"
	case client == nil:
		opts.OfflineReason = "no token (input token is empty): API-backed check skipped"
	default:
		opts.Online = true
		acts := client.Actions()
		opts.OnlineFor = func(t *audit.Target) *audit.Online {
			o := &audit.Online{Actions: acts}
			if haveRepo {
				o.Repo = client.Settings(acts, repoOwner, repoName)
			}
			return o
		}
	}
	eng := &audit.Engine{Checks: checks.All(), Version: Version}
	res := eng.Audit([]*audit.Target{head}, opts)
	rep := res.Report
	ref := rn.SHA
	if ev.PR != nil {
		ref = ev.PR.HeadSHA
	}
	rep.Target = audit.TargetInfo{Kind: "repo", Name: rn.Repository, Ref: ref}
	if rep.Target.Name == "" {
		rep.Target = audit.TargetInfo{Kind: "dir", Name: in.Path, Ref: ref}
	}

	// The base: the same files at the pull request's base commit, through the API (never git in
	// the audited checkout), compared by fingerprint.
	var notes []string
	var changed action.Changed
	pr := ev.PR
	if pr != nil {
		baseRepo := pr.BaseRepo
		if baseRepo == "" {
			baseRepo = rn.Repository
		}
		bo, bn, ok := action.SplitRepo(baseRepo)
		switch {
		case client == nil:
			notes = append(notes, "No comparison with the base branch: the action has no token (input `token`).")
		case !ok:
			notes = append(notes, "No comparison with the base branch: the repository is unknown (GITHUB_REPOSITORY).")
		default:
			baseRep, err := auditBase(ctx, client, eng, opts, bo, bn, pr.BaseSHA, prefix, head.Config, known)
			if err != nil {
				log.warn("rampart: cannot audit the base commit %s: %v", pr.BaseSHA, err)
				notes = append(notes, "No comparison with the base branch: its files could not be read through the API (see the job log). Every finding counts as new.")
			} else {
				audit.CompareBaseline(rep, baseRep, "base "+pr.BaseSHA)
			}
			if changed, err = action.ChangedLines(ctx, client.REST, bo, bn, pr.Number); err != nil {
				log.warn("rampart: cannot list the files of pull request #%d (annotations are not ordered by changed lines): %v", pr.Number, err)
			}
		}
	}
	prefixPaths(rep, prefix)
	if client != nil {
		rep.Stats.APIRequests = client.Requests()
	}

	// The report files, for later steps.
	var outFiles []action.Output
	if err := writeWorkspaceFile(workspace, actionReportFile, "json", rep, res.Failed); err != nil {
		log.warn("rampart: %v", err)
	} else {
		outFiles = append(outFiles, action.Output{Name: "report-file", Value: actionReportFile})
	}
	if in.SARIFFile != "" {
		if err := writeWorkspaceFile(workspace, in.SARIFFile, "sarif", rep, res.Failed); err != nil {
			log.warn("rampart: %v", err)
		} else {
			outFiles = append(outFiles, action.Output{Name: "sarif-file", Value: in.SARIFFile})
		}
	}

	// The job log: the report in the chosen format, then annotations within GitHub's limits.
	if in.Format != "github" {
		var buf bytes.Buffer
		if err := render.Write(&buf, in.Format, rep, render.Options{Checks: checks.All(), Failed: res.Failed}); err == nil {
			log.do(func() { stdout.Write(buf.Bytes()) })
		}
	}
	var ann bytes.Buffer
	if err := action.Annotations(&ann, rep, changed, checks.All()); err == nil {
		log.do(func() { stdout.Write(ann.Bytes()) })
	}

	// The sticky comment, then the summary (which says why there was no comment, when there was none).
	server := rn.ServerURL
	if server == "" {
		server = "https://github.com"
	}
	bodyOpts := action.BodyOptions{ServerURL: server, Repository: rn.Repository, Ref: ref, Notes: notes}
	if pr != nil && rep.Baseline != nil {
		bodyOpts.Base = pr.BaseSHA
	}
	summaryNotes := append([]string(nil), notes...)
	switch {
	case pr == nil && in.Comment == "always":
		log.info("rampart: comment: always applies to pull_request events only; this is a %q event", rn.EventName)
	case pr == nil || in.Comment == "never":
	case client == nil || !haveRepo:
		summaryNotes = append(summaryNotes, "No pull request comment: the action has no token or does not know the repository.")
	default:
		st := &action.Sticky{REST: client.REST, Owner: repoOwner, Repo: repoName, Number: pr.Number}
		up, err := st.Upsert(ctx, action.Body(rep, bodyOpts), in.Comment == "always" || action.Something(rep))
		switch {
		case err != nil && action.IsForbidden(err):
			why := action.WhyNoComment(pr.Fork)
			log.warn("rampart: no pull request comment: %s", why)
			summaryNotes = append(summaryNotes, "No pull request comment: "+why)
		case err != nil:
			log.warn("rampart: no pull request comment: %v", err)
			summaryNotes = append(summaryNotes, "No pull request comment: GitHub refused or failed the request (see the job log).")
		default:
			log.info("rampart: pull request comment %s (%s)", up.Action, up.URL)
		}
	}
	if rn.SummaryFile != "" {
		so := bodyOpts
		so.Notes = summaryNotes
		so.MaxBytes = action.MaxSummaryBytes
		if st, err := os.Stat(rn.SummaryFile); err == nil {
			so.MaxBytes -= int(st.Size())
		}
		if so.MaxBytes > 4096 {
			if err := action.WriteSummary(rn.SummaryFile, action.Body(rep, so)); err != nil {
				log.warn("rampart: %v", err)
			}
		}
	} else {
		log.warn("rampart: GITHUB_STEP_SUMMARY is not set: no step summary was written")
	}

	counted := len(rep.Counted())
	newCount := counted
	if rep.Baseline != nil {
		newCount = rep.Baseline.New
	}
	outs := append([]action.Output{
		{Name: "score", Value: fmt.Sprint(rep.Score)},
		{Name: "grade", Value: rep.Grade},
		{Name: "findings", Value: fmt.Sprint(counted)},
		{Name: "new-findings", Value: fmt.Sprint(newCount)},
	}, outFiles...)
	if err := action.WriteOutputs(rn.OutputFile, outs); err != nil {
		log.warn("rampart: %v", err)
	}
	if res.Failed {
		return ExitNoAudit, auditError{"a check failed; the report is incomplete (see errors)"}
	}
	return verdict(rep, failOn, minScore), nil
}

// actionThresholds resolves fail-on and min-score: the inputs, else the config file's, else high and 0.
func actionThresholds(in action.Inputs, cfg *audit.Config) (*audit.Severity, int, error) {
	high := audit.High
	failOn := &high
	minScore := 0
	if cfg != nil && cfg.FailOn != nil {
		failOn = cfg.FailOn
	}
	if cfg != nil && cfg.MinScore != nil {
		minScore = *cfg.MinScore
	}
	switch in.FailOn {
	case "":
	case "none":
		failOn = nil
	default:
		s, err := audit.ParseSeverity(in.FailOn)
		if err != nil {
			return nil, 0, usageError{"input fail-on: " + err.Error()}
		}
		failOn = &s
	}
	if in.MinScore >= 0 {
		minScore = in.MinScore
	}
	return failOn, minScore, nil
}

// auditBase fetches the base commit's pipeline files and audits them as the head was: the same
// options, the base's own config file (or, when only a subdirectory is audited, the head's).
func auditBase(ctx context.Context, c *github.Client, eng *audit.Engine, opts audit.AuditOptions, owner, name, sha, prefix string, headCfg *audit.Config, known map[string]bool) (*audit.Report, error) {
	t, err := c.FetchTarget(ctx, nil, owner, name, sha, github.FetchOptions{KnownChecks: known})
	var ce *github.ConfigError
	if errors.As(err, &ce) {
		return nil, fmt.Errorf("the base's config file is invalid: %v", ce)
	}
	if err != nil {
		return nil, err
	}
	if prefix != "" {
		t = reroot(t, prefix)
		t.Config = headCfg
	}
	return eng.Audit([]*audit.Target{t}, opts).Report, nil
}

// reroot keeps the files under prefix, with paths relative to it.
func reroot(t *audit.Target, prefix string) *audit.Target {
	out := &audit.Target{Kind: t.Kind, Name: t.Name, Ref: t.Ref, Repo: t.Repo}
	for _, f := range t.Files {
		if p, ok := strings.CutPrefix(f.Path, prefix+"/"); ok {
			out.AddSource(p, f.Source)
		}
	}
	for _, e := range t.Errors {
		if p, ok := strings.CutPrefix(e.File, prefix+"/"); ok {
			e.File = p
			out.Errors = append(out.Errors, e)
		}
	}
	return out
}

// prefixPaths makes the report's paths relative to the repository root when a subdirectory was audited.
func prefixPaths(rep *audit.Report, prefix string) {
	if prefix == "" {
		return
	}
	fix := func(p string) string {
		if p == "" {
			return p
		}
		return path.Join(prefix, p)
	}
	fixAll := func(fs []audit.Finding) {
		for i := range fs {
			fs[i].File = fix(fs[i].File)
			for j := range fs[i].Related {
				fs[i].Related[j].File = fix(fs[i].Related[j].File)
			}
		}
	}
	fixAll(rep.Findings)
	if rep.Baseline != nil {
		fixAll(rep.Baseline.Fixed)
	}
	for i := range rep.Errors {
		rep.Errors[i].File = fix(rep.Errors[i].File)
	}
	for i := range rep.Exceptions {
		rep.Exceptions[i].Path = fix(rep.Exceptions[i].Path)
	}
}

// writeWorkspaceFile renders rep in format to a path relative to the workspace. The workspace
// holds the audited (pull request) files, so the file is written through an os.Root (no path or
// symlinked directory leads out of it) to a temporary file that is then renamed over the
// destination: a symlink planted at the destination is replaced, never written through.
func writeWorkspaceFile(workspace, rel, format string, rep *audit.Report, failed bool) error {
	if filepath.IsAbs(rel) || !filepath.IsLocal(filepath.FromSlash(rel)) {
		return fmt.Errorf("%q must be a path inside the workspace", rel)
	}
	var buf bytes.Buffer
	if err := render.Write(&buf, format, rep, render.Options{Checks: checks.All(), Failed: failed}); err != nil {
		return fmt.Errorf("cannot render the %s report: %v", format, err)
	}
	root, err := os.OpenRoot(workspace)
	if err != nil {
		return fmt.Errorf("cannot open the workspace: %v", err)
	}
	defer root.Close()
	name := filepath.Clean(filepath.FromSlash(rel))
	if dir := filepath.Dir(name); dir != "." {
		if err := root.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("cannot write %q: %v", rel, err)
		}
	}
	var rnd [8]byte
	_, _ = rand.Read(rnd[:])
	tmp := filepath.Join(filepath.Dir(name), ".rampart-"+hex.EncodeToString(rnd[:])+".tmp")
	f, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("cannot write %q: %v", rel, err)
	}
	_, werr := f.Write(buf.Bytes())
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = root.Rename(tmp, name)
	}
	if werr != nil {
		_ = root.Remove(tmp)
		return fmt.Errorf("cannot write %q: %v", rel, werr)
	}
	return nil
}

// regularInWorkspace checks that rel names a regular file inside the workspace, reached without
// leaving it, and is not itself a symlink.
func regularInWorkspace(workspace, rel string) error {
	root, err := os.OpenRoot(workspace)
	if err != nil {
		return fmt.Errorf("cannot open the workspace: %v", err)
	}
	defer root.Close()
	st, err := root.Lstat(filepath.FromSlash(rel))
	switch {
	case err != nil:
		return fmt.Errorf("not a file in the workspace (%v)", audit.CleanErr(err))
	case !st.Mode().IsRegular():
		return errors.New("not a regular file in the workspace (a symlink is not followed)")
	}
	return nil
}

// exitFor is the exit code of an error from loadTarget.
func exitFor(err error) int {
	var ue usageError
	if errors.As(err, &ue) {
		return ExitUsage
	}
	return ExitNoAudit
}

// runComment is `rampart comment`: the second half of the fork-PR pattern. It runs in a
// workflow_run job that never checks out or runs the pull request's code, reads the report
// artifact of the pull request's run as untrusted input, and upserts the sticky comment.
func runComment(args []string, stdout, stderr io.Writer) (int, error) {
	fs := newFlagSet("rampart comment", stderr)
	report := fs.String("report", "", "the JSON `REPORT` written by the action (an artifact: untrusted)")
	pr := fs.Int("pr", 0, "the pull request `NUMBER`")
	repo := fs.String("repo", os.Getenv("GITHUB_REPOSITORY"), "the repository `owner/name` (default $GITHUB_REPOSITORY)")
	sha := fs.String("sha", "", "the pull request's head commit: refuse to comment unless PR NUMBER's head is this `SHA` (use github.event.workflow_run.head_sha)")
	mode := fs.String("mode", "auto", "auto (comment when there is something to say, or update an earlier comment) or always")
	apiURL := fs.String("api-url", os.Getenv("GITHUB_API_URL"), "GitHub API URL (default $GITHUB_API_URL or https://api.github.com)")
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: rampart comment --report REPORT.json --pr NUMBER [--repo owner/name] [--sha SHA]\n\n"+
			"Posts or updates rampart's sticky pull request comment from a report written by the action in\n"+
			"another run (the fork pull request pattern of docs/action.md). The report is untrusted input:\n"+
			"it is validated strictly and every string in it is escaped. The token comes from GITHUB_TOKEN or GH_TOKEN.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK, nil
		}
		return ExitUsage, usageError{err.Error()}
	}
	switch {
	case fs.NArg() > 0:
		return ExitUsage, usageError{fmt.Sprintf("unexpected arguments %q", fs.Args())}
	case *report == "":
		return ExitUsage, usageError{"--report is required"}
	case *pr <= 0:
		return ExitUsage, usageError{"--pr must be a pull request number"}
	case *sha != "" && !action.IsSHA(*sha):
		return ExitUsage, usageError{fmt.Sprintf("--sha %q is not a full commit id", *sha)}
	}
	if err := oneOf("mode", *mode, "auto", "always"); err != nil {
		return ExitUsage, err
	}
	owner, name, ok := action.SplitRepo(*repo)
	if !ok {
		return ExitUsage, usageError{fmt.Sprintf("--repo %q is not owner/name", *repo)}
	}
	token := os.Getenv("GITHUB_TOKEN")
	if token == "" {
		token = os.Getenv("GH_TOKEN")
	}
	if token == "" {
		return ExitUsage, usageError{"no token: set GITHUB_TOKEN or GH_TOKEN (the job needs pull-requests: write)"}
	}
	f, err := os.Open(*report)
	if err != nil {
		return ExitUsage, usageError{fmt.Sprintf("cannot read the report: %v", err)}
	}
	rep, err := action.ReadUntrustedReport(f)
	f.Close()
	if err != nil {
		return ExitUsage, usageError{fmt.Sprintf("%s: %v", *report, err)}
	}
	client, err := github.New(github.Options{Token: token, APIURL: *apiURL, UserAgent: "rampart-comment/" + Version})
	if err != nil {
		return ExitUsage, usageError{err.Error()}
	}
	ctx, cancel := context.WithTimeout(context.Background(), actionTimeout)
	defer cancel()
	if *sha != "" {
		p, _, err := client.REST.PullRequests.Get(ctx, owner, name, *pr)
		if err != nil {
			return ExitNoAudit, auditError{fmt.Sprintf("cannot read pull request #%d: %v", *pr, err)}
		}
		if p.GetHead().GetSHA() != *sha {
			return ExitNoAudit, auditError{fmt.Sprintf("pull request #%d's head is %s, not %s: the report is for another commit; no comment", *pr, p.GetHead().GetSHA(), *sha)}
		}
	}
	ref := *sha
	if ref == "" && action.IsSHA(rep.Target.Ref) {
		ref = rep.Target.Ref
	}
	rep.Target.Name, rep.Target.Ref = owner+"/"+name, ref
	server := os.Getenv("GITHUB_SERVER_URL")
	if server == "" {
		server = "https://github.com"
	}
	body := action.Body(rep, action.BodyOptions{ServerURL: server, Repository: owner + "/" + name, Ref: ref})
	st := &action.Sticky{REST: client.REST, Owner: owner, Repo: name, Number: *pr}
	up, err := st.Upsert(ctx, body, *mode == "always" || action.Something(rep))
	if err != nil {
		if action.IsForbidden(err) {
			return ExitNoAudit, auditError{fmt.Sprintf("GitHub refused the comment (%v): the job needs permissions: pull-requests: write", err)}
		}
		return ExitNoAudit, auditError{err.Error()}
	}
	fmt.Fprintf(stdout, "rampart: pull request #%d comment %s %s\n", *pr, up.Action, render.TerminalLine(up.URL))
	return ExitOK, nil
}
