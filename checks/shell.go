package checks

import (
	"bytes"
	"errors"
	"path"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
	"mvdan.cc/sh/v3/syntax"
)

// shellScript is a step's run: script, memoized per file and shared by the checks that read
// scripts. Only its text and shell are computed up front: the placeholders, the line map and the
// parse (POSIX shells, with mvdan.cc/sh) are computed the first time a check asks for them, so a
// check that filters scripts by the tokens it looks for pays for none of it.
type shellScript struct {
	Ref audit.StepRef
	Run *actionlint.String
	// Shell is "bash", "sh", "zsh"..., "pwsh" (also for powershell), "cmd", "python" or another name.
	Shell string
	// Text is the script as the runner gets it, ${{ }} placeholders included.
	Text string

	facts shellFacts // see Facts
	more  *shellLazy // what checks compute the first time they ask for it
}

// shellLazy holds what is computed for a script only when a check asks for it: most scripts
// never need any of it.
type shellLazy struct {
	cmds      []*shellCmd // see Cmds
	parsed    bool
	folded    string // see Folded
	hasFolded bool
	exprs     []audit.Expr // see Exprs
	hasExprs  bool
	lineStart []int
	lineMap   []shellLineMap
}

func (s *shellScript) lazy() *shellLazy {
	if s.more == nil {
		s.more = &shellLazy{}
	}
	return s.more
}

// shellLineMap places one script line in the workflow file: its source line and the number of
// characters before it there; line 0 means not found.
type shellLineMap struct{ line, col int }

// shellCmd is one simple command: `NAME=v cmd args >redir`.
type shellCmd struct {
	Args    []*shellWord
	Assigns []shellAssign
	// Redirs are the command's redirections, those of enclosing blocks ({ ...; } >>f) included.
	Redirs []shellRedir
	Offset int
	// Pipe is the command this one's output is piped into, PipedFrom the one piping into it.
	Pipe, PipedFrom *shellCmd
	// Outer is the command whose argument holds this one in $( ), backquotes or <( ).
	Outer *shellCmd
	// Decl is "export", "local", "declare"... for declaration builtins (Args is then empty).
	Decl string
}

type shellAssign struct {
	Name  string
	Value *shellWord // nil for `export NAME`
}

type shellRedir struct {
	// Op is ">", ">>", "<", "<<", "<<<", "&>"...
	Op     string
	Target *shellWord
	// Hdoc is a here-document's body.
	Hdoc      *shellWord
	Inherited bool
	Offset    int
}

// shellWord is one word: Text is its value with quotes removed where the shell would remove them
// and expansions ($VAR, $(...), ${{ }}) kept as written.
type shellWord struct {
	Text string
	// Literal is false when the shell expands something in the word ($VAR, $(...), globs aside).
	Literal bool
	// HasExpr is true when the word holds a ${{ }} placeholder.
	HasExpr bool
	// Params are the shell variables the word expands; Substs its command substitutions' text.
	Params []string
	Substs bool
	Offset int
	End    int
}

// shellPosix reports whether the script was parsed as a POSIX shell script.
func (s *shellScript) shellPosix() bool {
	switch s.Shell {
	case "bash", "sh", "zsh", "dash", "ksh", "ash", "mksh":
		return true
	}
	return false
}

// Pos returns the workflow file position of a byte offset in Text.
func (s *shellScript) Pos(off int) *actionlint.Pos {
	lines := s.lines()
	m := s.lazy()
	if m.lineMap == nil {
		s.mapLines(s.Ref.File)
	}
	i := sort.Search(len(lines), func(i int) bool { return lines[i] > off }) - 1
	if i < 0 || i >= len(m.lineMap) || m.lineMap[i].line == 0 {
		if s.Run.Pos != nil {
			return &actionlint.Pos{Line: s.Run.Pos.Line, Col: s.Run.Pos.Col}
		}
		return nil
	}
	off = min(off, len(s.Text))
	col := utf8.RuneCountInString(s.Text[lines[i]:off])
	return &actionlint.Pos{Line: m.lineMap[i].line, Col: m.lineMap[i].col + col + 1}
}

