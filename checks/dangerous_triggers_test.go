package checks

import (
	"regexp"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
)

// TestDtReadsSecrets holds dtReadsSecrets to the regular expression it replaces.
func TestDtReadsSecrets(t *testing.T) {
	re := regexp.MustCompile(`secrets\.([A-Za-z0-9_]+)`)
	for _, src := range []string{"", "secrets.", "secrets.GITHUB_TOKEN", "secrets.github_token x", "secrets.GITHUB_TOKEN secrets.NPM",
		"secrets.GITHUB_TOKENX", "secrets.secrets.X", "secrets.-x", "${{ secrets.A }}", "secrets['A']", "secrets.GITHUB_TOKEN.x secrets.é"} {
		want := false
		for _, m := range re.FindAllStringSubmatch(src, -1) {
			if !strings.EqualFold(m[1], "GITHUB_TOKEN") {
				want = true
			}
		}
		if got := dtReadsSecrets([]byte(src)); got != want {
			t.Errorf("dtReadsSecrets(%q) = %v, want %v", src, got, want)
		}
	}
}

// TestDtGhCheckoutEnd compares the hand-written matcher with the regular expression it stands
// for, on crafted scripts and on every script of the fixtures.
func TestDtGhCheckoutEnd(t *testing.T) {
	re := regexp.MustCompile(`\bgh\s+pr\s+checkout\b`)
	scripts := []string{
		"gh pr checkout 1", "gh  pr\tcheckout", "xgh pr checkout", "gh pr checkouts", "gh pr checkout_x", "gh prcheckout",
		"ghpr checkout", "echo; gh pr checkout\n", "gh pr\ncheckout", "_gh pr checkout", "-gh pr checkout", "gh gh pr checkout 2",
		"gh pr checkou", "gh pr", "gh", "", "git checkout && gh pr view && gh pr checkout $PR", "gh\fpr\rcheckout", "gh\vpr checkout",
	}
	for _, f := range secwTestFiles(t) {
		for _, s := range f.Steps() {
			if r := s.Run(); r != nil && r.Run != nil {
				scripts = append(scripts, r.Run.Value)
			}
		}
	}
	for _, s := range scripts {
		want := -1
		if loc := re.FindStringIndex(s); loc != nil {
			want = loc[1]
		}
		if got := dtGhCheckoutEnd(s); got != want {
			t.Errorf("dtGhCheckoutEnd(%q) = %d, want %d", s, got, want)
		}
	}
}

// TestDtGitFetches holds dtGitFetches to the regular expression it replaces, on hand-made lines and
// on every line of every run: script of the corpus.
func TestDtGitFetches(t *testing.T) {
	re := regexp.MustCompile(`\bgit\s+(?:-C\s+\S+\s+)?(?:fetch|pull|checkout|switch|reset|clone|worktree)\b`)
	lines := []string{"", "git", "git fetch", "git  fetch\n", "git\tfetch origin", "git\ffetch", "git\rfetch", "git\vfetch",
		"gitfetch", "xgit fetch", "_git fetch", "-git fetch", "/usr/bin/git fetch", "git fetcher", "git fetch-pack",
		"git fetch_x", "git fetché", "git -C dir fetch", "git -C  a/b\tpull", "git -Cdir fetch", "git -C fetch",
		"git -C dir  dir2 fetch", "git -C é fetch", "git -C \xff fetch", "git -C dir", "git -c x=y fetch",
		"git git fetch", "git log; git worktree add", "git x git  checkout", "git -C git fetch", "git -C -C fetch",
		"ggit fetch git reset", "git switch", "git clone", "git reset\n", "git  -C\n d \nworktree", "git pullx git pull",
		"git 'fetch'", "git -C 'a b' fetch", "éfgit fetch", "\xffgit pull", "git -C d fetchx git -C d fetch"}
	check := func(t *testing.T, lines []string) {
		for _, l := range lines {
			if got, want := dtGitFetches(l), re.MatchString(l); got != want {
				t.Errorf("dtGitFetches(%q) = %v, want %v", l, got, want)
			}
		}
	}
	check(t, lines)
	t.Run("corpus", func(t *testing.T) {
		var lines []string
		for _, tg := range corpusTargets(t) {
			for _, f := range tg.Workflows() {
				for _, j := range f.Jobs() {
					for _, st := range j.Steps {
						if r, ok := st.Exec.(*actionlint.ExecRun); ok && r.Run != nil {
							lines = append(lines, strings.SplitAfter(r.Run.Value, "\n")...)
						}
					}
				}
			}
		}
		check(t, lines)
	})
}

// TestDtMayCheckPermission holds the prefilter to dtPermissionCheckRe: no text it passes over
// matches, on every script of the corpus and random texts of the words' pieces in any case, with
// the letters that fold onto ASCII ones; and it passes the matches of crafted ones.
func TestDtMayCheckPermission(t *testing.T) {
	check := func(s string) {
		t.Helper()
		if got, want := dtMayCheckPermission(s), dtPermissionCheckRe.MatchString(s); want && !got {
			t.Fatalf("dtMayCheckPermission(%q) = false, and dtPermissionCheckRe matches", s)
		}
	}
	for _, s := range []string{"author_association", "AUTHOR_ASSOCIATION", "authorAssociation", "x.getCollaboratorPermissionLevel(",
		"GETCOLLABORATORPERMISSIONLEVEL", "/repos/o/r/collaborators/$U/permission", "/COLLABORATORS/x/PERMISSION",
		"author_a\u017f\u017fociation", "/collaborators/\u212a/permission"} {
		if !dtPermissionCheckRe.MatchString(s) || !dtMayCheckPermission(s) {
			t.Errorf("%q: the regular expression %v, the prefilter %v; want both true", s, dtPermissionCheckRe.MatchString(s), dtMayCheckPermission(s))
		}
	}
	for _, s := range corpusScriptTexts(t) {
		check(s)
	}
	pieces := []string{"author", "AUTHOR", "_", "a", "A", "ssociation", "SSOCIATION", "\u017f", "\u212a", "ociation", "ociatio", "get",
		"Collaborator", "COLLABORATOR", "ollaborator", "c", "s", "Permission", "PERMISSION", "Level", "/", "collaborators", "/x/",
		"permission", " ", "\n", "é", "o", "O"}
	shellRandomTexts(7, 50000, 10, pieces, check)
}
