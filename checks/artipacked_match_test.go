package checks

import (
	"math/rand"
	"regexp"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
)

// TestArtipMatchers compares the hand-written matchers with the regular expressions they stand
// for, on random texts made of the pieces that matter to them.
func TestArtipMatchers(t *testing.T) {
	gitRe := regexp.MustCompile(`\bgit\s+(?:-C\s+\S+\s+)?(?:push|fetch|pull|ls-remote)\b|\bgit\s+submodule\s+update\b`)
	semRe := regexp.MustCompile(`^v?(\d+)(?:\.(\d+))?`)
	shaRe := regexp.MustCompile(`^[0-9a-fA-F]{40}$`)
	comRe := regexp.MustCompile(`#\s*(?:tag[:=]?\s*)?v?(\d+)(?:\.(\d+))?`)
	pieces := []string{"git", " ", "\t", "\n", "-C", "push", "pull", "fetch", "ls-remote", "submodule", "update", "x", "_",
		"-", "/", "a", "#", "tag", ":", "=", "v", "1", "23", ".", "4", "pushx", "agit", "f"}
	r := rand.New(rand.NewSource(1))
	for range 100000 {
		var s string
		for k := r.Intn(8); k >= 0; k-- {
			s += pieces[r.Intn(len(pieces))]
		}
		if gitRe.MatchString(s) != artipUsesGitCommand(s) {
			t.Fatalf("artipUsesGitCommand(%q) = %v", s, !gitRe.MatchString(s))
		}
		m := semRe.FindStringSubmatch(s)
		if major, minor, ok := artipVersionAt(s, 0); (m != nil) != ok || ok && (m[1] != major || m[2] != minor) {
			t.Fatalf("artipVersionAt(%q) = %q %q %v, want %q", s, major, minor, ok, m)
		}
		m = comRe.FindStringSubmatch(s)
		if major, minor, ok := artipCommentVersion(s); (m != nil) != ok || ok && (m[1] != major || m[2] != minor) {
			t.Fatalf("artipCommentVersion(%q) = %q %q %v, want %q", s, major, minor, ok, m)
		}
	}
	for _, s := range []string{"0123456789abcdef0123456789abcdef01234567", "0123456789abcdef0123456789abcdef0123456",
		"0123456789abcdef0123456789abcdef0123456g", "0123456789ABCDEF0123456789abcdef01234567", ""} {
		if shaRe.MatchString(s) != artipIsSHA(s) {
			t.Errorf("artipIsSHA(%q) = %v", s, !shaRe.MatchString(s))
		}
	}
	// Every byte in each place of a SHA.
	sha := []byte("0123456789abcdef0123456789ABCDEF01234567")
	for i := range sha {
		for c := range 256 {
			s := string(sha[:i]) + string(byte(c)) + string(sha[i+1:])
			if shaRe.MatchString(s) != artipIsSHA(s) {
				t.Fatalf("artipIsSHA(%q) = %v", s, !shaRe.MatchString(s))
			}
		}
	}
}

