package checks

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"path"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// Obfuscation flags workflow text written to hide what it does: uses: paths with ".", ".." or
// empty components, and ${{ }} expressions that only compute a constant.
var Obfuscation = &audit.Check{
	ID:         "obfuscation",
	Title:      "Obfuscated uses: path or constant expression",
	Severity:   audit.Low,
	Confidence: audit.HighConfidence,
	Category:   audit.CategoryHygiene,
	Doc: `Reviewers and tools read ` + "`uses:`" + ` and ` + "`${{ }}`" + ` at face value. A ` + "`uses:`" + ` path such as
` + "`actions/checkout/./@v4`" + `, ` + "`github/codeql-action/init/../upload-sarif@v3`" + ` or ` + "`actions//checkout`" + ` runs
a different action than a quick read suggests, slips past allow-lists that match names literally, and
is a classic way to hide a change in a pull request. Likewise an expression that only computes a constant
(` + "`${{ 'ubuntu-latest' }}`" + `, ` + "`${{ format('{0}{1}', 'actions/', 'cache') }}`" + `,
` + "`${{ fromJSON('\"x\"') }}`" + `) has no reason to exist but to hide its value from a reader or a scanner.
Constant strings that hold ` + "`${{`" + ` (the way to print a literal placeholder) and bare ` + "`true`" + `,
` + "`false`" + ` and numbers are left alone, and so is a single trailing slash (` + "`actions/checkout/@v4`" + `, which zizmor
reports): it names the same action and cannot hide another one. Constants nested inside a larger expression
that reads a context (` + "`format('{0}', 'abc')`" + ` as one argument) are not reported either.`,
	Bad: `on: push
permissions: {}
jobs:
  build:
    runs-on: ${{ 'ubuntu-latest' }}
    steps:
      - uses: actions/checkout/./@v4
`,
	Good: `on: push
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
`,
	Fix: `Write the path and value plainly: ` + "`uses: actions/checkout@v4`" + `, ` + "`runs-on: ubuntu-latest`" + `.
If the text came from a contribution, find out why it was written that way.`,
	References: []string{
		"https://docs.zizmor.sh/audits/#obfuscation",
		"https://docs.github.com/en/actions/reference/workflows-and-actions/expressions",
	},
	Equivalents: map[string]string{"zizmor": "obfuscation"},
	Run:         runObfuscation,
}

func runObfuscation(pass *audit.Pass) error {
	for _, file := range pass.Target.Files {
		if file.Workflow == nil && file.Action == nil {
			continue
		}
		for _, ref := range file.Steps() {
			if a := ref.Uses(); a != nil {
				obfUses(pass, file, a.Uses)
			}
		}
		if file.Workflow != nil {
			for _, j := range file.Jobs() {
				if j.WorkflowCall != nil {
					obfUses(pass, file, j.WorkflowCall.Uses)
				}
			}
		}
		obfConstExprs(pass, file)
	}
	return nil
}

// obfUses reports a uses: path with ".", ".." or empty components. Most paths are plain, and
// obfClean says so before the searches for "docker://" and "${{", which only spare a report.
func obfUses(pass *audit.Pass, file *audit.File, u *actionlint.String) {
	if u == nil {
		return
	}
	p, ref, hasRef := strings.Cut(u.Value, "@")
	local := strings.HasPrefix(p, "./")
	rest := strings.TrimSuffix(strings.TrimPrefix(p, "./"), "/")
	// A leading ".." of a local path is needed (actions checked out beside the repository); a
	// trailing slash is harmless. Anything else path.Clean would change hides the real path.
	if rest == "" || obfClean(rest) || strings.HasPrefix(u.Value, "docker://") || strings.Contains(u.Value, "${{") {
		return
	}
	clean := path.Clean(rest)
	if clean == rest {
		return
	}
	if local {
		clean = "./" + clean
	}
	if hasRef {
		clean += "@" + ref
	}
	f := pass.Reportf(file, u.Pos, "uses: %q has redundant or empty path components; it means %q", u.Value, clean)
	f.Key = "uses " + u.Value
}

// obfClean reports, without path.Clean's allocation, that path.Clean leaves a non-empty path as
// it is: after the ".." components that start it (path.Clean keeps them in a relative path) it
// has no "." or ".." component, no empty component and no trailing slash. It reports false when
// unsure (a rooted path, a later component that starts with ".."). It looks at the first bytes of
// each component, found by IndexByte: two Contains calls ("/." and "//") cost more, and a byte
// loop more still. A local path's ".github" is a plain name (it was "unsure", and path.Clean ran
// on every local path).
func obfClean(p string) bool {
	if p[len(p)-1] == '/' {
		return false
	}
	for strings.HasPrefix(p, "../") {
		p = p[3:]
	}
	for {
		if p[0] == '.' && (len(p) == 1 || p[1] == '.' || p[1] == '/') || p[0] == '/' {
			return false
		}
		i := strings.IndexByte(p, '/')
		if i < 0 {
			return true
		}
		p = p[i+1:]
	}
}

