package checks

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file holds the looks at hcNameBytes (see hcCandidates): at a ":", "=", "-", "\" or "?" of a
// file's source, whether a credential's name may be given a literal there that the walk of the
// file's env vars, inputs, containers and scripts would report.

// hcNameByte reports whether c may be part of a name as hcCredentialNameASCII reads it: a look
// in hcNameByteTable, where the six ranges compared in turn mispredicted once every three names
// read back from their ":" or "=".
func hcNameByte(c byte) bool {
	return hcNameByteTable[c]
}

// hcNameByteTable holds the bytes of names: ASCII letters, digits, "_", "-" and ".".
var hcNameByteTable = func() (t [256]bool) {
	for c := range 256 {
		t[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.'
	}
	return t
}()

// hcAssignAt looks at the ":" (a YAML key's) or "=" (a script's assignment) at src[r]: whether
// the name before it may be a credential's and the value after it a literal that can be
// reported (action: the file is an action's).
func hcAssignAt(src []byte, r int, action bool) bool {
	yaml := src[r] == ':'
	q := r
	for {
		for q > 0 && hcKeyTrailTable[src[q-1]] {
			q--
		}
		if q == 0 || src[q-1] < 0x80 {
			break
		}
		// strings.TrimSpace drops a Unicode space after a name. A name that ends with a
		// non-ASCII letter is no credential's ("ſ" and "ı", which upper-case to ASCII, are
		// looked for in the whole file).
		c, n := utf8.DecodeLastRune(src[:q])
		if !unicode.IsSpace(c) {
			return false
		}
		q -= n
	}
	if q == 0 {
		return false
	}
	if src[q-1] == '\\' {
		// "API_KEY\ " in a double-quoted key: an escaped space, which TrimSpace drops.
		return src[q] == ' ' || src[q] == '\t'
	}
	if q >= 2 && src[q-2] == '\\' {
		// "API_KEY\t": an escaped space after the name, which TrimSpace drops.
		switch src[q-1] {
		case 't', 'n', 'v', 'f', 'r', 'N', '_', 'L', 'P':
			return hcMayEndCredential(src[:q-2])
		}
	}
	// Most keys and names are dismissed here, by their last letters.
	if !hcMayEndCredential(src[:q]) {
		return false
	}
	s := q
	for s > 0 && hcNameByte(src[s-1]) {
		s--
	}
	name := src[s:q]
	escaped := s > 0 && src[s-1] == '\\'
	if !yaml && s > 0 && !escaped {
		// hcAssign and hcFlag take a name after a space, ";&|(", "$env:" or the line's start,
		// which a quote opening a run: scalar may hide.
		switch src[s-1] {
		case ' ', '\t', '\n', '\f', '\r', ';', '&', '|', '(', ':', '"', '\'':
		default:
			return false
		}
	}
	// In a double-quoted scalar an escaped name starts after the escape ("\tAPI_KEY"); a hex
	// escape may spell any letter of it.
	if escaped && (name[0] == 'x' || name[0] == 'u' || name[0] == 'U') {
		return true
	}
	if hcValueReadsVar(src, r+1, yaml) {
		// Most credential names of a workflow are given an expression: the name is not read.
		return false
	}
	if yaml && hcShortPlainAt(src, r+1) && !hcMayBePassword(name) {
		// Most others a short word ("persist-credentials: false", "id-token: write"), which
		// only a password's name may be given: the name is not read either.
		return false
	}
	cred, password, _ := hcCredentialNameASCII(name)
	if escaped {
		c2, p2, _ := hcCredentialNameASCII(name[1:])
		cred, password = cred || c2, password || p2
	}
	if !cred {
		return false
	}
	if yaml {
		return hcYAMLLiteralAt(src, r+1, password, action, len(name) == 8 && hcUpperIs(name, "PASSWORD"))
	}
	return hcScriptLiteralAt(src, r+1, password)
}

// hcKeyTrailTable holds the bytes hcAssignAt reads back over from a ":" or "=" to the name's
// end: the ASCII spaces but "\n", and the quotes around a key. A look in it is one branch a byte
// where seven comparisons in turn mispredicted about once a call.
var hcKeyTrailTable = func() (t [256]bool) {
	for _, c := range []byte(" \t\"'\r\f\v") {
		t[c] = true
	}
	return t
}()

// hcValueReadsVar reports whether the value that starts at src[v], after a YAML key's ":" (yaml)
// or a script's "=", is one that hcYAMLLiteralAt or hcScriptLiteralAt dismisses whatever the name:
// an expression ("${{", quoted or not) after a key, a variable ("$") after "=".
func hcValueReadsVar(src []byte, v int, yaml bool) bool {
	for v < len(src) && (src[v] == ' ' || src[v] == '\t' || src[v] == '\f' || src[v] == '\r') {
		v++
	}
	if !yaml {
		return v < len(src) && src[v] == '$'
	}
	if v < len(src) && (src[v] == '"' || src[v] == '\'') {
		v++
	}
	return v+3 <= len(src) && string(src[v:v+3]) == "${{"
}

// hcShortPlainAt reports whether the YAML value that starts at src[v] is one that hcYAMLLiteralAt
// dismisses unless the name is a password's: a plain scalar that starts with an ASCII letter or
// digit, holds no ",", "]" or "}", and ends (its line or a comment does) before hcRandomMin bytes,
// which hcRandom needs. It reads at most hcRandomMin bytes, where hcYAMLLiteralAt finds the
// line's end and a comment with three searches and copies the value.
func hcShortPlainAt(src []byte, v int) bool {
	for v < len(src) && (src[v] == ' ' || src[v] == '\t' || src[v] == '\f' || src[v] == '\r') {
		v++
	}
	if v >= len(src) || !(src[v]|0x20 >= 'a' && src[v]|0x20 <= 'z' || src[v] >= '0' && src[v] <= '9') {
		return false
	}
	end := min(len(src), v+hcRandomMin)
	for k := v + 1; k < end; k++ {
		switch src[k] {
		case '\n':
			return true
		case '#':
			if src[k-1] == ' ' || src[k-1] == '\t' {
				return true
			}
		case ',', ']', '}':
			return false
		}
	}
	return len(src) < v+hcRandomMin // the source ends first
}

// hcMayBePassword reports whether hcCredentialNameASCII may find name a password's: its last
// segment ends, once trailing separators are dropped, with "D" (PWD, PASSWD, PASSWORD), "E"
// (PASSPHRASE) or "PASS", in any case.
func hcMayBePassword(name []byte) bool {
	end := hcSepsTrimmed(name)
	if end == 0 {
		return false
	}
	switch name[end-1] | 0x20 {
	case 'd', 'e':
		return true
	case 's':
		return end >= 4 && hcUpperIs(name[end-4:end], "PASS")
	}
	return false
}

// hcMayEndCredential is a quick look at the end of a name before hcCredentialNameASCII: every
// name it accepts ends, once trailing separators are dropped, with a word of hcAssignEnds. It
// compares the name's last eight bytes, read at once, with the (at most three) words that end
// with its last letter, with no branch per word (hcEnds8), where a byte loop per word, and then a
// branch per word, mispredicted once or twice a name; a name that starts fewer than eight bytes
// into the source is read by hcMayEndCredentialLoop.
func hcMayEndCredential(b []byte) bool {
	end := hcSepsTrimmed(b)
	if end < 8 {
		return hcMayEndCredentialLoop(b[:end])
	}
	x := binary.LittleEndian.Uint64(b[end-8:end]) &^ 0x2020202020202020
	e := &hcEnds8[b[end-1]|0x20]
	m := hcBit(x&e.mask[0] == e.val[0]) | hcBit(x&e.mask[1] == e.val[1])<<1 | hcBit(x&e.mask[2] == e.val[2])<<2
	if m&^e.long != 0 {
		return true
	}
	if m == 0 {
		return false
	}
	// The last eight bytes of a longer word: the bytes before them too.
	w := e.words[bits.TrailingZeros8(m)]
	return end >= len(w) && hcUpperIs(b[end-len(w):end-8], w[:len(w)-8])
}

// hcBit is 1 for true, 0 for false.
func hcBit(v bool) uint8 {
	if v {
		return 1
	}
	return 0
}

// hcEnd8 holds the words of hcAssignEnds that end with one letter (at most three), as
// hcMayEndCredential compares them with a name's last eight bytes, the last in the top byte: the
// word's last bytes (at most eight) are val under mask. The words longer than eight bytes have
// their bit in long. The unused places match nothing.
type hcEnd8 struct {
	mask, val [3]uint64
	long      uint8
	words     [3]string
}

// hcEnds8 holds the hcEnd8 of each last letter, in lower case.
var hcEnds8 = func() (t [256]hcEnd8) {
	for c := range t {
		t[c].val = [3]uint64{1, 1, 1}
	}
	for _, w := range hcAssignEnds {
		e := &t[w[len(w)-1]|0x20]
		k := 0
		for k < 3 && e.words[k] != "" {
			k++
		}
		tail := w
		if len(w) > 8 {
			tail = w[len(w)-8:]
			e.long |= 1 << k
		}
		e.words[k], e.mask[k], e.val[k] = w, 0, 0
		for i := range len(tail) {
			sh := 64 - 8*(len(tail)-i)
			e.mask[k] |= 0xff << sh
			e.val[k] |= uint64(tail[i]) << sh
		}
	}
	return t
}()

// hcMayEndCredentialLoop is hcMayEndCredential on a name without trailing separators, a word at
// a time.
func hcMayEndCredentialLoop(b []byte) bool {
	end := len(b)
	if end == 0 {
		return false
	}
	for _, w := range hcEndsByLast[b[end-1]|0x20] {
		if end >= len(w) && hcUpperIs(b[end-len(w):end], w) {
			return true
		}
	}
	return false
}

// hcSepsTrimmed is the length of b once the separators that end it ("_", "-", ".") are dropped.
func hcSepsTrimmed(b []byte) int {
	end := len(b)
	for end > 0 && (b[end-1] == '_' || b[end-1] == '-' || b[end-1] == '.') {
		end--
	}
	return end
}

// hcEndsByLast holds the words of hcAssignEnds by their last letter, in lower case.
var hcEndsByLast = func() (t [256][]string) {
	for _, w := range hcAssignEnds {
		c := w[len(w)-1] | 0x20
		t[c] = append(t[c], w)
	}
	return t
}()

// hcYAMLLiteralAt reports whether the YAML value that starts at src[v] may be a literal that
// assign reports for a credential name (password: a password's, reported from any length in a
// service) or container reports for a registry password (a key named password).
func hcYAMLLiteralAt(src []byte, v int, password, action, passwordKey bool) bool {
	rest, next := hcRestOfLine(src, v)
	if len(rest) == 0 {
		if hcValueOnLine(src, next) {
			return true
		}
		// A mapping: an action input's, whose default assign reads.
		return action && hcInputDefaultAt(src, v, next, password)
	}
	quoted := rest[0] == '"' || rest[0] == '\''
	w := rest
	if quoted {
		w = rest[1:]
	}
	if bytes.HasPrefix(w, []byte("${{")) || len(w) > 0 && w[0] == '$' && !passwordKey {
		// assign takes a "$" for a placeholder; container reports any literal but "${{".
		return false
	}
	if quoted && len(w) == 0 || passwordKey || rest[0] == '"' && hcHasYAMLEscape(rest) {
		return true
	}
	switch rest[0] {
	case '|', '>', '*', '&', '!', '#', '%', '@', '[', '{', '?', '`':
		return true
	}
	if quoted {
		end := bytes.IndexByte(w, rest[0])
		if end < 0 || rest[0] == '\'' && end+1 < len(w) && w[end+1] == '\'' {
			return true // continued on the next line, or holding a quote
		}
		return hcMayReport(string(bytes.TrimSpace(w[:end])), password)
	}
	// A plain value ends before a comment; in a flow mapping, before "," or "}".
	if i := bytes.Index(rest, []byte(" #")); i >= 0 {
		rest = rest[:i]
	}
	if i := bytes.Index(rest, []byte("\t#")); i >= 0 {
		rest = rest[:i]
	}
	if bytes.ContainsAny(rest, ",]}") {
		return true
	}
	return hcMayReport(string(bytes.TrimRight(rest, " \t")), password)
}

// hcMayReport reports whether assign or script can report the literal v given to a credential
// name (password: a password's): a value without spaces that is not a placeholder, and looks
// machine-generated unless the name is a password's.
func hcMayReport(v string, password bool) bool {
	if password {
		return !hcPlaceholder(v) && !strings.ContainsAny(v, " \n")
	}
	return hcRandom(v)
}

// hcHasYAMLEscape reports whether b holds a YAML escape: inside a double-quoted scalar every
// "\" starts one, so a "\" followed by anything else is not in such a scalar.
func hcHasYAMLEscape(b []byte) bool {
	for i := bytes.IndexByte(b, '\\'); i >= 0 && i+1 < len(b); {
		switch b[i+1] {
		case '0', 'a', 'b', 't', '\t', 'n', 'v', 'f', 'r', 'e', ' ', '"', '/', '\\', 'N', '_', 'L', 'P', 'x', 'u', 'U':
			return true
		}
		j := bytes.IndexByte(b[i+2:], '\\')
		if j < 0 {
			return false
		}
		i += 2 + j
	}
	return false
}

// hcRestOfLine returns the text from src[v] to the end of its line, without the spaces around
// it, and the offset of the next line.
func hcRestOfLine(src []byte, v int) (rest []byte, next int) {
	for v < len(src) && (src[v] == ' ' || src[v] == '\t' || src[v] == '\f' || src[v] == '\r') {
		v++
	}
	le := bytes.IndexByte(src[v:], '\n')
	if le < 0 {
		return bytes.TrimRight(src[v:], " \t\r"), len(src)
	}
	return bytes.TrimRight(src[v:v+le], " \t\r"), v + le + 1
}

// hcInputDefaultAt reports whether the mapping that starts on the line at src[next], under the
// key whose ":" is at src[v-1], holds a default: that may be a reportable literal.
func hcInputDefaultAt(src []byte, v, next int, password bool) bool {
	ls := bytes.LastIndexByte(src[:v], '\n') + 1
	indent := hcIndent(src[ls:])
	for start := next; start < len(src); {
		le := bytes.IndexByte(src[start:], '\n')
		if le < 0 {
			le = len(src)
		} else {
			le += start
		}
		line := src[start:le]
		if t := bytes.TrimSpace(line); len(t) > 0 && t[0] != '#' {
			if hcIndent(line) <= indent {
				return false
			}
			k := bytes.TrimLeft(line, " \t")
			if bytes.HasPrefix(k, []byte("default:")) {
				return hcYAMLLiteralAt(src, start+len(line)-len(k)+len("default:"), password, false, false)
			}
			if bytes.HasPrefix(k, []byte("<<")) || bytes.IndexByte(k, '*') >= 0 {
				return true // a merge key or an alias may bring a default
			}
		}
		start = le + 1
	}
	return false
}

// hcIndent is the number of spaces that start line.
func hcIndent(line []byte) int {
	n := 0
	for n < len(line) && line[n] == ' ' {
		n++
	}
	return n
}

// hcValueOnLine reports whether the line at src[start] may hold the value of a key that ends the
// line before it: anything but a mapping key (a plain scalar cannot hold ": "), whose value is
// then null or a mapping, which a workflow's env, with: and registry password cannot take.
func hcValueOnLine(src []byte, start int) bool {
	line, _ := hcRestOfLine(src, start)
	if len(line) == 0 {
		return start < len(src) // a blank line: the value may follow
	}
	switch line[0] {
	case '#', '"', '\'', '-', '[', '{', '|', '>', '*', '&', '!', '?', '%', '@', '`', ':':
		return true
	}
	return !(line[len(line)-1] == ':' || bytes.Contains(line, []byte(": ")) || bytes.Contains(line, []byte(":\t")))
}

// hcScriptLiteralAt reports whether the value that starts at src[v], after "=" or a flag's
// space, may be a literal that script reports: hcAssign and hcFlag take a value that is
// double-quoted without "$", "`" or "\", single-quoted, or a word without quotes that does not
// start with "$".
func hcScriptLiteralAt(src []byte, v int, password bool) bool {
	rest, next := hcRestOfLine(src, v)
	if len(rest) == 0 {
		// Folding (a plain, folded or double-quoted scalar) joins the next line with a space.
		if next >= len(src) {
			return false
		}
		if rest, _ = hcRestOfLine(src, next); len(rest) == 0 {
			return false
		}
	}
	if bytes.HasPrefix(rest, []byte("''")) {
		return true // in quotes a YAML single-quoted scalar doubles
	}
	var val []byte
	switch rest[0] {
	case '$':
		return false
	case '"', '\'':
		end := bytes.IndexByte(rest[1:], rest[0])
		if end < 0 {
			// Unless a YAML escape hides the closing quote, there is no value.
			return hcHasYAMLEscape(rest)
		}
		val = rest[1 : 1+end]
		if rest[0] == '"' && bytes.ContainsAny(val, "$`") {
			return false
		}
	default:
		end := bytes.IndexAny(rest, " \t\f\r\"'$`;&|)")
		if end < 0 {
			end = len(rest)
		}
		val = rest[:end]
	}
	if hcHasYAMLEscape(val) || val[len(val)-1] == '\\' {
		return true // a YAML escape ("\x41", "\"") may change the value
	}
	if password {
		return len(val) >= 6 && !hcPlaceholder(string(val))
	}
	return hcRandom(string(val))
}

// hcFlagNames are the flags hcFlag matches, by first letter.
var hcFlagNames = []string{"password", "passwd", "token", "api-key", "apikey", "auth-token", "secret", "client-secret"}

// hcFlagAt looks at the "-" at src[i]: whether it starts a credential flag followed by a space
// and a value that can be reported (a flag followed by "=" is hcAssignAt's).
func hcFlagAt(src []byte, i int, _ bool) bool {
	j := i + 1
	if j < len(src) && src[j] == '-' {
		j++
	}
	if j >= len(src) {
		return false
	}
	var names []string
	switch src[j] {
	case 'p':
		names = hcFlagNames[0:2]
	case 't':
		names = hcFlagNames[2:3]
	case 'a':
		names = hcFlagNames[3:6]
	case 's':
		names = hcFlagNames[6:7]
	case 'c':
		names = hcFlagNames[7:8]
	default:
		return false
	}
	for _, n := range names {
		e := j + len(n)
		if e >= len(src) || src[e] != ' ' && src[e] != '\\' || string(src[j:e]) != n {
			continue
		}
		// After a space or the line's start, which a quote opening a run: scalar may hide.
		if i > 0 && !pcSpace(src[i-1]) && src[i-1] != '"' && src[i-1] != '\'' && !hcEscapedSpaceBefore(src, i) {
			return false
		}
		if src[e] == '\\' {
			return true // an escape may be the space
		}
		if e+1 < len(src) && pcSpace(src[e+1]) {
			return false // the value cannot start with a space
		}
		return hcScriptLiteralAt(src, e+1, n == "password" || n == "passwd")
	}
	return false
}

// hcEscapedSpaceBefore reports whether src[:i] may end with a YAML escape of a space: "\t",
// "\n", "\x20"...
func hcEscapedSpaceBefore(src []byte, i int) bool {
	if i >= 2 && src[i-2] == '\\' {
		switch src[i-1] {
		case 't', 'n', 'f', 'r', ' ':
			return true
		}
	}
	return i >= 4 && src[i-4] == '\\' && src[i-3] == 'x' || i >= 6 && src[i-6] == '\\' && src[i-5] == 'u' ||
		i >= 10 && src[i-10] == '\\' && src[i-9] == 'U'
}

// hcEscapeAt looks at the "\" at src[i]: a YAML escape that can spell what a name, an "=" or a
// flag's space needs where the source holds none. A hex escape spells any character (those the
// scans above read: name bytes, "=", spaces, and "ſ" and "ı", which upper-case to ASCII); an
// escaped line break joins a word to the next line's. Other escapes are read beside the name.
func hcEscapeAt(src []byte, i int, _ bool) bool {
	if i+1 >= len(src) {
		return false
	}
	n := 0
	switch src[i+1] {
	case 'x':
		n = 2
	case 'u':
		n = 4
	case 'U':
		n = 8
	case '\n', '\r':
		// "TOK\" and "EN=..." on the next line are one word in a double-quoted scalar: it
		// matters when the word holds a credential's.
		w := i
		for w > 0 && hcNameByte(src[w-1]) {
			w--
		}
		next := bytes.IndexByte(src[i:], '\n')
		if w == i || next < 0 {
			return false
		}
		rest, _ := hcRestOfLine(src, i+next+1)
		e := 0
		for e < len(rest) && hcNameByte(rest[e]) {
			e++
		}
		return (e > 0 || len(rest) > 0 && rest[0] == '=') && hcMayAssignSlow(string(src[w:i])+string(rest[:e])) && hcMayBeInDoubleQuotes(src, i)
	default:
		return false
	}
	if i+2+n > len(src) {
		return false // not an escape: YAML would have failed on it
	}
	var r rune
	for _, c := range src[i+2 : i+2+n] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c|0x20 >= 'a' && c|0x20 <= 'f':
			r = r<<4 | rune(c|0x20-'a'+10)
		default:
			return false // not an escape (a Windows path in a plain scalar, say)
		}
	}
	return (r < 0x80 && (hcNameByte(byte(r)) || r == '=') || r == 'ſ' || r == 'ı') && hcMayBeInDoubleQuotes(src, i)
}

