package checks

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestUICommandsAsWhole checks that the lines uiCommandLines picks give the images that
// splitting the whole script gives: line continuations (also before the docker line and at the
// end of the text), CRLF line ends, two commands on one line, quotes, paths, non-ASCII blanks.
func TestUICommandsAsWhole(t *testing.T) {
	scripts := []string{
		"echo a\ndocker run alpine\necho b",
		"sudo \\\n  docker run --rm \\\n  alpine:3 \\\n  sh -c true\nls",
		"set -e\r\ndocker \\\r\n  pull redis\r\necho done\r\n",
		"docker pull a && docker run b; podman create c",
		"x=1\n\"docker\" 'run' img\n/usr/bin/podman image pull q\n",
		"docker\u00a0run nbsp",
		"sudo \\\n\\\ndocker run x \\\n",
		"docker run y \\",
		"docker-compose run web\nmydocker run z\ndocker ps\ndocker container run w",
		"cat <<EOF\ndocker run heredoc\nEOF",
		"echo \"\\\\\"\ndocker run after-backslash-line",
	}
	images := func(cmds []pcCmd) []string {
		var out []string
		for _, pc := range cmds {
			if sub, image := uiCommandImage(uiJoinPlaceholders(pc.words)); image != "" {
				out = append(out, sub+" "+image+" @ "+pc.line)
			}
		}
		return out
	}
	for _, s := range scripts {
		want, got := images(pcCommandsAt(s)), images(uiCommands(s))
		if !slices.Equal(want, got) {
			t.Errorf("%q: the lines give %q, the whole script %q", s, got, want)
		}
		if len(want) == 0 {
			t.Errorf("%q: no image at all: the case tests nothing", s)
		}
	}
}

// uiCommandLinesSlow is uiCommandLines looking for its pairs at every byte.
func uiCommandLinesSlow(text string) []string {
	var out []string
	for i := 0; i+1 < len(text); i++ {
		name := ""
		switch text[i : i+2] {
		case "ck":
			name = "docker"
		case "dm":
			name = "podman"
		default:
			continue
		}
		s := i - 2
		if s < 0 || s+len(name) > len(text) || text[s:s+len(name)] != name || s > 0 && shellWordByte(text[s-1]) {
			continue
		}
		if uiSubAfter(text, s+len(name)) {
			start, end := uiLogicalLine(text, s)
			out = append(out, text[start:end])
			i = end - 1
		}
	}
	return out
}

// TestUICommandLinesSlow compares uiCommandLines with uiCommandLinesSlow on every corpus script
// and on random texts of the bytes that matter.
func TestUICommandLinesSlow(t *testing.T) {
	check := func(s string) {
		if got, want := uiCommandLines(s), uiCommandLinesSlow(s); !slices.Equal(got, want) {
			t.Fatalf("%q: uiCommandLines gives %q, uiCommandLinesSlow %q", s, got, want)
		}
	}
	for _, tg := range corpusTargets(t) {
		for _, f := range tg.Files {
			for _, s := range shellScriptsOf(f) {
				check(s.Text)
			}
		}
	}
	words := []string{"docker", "podman", "dock", "ck", "dm", "podm", " ", "\n", "\\\n", "run", "pull", "x", "\"", "/"}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b strings.Builder
		for range r.IntN(12) {
			b.WriteString(words[r.IntN(len(words))])
		}
		check(b.String())
	}
}