// Exprs returns the placeholders of Text; their Offset is a byte offset in Text.
func (s *shellScript) Exprs() []audit.Expr {
	m := s.lazy()
	if !m.hasExprs {
		m.exprs, m.hasExprs = s.Ref.File.ExprsOf(s.Run), true
	}
	return m.exprs
}

// ExprsIn returns the placeholders that start in [start, end) of Text.
func (s *shellScript) ExprsIn(start, end int) []audit.Expr {
	var out []audit.Expr
	for _, e := range s.Exprs() {
		if e.Offset >= start && e.Offset < end {
			out = append(out, e)
		}
	}
	return out
}

// lines returns the byte offset of each line start of Text.
func (s *shellScript) lines() []int {
	m := s.lazy()
	if m.lineStart == nil {
		m.lineStart = make([]int, 1, strings.Count(s.Text, "\n")+1)
		for off := 0; ; {
			i := strings.IndexByte(s.Text[off:], '\n')
			if i < 0 {
				break
			}
			off += i + 1
			m.lineStart = append(m.lineStart, off)
		}
	}
	return m.lineStart
}

// Folded returns Text with its ASCII letters in lower case and its quotes (" and ') removed,
// computed once per script: checks look in it for the words they need before asking for the
// parse. A word of the script is in it, even one that the shell builds by removing quotes
// (p"ip"). Non-ASCII text is kept as it is: the only non-ASCII letters that case folding matches
// to ASCII ones are K (Kelvin, U+212A) and ſ (long s, U+017F), which shellOddFold finds.
func (s *shellScript) Folded() string {
	m := s.lazy()
	if !m.hasFolded {
		m.hasFolded = true
		b := make([]byte, len(s.Text))
		j := 0
		for i := 0; i < len(s.Text); i++ {
			c := s.Text[i]
			b[j] = shellFoldTable[c]
			if c != '"' && c != '\'' {
				j++
			}
		}
		m.folded = string(b[:j])
	}
	return m.folded
}

// shellFoldTable maps each byte to itself, ASCII upper-case letters to lower case.
var shellFoldTable = func() (t [256]byte) {
	for i := range t {
		t[i] = byte(i)
		if i >= 'A' && i <= 'Z' {
			t[i] = byte(i) + 'a' - 'A'
		}
	}
	return t
}()

// shellOddFold reports whether text holds a non-ASCII letter that Go's case folding matches to
// an ASCII one: K (Kelvin) folds to k, ſ (long s) to s.
func shellOddFold(text string) bool {
	return strings.Contains(text, "\u212a") || strings.Contains(text, "\u017f")
}

// shellHasWord reports whether text holds word with no letter, digit, '_', '.' or '-' right
// before or after it: a command's name (x.go, gopher and go-task are not go).
func shellHasWord(text, word string) bool {
	for off := 0; ; {
		i := strings.Index(text[off:], word)
		if i < 0 {
			return false
		}
		i += off
		end := i + len(word)
		if (i == 0 || !shellWordByte(text[i-1])) && (end == len(text) || !shellWordByte(text[end])) {
			return true
		}
		off = i + 1
	}
}

func shellWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-'
}

// Cmds returns the script's simple commands in source order, those inside $( ) and <( )
// included; nil for shells other than POSIX ones. The script is parsed on the first call.
func (s *shellScript) Cmds() []*shellCmd {
	m := s.lazy()
	if !m.parsed {
		m.parsed = true
		if s.shellPosix() {
			s.parse()
		}
	}
	return m.cmds
}

// Name is the command's program name (its base name), after wrappers such as sudo and env.
func (c *shellCmd) Name() string {
	if a := c.Argv(); len(a) > 0 {
		return path.Base(a[0].Text)
	}
	return ""
}

