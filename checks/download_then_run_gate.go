package checks

import (
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
	text := g.text
	for i := 0; i < len(text); {
		// The next word of shellBound bytes' separation: text[i:j].
		if i > 0 && !shellBound[text[i-1]] {
			i++
			continue
		}
		j, seen := i, uint8(0)
		for j < len(text) {
			c := dtrWordBytes[text[j]]
			if c == 0 {
				break
			}
			seen |= c
			j++
		}
		if j == i {
			i++
			continue
		}
		// runsAt looks further only at a name of its list or one with a '.' (an extension).
		if (seen&dtrDot != 0 || dtrNameStart[text[i]]) && g.runsAt(i, j) {
			return true
		}
		i = j
	}
	return false
}

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
