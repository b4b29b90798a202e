package checks

import (
	"math/rand"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
)

// isFullSHAPlain is isFullSHA byte by byte.
func isFullSHAPlain(s string) bool {
	if len(s) != 40 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isHexDigit(s[i]) {
			return false
		}
	}
	return true
}

// arUseOwnerPlain is arUseSlug's owner as first written: arParseUse's tests, cut by cut.
func arUseOwnerPlain(v string, at int) (owner string, ok bool) {
	if v == "" || strings.HasPrefix(v, ".") || strings.HasPrefix(v, "docker://") || strings.Contains(v, "${{") {
		return "", false
	}
	if at < 0 || at == len(v)-1 {
		return "", false
	}
	owner, rest, ok := strings.Cut(v[:at], "/")
	if !ok {
		return "", false
	}
	name, _, _ := strings.Cut(rest, "/")
	if !arValidOwner(owner) || !arValidName(name) {
		return "", false
	}
	return owner, true
}

// TestIsFullSHA holds the word-wise isFullSHA to the byte-wise test: every byte value at every
// position of a SHA, other lengths, and random strings over hex digits and their neighbours.
func TestIsFullSHA(t *testing.T) {
	const sha = "ed68ef82c095e0d48ec87eccea555d944a631a4c"
	for i := 0; i < len(sha); i++ {
		for c := 0; c < 256; c++ {
			s := sha[:i] + string([]byte{byte(c)}) + sha[i+1:]
			if got, want := isFullSHA(s), isFullSHAPlain(s); got != want {
				t.Fatalf("isFullSHA(%q) = %v, want %v", s, got, want)
			}
		}
	}
	for _, s := range []string{"", sha[:39], sha + "0", strings.ToUpper(sha), "é" + sha[2:]} {
		if got, want := isFullSHA(s), isFullSHAPlain(s); got != want {
			t.Errorf("isFullSHA(%q) = %v, want %v", s, got, want)
		}
	}
	rng := rand.New(rand.NewSource(1))
	const alphabet = "0123456789abcdefABCDEF/:@`gG\x00\x7f\x80\xff FfaA9"
	b := make([]byte, 40)
	for range 200000 {
		for i := range b {
			b[i] = alphabet[rng.Intn(len(alphabet))]
			if rng.Intn(4) != 0 {
				b[i] = alphabet[rng.Intn(22)] // mostly hex, so that many are SHAs
			}
		}
		if got, want := isFullSHA(string(b)), isFullSHAPlain(string(b)); got != want {
			t.Fatalf("isFullSHA(%q) = %v, want %v", b, got, want)
		}
	}
}

// uuUsesValues is the trimmed value of every uses: of the fixtures and the corpus, and crafted ones.
func uuUsesValues(t *testing.T) []string {
	const sha = "ed68ef82c095e0d48ec87eccea555d944a631a4c"
	vals := []string{"", "@", "a@", "@" + sha, "a/b@" + sha, "a/b@" + sha + "@" + sha, "a@b/c@" + sha, "./x@" + sha,
		".a/b@" + sha, "docker://a/b@" + sha, "docker://alpine@sha256:" + sha, "a/b/${{ x }}@" + sha, "a/${{x}}@" + sha,
		"${{ x }}/b@" + sha, "a/b@${{ x }}", "-a/b@" + sha, "a-/b@" + sha, "a--b/c@" + sha, "a/b.c_d-e/f/g@" + sha,
		"a//b@" + sha, "a/@" + sha, "/b@" + sha, "a/b c@" + sha, "é/b@" + sha, "a/bé@" + sha, "a/b@v4", "a/b", "a/b@",
		"renovatebot/github-action@v41", "RenovateBot/x@main", "renovatebot/@v1", "renovatebot@x", "renovatebot/x/${{y}}@v1",
		"Renovatebot/github-action@" + sha, "renovatebotx/y@" + sha, "a/b@" + strings.ToUpper(sha), "a/b@" + sha[1:] + "@",
	}
	for _, f := range secwTestFiles(t) {
		arEachUse(f, func(s *actionlint.String, _ *actionlint.Job, _ *actionlint.Step, _ int) {
			vals = append(vals, strings.TrimSpace(s.Value))
		})
	}
	for _, tg := range corpusTargets(t) {
		for _, f := range tg.Files {
			arEachUse(f, func(s *actionlint.String, _ *actionlint.Job, _ *actionlint.Step, _ int) {
				vals = append(vals, strings.TrimSpace(s.Value))
			})
		}
	}
	// Each value cut and spliced at random, so that its "@", "/" and "${{" move about.
	rng := rand.New(rand.NewSource(2))
	n := len(vals)
	for range 50000 {
		a, b := vals[rng.Intn(n)], vals[rng.Intn(n)]
		i, j := rng.Intn(len(a)+1), rng.Intn(len(b)+1)
		vals = append(vals, a[:i]+b[j:])
	}
	return vals
}

// TestUuSplitSHA holds uuSplitSHA to strings.LastIndexByte and isFullSHA, and arUseSlug and
// uuPins.note to arUseOwnerPlain and arParseUse, on the values of uuUsesValues.
func TestUuSplitSHA(t *testing.T) {
	for _, v := range uuUsesValues(t) {
		at, sha := uuSplitSHA(v)
		wantAt := strings.LastIndexByte(v, '@')
		if wantSHA := isFullSHA(v[wantAt+1:]); at != wantAt || sha != wantSHA {
			t.Fatalf("uuSplitSHA(%q) = %d, %v, want %d, %v", v, at, sha, wantAt, wantSHA)
		}
		slug, n, ok := arUseSlug(v, at, sha)
		owner := slug[:n]
		wantOwner, wantOK := arUseOwnerPlain(v, at)
		if owner != wantOwner || ok != wantOK {
			t.Fatalf("arUseSlug(%q) = %q, %d, %v, want owner %q, %v", v, slug, n, ok, wantOwner, wantOK)
		}
		if parsed, name, _, _, pok := arParseUse(v); pok != ok || ok && (parsed != strings.ToLower(owner) || parsed+"/"+name != strings.ToLower(slug)) {
			t.Fatalf("arUseSlug(%q) = %q, %d, %v; arParseUse's owner and name %q, %q, %v", v, slug, n, ok, parsed, name, pok)
		}
		var p uuPins
		p.note(v, at, sha)
		wantRenovate := wantOK && (sha || strings.HasPrefix(strings.ToLower(v), "renovatebot/")) && strings.EqualFold(wantOwner, "renovatebot")
		if want := wantOK && sha; p.renovate != wantRenovate || (p.n == 1) != want {
			t.Fatalf("note(%q) = %+v, want renovate %v, counted %v", v, p, wantRenovate, want)
		}
	}
}
