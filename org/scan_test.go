package org

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rampart-sec/rampart/checks"
	"github.com/rampart-sec/rampart/github"
	"github.com/rampart-sec/rampart/org/orgtest"
)

// testScan runs a scan of the fake into dir.
func testScan(t testing.TB, ctx context.Context, fake *orgtest.Server, dir string, mod func(*Options)) (*Result, *Counter, error) {
	t.Helper()
	counter := NewCounter(nil)
	c, err := github.New(github.Options{Token: "test-token", BaseURL: fake.BaseURL(), Transport: counter,
		MaxRetries: 3, RetryDelay: 5 * time.Millisecond, RequestTimeout: 2 * time.Second, MaxRateWait: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	o := Options{Org: fake.Org(), Client: c, Counter: counter, Checks: checks.All(), KnownChecks: checks.IDs(),
		OutDir: dir, MinSeverity: audit.Info, MinConfidence: audit.MediumConfidence, Persona: "regular",
		RetryDelay: 5 * time.Millisecond, Now: func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) }}
	if mod != nil {
		mod(&o)
	}
	res, err := Scan(ctx, o)
	return res, counter, err
}

// normalized reads an org.json without its timing and request-count fields.
func normalized(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	delete(v, "generated_at")
	st := v["stats"].(map[string]any)
	delete(st, "duration_ms")
	delete(st, "api_requests")
	out, _ := json.MarshalIndent(v, "", " ")
	return out
}

// firstDiff shows where two reports part.
func firstDiff(a, b []byte) string {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return fmt.Sprintf("line %d:\n- %s\n+ %s\n+ %s", i+1, truncate(la[i], 400), truncate(lb[i], 400), truncate(strings.Join(lb[i+1:min(len(lb), i+8)], "\n"), 1500))
		}
	}
	return fmt.Sprintf("lengths %d and %d lines", len(la), len(lb))
}