// TestArtipKindOf holds artipKindOf, which decides most values eight bytes at a time, to the
// trim, cut and strings.EqualFold that it stands for, on random values around the two names it
// tells (blanks, refs, case, characters that fold onto ASCII letters, near misses at each byte),
// cut at every length, and on the corpus' uses: values.
func TestArtipKindOf(t *testing.T) {
	repos := map[artipKind]string{artipCheckout: "actions/checkout", artipUpload: "actions/upload-artifact"}
	check := func(v string) {
		t.Helper()
		name, _, _ := strings.Cut(strings.TrimSpace(v), "@")
		want := artipOther
		for k, repo := range repos {
			if strings.EqualFold(name, repo) {
				want = k
			}
		}
		if got := artipKindOf(v); got != want {
			t.Fatalf("artipKindOf(%q) = %d, want %d", v, got, want)
		}
	}
	for _, repo := range repos {
		for _, v := range []string{repo, strings.ToUpper(repo), repo + "@v4", " " + repo + "@v4 ", repo + "/x@v1", repo + "x"} {
			for n := range len(v) + 1 {
				check(v[:n])
			}
			// A near miss at each byte: the byte's other case bit, a byte beyond ASCII, a control
			// byte; and the characters beyond ASCII that fold onto k and s in their place.
			for i := range len(v) {
				for _, c := range []byte{v[i] ^ 0x20, v[i] | 0x80, v[i] &^ 0x60, '@', 'K', 'k'} {
					check(v[:i] + string(c) + v[i+1:])
				}
				switch v[i] | 0x20 {
				case 'k':
					check(v[:i] + "\u212a" + v[i+1:])
				case 's':
					check(v[:i] + "\u017f" + v[i+1:])
				}
			}
		}
	}
	pieces := []string{"actions/checkout", "Actions/Checkout", "ACTIONS/UPLOAD-ARTIFACT", "actions/upload-artifact",
		"actions/", "chec", "\u212a", "k", "out", "upload", "-", "\r", "artifact", "@", "v4", " ", "\t", "\u00a0", "\u017f",
		"/", "x", "A", "é", "\xff", "@main", "upload-a", "rtifact", "\x0f"}
	shellRandomTexts(5, 100000, 6, pieces, check)
	for _, tg := range corpusTargets(t) {
		for _, f := range tg.Files {
			for _, s := range f.Steps() {
				if a := s.Uses(); a != nil && a.Uses != nil {
					check(a.Uses.Value)
				}
			}
		}
	}
}

// TestArtipLastAuth holds artipScripts.lastAuth, which reads the scripts' answers off the word
// scan beside the steps, to the plain walk it replaced (the last step after the given one for
// which artipUsesGitAuth holds), for every step of every job and composite action of the
// corpus, walked as runArtipacked walks them.
func TestArtipLastAuth(t *testing.T) {
	n := 0
	for _, tg := range corpusTargets(t) {
		for _, f := range tg.Files {
			sc := artipScripts{file: f}
			check := func(steps []*actionlint.Step) {
				kinds, _, runs := artipKinds(steps, nil)
				for after := -1; after < len(steps); after++ {
					want := -1
					for k := len(steps) - 1; k > after && want < 0; k-- {
						if artipUsesGitAuth(steps[k : k+1]) {
							want = k
						}
					}
					if got := sc.lastAuth(steps, kinds, runs, after); got != want {
						t.Fatalf("%s: lastAuth after step %d = %d, the plain walk %d", f.Path, after, got, want)
					}
					if want >= 0 {
						n++
					}
				}
				sc.next(runs)
			}
			switch {
			case f.Workflow != nil:
				for _, j := range f.Jobs() {
					check(j.Steps)
				}
			case f.Action != nil && f.Action.Runs != nil:
				check(f.Action.Runs.Steps)
			}
		}
	}
	if n < 100 {
		t.Fatalf("only %d steps are followed by a git command that needs the credential", n)
	}
}

// TestArtipPushes holds artipPushes to the cut at '@' and lower-casing that it stands for, on
// the two names with refs, in other cases, cut short, run on, and with '@' and non-ASCII
// letters in other places.
func TestArtipPushes(t *testing.T) {
	plain := func(v string) bool {
		name, _, _ := strings.Cut(v, "@")
		name = strings.ToLower(name)
		return name == "stefanzweifel/git-auto-commit-action" || name == "endbug/add-and-commit"
	}
	found := 0
	for _, w := range []string{"stefanzweifel/git-auto-commit-action", "EndBug/add-and-commit"} {
		for n := 0; n <= len(w); n++ {
			for _, v := range []string{w[:n], w[:n] + "@v4", w[:n] + "x", w[:n] + "x@v4", w[:n] + "@", "@" + w[:n], w[:n] + "\u212a",
				strings.ToUpper(w[:n]) + "@main", w[:n] + "@" + w[n:], w[:n] + "\u017f" + w[n:]} {
				st := &actionlint.Step{Exec: &actionlint.ExecAction{Uses: &actionlint.String{Value: v}}}
				if got, want := artipPushes(st), plain(v); got != want {
					t.Fatalf("artipPushes(%q) = %v, the cut and lower-casing say %v", v, got, want)
				} else if want {
					found++
				}
			}
		}
	}
	if found < 8 {
		t.Fatalf("only %d values name a pushing action", found)
	}
}
