package checks

import (
	"slices"
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
