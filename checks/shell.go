package checks

import (
	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
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

	scanned bool       // words is computed
	words   shellWords // see Words
	more    *shellLazy // what checks compute the first time they ask for it
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
	mapping   shellLineMapping
	arena     shellArena // the commands and words of the parse
}

func (s *shellScript) lazy() *shellLazy {
	if s.more == nil {
		s.more = &shellLazy{}
	}
	return s.more
}

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
