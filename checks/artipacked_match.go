package checks

import "strings"

// Hand-written matchers for artipacked's patterns: the same matches as the regular
// expressions their comments give, without a regexp engine on each script and uses: line.

// artipWordByte marks the bytes of regexp's \w.
func artipWordByte(c byte) bool { return shellIdentTable[c] }

// artipSpace reports whether c is regexp's \s: [\t\n\f\r ].
func artipSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' }

// artipUsesGitCommand reports whether a script matches
// \bgit\s+(?:-C\s+\S+\s+)?(?:push|fetch|pull|ls-remote)\b|\bgit\s+submodule\s+update\b:
// a git command that needs the persisted credential. artipacked reads the answer from the
// shared word scan (shellWords.GitAuth, which calls artipGitCommandAt at each "gi"); this
// search is the plain form that the tests hold both to.
func artipUsesGitCommand(script string) bool {
	for off := 0; ; {
		i := strings.Index(script[off:], "git")
		if i < 0 {
			return false
		}
		i += off
		off = i + 1
		if artipGitCommandAt(script, i) {
			return true
		}
	}
}

// artipGitCommandAt reports whether artipUsesGitCommand's pattern matches at script[i].
func artipGitCommandAt(script string, i int) bool {
	if !strings.HasPrefix(script[i:], "git") || i > 0 && artipWordByte(script[i-1]) {
		return false
	}
	j := artipSpaces(script, i+3)
	if j == i+3 {
		return false
	}
	if artipWordAt(script, j, "push", "fetch", "pull", "ls-remote") {
		return true
	}
	if strings.HasPrefix(script[j:], "submodule") {
		if k := artipSpaces(script, j+len("submodule")); k > j+len("submodule") && artipWordAt(script, k, "update") {
			return true
		}
	}
	// -C DIR: \S+ then \s+ take the whole of the next field.
	if !strings.HasPrefix(script[j:], "-C") {
		return false
	}
	k := artipSpaces(script, j+2)
	if k == j+2 {
		return false
	}
	e := k
	for e < len(script) && !artipSpace(script[e]) {
		e++
	}
	if e == k {
		return false
	}
	f := artipSpaces(script, e)
	return f > e && artipWordAt(script, f, "push", "fetch", "pull", "ls-remote")
}

// artipSpaces returns the end of the run of \s that starts at s[i].
func artipSpaces(s string, i int) int {
	for i < len(s) && artipSpace(s[i]) {
		i++
	}
	return i
}

// artipWordAt reports whether one of words starts at s[i] and is followed by \b (a word's end:
// each of words ends with a \w byte).
func artipWordAt(s string, i int, words ...string) bool {
	for _, w := range words {
		if strings.HasPrefix(s[i:], w) && (i+len(w) == len(s) || !artipWordByte(s[i+len(w)])) {
			return true
		}
	}
	return false
}

// artipIsSHA reports whether ref matches ^[0-9a-fA-F]{40}$. It ANDs a table's bit of each byte,
// with no branch: a test of each byte's range (digit, or letter) mispredicted about a dozen times
// per SHA, as digits and letters alternate at random.
func artipIsSHA(ref string) bool {
	if len(ref) != 40 {
		return false
	}
	ok := uint8(1)
	for i := 0; i < 40; i++ {
		ok &= artipHex[ref[i]]
	}
	return ok != 0
}

// artipHex is 1 at the bytes of [0-9a-fA-F].
var artipHex = func() (t [256]uint8) {
	for _, c := range "0123456789abcdefABCDEF" {
		t[c] = 1
	}
	return t
}()

// artipDigits returns the end of the run of ASCII digits (regexp's \d) that starts at s[i].
func artipDigits(s string, i int) int {
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}

// artipVersionAt matches v?(\d+)(?:\.(\d+))? at s[i]: the major and minor digits ("" for no minor).
func artipVersionAt(s string, i int) (major, minor string, ok bool) {
	if i < len(s) && s[i] == 'v' {
		if major, minor, ok := artipNumbersAt(s, i+1); ok {
			return major, minor, true
		}
	}
	return artipNumbersAt(s, i)
}

// artipNumbersAt matches (\d+)(?:\.(\d+))? at s[i].
func artipNumbersAt(s string, i int) (major, minor string, ok bool) {
	e := artipDigits(s, i)
	if e == i {
		return "", "", false
	}
	major = s[i:e]
	if e < len(s) && s[e] == '.' {
		if f := artipDigits(s, e+1); f > e+1 {
			minor = s[e+1 : f]
		}
	}
	return major, minor, true
}

// artipCommentVersion finds the first match of #\s*(?:tag[:=]?\s*)?v?(\d+)(?:\.(\d+))? in a
// line: the version written after a SHA.
func artipCommentVersion(line string) (major, minor string, ok bool) {
	for off := 0; ; {
		i := strings.IndexByte(line[off:], '#')
		if i < 0 {
			return "", "", false
		}
		i += off
		off = i + 1
		j := artipSpaces(line, i+1)
		if strings.HasPrefix(line[j:], "tag") {
			k := j + len("tag")
			if k < len(line) && (line[k] == ':' || line[k] == '=') {
				if major, minor, ok := artipVersionAt(line, artipSpaces(line, k+1)); ok {
					return major, minor, true
				}
			}
			if major, minor, ok := artipVersionAt(line, artipSpaces(line, k)); ok {
				return major, minor, true
			}
		}
		if major, minor, ok := artipVersionAt(line, j); ok {
			return major, minor, true
		}
	}
}
