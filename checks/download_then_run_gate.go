package checks

import (
	"math/bits"
	"path"
	"strings"
)

// dtrPosixMay reports whether dtrPosix may find something in a POSIX script whose words w
// were read with no quote joining a word that it looks for (see dtrJoinMatters), so that its parse
// is never needed for the scripts (nearly all) that cannot hold a finding. Each finding needs
// a download, a command named curl, wget, fetch, http or https, and one of:
//   - an interpreter that the download is piped into: its name after a pipe and wrappers;
//   - a command that runs a substitution holding the download: an interpreter, eval, source or
//     ".", before a $(, <( or backquote, before the download;
//   - a later command that runs the downloaded file: an interpreter, source or "." whose first
//     operand is a literal file with the same base name, or a path of that name with a script
//     extension; the name is then in the text twice.
//
// Every test is on the raw text and lets through what it cannot read (see shellCmdAt).
func dtrPosixMay(s *shellScript, w *shellWords) bool {
	g := &dtrGate{text: s.Text}
	for _, a := range w.Anchors {
		if a.Kind != saDownload {
			continue
		}
		if ok, _ := shellCmdAt(g.text, int(a.Off)); ok {
			g.downloads = append(g.downloads, int(a.Off))
		}
	}
	if len(g.downloads) == 0 {
		return false
	}
	if dtrEmptyWord(g.text) {
		return true // an empty word may be a command named "."
	}
	return g.anyRuns()
}

// anyRuns reports whether runsAt is true for a word of shellBound bytes' separation that is a
// name of its list or holds a '.' (an extension): runsAt is false for every other word.
//
// It tests eight bytes at a time, with no branch, for the places to look at (dtrClass): a '.',
// and the start of a word (after a byte of shellBound, or at the start) with the first byte of
// a name other than "."; and looks at a word's bytes only there. A loop over every word to its
// end mispredicted at the end of most words (24 K mispredictions per corpus pass, runsAt aside,
// against 15 K).
func (g *dtrGate) anyRuns() bool {
	const lo = 0x0101010101010101
	text, done := g.text, 0 // the words before text[done] were looked at
	carry := uint64(1)      // bound bit of the byte before the block: the start is a word's start
	i := 0
	for ; i+8 <= len(text); i += 8 {
		b := text[i : i+8]
		y := uint64(dtrClass[b[0]]) | uint64(dtrClass[b[1]])<<8 | uint64(dtrClass[b[2]])<<16 | uint64(dtrClass[b[3]])<<24 |
			uint64(dtrClass[b[4]])<<32 | uint64(dtrClass[b[5]])<<40 | uint64(dtrClass[b[6]])<<48 | uint64(dtrClass[b[7]])<<56
		bound := y & lo
		hits := (bound<<8|carry)&(y>>1)&lo | y>>2&lo
		carry = bound >> 56
		for ; hits != 0; hits &= hits - 1 {
			if g.runsNear(i+bits.TrailingZeros64(hits)/8, &done) {
				return true
			}
		}
	}
	for ; i < len(text); i++ {
		c := dtrClass[text[i]]
		if (c&dtrcName != 0 && (i == 0 || shellBound[text[i-1]]) || c&dtrcDot != 0) && g.runsNear(i, &done) {
			return true
		}
	}
	return false
}

// runsNear asks runsAt about the word of text[k], a place of anyRuns: a '.' in a word after
// text[*done] (the word is then looked at up to its end), or a name's first byte at the start
// of a word with no '.' (which the '.' leaves to it).
func (g *dtrGate) runsNear(k int, done *int) bool {
	text := g.text
	if k < *done {
		return false
	}
	if text[k] != '.' {
		// Up to the length of powershell, the longest name.
		j := k
		for j < len(text) && j-k < len("powershell") && dtrWordBytes[text[j]] == 1 {
			j++
		}
		if j < len(text) && dtrWordBytes[text[j]] != 0 {
			return false // a longer word, or one with a '.'
		}
		return g.runsAt(k, j)
	}
	i, j := k, k+1
	for i > 0 && !shellBound[text[i-1]] {
		i--
	}
	for j < len(text) && !shellBound[text[j]] {
		j++
	}
	*done = j
	return g.runsAt(i, j)
}

// dtrClass classes the bytes for anyRuns: dtrcBound for a byte of shellBound, dtrcName for the
// first byte of a name that runsAt's switch lists (but "."), dtrcDot for '.'.
var dtrClass = func() (t [256]uint8) {
	for c := range t {
		if shellBound[c] {
			t[c] |= dtrcBound
		}
		if dtrNameStart[c] && c != '.' {
			t[c] |= dtrcName
		}
	}
	t['.'] |= dtrcDot
	return t
}()

const (
	dtrcBound = 1 << iota
	dtrcName
	dtrcDot
)

// dtrWordBytes classes the bytes for dtrPosixMay's words: 0 for a byte of shellBound, dtrDot
// for '.', 1 for any other.
var dtrWordBytes = func() (t [256]uint8) {
	for c := range t {
		if !shellBound[c] {
			t[c] = 1
		}
	}
	t['.'] |= dtrDot
	return t
}()

const dtrDot = 2

// dtrNameStart marks the first bytes of the names that runsAt's switch lists.
var dtrNameStart = func() (t [256]bool) {
	for name := range dtrInterpreters {
		t[name[0]] = true
	}
	t['e'], t['s'], t['.'] = true, true, true // eval, source, "."
	return t
}()

