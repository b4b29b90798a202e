package checks

import (
	"math/rand"
	"strings"
	"testing"
)

// TestShellWordsPublish checks that the word scan finds the publishing words as pcGate does,
// on every script of the corpus, on words at the ends of the text and in any case, and on
// random texts made of their letters.
func TestShellWordsPublish(t *testing.T) {
	check := func(text string) {
		t.Helper()
		var w shellWords
		shellScanWords(&w, text)
		if want := pcGate(text); w.Publish != want {
			t.Fatalf("%q: Publish %b, pcGate %b", text, w.Publish, want)
		}
	}
	for _, s := range []string{
		"", "p", "pu", "push", "PUSH", "pUsH", "publish", "Publish", "upload", "UPLOAD", "deploy", "dEpLoY",
		"release", "RELEASE", "xrelease", "npm publish", "git push origin", "gh release upload v1 a.tgz",
		"./deploy.sh", "redeploy", "uploads", "pushd", "releases", "pu sh", "up load", "de ploy", "re lease",
		"publis", "pus", "uploa", "deplo", "releas", "$ upload\n", "\"push\"", "'deploy'",
	} {
		check(s)
	}
	for _, tg := range corpusTargets(t) {
		for _, f := range tg.Files {
			for _, s := range shellScriptsOf(f) {
				check(s.Text)
			}
		}
	}
	// Texts made of the words' pieces in both cases, with the bytes that alias their letters.
	pieces := []string{"publish", "PUBLISH", "push", "PuSh", "upload", "UpLoad", "deploy", "DEPLOY", "release", "Release",
		"pub", "lish", "pu", "sh", "up", "lo", "ad", "dep", "oy", "re", "el", "ease", "p", "u", "o", "O", "e", "E", "l", "y",
		" ", "\n", "\"", "'", "$", "\x55", "\x35", "\xf5", "é"}
	r := rand.New(rand.NewSource(1))
	for range 20000 {
		var b strings.Builder
		for k := r.Intn(12); k >= 0; k-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		check(b.String())
	}
}
