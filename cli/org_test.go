package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rampart-sec/rampart/org"
	"github.com/rampart-sec/rampart/org/orgtest"
)

// orgToken is a recognisable fake token: no output of rampart may contain it.
const orgToken = "ghp_RAMPARTorgTESTtoken7Qz9XkWv31bN0pLs"

const orgRepos = 60

// orgProxy stands between rampart and the fake GitHub of org/orgtest: it checks the token
// arrives (and only in the Authorization header), records the GraphQL queries, and fails the
// queries that fail says to fail.
type orgProxy struct {
	*httptest.Server
	t    *testing.T
	mu   sync.Mutex
	fail func(query string) bool
	// queries are the GraphQL queries received since the last reset.
	queries []string
	authed  int
}

func newOrgProxy(t *testing.T, fake *orgtest.Server) *orgProxy {
	t.Helper()
	target, err := url.Parse(fake.URL)
	if err != nil {
		t.Fatal(err)
	}
	p := &orgProxy{t: t}
	rp := httputil.NewSingleHostReverseProxy(target)
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		if auth != "Bearer "+orgToken && auth != "token "+orgToken {
			t.Errorf("%s %s: Authorization %q, want the token", r.Method, r.URL.Path, auth)
		}
		if strings.Contains(r.URL.String(), orgToken) {
			t.Errorf("the token is in the URL of %s %s", r.Method, r.URL.Path)
		}
		if r.URL.Path == "/graphql" {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			var q struct {
				Query string `json:"query"`
			}
			_ = json.Unmarshal(body, &q)
			p.mu.Lock()
			p.queries = append(p.queries, q.Query)
			p.authed++
			fail := p.fail
			p.mu.Unlock()
			if fail != nil && fail(q.Query) {
				// What GitHub answers when a query runs too long: rampart splits the batch
				// down to the one repository that keeps failing.
				w.Header().Set("Content-Type", "application/json")
				io.WriteString(w, `{"data": null, "errors": [{"message": "Something went wrong while executing your query. This may be the result of a timeout, or it could be a GitHub bug."}]}`)
				return
			}
		} else {
			p.mu.Lock()
			p.authed++
			p.mu.Unlock()
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(p.Close)
	return p
}

func (p *orgProxy) setFail(f func(string) bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.fail, p.queries = f, nil
}

func (p *orgProxy) seen() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.queries...)
}

// orgEnv points the CLI at base with the recognisable token, and nothing else.
func orgEnv(t *testing.T, base string) {
	t.Setenv("GITHUB_TOKEN", orgToken)
	t.Setenv("GH_TOKEN", "")
	t.Setenv("GITHUB_API_URL", "")
	t.Setenv("RAMPART_API_BASE_URL", base)
}

// orgRun is one run of the command line.
type orgRun struct {
	args           []string
	code           int
	stdout, stderr string
}

// outputs collects every run's output, and the directories written, for the token check.
type outputs struct {
	runs []orgRun
	dirs []string
}

func (o *outputs) run(t *testing.T, args ...string) orgRun {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(append([]string{"rampart"}, args...), nil, &out, &errb)
	r := orgRun{args: args, code: code, stdout: out.String(), stderr: errb.String()}
	o.runs = append(o.runs, r)
	return r
}

func (o *outputs) dir(t *testing.T) string {
	d := t.TempDir()
	o.dirs = append(o.dirs, d)
	return d
}

