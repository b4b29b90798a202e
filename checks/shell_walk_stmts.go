package checks

import "mvdan.cc/sh/v3/syntax"

// shellWalker visits the statements of a parsed script in the order syntax.Walk does, and only
// the nodes that may hold one: collect needs its commands, the redirections of the statements
// that enclose each and the substitutions that hold them, and nothing of the other nodes.
type shellWalker struct {
	s *shellScript
	// enc are the statements that enclose the current node up to the innermost substitution,
	// outermost first, each with its command (nil for compound ones).
	enc []shellEnclosing
	// inSubst is true inside a substitution; outer is then the command of the statement that holds it.
	inSubst bool
	outer   *shellCmd
	stmts   []*syntax.Stmt // the statement of each command of s.more.cmds
	pipes   [][2]*syntax.Stmt
}

type shellEnclosing struct {
	st  *syntax.Stmt
	cmd *shellCmd
}

func (w *shellWalker) stmtList(list []*syntax.Stmt) {
	for _, st := range list {
		w.stmt(st)
	}
}

func (w *shellWalker) stmt(st *syntax.Stmt) {
	if st == nil {
		return
	}
	c := w.s.newCmdIn(st, w)
	if c != nil {
		w.s.more.cmds = append(w.s.more.cmds, c)
		w.stmts = append(w.stmts, st)
	}
	w.enc = append(w.enc, shellEnclosing{st, c})
	if st.Cmd != nil {
		w.command(st.Cmd)
	}
	for _, r := range st.Redirs {
		w.word(r.Word)
		w.word(r.Hdoc)
	}
	w.enc = w.enc[:len(w.enc)-1]
}

func (w *shellWalker) command(n syntax.Command) {
	switch x := n.(type) {
	case *syntax.CallExpr:
		w.assigns(x.Assigns)
		w.words(x.Args)
	case *syntax.DeclClause:
		w.assigns(x.Args)
	case *syntax.Subshell:
		w.stmtList(x.Stmts)
	case *syntax.Block:
		w.stmtList(x.Stmts)
	case *syntax.IfClause:
		for ; x != nil; x = x.Else {
			w.stmtList(x.Cond)
			w.stmtList(x.Then)
		}
	case *syntax.WhileClause:
		w.stmtList(x.Cond)
		w.stmtList(x.Do)
	case *syntax.ForClause:
		switch l := x.Loop.(type) {
		case *syntax.WordIter:
			w.words(l.Items)
		case *syntax.CStyleLoop:
			w.arithm(l.Init)
			w.arithm(l.Cond)
			w.arithm(l.Post)
		}
		w.stmtList(x.Do)
	case *syntax.BinaryCmd:
		if x.Op == syntax.Pipe || x.Op == syntax.PipeAll {
			w.pipes = append(w.pipes, [2]*syntax.Stmt{x.X, x.Y})
		}
		w.stmt(x.X)
		w.stmt(x.Y)
	case *syntax.FuncDecl:
		w.stmt(x.Body)
	case *syntax.ArithmCmd:
		w.arithm(x.X)
	case *syntax.TestClause:
		w.test(x.X)
	case *syntax.CaseClause:
		w.word(x.Word)
		for _, it := range x.Items {
			w.words(it.Patterns)
			w.stmtList(it.Stmts)
		}
	case *syntax.LetClause:
		for _, e := range x.Exprs {
			w.arithm(e)
		}
	case *syntax.TimeClause:
		w.stmt(x.Stmt)
	case *syntax.CoprocClause:
		w.word(x.Name)
		w.stmt(x.Stmt)
	case *syntax.TestDecl:
		w.word(x.Description)
		w.stmt(x.Body)
	}
}

func (w *shellWalker) assigns(as []*syntax.Assign) {
	for _, a := range as {
		w.word(a.Value)
		w.arithm(a.Index)
		if a.Array != nil {
			for _, e := range a.Array.Elems {
				w.arithm(e.Index)
				w.word(e.Value)
			}
		}
	}
}

func (w *shellWalker) words(ws []*syntax.Word) {
	for _, wd := range ws {
		w.word(wd)
	}
}

