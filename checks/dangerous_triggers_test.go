package checks

import (
	"regexp"
	"strings"
	"testing"
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