func loadRepos(t testing.TB, path string) []RepoResult {
	t.Helper()
	var out []RepoResult
	if _, err := readReport(path, func(r *RepoResult) error { out = append(out, *r); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

// checkComplete asserts every repository of the fake appears exactly once, none failed.
func checkComplete(t *testing.T, fake *orgtest.Server, n int, repos []RepoResult) {
	t.Helper()
	seen := map[string]int{}
	for _, r := range repos {
		seen[r.Name]++
		if r.Status == StatusFailed {
			t.Errorf("%s failed: %s", r.Name, r.Reason)
		}
		if r.Status != StatusScored && r.Reason == "" {
			t.Errorf("%s is %s without a reason", r.Name, r.Status)
		}
	}
	if len(seen) != n || len(repos) != n {
		t.Fatalf("%d repositories in the report (%d distinct), want %d", len(repos), len(seen), n)
	}
	for name, c := range seen {
		if c != 1 {
			t.Errorf("%s appears %d times", name, c)
		}
	}
}

const smallOrg = 240

func TestScanSmallOrg(t *testing.T) {
	fake := orgtest.New(orgtest.Options{Repos: smallOrg})
	defer fake.Close()
	dir := t.TempDir()
	res, counter, err := testScan(t, context.Background(), fake, dir, func(o *Options) { o.SARIF = true })
	if err != nil {
		t.Fatal(err)
	}
	repos := loadRepos(t, res.JSONPath)
	checkComplete(t, fake, smallOrg, repos)
	rest, gql := counter.Requests()
	perRepo := float64(gql) / smallOrg
	t.Logf("GraphQL %d, REST %d requests for %d repositories (%.3f GraphQL a repository); max nodes %d, max cost %d",
		gql, rest, smallOrg, perRepo, fake.MaxNodes.Load(), fake.MaxCost.Load())
	if perRepo > 0.05 {
		t.Errorf("%.3f GraphQL requests a repository, want <= 0.05", perRepo)
	}
	if rest == 0 {
		t.Errorf("no REST request: the truncated and binary blobs were not read through REST")
	}
	byName := map[string]RepoResult{}
	for _, r := range repos {
		byName[r.Name] = r
	}
	for i := range smallOrg {
		rp := fake.Repo(i)
		r := byName["acme/"+rp.Name]
		switch {
		case rp.Archived:
			if r.Status != StatusSkipped || !strings.Contains(r.Reason, "archived") {
				t.Errorf("%s archived: %s %q", rp.Name, r.Status, r.Reason)
			}
		case rp.Fork:
			if r.Status != StatusSkipped || !strings.Contains(r.Reason, "fork") {
				t.Errorf("%s fork: %s %q", rp.Name, r.Status, r.Reason)
			}
		case rp.Empty:
			if r.Status != StatusSkipped {
				t.Errorf("%s empty: %s", rp.Name, r.Status)
			}
		case r.Status == StatusScored:
			want := 0
			for p := range rp.Files {
				if strings.HasPrefix(p, ".github/workflows/") && strings.HasSuffix(p, ".yml") || p == "Dockerfile" || p == ".github/dependabot.yml" ||
					strings.HasSuffix(p, "action.yml") || strings.HasPrefix(p, ".github/workflows/") && strings.HasSuffix(p, ".yaml") {
					want++
				}
			}
			if r.Files+countNotAudited(r) != want {
				t.Errorf("%s: %d files audited (+%d not), want %d", rp.Name, r.Files, countNotAudited(r), want)
			}
			if _, err := os.Stat(filepath.Join(dir, sarifName(r.Name))); err != nil {
				t.Errorf("%s: no SARIF file: %v", rp.Name, err)
			}
		}
	}
	md, _ := os.ReadFile(res.MarkdownPath)
	for _, want := range []string{Marker, "```mermaid\nxychart-beta", "Repositories, worst first", "Most common hazards"} {
		if !bytes.Contains(md, []byte(want)) {
			t.Errorf("org.md lacks %q", want)
		}
	}
}

func countNotAudited(r RepoResult) int {
	seen := map[string]bool{}
	for _, e := range r.Errors {
		if e.File != "" && strings.HasPrefix(e.Message, "not audited") {
			seen[e.File] = true
		}
	}
	return len(seen)
}

// TestScanSurvivesFaults: with 20% of requests failing in every way GitHub fails, the scan
// finishes and its report equals a run without faults.
func TestScanSurvivesFaults(t *testing.T) {
	clean := orgtest.New(orgtest.Options{Repos: smallOrg})
	defer clean.Close()
	want, _, err := testScan(t, context.Background(), clean, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	faulty := orgtest.New(orgtest.Options{Repos: smallOrg, FaultRate: 0.2, Seed: 7, RetryAfter: 0, Hang: 2 * time.Second})
	defer faulty.Close()
	got, _, err := testScan(t, context.Background(), faulty, t.TempDir(), func(o *Options) { o.BatchSize = 25 })
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d faults injected over %d GraphQL and %d REST requests", faulty.Faults.Load(), faulty.GraphQLRequests.Load(), faulty.RESTRequests.Load())
	if faulty.Faults.Load() == 0 {
		t.Fatal("no fault was injected")
	}
	checkComplete(t, faulty, smallOrg, loadRepos(t, got.JSONPath))
	if a, b := normalized(t, want.JSONPath), normalized(t, got.JSONPath); !bytes.Equal(a, b) {
		t.Errorf("the report under faults differs from the clean one: %s", firstDiff(a, b))
	}
}

// TestResumeAfterKill: a scan cancelled midway resumes from its checkpoint, and the result
// equals an uninterrupted run.
func TestResumeAfterKill(t *testing.T) {
	fake := orgtest.New(orgtest.Options{Repos: smallOrg})
	defer fake.Close()
	want, _, err := testScan(t, context.Background(), fake, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	_, _, err = testScan(t, ctx, fake, dir, func(o *Options) {
		o.BatchSize = 20
		o.OnResult = func(n int) {
			if n == 100 {
				cancel()
			}
		}
	})
	cancel()
	if err == nil || !errors.Is(err, context.Canceled) && !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("interrupted scan: err = %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "org.json")); err == nil {
		t.Fatal("an interrupted scan wrote org.json")
	}
	var resumedFrom int
	got, _, err := testScan(t, context.Background(), fake, dir, func(o *Options) {
		o.Resume = true
		o.OnResult = func(n int) {
			if n == 1 {
				resumedFrom = n
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	st, _ := openStore(filepath.Join(dir, "checkpoint.jsonl"), true, checkpointHeader{Org: "acme", Shard: Shard{1, 1}, Options: optionsKey(Options{})})
	if st != nil {
		st.close()
	}
	_ = resumedFrom
	checkComplete(t, fake, smallOrg, loadRepos(t, got.JSONPath))
	if a, b := normalized(t, want.JSONPath), normalized(t, got.JSONPath); !bytes.Equal(a, b) {
		t.Errorf("the resumed report differs from an uninterrupted one: %s", firstDiff(a, b))
	}
}

// TestShardsMergeEqualsSingle: four shards merged equal one scan of the whole organization.
func TestShardsMergeEqualsSingle(t *testing.T) {
	fake := orgtest.New(orgtest.Options{Repos: smallOrg})
	defer fake.Close()
	whole, _, err := testScan(t, context.Background(), fake, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	total := 0
	for i := 1; i <= 4; i++ {
		d := t.TempDir()
		res, _, err := testScan(t, context.Background(), fake, d, func(o *Options) { o.Shard = Shard{Index: i, Count: 4} })
		if err != nil {
			t.Fatal(err)
		}
		total += res.Report.Stats.Repositories
		dirs = append(dirs, d)
	}
	if total != smallOrg {
		t.Fatalf("the shards hold %d repositories, want %d", total, smallOrg)
	}
	out := t.TempDir()
	merged, err := Merge(dirs, out, "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if a, b := normalized(t, whole.JSONPath), normalized(t, merged.JSONPath); !bytes.Equal(a, b) {
		t.Errorf("the merged report differs from the single-process one: %s", firstDiff(a, b))
	}
	if _, err := Merge(dirs[:3], t.TempDir(), "", time.Now()); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("merging 3 of 4 shards: err = %v", err)
	}
	if _, err := Merge(append(dirs, dirs[0]), t.TempDir(), "", time.Now()); err == nil {
		t.Errorf("merging a shard twice succeeded")
	}
}

func TestShardIsStable(t *testing.T) {
	sh, err := ParseShard("2/4")
	if err != nil {
		t.Fatal(err)
	}
	if sh.Owns("Acme/App") != sh.Owns("acme/app") {
		t.Error("the shard of a name depends on its case")
	}
	for _, bad := range []string{"0/4", "5/4", "1/0", "x", "1/4/2", "01/4"} {
		if _, err := ParseShard(bad); err == nil {
			t.Errorf("ParseShard(%q) accepted", bad)
		}
	}
}

func TestFilters(t *testing.T) {
	fake := orgtest.New(orgtest.Options{Repos: 60})
	defer fake.Close()
	list := filepath.Join(t.TempDir(), "repos.txt")
	os.WriteFile(list, []byte("# a comment\nrepo-00003\nacme/repo-00004\nrepo-99999\n"), 0o644)
	cases := []struct {
		name string
		f    Filters
		want func(*orgtest.Repo) bool
		// extra repositories listed as failed (--repos-from names that do not exist)
		missing int
	}{
		{"visibility", Filters{Visibility: "internal"}, func(r *orgtest.Repo) bool { return r.Visibility == "INTERNAL" }, 0},
		{"topic", Filters{Topics: []string{"team-b"}}, func(r *orgtest.Repo) bool { return r.Index%5 == 1 }, 0},
		{"exclude", Filters{Exclude: []string{"repo-0000*", "acme/repo-0001?"}}, func(r *orgtest.Repo) bool { return r.Index >= 20 }, 0},
		{"repos-from", Filters{Only: []string{"repo-00003", "acme/repo-00004", "repo-99999"}}, func(r *orgtest.Repo) bool { return r.Index == 3 || r.Index == 4 }, 1},
		{"include", Filters{IncludeArchived: true, IncludeForks: true}, func(*orgtest.Repo) bool { return true }, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, _, err := testScan(t, context.Background(), fake, t.TempDir(), func(o *Options) { o.Filters = c.f })
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]RepoResult{}
			for _, r := range loadRepos(t, res.JSONPath) {
				got[r.Name] = r
			}
			n := 0
			for i := range 60 {
				rp := fake.Repo(i)
				r, ok := got["acme/"+rp.Name]
				if c.want(rp) != ok {
					t.Errorf("%s selected = %v, want %v", rp.Name, ok, c.want(rp))
				}
				if ok {
					n++
					if c.f.IncludeArchived && rp.Archived && strings.Contains(r.Reason, "archived") {
						t.Errorf("%s archived with --include-archived: %s %s", rp.Name, r.Status, r.Reason)
					}
				}
			}
			if len(got) != n+c.missing {
				t.Errorf("%d repositories, want %d", len(got), n+c.missing)
			}
		})
	}
}

// TestSettingsBudget: with --settings the settings checks run on batched GraphQL answers and a
// few REST requests each, within 3 requests a repository in all.
func TestSettingsBudget(t *testing.T) {
	const n = 200
	fake := orgtest.New(orgtest.Options{Repos: n})
	defer fake.Close()
	res, counter, err := testScan(t, context.Background(), fake, t.TempDir(), func(o *Options) { o.Settings = true })
	if err != nil {
		t.Fatal(err)
	}
	repos := loadRepos(t, res.JSONPath)
	checkComplete(t, fake, n, repos)
	rest, gql := counter.Requests()
	per := float64(rest+gql) / n
	t.Logf("settings: %d REST + %d GraphQL = %.2f requests a repository", rest, gql, per)
	if per > 3 {
		t.Errorf("%.2f requests a repository with --settings, want <= 3", per)
	}
	found := map[string]bool{}
	for _, r := range repos {
		for _, f := range r.Findings {
			found[f.Check] = true
		}
		for _, s := range r.Skipped {
			if s.Check == "branch-protection" && r.Status == StatusScored {
				t.Errorf("%s: branch-protection skipped: %s", r.Name, s.Reason)
			}
		}
	}
	for _, id := range []string{"branch-protection", "workflow-token-default"} {
		if !found[id] {
			t.Errorf("no %s finding with --settings", id)
		}
	}
}

func TestDashboardIssueIsSticky(t *testing.T) {
	fake := orgtest.New(orgtest.Options{Repos: 100})
	defer fake.Close()
	res, _, err := testScan(t, context.Background(), fake, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := github.New(github.Options{Token: "t", BaseURL: fake.BaseURL()})
	body, err := DashboardBody(res.JSONPath, res.JSONPath)
	if err != nil {
		t.Fatal(err)
	}
	if len([]rune(body)) > IssueBodyLimit {
		t.Fatalf("dashboard of %d characters", len([]rune(body)))
	}
	for range 2 {
		if _, err := UpsertDashboard(context.Background(), c, "acme/security", body+"x"); err != nil {
			t.Fatal(err)
		}
	}
	if is := fake.Issues(); len(is) != 1 || !strings.Contains(is[0].Body, Marker) {
		t.Fatalf("issues after two upserts: %d", len(is))
	}
	if !strings.Contains(body, "Score trend") {
		t.Error("a dashboard with a baseline has no score trend")
	}
}

func TestDashboardEscapesAndFits(t *testing.T) {
	sum := newSummary()
	evil := "acme/<img src=x onerror=alert(1)>@admin#1 [x](https://evil)|"
	for i := range 3000 {
		score := i % 100
		sum.add(&RepoResult{Name: evil + strings.Repeat("x", i%7), Status: StatusScored, Score: &score, Grade: audit.Grade(score),
			Findings: []audit.Finding{{Check: "template-injection", Severity: audit.Critical, File: "a`b.yml", Line: 3,
				Message: "uses `${{ github.event.issue.title }}` <script>"}}})
	}
	sum.add(&RepoResult{Name: evil, Status: StatusFailed, Reason: "boom <b>|"})
	rep := &Report{Org: "acme", GeneratedAt: "2026-03-01T00:00:00Z", Shard: Shard{1, 1}}
	md := Dashboard(rep, sum, nil, IssueBodyLimit-1000)
	if n := len([]rune(md)); n > IssueBodyLimit {
		t.Fatalf("dashboard of %d characters, over the limit", n)
	}
	for _, bad := range []string{"<img", "<script>", "@admin", "](https://", "<b>"} {
		if strings.Contains(md, bad) {
			t.Errorf("dashboard contains %q unescaped", bad)
		}
	}
	if !strings.Contains(md, "more repositories") {
		t.Error("a cut table does not say so")
	}
}
