package checks

import (
	"math/rand"
	"reflect"
	"strings"
	"testing"
	"unicode"
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
	for _, text := range corpusScriptTexts(t) {
		check(text)
	}
	// Texts made of the words' pieces in both cases, with the bytes that alias their letters.
	pieces := []string{"publish", "PUBLISH", "push", "PuSh", "upload", "UpLoad", "deploy", "DEPLOY", "release", "Release",
		"pub", "lish", "pu", "sh", "up", "lo", "ad", "dep", "oy", "re", "el", "ease", "p", "u", "o", "O", "e", "E", "l", "y",
		" ", "\n", "\"", "'", "$", "\x55", "\x35", "\xf5", "é"}
	shellRandomTexts(1, 20000, 12, pieces, check)
}

// shellScanWordsAll is shellScanWords without the pair test: hit at every place where it may
// be called (x and X only after e or E, '$' only before a quote, a quote only after a byte).
func shellScanWordsAll(w *shellWords, text string) {
	for i := range len(text) {
		switch text[i] {
		case 'x', 'X':
			if i == 0 || text[i-1]|0x20 != 'e' {
				continue
			}
		case '$':
			if i+1 == len(text) || text[i+1] != '"' && text[i+1] != '\'' {
				continue
			}
		case '"', '\'':
			if i == 0 {
				continue
			}
		}
		w.hit(text, i, i == 0 || shellBound[text[i-1]])
	}
}

// TestShellScanPairs checks that the pair test of the word scan lets through every place
// where hit finds something: on every script of the corpus, and on random texts made of the
// words and the bytes around them, cut at every length (the scan reads eight places at a time).
func TestShellScanPairs(t *testing.T) {
	testShellScanPairs(t)
	// The byte loop that machines without shellPairLoads run for the whole text.
	if shellPairLoads {
		shellPairLoads = false
		defer func() { shellPairLoads = true }()
		t.Run("byte loop", testShellScanPairs)
	}
}

func testShellScanPairs(t *testing.T) {
	check := func(text string) {
		t.Helper()
		var got, want shellWords
		shellScanWords(&got, text)
		shellScanWordsAll(&want, text)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: scan %+v, every place %+v", text, got, want)
		}
	}
	for _, text := range corpusScriptTexts(t) {
		check(text)
	}
	pieces := []string{"curl", "wget", "fetch", "http", "https", "install", "binstall", "tool", "global", "upgrade",
		"run", "add", "i", "iex", "IEX", "invoke-expression", "[scriptblock]::", "\u212a", "\u017f", "publish", "push",
		"upload", "deploy", "release", "PUSH", "c\"url\"", "it's", "$'x'", "$\"y\"", "\\\n", "/", " ", "\n", "\t", ";",
		"|", "&", "(", ")", "\"", "'", "$", "e", "E", "x", "X", "]", ":", "a", "-", ".", "_", "J", "\xe2", "\x84", "\xc5", "\xbf",
		"docker", "podman", "do", "po", "=", "pu", "\v", "\f", "\u00a0", "\u2003", "\u3000", "\u205f", "\u2019", "\xc2", "\xe3",
		"git", "gi", "GI", "github.", "GITHUB_", "W_", "W", "ACTIONS_ALLO", "W_UNSECURE_COMMANDS", "g", "G"}
	shellRandomTexts(2, 5000, 16, pieces, func(text string) {
		for n := range len(text) + 1 {
			check(text[:n])
		}
	})
}

// TestShellWordsImages checks that the word scan finds docker or podman in every script where
// uiCommandLines finds a line (uiScriptImages reads only those), on every script of the corpus
// and on random texts made of the words and the bytes around them.
func TestShellWordsImages(t *testing.T) {
	check := func(text string) {
		t.Helper()
		var w shellWords
		shellScanWords(&w, text)
		if uiCommandLines(text) != nil && !w.Images {
			t.Fatalf("%q: lines %q, but no Images", text, uiCommandLines(text))
		}
	}
	texts, n := corpusScriptTexts(t), 0
	for _, text := range texts {
		check(text)
		if uiCommandLines(text) != nil {
			n++
		}
	}
	if n == 0 && len(texts) > 0 {
		t.Fatal("no corpus script runs an image")
	}
	pieces := []string{"docker", "podman", "doc", "ker", "pod", "man", " run ", " pull ", " image ", "/", " ", "\n", "\\\n",
		"\"", "'", "=", "x", "-", "$", "po", "do", "pu"}
	shellRandomTexts(3, 20000, 10, pieces, check)
}