// Argv returns the command's words from the program on, skipping wrappers (sudo, env, time...).
func (c *shellCmd) Argv() []*shellWord {
	a := c.Args
	for len(a) > 0 {
		switch path.Base(a[0].Text) {
		case "sudo", "doas", "env", "time", "nohup", "command", "exec", "builtin", "nice", "timeout", "stdbuf", "xvfb-run":
			wrapper := path.Base(a[0].Text)
			a = a[1:]
			for len(a) > 0 {
				t := a[0].Text
				switch {
				case strings.HasPrefix(t, "-"):
					a = a[1:]
					if len(a) > 0 && len(t) == 2 && strings.Contains("ugCDhpUrtTn", t[1:]) && wrapper != "env" && wrapper != "time" {
						a = a[1:] // sudo -u user, nice -n 10
					}
					continue
				case wrapper == "env" && strings.Contains(t, "=") && !strings.HasPrefix(t, "="):
					a = a[1:]
					continue
				case wrapper == "timeout" && t != "" && t[0] >= '0' && t[0] <= '9':
					a = a[1:]
					continue
				}
				break
			}
		default:
			return a
		}
	}
	return a
}

// ArgTexts returns the texts of Argv()[1:].
func (c *shellCmd) ArgTexts() []string {
	a := c.Argv()
	if len(a) == 0 {
		return nil
	}
	out := make([]string, len(a)-1)
	for i, w := range a[1:] {
		out[i] = w.Text
	}
	return out
}

type shellKey struct{}

// shellScriptsOf returns the run: scripts of a workflow or composite action, in step order,
// computed once per file.
func shellScriptsOf(f *audit.File) []*shellScript {
	if f.Workflow == nil && (f.Action == nil || f.Action.Runs == nil) {
		return nil
	}
	return f.Memo(shellKey{}, func() any {
		steps := f.Steps()
		n := 0
		for _, ref := range steps {
			if r := ref.Run(); r != nil && r.Run != nil {
				n++
			}
		}
		if n == 0 {
			return []*shellScript(nil)
		}
		all := make([]shellScript, n)
		out := make([]*shellScript, n)
		var job *actionlint.Job
		jobShell := ""
		i := 0
		for _, ref := range steps {
			r := ref.Run()
			if r == nil || r.Run == nil {
				continue
			}
			var sh string
			if r.Shell == nil && ref.Job == job && jobShell != "" {
				sh = jobShell // the same defaults as the job's previous script
			} else {
				sh = shellName(ref, r)
				if r.Shell == nil {
					job, jobShell = ref.Job, sh
				}
			}
			all[i] = shellScript{Ref: ref, Run: r.Run, Shell: sh, Text: r.Run.Value}
			out[i] = &all[i]
			i++
		}
		return out
	}).([]*shellScript)
}

// shellScriptOf returns the step's script; nil for a uses: step.
func shellScriptOf(ref audit.StepRef) *shellScript {
	r := ref.Run()
	if r == nil || r.Run == nil {
		return nil
	}
	for _, s := range shellScriptsOf(ref.File) {
		if s.Run == r.Run {
			return s
		}
	}
	return nil
}

// shellName resolves the shell a run: step uses: its shell:, the job's and the workflow's
// defaults, else bash, or pwsh on Windows runners.
func shellName(ref audit.StepRef, r *actionlint.ExecRun) string {
	sh := r.Shell
	if sh == nil && ref.Job != nil && ref.Job.Defaults != nil && ref.Job.Defaults.Run != nil {
		sh = ref.Job.Defaults.Run.Shell
	}
	if sh == nil && ref.File.Workflow != nil && ref.File.Workflow.Defaults != nil && ref.File.Workflow.Defaults.Run != nil {
		sh = ref.File.Workflow.Defaults.Run.Shell
	}
	if sh != nil && strings.TrimSpace(sh.Value) != "" && !strings.Contains(sh.Value, "${{") {
		name := strings.ToLower(path.Base(strings.Fields(sh.Value)[0]))
		name = strings.TrimSuffix(name, ".exe")
		if name == "powershell" {
			name = "pwsh"
		}
		return name
	}
	if ref.Job != nil && ref.Job.RunsOn != nil {
		for _, l := range ref.Job.RunsOn.Labels {
			if l != nil && strings.HasPrefix(strings.ToLower(l.Value), "windows") {
				return "pwsh"
			}
		}
	}
	return "bash"
}

