package checks

import (
	"errors"
	"path"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
	"mvdan.cc/sh/v3/syntax"
)

// shellScript is a step's run: script, parsed once and shared by the checks that read scripts.
// POSIX shells are parsed with mvdan.cc/sh; PowerShell and others keep only Text for regexes.
type shellScript struct {
	Ref audit.StepRef
	Run *actionlint.String
	// Shell is "bash", "sh", "zsh"..., "pwsh" (also for powershell), "cmd", "python" or another name.
	Shell string
	// Text is the script as the runner gets it, ${{ }} placeholders included.
	Text string
	// Exprs are the placeholders of Text; their Offset is a byte offset in Text.
	Exprs []audit.Expr
	// Cmds are the script's simple commands in source order, those inside $( ) and <( ) included.
	Cmds []*shellCmd

	lineStart []int
	lineMap   []shellLineMap
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
	i := sort.Search(len(s.lineStart), func(i int) bool { return s.lineStart[i] > off }) - 1
	if i < 0 || i >= len(s.lineMap) || s.lineMap[i].line == 0 {
		if s.Run.Pos != nil {
			return &actionlint.Pos{Line: s.Run.Pos.Line, Col: s.Run.Pos.Col}
		}
		return nil
	}
	off = min(off, len(s.Text))
	col := utf8.RuneCountInString(s.Text[s.lineStart[i]:off])
	return &actionlint.Pos{Line: s.lineMap[i].line, Col: s.lineMap[i].col + col + 1}
}

// ExprsIn returns the placeholders that start in [start, end) of Text.
func (s *shellScript) ExprsIn(start, end int) []audit.Expr {
	var out []audit.Expr
	for _, e := range s.Exprs {
		if e.Offset >= start && e.Offset < end {
			out = append(out, e)
		}
	}
	return out
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

var (
	shellCache sync.Map // *actionlint.String -> *shellScript
	shellCount atomic.Int64
)

// shellScripts returns the run: scripts of every workflow and composite action of the target.
func shellScripts(t *audit.Target) []*shellScript {
	var out []*shellScript
	for _, f := range t.Files {
		for _, ref := range f.Steps() {
			if s := shellScriptOf(ref); s != nil {
				out = append(out, s)
			}
		}
	}
	return out
}

// shellScriptOf returns the step's parsed script, nil for a uses: step.
func shellScriptOf(ref audit.StepRef) *shellScript {
	r := ref.Run()
	if r == nil || r.Run == nil {
		return nil
	}
	if v, ok := shellCache.Load(r.Run); ok {
		return v.(*shellScript)
	}
	s := shellParse(ref, r)
	if shellCount.Add(1) > 20000 { // bound the cache for org scans
		shellCache.Clear()
		shellCount.Store(0)
	}
	v, _ := shellCache.LoadOrStore(r.Run, s)
	return v.(*shellScript)
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

func shellParse(ref audit.StepRef, r *actionlint.ExecRun) *shellScript {
	s := &shellScript{Ref: ref, Run: r.Run, Shell: shellName(ref, r), Text: r.Run.Value}
	s.Exprs = ref.File.Exprs(r.Run)
	s.lineStart = append(s.lineStart, 0)
	for i := 0; i < len(s.Text); i++ {
		if s.Text[i] == '\n' {
			s.lineStart = append(s.lineStart, i+1)
		}
	}
	s.mapLines(ref.File)
	if !s.shellPosix() {
		return s
	}
	// Placeholders become same-length words so that offsets stay right.
	src := []byte(s.Text)
	for _, e := range s.Exprs {
		for i := e.Offset; i < e.Offset+len(e.Raw) && i < len(src); i++ {
			if src[i] != '\n' {
				src[i] = 'X'
			}
		}
	}
	p := syntax.NewParser(syntax.Variant(syntax.LangBash))
	for try := 0; try < 6; try++ {
		f, err := p.Parse(strings.NewReader(string(src)), "")
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
		if line < 1 || line > len(s.lineStart) {
			break
		}
		for i := s.lineStart[line-1]; i < len(src) && src[i] != '\n'; i++ {
			src[i] = ' '
		}
	}
	return s
}

// mapLines finds each script line in the workflow source.
func (s *shellScript) mapLines(f *audit.File) {
	s.lineMap = make([]shellLineMap, len(s.lineStart))
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
	last := min(f.LineCount(), cursor+len(s.lineStart)*4+8)
	for i, start := range s.lineStart {
		end := len(s.Text)
		if i+1 < len(s.lineStart) {
			end = s.lineStart[i+1] - 1
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
				s.lineMap[i] = shellLineMap{n, utf8.RuneCountInString(src[:j])}
				cursor = n + 1
				break
			}
			// A folded scalar: the source line is the start of the script line.
			if ts := strings.TrimSpace(src); ts != "" && strings.HasPrefix(trimmed, ts) && len(ts) > 8 {
				lead := utf8.RuneCountInString(text[:len(text)-len(strings.TrimLeft(text, " \t"))])
				j := strings.Index(src, ts)
				s.lineMap[i] = shellLineMap{n, max(0, utf8.RuneCountInString(src[:j])-lead)}
				cursor = n + 1
				break
			}
		}
	}
}
