package checks

import (
	"mvdan.cc/sh/v3/syntax"
)

// simpleCmd builds the command of a statement with its own redirections; nil for a statement
// that is not a simple command or a declaration.
func (s *shellScript) simpleCmd(st *syntax.Stmt) *shellCmd {
	var c *shellCmd
	switch x := st.Cmd.(type) {
	case *syntax.CallExpr:
		c = s.more.arena.cmd()
		if len(x.Args) > 0 {
			words, ptrs := s.more.arena.words(len(x.Args))
			c.Args = ptrs
			for i, a := range x.Args {
				s.fillWord(&words[i], a)
				ptrs[i] = &words[i]
			}
		}
		c.Assigns = s.assigns(x.Assigns)
	case *syntax.DeclClause:
		c = s.more.arena.cmd()
		if x.Variant != nil {
			c.Decl = x.Variant.Value
		}
		c.Assigns = s.assigns(x.Args)
	default:
		return nil
	}
	c.Offset = int(st.Pos().Offset())
	for _, r := range st.Redirs {
		c.Redirs = append(c.Redirs, s.redir(r, false))
	}
	return c
}

// shellArena hands out the commands and words of one parse from a few large blocks instead of
// one allocation each; blocks grow with the script, from small ones for the many short scripts.
type shellArena struct {
	cmds []shellCmd
	ws   []shellWord
	ptrs []*shellWord
}

func (a *shellArena) cmd() *shellCmd {
	if len(a.cmds) == cap(a.cmds) {
		a.cmds = make([]shellCmd, 0, min(max(4, 2*cap(a.cmds)), 128))
	}
	a.cmds = a.cmds[:len(a.cmds)+1]
	return &a.cmds[len(a.cmds)-1]
}

// words returns n words and n pointers to fill, for one command.
func (a *shellArena) words(n int) ([]shellWord, []*shellWord) {
	if len(a.ws)+n > cap(a.ws) {
		a.ws = make([]shellWord, 0, max(n, min(max(8, 2*cap(a.ws)), 512)))
	}
	if len(a.ptrs)+n > cap(a.ptrs) {
		a.ptrs = make([]*shellWord, 0, max(n, min(max(8, 2*cap(a.ptrs)), 512)))
	}
	k, p := len(a.ws), len(a.ptrs)
	a.ws, a.ptrs = a.ws[:k+n], a.ptrs[:p+n]
	return a.ws[k : k+n : k+n], a.ptrs[p : p+n : p+n]
}

func (s *shellScript) assigns(as []*syntax.Assign) []shellAssign {
	var out []shellAssign
	for _, a := range as {
		if a == nil || a.Name == nil {
			continue
		}
		sa := shellAssign{Name: a.Name.Value}
		if a.Value != nil {
			sa.Value = s.word(a.Value)
		} else if !a.Naked {
			sa.Value = &shellWord{Literal: true, Offset: int(a.End().Offset()), End: int(a.End().Offset())}
		}
		out = append(out, sa)
	}
	return out
}

func (s *shellScript) redir(r *syntax.Redirect, inherited bool) shellRedir {
	sr := shellRedir{Op: r.Op.String(), Inherited: inherited, Offset: int(r.OpPos.Offset())}
	if r.Word != nil {
		sr.Target = s.word(r.Word)
	}
	if r.Hdoc != nil {
		sr.Hdoc = s.word(r.Hdoc)
	}
	return sr
}

// word builds a shellWord from a parsed word, taking text from the original script so that
// ${{ }} placeholders come back as written.
func (s *shellScript) word(w *syntax.Word) *shellWord {
	sw := &shellWord{}
	s.fillWord(sw, w)
	return sw
}

func (s *shellScript) fillWord(sw *shellWord, w *syntax.Word) {
	*sw = shellWord{Literal: true, Offset: int(w.Pos().Offset()), End: int(w.End().Offset())}
	var b shellText
	for _, p := range w.Parts {
		s.wordPart(sw, &b, p)
	}
	sw.Text = b.String()
	sw.HasExpr = s.hasExprIn(sw.Offset, sw.End)
}

func (s *shellScript) wordPart(sw *shellWord, b *shellText, p syntax.WordPart) {
	start, end := int(p.Pos().Offset()), int(p.End().Offset())
	switch x := p.(type) {
	case *syntax.Lit:
		b.add(s.slice(start, end))
	case *syntax.SglQuoted:
		if x.Dollar {
			start++
		}
		b.add(s.slice(start+1, end-1))
	case *syntax.DblQuoted:
		for _, q := range x.Parts {
			s.wordPart(sw, b, q)
		}
	case *syntax.ParamExp:
		sw.Literal = false
		if x.Param != nil {
			sw.Params = append(sw.Params, x.Param.Value)
		}
		b.add(s.slice(start, end))
	case *syntax.CmdSubst, *syntax.ProcSubst:
		sw.Literal, sw.Substs = false, true
		b.add(s.slice(start, end))
	default:
		sw.Literal = false
		b.add(s.slice(start, end))
	}
}

// shellText joins the pieces of a word's text; a word of one piece (most are) keeps it as a
// substring of the script, with no copy.
type shellText struct {
	one string
	b   []byte
	n   int
}

func (t *shellText) add(piece string) {
	switch t.n {
	case 0:
		t.one = piece
	case 1:
		t.b = append(append(make([]byte, 0, len(t.one)+len(piece)+16), t.one...), piece...)
	default:
		t.b = append(t.b, piece...)
	}
	t.n++
}

func (t *shellText) String() string {
	if t.n <= 1 {
		return t.one
	}
	return string(t.b)
}

// hasExprIn reports whether a placeholder starts in [start, end) of Text.
func (s *shellScript) hasExprIn(start, end int) bool {
	for _, e := range s.Exprs() {
		if e.Offset >= start && e.Offset < end {
			return true
		}
	}
	return false
}

func (s *shellScript) slice(start, end int) string {
	if start < 0 || end > len(s.Text) || start > end {
		return ""
	}
	return s.Text[start:end]
}
