package checks

import (
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"
)

// shellCmdsDump writes out all that the commands hold, the links between them as indices.
func shellCmdsDump(cmds []*shellCmd) []string {
	index := func(c *shellCmd) int { return slices.Index(cmds, c) }
	word := func(w *shellWord) string {
		if w == nil {
			return "<nil>"
		}
		return fmt.Sprintf("%q@%d-%d lit=%v expr=%v params=%q substs=%v", w.Text, w.Offset, w.End, w.Literal, w.HasExpr, w.Params, w.Substs)
	}
	var out []string
	for _, c := range cmds {
		line := fmt.Sprintf("@%d decl=%q pipe=%d from=%d outer=%d", c.Offset, c.Decl, index(c.Pipe), index(c.PipedFrom), index(c.Outer))
		for _, a := range c.Args {
			line += "\n  arg " + word(a)
		}
		for _, a := range c.Assigns {
			line += "\n  assign " + a.Name + " " + word(a.Value)
		}
		for _, r := range c.Redirs {
			line += fmt.Sprintf("\n  redir %q@%d inherited=%v %s hdoc %s", r.Op, r.Offset, r.Inherited, word(r.Target), word(r.Hdoc))
		}
		out = append(out, line)
	}
	return out
}

// shellPlainAndParse returns what plainCmds and the parse make of a script, and whether
// plainCmds read it.
func shellPlainAndParse(s shellScript) (plain, parsed []string, ok bool) {
	a, b := s, s
	a.more, b.more = &shellLazy{}, &shellLazy{}
	if ok = a.plainCmds(); ok {
		plain = shellCmdsDump(a.more.cmds)
	}
	b.parse()
	return plain, shellCmdsDump(b.more.cmds), ok
}

// TestShellPlainCmds checks that the scripts plainCmds reads give what their parse gives, and
// that it refuses what it must not read.
func TestShellPlainCmds(t *testing.T) {
	plain := []string{
		"", "# only a comment\n", "pip install requests\nnpm install -g yarn",
		"echo \"X=$X\" >> $GITHUB_ENV", "echo \"X=${X}\" >>\"${GITHUB_OUTPUT}\"", "echo a 2>&1 | tee log >&2",
		"curl -fsSL $URL -o x.sh 2>/dev/null; bash x.sh", "A=1 B+=$C cmd $D-e \"f $G h\" 'i $J'",
		"A= cmd", "A=", "A=1 >f B=2 cmd", "export A=1 B -n D=$E F+=g", "local a b=2", "readonly X=",
		"declare -x A=\"b c\"", "a | b | c && d || e | f\ng &\nh", "a |\n  # comment\n  b", "a &&\\\n b",
		"echo x>f y", "echo x 2>f", "echo x12>f", "echo \"a\n$B\nc\"", "echo $A$B${C}d", "echo ~/x *.go a=b",
		"sudo pip3 install \\\n  numpy \\\n  scipy", "x=1;y=2 z", "echo a >> f >> g", "echo a >f;b >>g",
		"echo \"#x\" a#b", "echo \"'\" '\"'", "echo $_x ${_Y1}",
	}
	refused := []string{
		"echo ${{ inputs.x }}", "> f echo", "2>f echo", "echo >", "echo > ;", "echo $(x)", "echo `x`", "echo $1",
		"echo ${X:-y}", "echo ${#X}", "echo $", "echo \"$\"", "echo \"\\\"\"", "echo x &> f", "echo x >| f",
		"echo x < f", "echo x <<EOF\nEOF", "echo x >&$Y", "echo x >&-", "if true; then a; fi", "a && ", "a |",
		"A=1 export B", "export \"C\"", "export 1x", "echo \"a\r\nb\"", "echo 'a\r\nb'", "local -na=b", "echo #1\\\nx", "export A >f", "let x=1", "\"export\" A=1", "echo x |& y", "a ;; b", "; a", "echo \"x", "echo $'x'",
		"echo $\"x\"", "echo x\r\n", "echo [x]", "echo {a,b}", "! a", "a > >(b)", "echo x >#f", "echo '(x)'", "echo \"[x]\"",
	}
	for _, text := range plain {
		p, want, ok := shellPlainAndParse(shellScript{Shell: "bash", Text: text})
		if !ok {
			t.Errorf("%q: refused", text)
			continue
		}
		if !slices.Equal(p, want) {
			t.Errorf("%q:\nread  %s\nparse %s", text, strings.Join(p, "\n"), strings.Join(want, "\n"))
		}
	}
	for _, text := range refused {
		s := shellScript{Shell: "bash", Text: text, more: &shellLazy{}}
		if s.plainCmds() {
			t.Errorf("%q: read without the parse", text)
		}
	}
}

// TestShellPlainCmdsCorpus compares plainCmds with the parse on every POSIX script of the
// corpus that it reads.
func TestShellPlainCmdsCorpus(t *testing.T) {
	read, all := 0, 0
	for _, tg := range corpusTargets(t) {
		for _, f := range tg.Files {
			for _, s := range shellScriptsOf(f) {
				if !s.shellPosix() {
					continue
				}
				all++
				p, want, ok := shellPlainAndParse(*s)
				if !ok {
					continue
				}
				read++
				if !slices.Equal(p, want) {
					t.Errorf("%s: %q\nread  %s\nparse %s", f.Path, s.Text, strings.Join(p, "\n"), strings.Join(want, "\n"))
				}
			}
		}
	}
	t.Logf("%d of %d scripts read without the parse", read, all)
}

// TestShellPlainCmdsRandom compares plainCmds with the parse on random scripts made of the
// pieces it reads and of pieces near them.
func TestShellPlainCmdsRandom(t *testing.T) {
	pieces := []string{"echo", "pip", "install", "x", "-y", "A=1", "B+=", "C=$D", " ", " ", " ", "\t", "\n", "\n",
		";", "&", "&&", "|", "||", ">", ">>", ">&", "2", "1", "\"", "'", "$X", "${Y}", "$", "{", "}", "#", "# c\n",
		"\\\n", "export", "local", "-n", "=", "+", "a.b/c", "~", "*", "if", "then", "fi", "let", "$1", "(", ")", "<", "`",
		"2>", "\"$X\"", ">>\"$GITHUB_ENV\"", "a=b", "-", "declare", "readonly", "&>", "'a b'", "\"a b\"", "${Z}x", "0", "\\", "\r", "é"}
	r := rand.New(rand.NewSource(1))
	read := 0
	for range 100000 {
		var b strings.Builder
		for k := r.Intn(16); k >= 0; k-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		text := b.String()
		p, want, ok := shellPlainAndParse(shellScript{Shell: "bash", Text: text})
		if !ok {
			continue
		}
		read++
		if !slices.Equal(p, want) {
			t.Fatalf("%q:\nread  %s\nparse %s", text, strings.Join(p, "\n"), strings.Join(want, "\n"))
		}
	}
	t.Logf("%d random scripts read without the parse", read)
}
