package checks

import "testing"

// ghenvMarksPlain is ghenvMarks as it was before the eight-byte test: it looks at every byte,
// and tries every token after each github.
func ghenvMarksPlain(text string) ghenvMark {
	var m ghenvMark
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c == '$':
			if _, ok := ghenvTokenEnd(text, i, "${{"); ok {
				m |= ghenvmExpr
			}
		case c|0x20 == 'g':
			j, ok := ghenvTokenEnd(text, i, "github")
			if !ok {
				continue
			}
			j = ghenvSkip(text, j)
			for _, t := range [...]struct {
				rest string
				mark ghenvMark
			}{{"_output", ghenvmOutput}, {"_env", ghenvmEnv}, {"_path", ghenvmEnv}, {".env", ghenvmEnv}, {".path", ghenvmEnv},
				{"_head_ref", ghenvmHeadRef}, {"_event_path", ghenvmEventPath}} {
				if _, ok := ghenvTokenEnd(text, j, t.rest); ok {
					m |= t.mark
				}
			}
		}
	}
	return m
}

// TestGhenvMarks holds ghenvMarks to ghenvMarksPlain on every script of the corpus and on
// random texts made of the tokens, their pieces, quotes, line continuations and the bytes that
// the eight-byte test takes for '$' or g (0x04, 0x44 'D', 0x47 'G', 0x64, 0xe4, 0xe7), cut at
// every length (the test reads eight bytes at a time).
func TestGhenvMarks(t *testing.T) {
	check := func(text string) {
		t.Helper()
		if got, want := ghenvMarks(text), ghenvMarksPlain(text); got != want {
			t.Fatalf("%q: ghenvMarks %05b, every byte %05b", text, got, want)
		}
	}
	for _, s := range []string{
		"", "$", "g", "G", "${{", "$GITHUB_ENV", "github.env", "GITHUB_PATH", "github.path", "github_output",
		"$GITHUB_HEAD_REF", "$GITHUB_EVENT_PATH", "github.event_path", "github_head.ref", "GIT\"HUB_\"ENV",
		"$GITHUB_\\\nENV", "g\\\nithub_env", "$\\\n{{", "$'{{'", "G'ITHUB_OUTPUT'", "$GITHUB_'\\\n'OUTPUT", "echo x >> \"$GITHUB_ENV\"", "${{ github.event.title }}",
	} {
		for n := range len(s) + 1 {
			check(s[:n])
			check("1234567" + s[:n])
		}
	}
	for _, text := range corpusScriptTexts(t) {
		check(text)
	}
	pieces := []string{"$", "${{", "{", "g", "G", "github", "GitHub", "GITHUB", "git", "hub", "i", "thub", "{{", "_", ".", "output", "OUTPUT",
		"env", "ENV", "path", "Path", "head_ref", "HEAD", "_REF", "event_path", "EVENT", "_PATH", "\"", "'", "\\", "\\\n",
		"\n", " ", "\x04", "D", "d", "\xe4", "\xe7", "é"}
	shellRandomTexts(2, 40000, 16, pieces, check)
}
