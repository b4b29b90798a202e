package org

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	gh "github.com/google/go-github/v93/github"
	"github.com/rampart-sec/rampart/audit"
	"github.com/rampart-sec/rampart/github"
	"github.com/rampart-sec/rampart/render"
)

// Options configure a scan.
type Options struct {
	// Org is the organization or user login.
	Org string
	// Client is the GitHub client; its http.Client (authentication, retries, rate limits)
	// carries the GraphQL queries too. Counter must be the bottom of its transport.
	Client  *github.Client
	Counter *Counter
	Checks  []*audit.Check
	// KnownChecks validates the repositories' config files.
	KnownChecks map[string]bool
	Version     string
	Filters     Filters
	Shard       Shard
	// Settings runs the repository settings checks (branch protection, Actions settings, CODEOWNERS).
	Settings bool
	// ActionChecks runs the checks on used actions (impostor commits, advisories...), sharing
	// one cache across the organization.
	ActionChecks bool
	OutDir       string
	Resume       bool
	SARIF        bool
	// Baseline is an earlier org.json to compare with.
	Baseline string
	// Audit settings passed to the engine.
	MinSeverity   audit.Severity
	MinConfidence audit.Confidence
	Persona       string
	// BatchSize is the first number of repositories per GraphQL query (default 50; it adapts).
	BatchSize int
	// MaxBatch caps it (default 100).
	MaxBatch int
	// TargetAnswerBytes is the answer size the batch size aims for (default 4 MB).
	TargetAnswerBytes int
	// Concurrency bounds GraphQL queries in flight (default 2) and SettingsConcurrency the
	// repositories whose settings are read at once (default 8).
	Concurrency, SettingsConcurrency int
	// RetryDelay is the first wait before a REST or GraphQL call is tried again (default 1s).
	RetryDelay time.Duration
	// MaxRateWait bounds a wait for the GraphQL points' reset (default 15 minutes).
	MaxRateWait time.Duration
	// Progress receives progress lines (nil: none). Terminal makes it a live line.
	Progress         io.Writer
	Terminal         bool
	ProgressInterval time.Duration
	// OnResult is called after each repository's result is recorded, with the count so far (tests).
	OnResult func(done int)
	Now      func() time.Time
}

// Result is what a finished scan wrote.
type Result struct {
	Report *Report
	// Files are the paths written.
	JSONPath, MarkdownPath string
	Markdown               string
}

type scanner struct {
	o   Options
	gql *gqlClient

	batchMu   sync.Mutex
	batchSize int

	orgWFOnce sync.Once
	orgWF     *gh.DefaultWorkflowPermissionOrganization

	actions *github.Actions
	prog    *progress
}

// optionsKey identifies the options that change which repositories a scan selects and how it
// audits them: a checkpoint of other options is not resumed.
func optionsKey(o Options) string {
	v := struct {
		F       Filters
		S, A    bool
		Sev     audit.Severity
		Conf    audit.Confidence
		Persona string
	}{o.Filters, o.Settings, o.ActionChecks, o.MinSeverity, o.MinConfidence, o.Persona}
	b, _ := json.Marshal(v)
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:8])
}

