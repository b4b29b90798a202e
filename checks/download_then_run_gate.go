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
	text := s.Text
	first, last := -1, -1 // the first and last downloads that may be commands
	for _, a := range w.Anchors {
		if a.Kind != saDownload {
			continue
		}
		if ok, _ := shellCmdAt(text, int(a.Off)); ok {
			if first < 0 {
				first = int(a.Off)
			}
			last = int(a.Off)
		}
	}
	if first < 0 {
		return false
	}
	if dtrEmptyWord(text) {
		return true // an empty word may be a command named "."
	}
	var unquoted string
	twice := func(name string) bool {
		if unquoted == "" {
			unquoted = shellUnquote(text)
		}
		return strings.Count(unquoted, name) >= 2
	}
	for i := 0; i < len(text); {
		// The next word of shellBound bytes' separation: text[i:j].
		if i > 0 && !shellBound[text[i-1]] {
			i++
			continue
		}
		j := i
		for j < len(text) && !shellBound[text[j]] {
			j++
		}
		if j == i {
			i++
			continue
		}
		if dtrRunsAt(text, i, j, first, last, twice) {
			return true
		}
		i = j
	}
	return false
}

// dtrJoinMatters reports whether a word that quotes join (see shellWords.Joins) may be one
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

// dtrRunsAt reports whether the word text[i:j] (an element of a path) may run a download:
// see dtrPosixMay. first and last are the offsets of the first and last downloads.
func dtrRunsAt(text string, i, j, first, last int, twice func(string) bool) bool {
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
	if !shellWordEnds(text, j) {
		return false
	}
	if ext {
		// A path of a script: the command's name with a '/' somewhere in its word.
		start, end := shellWordStart(text, i), shellWordEnd(text, j)
		if first > i || !strings.Contains(text[start:end], "/") {
			return false
		}
		if ok, _ := shellCmdAt(text, i); !ok {
			return false
		}
		word := text[start:end]
		if strings.ContainsAny(word, "\"'\\$`") {
			return true
		}
		return twice(path.Base(word))
	}
	ok, sep := shellCmdAt(text, i)
	if !ok {
		return false
	}
	if interp && first < i && shellPipeAt(text, sep) {
		return true
	}
	if last > i && dtrOpener(text[i:last]) {
		return true
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
			return twice(path.Base(word))
		}
		pos = e
	}
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

// dtrEmptyWord reports whether a text may hold a word made of quotes only (an empty string),
// which the parse takes for a command named "." (path.Base of "") when it comes first.
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
				return true
			}
		}
	}
	return false
}
