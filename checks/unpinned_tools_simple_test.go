package checks

import (
	"fmt"
	"math/rand"
	"slices"
	"strings"
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

// utParsedProblems parses a bash script and returns what utCheck finds in its commands.
func utParsedProblems(text string) []string {
	s := &shellScript{Shell: "bash", Text: text}
	return utProblemsOf(s.Cmds())
}

// TestUtSimpleCmds checks that the scripts utSimpleCmds reads give utCheck what their parse
// gives it, and that it refuses what it must not read.
func TestUtSimpleCmds(t *testing.T) {
	plain := []string{
		"pip install requests\nnpm install -g yarn",
		"python -m pip install --upgrade pip && pip install 'flake8>=3' \"black\"",
		"A=1 B+=2 pip install x # a comment\ncargo install ripgrep; gem install rake &",
		"sudo pip3 install \\\n  numpy \\\n  scipy",
		"uv pip install x | tee log &&\n# comment\n  go install example.com/x@latest",
		"export PIP=1\nenv A=b pip install y\npip install pkg\"[extra]\" 'a''b'",
		"pip install -r requirements.txt\n\n\npip install x==1.0 y",
		"dotnet tool install -g dotnet-format || choco install jq",
		"",
		"echo done-ish x=1",
	}
	refused := []string{
		"pip install $X", "if true; then pip install x; fi", "pip install x &&", "; pip install x", "pip install x;;",
		"pip install x |& tee", "for p in a; do pip install $p; done", "pip install x > log", "pip install `cat f`",
		"pip install \"$(cat f)\"", "f() { pip install x; }", "pip install 'x", "pip install x\r\n", "pip ins\\\ntall x",
		"[ -f x ] && pip install y", "pip install x & ; ls", "! pip install x", "time pip install x", "pip install x\\",
		"pip install \"a\\\"b\"",
		"pip install x #c\\\ny", "'export' A=1", "export +A=1", "local 1x", "export -na=b", "pip install '\r\nb'", "pip install \"\r\nb\"",
		"pip install '${{ inputs.pkg }}'",
	}
	for _, text := range plain {
		cmds, ok := utSimpleCmds(text)
		if !ok {
			t.Errorf("%q: refused", text)
			continue
		}
		if got, want := utProblemsOf(cmds), utParsedProblems(text); !slices.Equal(got, want) {
			t.Errorf("%q: %q, the parse %q", text, got, want)
		}
	}
	for _, text := range refused {
		if _, ok := utSimpleCmds(text); ok {
			t.Errorf("%q: read without the parse", text)
		}
	}
}

// TestUtSimpleCmdsCorpus compares utSimpleCmds with the parse on every script of the corpus that
// it reads.
func TestUtSimpleCmdsCorpus(t *testing.T) {
	read := 0
	for _, tg := range corpusTargets(t) {
		for _, f := range tg.Files {
			for _, s := range shellScriptsOf(f) {
				if !s.shellPosix() {
					continue
				}
				cmds, ok := utSimpleCmds(s.Text)
				if !ok {
					continue
				}
				read++
				parsed := s.Cmds()
				var want, got [][]string
				for _, c := range parsed {
					if len(c.Args) > 0 {
						want = append(want, utWordsOf(c))
					}
				}
				for _, c := range cmds {
					if len(c.Args) > 0 {
						got = append(got, utWordsOf(c))
					}
				}
				if !slices.EqualFunc(got, want, slices.Equal) {
					t.Errorf("%s: %q\nread %q\nparse %q", f.Path, s.Text, got, want)
				}
			}
		}
	}
	t.Logf("%d scripts read without the parse", read)
}

// utWordsOf lists a command's arguments: text, offsets and whether it is literal.
func utWordsOf(c *shellCmd) []string {
	var out []string
	for _, w := range c.Args {
		out = append(out, fmt.Sprintf("%q@%d-%d %v %v", w.Text, w.Offset, w.End, w.Literal, w.HasExpr))
	}
	return out
}

// TestUtSimpleCmdsRandom compares utSimpleCmds with the parse on random scripts made of the
// pieces it reads and of pieces near them.
func TestUtSimpleCmdsRandom(t *testing.T) {
	pieces := []string{"pip", "install", "x", "-y", "A=1", "B+=", "C=$D", " ", " ", " ", "\t", "\n", "\n",
		";", "&", "&&", "|", "||", ">", "2", "\"", "'", "$X", "$", "{", "}", "#", "# c\n", "\\\n", "\\", "export",
		"local", "-n", "=", "+", "a.b/c", "~", "*", "if", "fi", "let", "(", ")", "<", "`", "'a b'", "\"a b\"", "\r", "é"}
	r := rand.New(rand.NewSource(1))
	read := 0
	for range 200000 {
		var b strings.Builder
		for k := r.Intn(16); k >= 0; k-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		text := b.String()
		cmds, ok := utSimpleCmds(text)
		if !ok {
			continue
		}
		read++
		s := &shellScript{Shell: "bash", Text: text}
		var want, got [][]string
		for _, c := range s.Cmds() {
			if len(c.Args) > 0 {
				want = append(want, utWordsOf(c))
			}
		}
		for _, c := range cmds {
			if len(c.Args) > 0 {
				got = append(got, utWordsOf(c))
			}
		}
		if !slices.EqualFunc(got, want, slices.Equal) {
			t.Fatalf("%q\nread %q\nparse %q", text, got, want)
		}
	}
	t.Logf("%d random scripts read without the parse", read)
}