// Scan scans the owner's repositories and writes the outputs under o.OutDir. Interrupted
// (ctx cancelled), it returns ctx's error with every finished repository in the checkpoint.
func Scan(ctx context.Context, o Options) (*Result, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Shard.Count == 0 {
		o.Shard = Shard{Index: 1, Count: 1}
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 50
	}
	if o.MaxBatch <= 0 {
		o.MaxBatch = 100
	}
	o.BatchSize = min(o.BatchSize, o.MaxBatch)
	if o.TargetAnswerBytes <= 0 {
		o.TargetAnswerBytes = 4 << 20
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 2
	}
	if o.SettingsConcurrency <= 0 {
		o.SettingsConcurrency = 8
	}
	if o.RetryDelay <= 0 {
		o.RetryDelay = time.Second
	}
	if o.MaxRateWait <= 0 {
		o.MaxRateWait = 15 * time.Minute
	}
	if o.Counter == nil {
		o.Counter = NewCounter(nil)
	}
	start := o.Now()
	endpoint, err := graphqlEndpoint(o.Client.BaseURL())
	if err != nil {
		return nil, err
	}
	s := &scanner{o: o, batchSize: o.BatchSize,
		gql: &gqlClient{http: o.Client.REST.Client(), endpoint: endpoint, backoff: o.RetryDelay, maxWait: o.MaxRateWait, remaining: -1}}
	if o.ActionChecks {
		s.actions = o.Client.Actions()
	}
	if err := os.MkdirAll(o.OutDir, 0o755); err != nil {
		return nil, fmt.Errorf("cannot create %q: %w", o.OutDir, err)
	}
	if o.SARIF {
		if err := os.MkdirAll(filepath.Join(o.OutDir, "sarif"), 0o755); err != nil {
			return nil, err
		}
	}
	st, err := openStore(filepath.Join(o.OutDir, "checkpoint.jsonl"), o.Resume,
		checkpointHeader{Org: o.Org, Shard: o.Shard, Options: optionsKey(o), Started: start.UTC().Format(time.RFC3339)})
	if err != nil {
		return nil, err
	}
	defer st.close()
	rest0, gql0 := o.Counter.Requests()
	prev := st.prevREQ
	requests := func() APIRequests {
		r, g := o.Counter.Requests()
		return APIRequests{REST: prev.REST + r - rest0, GraphQL: prev.GraphQL + g - gql0}
	}
	s.prog = newProgress(o, func() (int, int) {
		r := requests()
		return r.REST, r.GraphQL
	}, func() int {
		if g := s.gql.Remaining(); g >= 0 {
			return g
		}
		_, g := o.Counter.Remaining()
		return g
	})
	s.prog.start()
	scanErr := s.run(ctx, st)
	s.prog.stop()
	if err := st.writeLine(checkpointLine{Type: "requests", Requests: new(requests())}); err != nil && scanErr == nil {
		scanErr = err
	}
	if scanErr != nil {
		return nil, scanErr
	}
	hdr := Report{Org: o.Org, GeneratedAt: o.Now().UTC().Format(time.RFC3339), Shard: o.Shard}
	hdr.Stats.APIRequests = requests()
	hdr.Stats.DurationMS = o.Now().Sub(start).Milliseconds()
	return finish(o.OutDir, hdr, st, o.Baseline)
}

// finish writes org.json and org.md from a store.
func finish(dir string, hdr Report, st *store, baseline string) (*Result, error) {
	var base *baselineData
	var err error
	if baseline != "" {
		if base, err = loadBaseline(baseline); err != nil {
			return nil, err
		}
	}
	sum, err := summarize(st, base)
	if err != nil {
		return nil, err
	}
	hdr.Schema = Schema
	hdr.Stats.Repositories, hdr.Stats.Scored, hdr.Stats.Failed, hdr.Stats.Skipped = sum.total, sum.scored, sum.failed, sum.skipped
	hdr.Stats.Findings = sum.severities
	if base != nil {
		hdr.History = append(slices.Clone(base.history), HistoryPoint{At: hdr.GeneratedAt, Average: round1(sum.average()), Scored: sum.scored})
	}
	res := &Result{Report: &hdr, JSONPath: filepath.Join(dir, "org.json"), MarkdownPath: filepath.Join(dir, "org.md")}
	if err := writeJSON(res.JSONPath, hdr, st); err != nil {
		return nil, fmt.Errorf("cannot write org.json: %w", err)
	}
	res.Markdown = Dashboard(&hdr, sum, base, 0)
	if err := os.WriteFile(res.MarkdownPath, []byte(res.Markdown), 0o644); err != nil {
		return nil, fmt.Errorf("cannot write org.md: %w", err)
	}
	return res, nil
}

