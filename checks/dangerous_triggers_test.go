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