// dtrGate is what dtrPosixMay knows of a script: its downloads that may be commands, in text
// order, and the ends of their command lines (see shellLineEnd) once asked for.
type dtrGate struct {
	text      string
	downloads []int
	ends      []int
}

// lineEnd returns the end of the command line of the k-th download.
func (g *dtrGate) lineEnd(k int) int {
	if g.ends == nil {
		g.ends = make([]int, len(g.downloads))
		for n := range g.ends {
			g.ends[n] = -1
		}
	}
	if g.ends[k] < 0 {
		g.ends[k] = shellLineEnd(g.text, g.downloads[k])
	}
	return g.ends[k]
}

// savedAs reports whether a download before text[i] may save a file of this base name: the
// name is on the download's command line (its output file, or its URL's last element).
func (g *dtrGate) savedAs(i int, name string) bool {
	for k, d := range g.downloads {
		if d >= i {
			break
		}
		if strings.Contains(shellUnquote(g.text[d:g.lineEnd(k)]), name) {
			return true
		}
	}
	return false
}

// runsAt reports whether the word text[i:j] (an element of a path) may run a download:
// see dtrPosixMay.
func (g *dtrGate) runsAt(i, j int) bool {
	text, first := g.text, g.downloads[0]
	name := text[i:j]
	var interp, ext bool
	switch name {
	case "sh", "bash", "zsh", "dash", "ksh", "python", "python3", "python2", "node", "perl", "ruby", "php", "pwsh", "powershell":
		interp = true // dtrInterpreters
	case "eval", "source", ".":
	default:
		if k := strings.LastIndexByte(name, '.'); k < 0 || !dtrScriptExtOf(name[k:]) {
			return false
		}
		ext = true
	}
	if ext && first > i || !shellWordEnds(text, j) {
		return false // a script's path runs only a file downloaded before
	}
	if ext {
		// A path of a script: the command's name with a '/' somewhere in its word.
		start, end := shellWordStart(text, i), shellWordEnd(text, j)
		if !strings.Contains(text[start:end], "/") {
			return false
		}
		if ok, _ := shellCmdAt(text, i); !ok {
			return false
		}
		word := text[start:end]
		if strings.ContainsAny(word, "\"'\\$`") {
			return true
		}
		return g.savedAs(i, path.Base(word))
	}
	ok, sep := shellCmdAt(text, i)
	if !ok {
		return false
	}
	if interp && first < i && shellPipeAt(text, sep) {
		return true
	}
	// A download in a substitution of this command's line.
	end := -1
	for _, d := range g.downloads {
		if d <= i {
			continue
		}
		if end < 0 {
			end = shellLineEnd(text, i)
		}
		if d >= end {
			break
		}
		if dtrOpener(text[i:d]) {
			return true
		}
	}
	if name == "eval" || first > i {
		return false
	}
	// The first operand, after flags: a file that was downloaded?
	for pos := shellWordEnd(text, j); ; {
		s, e, stop := shellNextWord(text, pos)
		if stop != 0 {
			return stop == '<' || stop == '>'
		}
		word := text[s:e]
		if strings.ContainsAny(word, "\"'\\") || e < len(text) && (text[e] == '<' || text[e] == '>') {
			return true
		}
		if word == "-c" || word == "-m" {
			return false
		}
		if word[0] != '-' {
			return g.savedAs(i, path.Base(word))
		}
		pos = e
	}
}

// dtrJoinMatters reports whether a word that quotes join (see shellWords.Joined) may be one
// that dtrPosixMay looks for in the raw text: a command's name that is a downloader, an
// interpreter, eval, source or ".", or a script's path.
func dtrJoinMatters(word string) bool {
	name := path.Base(word)
	switch name {
	case "curl", "wget", "fetch", "http", "https", "eval", "source", ".":
		return true
	}
	if dtrInterpreters[name] {
		return true
	}
	k := strings.LastIndexByte(name, '.')
	return k >= 0 && dtrScriptExtOf(name[k:])
}

// dtrScriptExtOf reports whether a file extension is one of dtrScriptExt.
func dtrScriptExtOf(ext string) bool {
	switch ext {
	case ".sh", ".bash", ".py", ".pl", ".rb", ".ps1", ".zsh":
		return true
	}
	return false
}

// dtrOpener reports whether a text holds the opening of a substitution: $(, <( or a backquote.
func dtrOpener(text string) bool {
	return strings.Contains(text, "$(") || strings.Contains(text, "<(") || strings.IndexByte(text, '`') >= 0
}

// dtrEmptyWord reports whether a text may hold a word made of quotes only (an empty string)
// that may be a command's name: the parse takes it for a command named "." (path.Base of "").
func dtrEmptyWord(text string) bool {
	for _, q := range []string{`""`, `''`} {
		for off := 0; ; {
			i := strings.Index(text[off:], q)
			if i < 0 {
				break
			}
			i += off
			off = i + 1
			s, e := i, i+2
			for s > 0 && (text[s-1] == '"' || text[s-1] == '\'' || text[s-1] == '$') {
				s--
			}
			for e < len(text) && (text[e] == '"' || text[e] == '\'' || text[e] == '$') {
				e++
			}
			if (s == 0 || shellDelim[text[s-1]]) && (e == len(text) || shellDelim[text[e]]) {
				if ok, _ := shellCmdAt(text, s); ok {
					return true
				}
			}
		}
	}
	return false
}