// TestShellWordsFieldsSpace checks that the word scan finds FieldsSpace in the texts that
// hold a character that strings.Fields splits at, other than the ASCII blanks of shellBound,
// and only there: on every script of the corpus, on every character up to U+3000 between words,
// and on random texts of spaces, their bytes and other characters, cut at every length.
func TestShellWordsFieldsSpace(t *testing.T) {
	found := 0
	check := func(text string) {
		t.Helper()
		want := strings.ContainsFunc(text, func(r rune) bool { return unicode.IsSpace(r) && !strings.ContainsRune(" \t\r\n", r) })
		var w shellWords
		shellScanWords(&w, text)
		if w.FieldsSpace != want {
			t.Fatalf("%q: FieldsSpace %v, strings.Fields splits at another space %v", text, w.FieldsSpace, want)
		}
		if want {
			found++
		}
	}
	for _, text := range corpusScriptTexts(t) {
		check(text)
	}
	for r := rune(0); r <= 0x3000; r++ {
		check("pip install" + string(r) + "x")
		check(string(r))
	}
	pieces := []string{"\v", "\f", "\u0085", "\u00a0", "\u1680", "\u2000", "\u200a", "\u200b", "\u2028", "\u2029", "\u202f",
		"\u205f", "\u3000", "\u2019", "\u212a", "\xc2", "\xe1", "\xe2", "\xe3", "\x80", "\x85", "\xa0", "\x9a", "x", " ", "\n"}
	shellRandomTexts(5, 3000, 10, pieces, func(text string) {
		for n := range len(text) + 1 {
			check(text[:n])
		}
	})
	if found < 1000 {
		t.Fatalf("%d texts only with such a space", found)
	}
}

// TestShellWordsPwshExec checks that the word scan finds PwshExec or OddFold in every script
// where dtrPwshRe matches (download-then-run reads no other), on every script of the corpus and
// on random texts made of its words, their pieces and the bytes around them.
func TestShellWordsPwshExec(t *testing.T) {
	matches := 0
	check := func(text string) {
		t.Helper()
		if !dtrPwshRe.MatchString(text) {
			return
		}
		matches++
		var w shellWords
		shellScanWords(&w, text)
		if !w.PwshExec && !w.OddFold {
			t.Fatalf("%q: dtrPwshRe matches, but no PwshExec", text)
		}
	}
	for _, text := range corpusScriptTexts(t) {
		check(text)
	}
	pieces := []string{"iex", "IEX", "iEx", "Invoke-Expression", "invoke-expression", "INVOKE-EXPRESSION", "[scriptblock]::create(",
		"ScriptBlock]::Create(", "iwr", "irm", "Invoke-WebRequest", "invoke-restmethod", "DownloadString", "curl", "wget",
		"i", "e", "x", "X", "p", "P", "ex", "exp", "-", "_", "0", "(", ")", "$", " ", "\n", "|", "'", "\"", ".", "\u212a", "\u017f",
		"https://x/i.ps1", "exit", "export", "next"}
	shellRandomTexts(4, 50000, 10, pieces, check)
	if matches < 1000 {
		t.Fatalf("dtrPwshRe matched %d texts only", matches)
	}
}

// corpusScriptTexts returns the text of every script of the shared corpus.
func corpusScriptTexts(tb testing.TB) []string {
	var out []string
	for _, tg := range corpusTargets(tb) {
		for _, f := range tg.Files {
			for _, s := range shellScriptsOf(f) {
				out = append(out, s.Text)
			}
		}
	}
	return out
}

// shellRandomTexts calls check with n texts of one to maxPieces pieces each, drawn with the seed.
func shellRandomTexts(seed int64, n, maxPieces int, pieces []string, check func(text string)) {
	r := rand.New(rand.NewSource(seed))
	for range n {
		var b strings.Builder
		for k := r.Intn(maxPieces); k >= 0; k-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		check(b.String())
	}
}
