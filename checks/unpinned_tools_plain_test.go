package checks

import (
	"fmt"
	"slices"
	"testing"
)

// utProblemsOf lists what utCheck finds in commands: message, word offset and confidence.
func utProblemsOf(cmds []*shellCmd) []string {
	var out []string
	for _, c := range cmds {
		for _, p := range utCheck(c) {
			out = append(out, fmt.Sprintf("%d %v %s", p.word.Offset, p.low, p.msg))
		}
	}
	return out
}

// TestUtPlainScripts checks that what utCheck finds in the commands unpinned-tools reads without
// the parse (CmdsIfPlain) is what it finds in the parse's, on install scripts that plainCmds
// reads and on ones it must refuse (which CmdsIfPlain then leaves unread).
func TestUtPlainScripts(t *testing.T) {
	plain := []string{
		"pip install requests\nnpm install -g yarn",
		"python -m pip install --upgrade pip && pip install 'flake8>=3' \"black\"",
		"A=1 B+=2 pip install x # a comment\ncargo install ripgrep; gem install rake &",
		"sudo pip3 install \\\n  numpy \\\n  scipy",
		"uv pip install x | tee log &&\n# comment\n  go install example.com/x@latest",
		"export PIP=1\nenv A=b pip install y\npip install pkg 'a''b'",
		"pip install -r requirements.txt\n\n\npip install x==1.0 y",
		"dotnet tool install -g dotnet-format || choco install jq",
		"pip install $X", "pip install x > log", "npm install -g $PKG@${VERSION}",
		"",
	}
	refused := []string{
		"if true; then pip install x; fi", "pip install x &&", "; pip install x", "pip install x;;",
		"pip install x |& tee", "for p in a; do pip install $p; done", "pip install `cat f`",
		"pip install \"$(cat f)\"", "f() { pip install x; }", "pip install 'x", "pip install x\r\n", "pip ins\\\ntall x",
		"[ -f x ] && pip install y", "pip install x & ; ls", "! pip install x", "time pip install x", "pip install x\\",
		"pip install \"a\\\"b\"", "pip install x #c\\\ny", "'export' A=1", "export +A=1", "local 1x", "export -na=b",
		"pip install '\r\nb'", "pip install \"\r\nb\"", "pip install '${{ inputs.pkg }}'", "pip install pkg\"[extra]\"",
	}
	for _, list := range []struct {
		texts []string
		read  bool
	}{{plain, true}, {refused, false}} {
		for _, text := range list.texts {
			s := &shellScript{Shell: "bash", Text: text}
			cmds, ok := s.CmdsIfPlain()
			if ok != list.read {
				t.Errorf("%q: read without the parse %v, want %v", text, ok, list.read)
				continue
			}
			if !ok {
				continue
			}
			parsed := &shellScript{Shell: "bash", Text: text}
			parsed.lazy().parsed = true
			parsed.parse()
			if got, want := utProblemsOf(cmds), utProblemsOf(parsed.more.cmds); !slices.Equal(got, want) {
				t.Errorf("%q: %q, the parse %q", text, got, want)
			}
		}
	}
}