func (w *shellWalker) word(wd *syntax.Word) {
	if wd == nil {
		return
	}
	for _, p := range wd.Parts {
		w.part(p)
	}
}

func (w *shellWalker) part(p syntax.WordPart) {
	switch x := p.(type) {
	case *syntax.DblQuoted:
		for _, q := range x.Parts {
			w.part(q)
		}
	case *syntax.CmdSubst:
		w.subst(x.Stmts)
	case *syntax.ProcSubst:
		w.subst(x.Stmts)
	case *syntax.ArithmExp:
		w.arithm(x.X)
	case *syntax.ParamExp:
		if x.NestedParam != nil {
			w.part(x.NestedParam)
		}
		w.arithm(x.Index)
		if x.Slice != nil {
			w.arithm(x.Slice.Offset)
			w.arithm(x.Slice.Length)
		}
		if x.Repl != nil {
			w.word(x.Repl.Orig)
			w.word(x.Repl.With)
		}
		if x.Exp != nil {
			w.word(x.Exp.Word)
		}
	}
}

// subst visits the statements of a command or process substitution: the commands there have
// the statement that holds it as Outer, and no redirection of the statements around it.
func (w *shellWalker) subst(list []*syntax.Stmt) {
	enc, inSubst, outer := w.enc, w.inSubst, w.outer
	w.inSubst, w.outer = true, nil
	if len(enc) > 0 {
		w.outer = enc[len(enc)-1].cmd
	}
	w.enc = enc[len(enc):]
	w.stmtList(list)
	w.enc, w.inSubst, w.outer = enc, inSubst, outer
}

func (w *shellWalker) arithm(e syntax.ArithmExpr) {
	switch x := e.(type) {
	case *syntax.Word:
		w.word(x)
	case *syntax.BinaryArithm:
		w.arithm(x.X)
		w.arithm(x.Y)
	case *syntax.UnaryArithm:
		w.arithm(x.X)
	case *syntax.ParenArithm:
		w.arithm(x.X)
	case *syntax.FlagsArithm:
		w.arithm(x.X)
	}
}

func (w *shellWalker) test(e syntax.TestExpr) {
	switch x := e.(type) {
	case *syntax.Word:
		w.word(x)
	case *syntax.BinaryTest:
		w.test(x.X)
		w.test(x.Y)
	case *syntax.UnaryTest:
		w.test(x.X)
	case *syntax.ParenTest:
		w.test(x.X)
	}
}

// newCmdIn builds the command of a statement at the walker's current place: with the
// redirections of the statements that enclose it up to a substitution's boundary, innermost
// first, and the command that holds that substitution.
func (s *shellScript) newCmdIn(st *syntax.Stmt, w *shellWalker) *shellCmd {
	c := s.simpleCmd(st)
	if c == nil {
		return nil
	}
	for i := len(w.enc) - 1; i >= 0; i-- {
		for _, r := range w.enc[i].st.Redirs {
			c.Redirs = append(c.Redirs, s.redir(r, true))
		}
	}
	if w.inSubst {
		c.Outer = w.outer
	}
	return c
}

// collectStmts records the simple commands of a parsed script, with their redirections (those of
// enclosing compound commands too), the pipes between them and the command substitutions they hold.
func (s *shellScript) collectStmts(f *syntax.File) {
	w := &shellWalker{s: s}
	w.stmtList(f.Stmts)
	for _, p := range w.pipes {
		l, r := p[0], p[1]
		for {
			b, ok := l.Cmd.(*syntax.BinaryCmd)
			if !ok {
				break
			}
			l = b.Y
		}
		for {
			b, ok := r.Cmd.(*syntax.BinaryCmd)
			if !ok {
				break
			}
			r = b.X
		}
		if lc, rc := w.cmdOf(l), w.cmdOf(r); lc != nil && rc != nil {
			lc.Pipe, rc.PipedFrom = rc, lc
		}
	}
}

func (w *shellWalker) cmdOf(st *syntax.Stmt) *shellCmd {
	for i, x := range w.stmts {
		if x == st {
			return w.s.more.cmds[i]
		}
	}
	return nil
}