// obfConstExprs reports ${{ }} expressions that read no context: they compute a constant.
func obfConstExprs(pass *audit.Pass, file *audit.File) {
	src := file.Source
	off := 0
	for _, p := range file.Placeholders() {
		start := int(p)
		if start < off {
			continue // inside the constant reported last
		}
		off = start + 3
		// Most expressions read a context near their start: the quick scan of the rest of the file
		// stops there, before the search for the closing braces. It reads the same tokens as a scan
		// of the expression's text up to its first "}}" unless that "}}" is inside a string
		// literal, where the text's scan is unsure and its parse below fails: no finding either way.
		if obfLeadingRead(src[off:]) || obfScanReads(src[off:], nil) == obfScanRead {
			continue
		}
		// The expression's text up to its closing braces (a "}}" inside a string literal ends
		// it early: the parse below then fails and the expression is left alone, as before).
		end := bytes.Index(src[off:], []byte("}}"))
		if end < 0 {
			return
		}
		if obfScanReads(src[off:off+end+2], nil) == obfScanRead {
			continue
		}
		// A comment line (found without the file's line table, which only a finding needs).
		ls := bytes.LastIndexByte(src[:start], '\n') + 1
		le := bytes.IndexByte(src[start:], '\n')
		if le < 0 {
			le = len(src)
		} else {
			le += start
		}
		if bytes.HasPrefix(bytes.TrimSpace(src[ls:le]), []byte("#")) {
			continue
		}
		if obfCallsStatus(src[off : off+end+2]) {
			continue
		}
		l := actionlint.NewExprLexer(string(src[off : off+end+2]))
		node, err := actionlint.NewExprParser().Parse(l)
		if err != nil || !obfConstant(node) {
			continue
		}
		raw := string(src[start : start+3+l.Offset()])
		off = start + len(raw)
		line, col := file.PosAt(start)
		f := pass.Reportf(file, audit.At(line, col), "expression %q only computes a constant; write the value plainly", raw)
		f.Key = "expr " + raw
	}
}

// obfLeadingRead reports that an expression's text (what follows "${{") starts, after one space
// or none, with a context read followed by a dot ("github.", "matrix.", "steps."...), as 13 K of
// the 14 K placeholders of the corpus do: what obfScanReads finds at its first token, which costs
// it about 190 instructions and 2 mispredictions (obfIdentAt compares each byte with a row of
// ranges, and the name's end is a branch). Here the eight bytes after the space are looked at
// together: the first dot, and lower-case letters before it, not null, true or false. It
// reports false for anything else (a longer name, a name with other bytes, a call), which
// obfScanReads then reads.
func obfLeadingRead(text []byte) bool {
	const lo, high, low7 = 0x0101010101010101, 0x8080808080808080, 0x7f7f7f7f7f7f7f7f
	i := 0
	if len(text) > 0 && text[0] == ' ' {
		i = 1
	}
	if len(text) < i+8 {
		return false
	}
	x := binary.LittleEndian.Uint64(text[i:])
	dots := pcZeroBytes(x ^ '.'*lo)
	if dots == 0 {
		return false
	}
	name := uint64(1)<<(bits.TrailingZeros64(dots)-7) - 1 // the bytes before the first dot
	// A byte's high bit: set from 'a' up (+ 0x80-'a'), from '{' up (+ 0x80-'{'), and in x itself.
	lower := (x&low7 + (0x80-'a')*lo) &^ (x&low7 + (0x80-'{')*lo) &^ x & high
	if name == 0 || lower&name != high&name {
		return false
	}
	w := x & name
	return w != obfNull && w != obfTrue && w != obfFalse
}

// The literals null, true and false as obfLeadingRead reads them: little-endian words.
const (
	obfNull  = 'n' | 'u'<<8 | 'l'<<16 | 'l'<<24
	obfTrue  = 't' | 'r'<<8 | 'u'<<16 | 'e'<<24
	obfFalse = 'f' | 'a'<<8 | 'l'<<16 | 's'<<24 | 'e'<<32
)

// obfReadsContext is a quick look at an expression's text (what follows "${{"): it reports true
// when it finds a context read before the closing "}}", so that the expression cannot be a
// constant and need not be parsed. When unsure it reports false.
func obfReadsContext(text string) bool {
	return obfScanReads(text, nil) == obfScanRead
}