var shellParsers = sync.Pool{New: func() any { return syntax.NewParser(syntax.Variant(syntax.LangBash)) }}

// parse parses a POSIX script and collects its commands.
func (s *shellScript) parse() {
	lines := s.lines()
	// Placeholders become same-length words so that offsets stay right.
	src := []byte(s.Text)
	for _, e := range s.Exprs() {
		for i := e.Offset; i < e.Offset+len(e.Raw) && i < len(src); i++ {
			if src[i] != '\n' {
				src[i] = 'X'
			}
		}
	}
	p := shellParsers.Get().(*syntax.Parser)
	defer shellParsers.Put(p)
	for try := 0; try < 6; try++ {
		f, err := p.Parse(bytes.NewReader(src), "")
		if err == nil {
			s.collect(f)
			break
		}
		// Blank the line the parser stopped at and try again, so one odd line loses only itself.
		var pe syntax.ParseError
		var le syntax.LangError
		var line int
		switch {
		case errors.As(err, &pe):
			line = int(pe.Pos.Line())
		case errors.As(err, &le):
			line = int(le.Pos.Line())
		}
		if line < 1 || line > len(lines) {
			break
		}
		for i := lines[line-1]; i < len(src) && src[i] != '\n'; i++ {
			src[i] = ' '
		}
	}
}

// mapLines finds each script line in the workflow source.
func (s *shellScript) mapLines(f *audit.File) {
	m := s.lazy()
	m.lineMap = make([]shellLineMap, len(s.lines()))
	pos := s.Run.Pos
	if pos == nil {
		return
	}
	cursor, skip := pos.Line, 0
	if hdr := f.Line(pos.Line); pos.Col >= 1 && pos.Col-1 < len(hdr) {
		if strings.ContainsAny(hdr[pos.Col-1:pos.Col], "|>") {
			cursor++ // a block scalar starts on the next line
		} else {
			skip = f.Offset(pos.Line, pos.Col) - f.Offset(pos.Line, 1) // not the key on the first line
		}
	}
	last := min(f.LineCount(), cursor+len(m.lineStart)*4+8)
	for i, start := range m.lineStart {
		end := len(s.Text)
		if i+1 < len(m.lineStart) {
			end = m.lineStart[i+1] - 1
		}
		text := strings.TrimRight(s.Text[start:end], "\r")
		trimmed := strings.TrimSpace(text)
		if trimmed == "" {
			continue
		}
		for n := cursor; n <= last; n++ {
			src, from := f.Line(n), 0
			if n == pos.Line {
				from = min(max(skip, 0), len(src))
			}
			if j := strings.Index(src[from:], text); j >= 0 {
				j += from
				m.lineMap[i] = shellLineMap{n, utf8.RuneCountInString(src[:j])}
				cursor = n + 1
				break
			}
			// A folded scalar: the source line is the start of the script line.
			if ts := strings.TrimSpace(src); ts != "" && strings.HasPrefix(trimmed, ts) && len(ts) > 8 {
				lead := utf8.RuneCountInString(text[:len(text)-len(strings.TrimLeft(text, " \t"))])
				j := strings.Index(src, ts)
				m.lineMap[i] = shellLineMap{n, max(0, utf8.RuneCountInString(src[:j])-lead)}
				cursor = n + 1
				break
			}
		}
	}
}