// hcMayBeInDoubleQuotes reports whether the "\" at src[i] may be in a double-quoted scalar,
// where every "\" starts an escape: not when a "\" that starts none is found between it and
// the quotes around it on its line (YAML would have failed on the file).
func hcMayBeInDoubleQuotes(src []byte, i int) bool {
	ls := bytes.LastIndexByte(src[:i], '\n') + 1
	from := ls
	if k := bytes.LastIndexByte(src[ls:i], '"'); k >= 0 {
		from = ls + k + 1
	}
	to := bytes.IndexByte(src[i:], '\n')
	if to < 0 {
		to = len(src)
	} else {
		to += i
	}
	if k := bytes.IndexByte(src[i+1:to], '"'); k >= 0 {
		to = i + 1 + k
	}
	for j := from; j < to; j++ {
		if src[j] != '\\' || j+1 >= to {
			continue
		}
		switch src[j+1] {
		case '0', 'a', 'b', 't', '\t', 'n', 'v', 'f', 'r', 'e', ' ', '"', '/', '\\', 'N', '_', 'L', 'P', 'x', 'u', 'U', '\r':
			j++
		default:
			return false
		}
	}
	return true
}

// hcComplexKeyAt looks at the "?" at src[i]: an explicit key ("? NAME", then ": value") puts its
// ":" away from its name; it matters when the key holds a credential's word.
func hcComplexKeyAt(src []byte, i int, _ bool) bool {
	if i+1 < len(src) && src[i+1] != ' ' && src[i+1] != '\t' && src[i+1] != '\n' && src[i+1] != '\r' {
		return false
	}
	for j := i - 1; j >= 0 && src[j] != '\n'; j-- {
		if src[j] != ' ' && src[j] != '\t' && src[j] != '-' && src[j] != '{' && src[j] != '[' && src[j] != ',' {
			return false
		}
	}
	rest, next := hcRestOfLine(src, i+1)
	if len(rest) == 0 {
		// "?" alone: the key is on the next line.
		rest, _ = hcRestOfLine(src, next)
	}
	if len(rest) > 0 {
		switch rest[0] {
		case '|', '>', '*', '&', '!', '"', '\'', '[', '{':
			return true // a block scalar, an alias or a quoted key: read where the source does not say
		}
	}
	return hcMayAssignSlow(string(rest)) || bytes.Contains(rest, []byte("ſ")) || bytes.Contains(rest, []byte("ı"))
}