// noToken fails when the token is anywhere in what rampart printed or wrote; wrote says files
// are expected.
func (o *outputs) noToken(t *testing.T, wrote bool) {
	t.Helper()
	files := 0
	for _, r := range o.runs {
		for name, s := range map[string]string{"stdout": r.stdout, "stderr": r.stderr} {
			if strings.Contains(s, orgToken) || strings.Contains(s, orgToken[4:]) {
				t.Errorf("rampart %v: the token is in %s", r.args, name)
			}
		}
	}
	for _, d := range o.dirs {
		err := filepath.WalkDir(d, func(p string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			files++
			if bytes.Contains(b, []byte(orgToken)) || bytes.Contains(b, []byte(orgToken[4:])) {
				t.Errorf("the token is in %s", p)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if wrote && files == 0 {
		t.Error("no file written to check for the token")
	}
}

func readOrgReport(t *testing.T, dir string) *org.Report {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "org.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep org.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatalf("org.json: %v", err)
	}
	if rep.Schema != "rampart/org/v1" {
		t.Errorf("schema %q", rep.Schema)
	}
	return &rep
}

// normalizedOrg is an org.json without what differs from run to run: the time it was written,
// the scan's duration and the requests it took (retries, and the listing each shard repeats).
func normalizedOrg(t *testing.T, dir string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "org.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	delete(v, "generated_at")
	st := v["stats"].(map[string]any)
	delete(st, "duration_ms")
	delete(st, "api_requests")
	out, _ := json.MarshalIndent(v, "", " ")
	return out
}

func firstDifference(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d: %q vs %q", i+1, al[i], bl[i])
		}
	}
	return fmt.Sprintf("%d lines vs %d", len(al), len(bl))
}

// checkAccounted asserts every repository of the fake is in the report exactly once, with a
// reason unless scored, archived ones and forks skipped as such, and stats that add up; it
// returns the failed ones.
func checkAccounted(t *testing.T, fake *orgtest.Server, rep *org.Report) (failed []string) {
	t.Helper()
	got := map[string]org.RepoResult{}
	for _, r := range rep.Repositories {
		if _, dup := got[r.Name]; dup {
			t.Errorf("%s is in org.json twice", r.Name)
		}
		got[r.Name] = r
	}
	counts := map[string]int{}
	for i := range orgRepos {
		rp := fake.Repo(i)
		name := fake.Org() + "/" + rp.Name
		r, ok := got[name]
		if !ok {
			t.Errorf("%s is missing from org.json", name)
			continue
		}
		delete(got, name)
		counts[r.Status]++
		switch r.Status {
		case org.StatusScored:
			if r.Score == nil || r.Grade == "" || r.Reason != "" {
				t.Errorf("%s scored without a score or grade, or with a reason: %+v", name, r)
			}
		case org.StatusSkipped, org.StatusFailed:
			if r.Reason == "" || r.Score != nil {
				t.Errorf("%s %s without a reason, or with a score", name, r.Status)
			}
			if r.Status == org.StatusFailed {
				failed = append(failed, name)
			}
		default:
			t.Errorf("%s: status %q", name, r.Status)
		}
		switch {
		case rp.Archived:
			if r.Status != org.StatusSkipped || !strings.Contains(r.Reason, "archived") {
				t.Errorf("%s is archived: %s (%s), want skipped as archived", name, r.Status, r.Reason)
			}
		case rp.Fork:
			if r.Status != org.StatusSkipped || !strings.Contains(r.Reason, "fork") {
				t.Errorf("%s is a fork: %s (%s), want skipped as a fork", name, r.Status, r.Reason)
			}
		}
	}
	for name := range got {
		t.Errorf("org.json lists %s, which the organization does not have", name)
	}
	st := rep.Stats
	if st.Repositories != orgRepos || st.Scored != counts[org.StatusScored] || st.Skipped != counts[org.StatusSkipped] || st.Failed != counts[org.StatusFailed] {
		t.Errorf("stats %d repositories (%d scored, %d skipped, %d failed), counted %v of %d", st.Repositories, st.Scored, st.Skipped, st.Failed, counts, orgRepos)
	}
	return failed
}

var gradeBars = regexp.MustCompile(`(?m)^    bar \[([0-9, ]+)\]$`)

// checkDashboard asserts org.md opens, after its title and summary, with the Mermaid chart of
// the grades, whose bars are the grades of org.json.
func checkDashboard(t *testing.T, dir string, rep *org.Report) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "org.md"))
	if err != nil {
		t.Fatal(err)
	}
	md := string(b)
	i := strings.Index(md, "\n## ")
	if i < 0 {
		t.Fatalf("org.md has no section:\n%s", md)
	}
	if first := md[i+1:]; !strings.HasPrefix(first, "## Grades\n\n```mermaid\nxychart-beta\n") {
		t.Fatalf("org.md does not open with the grade chart:\n%.400s", first)
	}
	head := md[:i]
	if !strings.Contains(head, "# rampart org report: acme") || !strings.Contains(head, fmt.Sprintf("%d repositories", orgRepos)) {
		t.Errorf("org.md's title and summary: %q", head)
	}
	m := gradeBars.FindStringSubmatch(md)
	if m == nil {
		t.Fatal("the grade chart has no bars")
	}
	grades := map[string]int{}
	for _, r := range rep.Repositories {
		if r.Status == org.StatusScored {
			grades[r.Grade]++
		}
	}
	var want []string
	for _, g := range []string{"A", "B", "C", "D", "F"} {
		want = append(want, strconv.Itoa(grades[g]))
	}
	if m[1] != strings.Join(want, ", ") {
		t.Errorf("grade bars [%s], org.json's grades [%s]", m[1], strings.Join(want, ", "))
	}
}

// eligible is the first n repositories of the fake that are scanned (not archived, not a fork,
// not empty, with files).
func eligible(fake *orgtest.Server, n int) []string {
	var out []string
	for i := 0; i < orgRepos && len(out) < n; i++ {
		if rp := fake.Repo(i); !rp.Archived && !rp.Fork && !rp.Empty && len(rp.Files) > 0 {
			out = append(out, rp.Name)
		}
	}
	return out
}

func mentions(query, name string) bool { return strings.Contains(query, `name: "`+name+`"`) }