// obfCallsStatus is a look at an expression's text (what follows "${{", up to "}}") before its
// parse: it reports true when the text calls, outside string literals, success, failure, always,
// cancelled or hashFiles, which obfConstant never takes for a constant (hashFiles('...') in cache
// keys is most of the expressions that read no context). When unsure it reports false.
func obfCallsStatus(text []byte) bool {
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == '\'':
			for i++; ; {
				j := bytes.IndexByte(text[i:], '\'')
				if j < 0 {
					return false
				}
				i += j + 1
				if i >= len(text) || text[i] != '\'' {
					break
				}
				i++
			}
			continue
		case c >= '0' && c <= '9' || c == '-':
			for i++; i < len(text) && obfNumByte(text[i]); i++ {
			}
			continue
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_':
			j, k := obfIdentAt(text, i)
			if k < len(text) && text[k] == '(' {
				switch strings.ToLower(string(text[i:j])) {
				case "success", "failure", "always", "cancelled", "hashfiles":
					return true
				}
			}
			i = j
			continue
		}
		i++
	}
	return false
}

// obfScanEnd is where obfScanReads stopped.
type obfScanEnd int

const (
	obfScanUnsure obfScanEnd = iota // the text ended, or a string literal did not
	obfScanClosed                   // the closing "}}", after no context read that counts
	obfScanRead                     // a context read that counts
)

// obfScanReads reads an expression's text (what follows "${{") token by token as actionlint's
// lexer does, up to the first context read (an identifier that is neither a property name, a
// function name nor a keyword) that safe, when given, does not accept; safe is called with the
// context's name and the text after it.
func obfScanReads[T ~string | ~[]byte](text T, safe func(name, rest string) bool) obfScanEnd {
	prev := byte(0) // the last byte of the previous token; 'n' after a number, 'i' after an identifier
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
			continue
		case c == '\'':
			for i++; ; i++ {
				j := i
				for j < len(text) && text[j] != '\'' {
					j++
				}
				if j >= len(text) {
					return obfScanUnsure
				}
				i = j + 1
				if i >= len(text) || text[i] != '\'' {
					break
				}
			}
			prev = '\''
			continue
		case c == '}':
			if i+1 < len(text) && text[i+1] == '}' {
				return obfScanClosed
			}
		case c >= '0' && c <= '9' || c == '-':
			for i++; i < len(text) && obfNumByte(text[i]); i++ {
			}
			prev = 'n'
			continue
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_':
			j, k := obfIdentAt(text, i)
			if prev != '.' && (k >= len(text) || text[k] != '(') && !obfLiteralWord(text[i:j]) &&
				(safe == nil || !safe(string(text[i:j]), string(text[k:]))) {
				return obfScanRead
			}
			i, prev = j, 'i'
			continue
		}
		prev = c
		i++
	}
	return obfScanUnsure
}

// obfLiteralWord reports whether a word is one of the literals null, true and false.
func obfLiteralWord[T ~string | ~[]byte](w T) bool {
	return string(w) == "null" || string(w) == "true" || string(w) == "false"
}

func obfIdentByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

func obfNumByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.' || c == '+'
}

// obfConstant reports whether an expression is a needless constant: a string literal or a function
// of literals, but not a bare boolean, number or null, and not a string that spells "${{".
func obfConstant(n actionlint.ExprNode) bool {
	switch n.(type) {
	case *actionlint.BoolNode, *actionlint.IntNode, *actionlint.FloatNode, *actionlint.NullNode:
		return false
	}
	constant := true
	actionlint.VisitExprNode(n, func(n, _ actionlint.ExprNode, entering bool) {
		if !entering {
			return
		}
		switch x := n.(type) {
		case *actionlint.VariableNode:
			constant = false
		case *actionlint.StringNode:
			if strings.Contains(x.Value, "${{") || strings.Contains(x.Value, "}}") {
				constant = false
			}
		case *actionlint.FuncCallNode:
			switch toLower(x.Callee) {
			case "success", "failure", "always", "cancelled", "hashfiles":
				constant = false
			}
		}
	})
	return constant
}

// obfIdentAt reads the identifier that starts at text[i]: j is its end, k the first byte after
// the blanks that follow it (where a "(" makes it a call).
func obfIdentAt[T ~string | ~[]byte](text T, i int) (j, k int) {
	j = i + 1
	for j < len(text) && obfIdentByte(text[j]) {
		j++
	}
	k = j
	for k < len(text) && (text[k] == ' ' || text[k] == '\t' || text[k] == '\n' || text[k] == '\r') {
		k++
	}
	return j, k
}