func (s *scanner) run(ctx context.Context, st *store) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	only := onlySet(s.o.Org, s.o.Filters.Only)
	seen := map[string]bool{}
	prior := st.statuses()

	results := make(chan *RepoResult, 64)
	toFetch := make(chan listedRepo, 256)
	toAudit := make(chan fetched, 64)

	// Writer: the only goroutine that touches the store.
	var writeErr error
	done := 0
	var wwg sync.WaitGroup
	wwg.Add(1)
	go func() {
		defer wwg.Done()
		for r := range results {
			if writeErr != nil {
				continue
			}
			if err := st.add(r); err != nil {
				writeErr = err
				cancel()
				continue
			}
			done++
			s.prog.repoDone()
			if s.o.OnResult != nil {
				s.o.OnResult(done)
			}
		}
	}()

	// Auditors.
	var awg sync.WaitGroup
	workers := max(runtime.GOMAXPROCS(0), s.o.SettingsConcurrency)
	if !s.o.Settings {
		workers = runtime.GOMAXPROCS(0)
	}
	for range workers {
		awg.Add(1)
		go func() {
			defer awg.Done()
			for f := range toAudit {
				r := s.audit(ctx, f)
				if ctx.Err() != nil {
					continue // interrupted: not recorded, the resumed scan does it again
				}
				results <- r
			}
		}()
	}

	// Fetchers: batches of repositories, a few GraphQL queries in flight.
	var fwg sync.WaitGroup
	fwg.Add(1)
	go func() {
		defer fwg.Done()
		sem := make(chan struct{}, s.o.Concurrency)
		var bwg sync.WaitGroup
		var batch []listedRepo
		flush := func() {
			if len(batch) == 0 {
				return
			}
			b := batch
			batch = nil
			sem <- struct{}{}
			bwg.Add(1)
			go func() {
				defer func() { <-sem; bwg.Done() }()
				for _, f := range s.fetchBatch(ctx, b) {
					if ctx.Err() != nil {
						return
					}
					toAudit <- f
				}
			}()
		}
		for r := range toFetch {
			batch = append(batch, r)
			if len(batch) >= s.size() {
				flush()
			}
		}
		flush()
		bwg.Wait()
	}()

	// Lister.
	listErr := s.list(ctx, func(total int, repos []listedRepo) error {
		if only == nil {
			s.prog.setTotal(shardEstimate(total, s.o.Shard))
		}
		for _, r := range repos {
			key := strings.ToLower(r.FullName)
			if seen[key] {
				continue
			}
			seen[key] = true
			sel, why := s.o.Filters.selected(r, only)
			if !sel || !s.o.Shard.Owns(r.FullName) {
				continue
			}
			s.prog.addListed()
			if status := prior[key]; status == StatusScored || status == StatusSkipped {
				s.prog.repoDone()
				continue
			}
			if why != "" {
				results <- &RepoResult{Name: r.FullName, Status: StatusSkipped, Reason: why, Ref: r.DefaultBranch, Visibility: r.Visibility}
				continue
			}
			select {
			case toFetch <- r:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	})
	if listErr == nil && only != nil {
		var missing []string
		for n := range only {
			if !seen[n] {
				missing = append(missing, n)
			}
		}
		slices.Sort(missing)
		for _, n := range missing {
			if !s.o.Shard.Owns(n) {
				continue
			}
			s.prog.addListed()
			results <- &RepoResult{Name: n, Status: StatusFailed, Reason: fmt.Sprintf("not found among the repositories of %q (--repos-from)", s.o.Org)}
		}
	}
	close(toFetch)
	fwg.Wait()
	close(toAudit)
	awg.Wait()
	close(results)
	wwg.Wait()
	if ctx.Err() != nil {
		if err := context.Cause(ctx); writeErr == nil && err != nil {
			return fmt.Errorf("scan interrupted: %w; run again with --resume to continue", err)
		}
	}
	if writeErr != nil {
		return fmt.Errorf("cannot write the checkpoint: %w", writeErr)
	}
	if listErr != nil {
		return listErr
	}
	return nil
}

func shardEstimate(total int, sh Shard) int {
	if sh.Count <= 1 {
		return total
	}
	return (total + sh.Count - 1) / sh.Count
}

func (s *scanner) size() int {
	s.batchMu.Lock()
	defer s.batchMu.Unlock()
	return s.batchSize
}

// shrink halves the batch size after GitHub found a batch of n too large.
func (s *scanner) shrink(n int) {
	s.batchMu.Lock()
	defer s.batchMu.Unlock()
	s.batchSize = max(1, min(s.batchSize, n/2))
}

// grow adapts the batch size to aim at the target answer size.
func (s *scanner) grow(n, bytes int) {
	if n == 0 || bytes == 0 {
		return
	}
	s.batchMu.Lock()
	defer s.batchMu.Unlock()
	per := max(bytes/n, 1)
	want := s.o.TargetAnswerBytes / per
	// Move halfway at most, to damp swings between small and large repositories.
	next := (s.batchSize + want) / 2
	s.batchSize = max(1, min(s.o.MaxBatch, next, s.batchSize*2))
}

// audit runs the checks over a fetched repository and returns its result.
func (s *scanner) audit(ctx context.Context, f fetched) *RepoResult {
	r := &RepoResult{Name: f.repo.FullName, Ref: f.repo.DefaultBranch, Visibility: f.repo.Visibility}
	if f.err != nil {
		r.Status, r.Reason = StatusFailed, f.err.Error()
		return r
	}
	t := f.target
	r.Files = len(t.Files)
	if len(t.Files) == 0 && len(t.Errors) == 0 && !s.o.Settings {
		r.Status, r.Reason = StatusSkipped, "no workflow, action.yml, Dockerfile or dependabot.yml on the default branch"
		return r
	}
	online, why := s.o.Settings || s.o.ActionChecks, "not requested: rampart org runs API-backed checks only with --settings or --action-checks"
	var rs audit.RepoSettings
	if f.set != nil {
		rs = &repoSettings{s: s, repo: f.repo, d: f.set}
	}
	var ar audit.ActionRepos
	if s.actions != nil {
		ar = s.actions
	}
	eng := &audit.Engine{Checks: s.o.Checks, Version: s.o.Version}
	res := eng.Audit([]*audit.Target{t}, audit.AuditOptions{MinSeverity: s.o.MinSeverity, MinConfidence: s.o.MinConfidence,
		Online: online, OfflineReason: why, Now: s.o.Now(), Persona: s.o.Persona,
		OnlineFor: func(*audit.Target) *audit.Online {
			return &audit.Online{Repo: rs, Actions: ar, Timeout: 5 * time.Minute}
		}})
	rep := res.Report
	rep.Target = audit.TargetInfo{Kind: "repo", Name: f.repo.FullName, Ref: f.repo.DefaultBranch}
	if ctx.Err() != nil {
		return r
	}
	if res.Failed && hasSettingsFailure(rep) {
		r.Status, r.Reason = StatusFailed, "a check could not read the settings: "+firstCheckError(rep)
		r.Errors = rep.Errors
		return r
	}
	score := rep.Score
	r.Status, r.Score, r.Grade = StatusScored, &score, rep.Grade
	r.Findings, r.Errors, r.Skipped = rep.Findings, rep.Errors, rep.Skipped
	if s.o.SARIF {
		var buf bytes.Buffer
		if err := render.Write(&buf, "sarif", rep, render.Options{Checks: s.o.Checks}); err == nil {
			if err := os.WriteFile(filepath.Join(s.o.OutDir, sarifName(f.repo.FullName)), buf.Bytes(), 0o644); err != nil {
				r.Errors = append(r.Errors, audit.FileError{Message: "cannot write the SARIF file: " + err.Error()})
			}
		}
	}
	return r
}

// hasSettingsFailure tells whether a check failed on an API error (worth a retry on resume)
// rather than on a bug that a retry would not cure.
func hasSettingsFailure(rep *audit.Report) bool {
	for _, e := range rep.Errors {
		if strings.HasPrefix(e.Message, "check ") && strings.Contains(e.Message, "cannot read") {
			return true
		}
	}
	return false
}

func firstCheckError(rep *audit.Report) string {
	for _, e := range rep.Errors {
		if strings.HasPrefix(e.Message, "check ") {
			return e.Message
		}
	}
	return "unknown"
}
