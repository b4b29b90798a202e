package checks

import (
	"bytes"
	"errors"
	"strings"
	"sync"

	"mvdan.cc/sh/v3/syntax"
)

// Cmds returns the script's simple commands in source order, those inside $( ) and <( )
// included; nil for shells other than POSIX ones. The script is parsed on the first call, unless
// it is a plain list of commands, which plainCmds reads as the parse would.
func (s *shellScript) Cmds() []*shellCmd {
	m := s.lazy()
	if !m.parsed {
		m.parsed = true
		if s.shellPosix() && !s.plainCmds() {
			s.parse()
		}
	}
	return m.cmds
}

// CmdsIfPlain returns Cmds when that costs no parse: the script was read already, or it is a
// POSIX script that plainCmds reads. ok is false, and nothing is done, otherwise; a check that can
// tell without the commands that a script holds nothing for it then spares the parse.
func (s *shellScript) CmdsIfPlain() (cmds []*shellCmd, ok bool) {
	m := s.lazy()
	if !m.parsed {
		if !s.shellPosix() || !s.plainCmds() {
			return nil, false
		}
		m.parsed = true
	}
	return m.cmds, true
}

var shellParsers = sync.Pool{New: func() any { return syntax.NewParser(syntax.Variant(syntax.LangBash)) }}

// parse parses a POSIX script and collects its commands.
func (s *shellScript) parse() {
	// Placeholders become same-length words so that offsets stay right; a script without one
	// is read as it is, and copied only to blank a line that the parser rejects.
	var src []byte
	if exprs := s.Exprs(); len(exprs) > 0 {
		src = []byte(s.Text)
		for _, e := range exprs {
			for i := e.Offset; i < e.Offset+len(e.Raw) && i < len(src); i++ {
				if src[i] != '\n' {
					src[i] = 'X'
				}
			}
		}
	}
	p := shellParsers.Get().(*syntax.Parser)
	defer shellParsers.Put(p)
	for try := 0; try < 6; try++ {
		var f *syntax.File
		var err error
		if src == nil {
			f, err = p.Parse(strings.NewReader(s.Text), "")
		} else {
			f, err = p.Parse(bytes.NewReader(src), "")
		}
		if err == nil {
			s.collectStmts(f)
			break
		}
		if src == nil {
			src = []byte(s.Text)
		}
		lines := s.lines()
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