// TestOrgCommand runs rampart org and merge end to end against the fake organization: a whole
// scan, two shards merged, a scan failed in part by faults and resumed; no output holds the token.
func TestOrgCommand(t *testing.T) {
	fake := orgtest.New(orgtest.Options{Repos: orgRepos})
	defer fake.Close()
	archived, forks := 0, 0
	for i := range orgRepos {
		if fake.Repo(i).Archived {
			archived++
		} else if fake.Repo(i).Fork {
			forks++
		}
	}
	if archived == 0 || forks == 0 {
		t.Fatalf("the fake organization has %d archived repositories and %d forks; the test needs both", archived, forks)
	}
	proxy := newOrgProxy(t, fake)
	orgEnv(t, proxy.URL+"/")
	var o outputs

	// A whole scan.
	whole := o.dir(t)
	r := o.run(t, "org", "acme", "--out", whole)
	if r.code != ExitOK {
		t.Fatalf("rampart org: exit %d\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, fmt.Sprintf("rampart org acme: %d repositories", orgRepos)) {
		t.Errorf("no summary line on stderr:\n%s", r.stderr)
	}
	rep := readOrgReport(t, whole)
	if failed := checkAccounted(t, fake, rep); len(failed) > 0 {
		t.Errorf("repositories failed on a healthy fake: %v", failed)
	}
	if rep.Stats.Scored == 0 || rep.Stats.APIRequests.GraphQL == 0 {
		t.Errorf("stats %+v: nothing scored, or no GraphQL request counted", rep.Stats)
	}
	if rep.Stats.Skipped < archived+forks {
		t.Errorf("%d skipped, want at least the %d archived and %d forks", rep.Stats.Skipped, archived, forks)
	}
	checkDashboard(t, whole, rep)

	// Two shards, merged, equal the whole scan.
	var shardDirs []string
	shardTotal := 0
	for i := 1; i <= 2; i++ {
		d := o.dir(t)
		shardDirs = append(shardDirs, d)
		r := o.run(t, "org", "acme", "--shard", fmt.Sprintf("%d/2", i), "--out", d)
		if r.code != ExitOK {
			t.Fatalf("shard %d/2: exit %d\n%s", i, r.code, r.stderr)
		}
		srep := readOrgReport(t, d)
		if srep.Shard.Index != i || srep.Shard.Count != 2 {
			t.Errorf("shard %d/2 says it is shard %+v", i, srep.Shard)
		}
		if len(srep.Repositories) == 0 || len(srep.Repositories) == orgRepos {
			t.Errorf("shard %d/2 holds %d of %d repositories", i, len(srep.Repositories), orgRepos)
		}
		shardTotal += len(srep.Repositories)
	}
	if shardTotal != orgRepos {
		t.Errorf("the shards hold %d repositories, want %d", shardTotal, orgRepos)
	}
	merged := o.dir(t)
	r = o.run(t, append([]string{"merge"}, append(shardDirs, "--out", merged)...)...)
	if r.code != ExitOK {
		t.Fatalf("rampart merge: exit %d\n%s", r.code, r.stderr)
	}
	mrep := readOrgReport(t, merged)
	checkAccounted(t, fake, mrep)
	checkDashboard(t, merged, mrep)
	if a, b := normalizedOrg(t, whole), normalizedOrg(t, merged); !bytes.Equal(a, b) {
		t.Errorf("the merged shards differ from the whole scan: %s", firstDifference(a, b))
	}
	if r := o.run(t, "merge", shardDirs[0], "--out", o.dir(t)); r.code != ExitNoAudit || !strings.Contains(r.stderr, "missing") {
		t.Errorf("merging one shard of two: exit %d, %q; want 3 naming the missing shard", r.code, r.stderr)
	}

	// A scan where two repositories' files cannot be read fails them (exit 3, listed with the
	// reason); --resume retries only those and ends equal to the whole scan.
	bad := eligible(fake, 2)
	proxy.setFail(func(q string) bool {
		return strings.Contains(q, "BatchFiles") && (mentions(q, bad[0]) || mentions(q, bad[1]))
	})
	faulty := o.dir(t)
	r = o.run(t, "org", "acme", "--out", faulty, "--batch-size", "10")
	if r.code != ExitNoAudit || !strings.Contains(r.stderr, "2 repositories could not be scanned") || !strings.Contains(r.stderr, "--resume") {
		t.Fatalf("scan with faults: exit %d, want 3 saying 2 repositories failed and to --resume\n%s", r.code, r.stderr)
	}
	frep := readOrgReport(t, faulty)
	failed := checkAccounted(t, fake, frep)
	if want := []string{"acme/" + bad[0], "acme/" + bad[1]}; fmt.Sprint(failed) != fmt.Sprint(want) {
		t.Errorf("failed %v, want %v", failed, want)
	}
	for _, rr := range frep.Repositories {
		if rr.Status == org.StatusFailed && !strings.Contains(rr.Reason, "cannot read the files") {
			t.Errorf("%s failed with reason %q", rr.Name, rr.Reason)
		}
	}
	proxy.setFail(nil)
	r = o.run(t, "org", "acme", "--out", faulty, "--resume")
	if r.code != ExitOK {
		t.Fatalf("--resume: exit %d\n%s", r.code, r.stderr)
	}
	var fileQueries int
	for _, q := range proxy.seen() {
		if !strings.Contains(q, "BatchFiles") {
			continue
		}
		fileQueries++
		for _, rr := range rep.Repositories {
			short := strings.TrimPrefix(rr.Name, "acme/")
			if short != bad[0] && short != bad[1] && mentions(q, short) {
				t.Errorf("--resume read %s again, which the interrupted scan had finished", rr.Name)
			}
		}
	}
	if fileQueries == 0 {
		t.Error("--resume read no files: the failed repositories were not retried")
	}
	rrep := readOrgReport(t, faulty)
	if failed := checkAccounted(t, fake, rrep); len(failed) > 0 {
		t.Errorf("still failed after --resume: %v", failed)
	}
	if a, b := normalizedOrg(t, whole), normalizedOrg(t, faulty); !bytes.Equal(a, b) {
		t.Errorf("the resumed scan differs from the whole scan: %s", firstDifference(a, b))
	}
	checkDashboard(t, faulty, rrep)

	proxy.mu.Lock()
	authed := proxy.authed
	proxy.mu.Unlock()
	if authed == 0 {
		t.Fatal("no request reached the fake: the token check would prove nothing")
	}
	o.noToken(t, true)
}

// TestOrgUsageErrors: bad invocations exit 2 with a message and send no request.
func TestOrgUsageErrors(t *testing.T) {
	var hits int
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits++
		mu.Unlock()
		http.Error(w, "no", http.StatusTeapot)
	}))
	defer srv.Close()
	orgEnv(t, srv.URL+"/")
	var o outputs
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"org", "acme", "--shard", "3/2", "--out", o.dir(t)}, "shard"},
		{[]string{"org", "acme", "--shard", "0/2", "--out", o.dir(t)}, "shard"},
		{[]string{"org", "acme", "--shard", "one", "--out", o.dir(t)}, "shard"},
		{[]string{"org", "--out", o.dir(t)}, "organization"},
		{[]string{"org"}, "organization"},
		{[]string{"org", "acme", "other"}, "organization"},
		{[]string{"org", "acme", "--no-such-flag"}, "no-such-flag"},
		{[]string{"org", "acme", "--visibility", "secret", "--out", o.dir(t)}, "visibility"},
		{[]string{"merge"}, "shard"},
	}
	for _, c := range cases {
		r := o.run(t, c.args...)
		if r.code != ExitUsage {
			t.Errorf("rampart %v: exit %d, want 2\n%s", c.args, r.code, r.stderr)
		}
		if !strings.Contains(strings.ToLower(r.stderr), c.want) {
			t.Errorf("rampart %v: stderr %q does not mention %q", c.args, r.stderr, c.want)
		}
	}
	// No token is a usage error too, said plainly.
	t.Setenv("GITHUB_TOKEN", "")
	if r := o.run(t, "org", "acme", "--out", o.dir(t)); r.code != ExitUsage || !strings.Contains(r.stderr, "GITHUB_TOKEN") {
		t.Errorf("without a token: exit %d, %q", r.code, r.stderr)
	}
	if hits != 0 {
		t.Errorf("%d requests sent by invocations that should have stopped first", hits)
	}
	o.noToken(t, false)
}

// TestOrgUnreachableAPI: nothing listens at the API's address; the scan exits 3 saying it
// could not reach the API, writes no report, and prints no token.
func TestOrgUnreachableAPI(t *testing.T) {
	if testing.Short() {
		t.Skip("a few seconds: the transport retries a refused connection with backoff")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	orgEnv(t, "http://"+addr+"/")
	var o outputs
	dir := o.dir(t)
	start := time.Now()
	r := o.run(t, "org", "acme", "--out", dir, "--quiet")
	t.Logf("gave up after %s", time.Since(start).Round(time.Millisecond))
	if r.code != ExitNoAudit {
		t.Fatalf("exit %d, want 3\n%s", r.code, r.stderr)
	}
	msg := strings.ToLower(r.stderr)
	if !strings.Contains(msg, addr) || !strings.Contains(msg, "connection refused") && !strings.Contains(msg, "connect") {
		t.Errorf("the message does not say the API at %s could not be reached: %q", addr, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "org.json")); err == nil {
		t.Error("an org.json was written though nothing could be read")
	}
	o.noToken(t, false)
}
