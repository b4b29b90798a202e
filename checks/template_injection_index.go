package checks

import (
	"bytes"
	"math/bits"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rampart-sec/rampart/internal/bytescan"
)

// tiPlaceholders is where a file's source holds "${{": template-injection visits only the steps
// whose text holds one, and the secrets checks only the strings around those that may read the
// secrets context. It is computed once per file with one scan of the source.
//
// A double-quoted scalar may write any character as an escape (\x24, \u0073) or join two lines
// with an escaped line break: each such escape counts as a placeholder that may mention secrets,
// so that the string around it is looked at too.
type tiPlaceholders struct {
	// exact is false when a string may stand in two places (a YAML alias repeats its anchor's
	// strings elsewhere): the positions below then do not say which strings hold placeholders.
	exact bool
	// lines are the source lines of each escape and each "${{" but those whose expression is a
	// plain read of a context that is never attacker-controlled (tiPlainSafe) or of the matrix
	// context, ascending (a line may repeat): template-injection looks only at the steps around
	// them.
	lines []int32
	// matrix are the lines of the plain reads of the matrix context (tiPlainMatrixRead), ascending:
	// such a read resolves to no source in a composite action, nor in a job without a matrix or
	// whose matrix is plain (tiMatrixPlain), as most are; template-injection looks at the steps
	// around them only in the other jobs.
	matrix []int32
	// set holds lines and matrix again, for tiHolds (tiLineSet).
	set tiLineSet
	// secrets are the (line, column) of each "${{" whose expression may mention the secrets
	// context, and of each escape, in source order; columns are counted in characters, as the
	// YAML parser counts them.
	secrets []tiPos
}

// tiPos is a 1-based source position.
type tiPos struct{ line, col int32 }

type tiPlaceholdersKey struct{}

// tiPlaceholdersOf returns the file's placeholder index.
func tiPlaceholdersOf(file *audit.File) *tiPlaceholders {
	return file.Memo(tiPlaceholdersKey{}, func() any { return tiScanPlaceholders(file) }).(*tiPlaceholders)
}

func tiScanPlaceholders(file *audit.File) *tiPlaceholders {
	src, placeholders := file.Source, file.Placeholders()
	ph := &tiPlaceholders{}
	escapes, anchors := tiMarks(src)
	// Each list holds at most one entry per placeholder and escape: sized for them at its first
	// entry, it never grows.
	n := len(placeholders) + len(escapes)
	// line is the line of offset last; its start is looked for only for a column (secret).
	line, last := 1, 0
	at := func(p int) {
		line += bytes.Count(src[last:p], []byte{'\n'})
		last = p
	}
	secret := func(p int) {
		if ph.secrets == nil {
			ph.secrets = make([]tiPos, 0, n)
		}
		ph.secrets = append(ph.secrets, tiPos{int32(line), int32(tiColumn(src, p))})
	}
	secretsAt := -1      // the offset of a "secrets" (any case) found by a search from an earlier placeholder
	secretsNone := false // no "secrets" after secretsAt's search start
	for k := 0; ; k++ {
		p := len(src)
		if k < len(placeholders) {
			p = int(placeholders[k])
		}
		for len(escapes) > 0 && escapes[0] < p {
			at(escapes[0])
			ph.lines = tiAppendLine(ph.lines, line, n)
			secret(escapes[0])
			escapes = escapes[1:]
		}
		if p == len(src) {
			break
		}
		at(p)
		read := tiPlainRead(src[p+3:])
		switch read.kind {
		case tiPlainSafeRead:
		case tiPlainMatrixRead:
			ph.matrix = tiAppendLine(ph.matrix, line, n)
		default:
			ph.lines = tiAppendLine(ph.lines, line, n)
		}
		var may bool
		switch {
		case read.kind != tiNotPlain:
			may = read.secrets // its text is its chain, between blanks and the first "}}"
		case !secretsNone:
			if end := tiExprEnd(src, p+3); end >= 0 {
				may = tiMentionsSecrets(src[p+3 : end])
				break
			}
			if secretsAt < p {
				secretsAt = tiNextSecrets(src, p)
				secretsNone = secretsAt < 0
			}
			may = secretsAt >= p
		default:
			// No "secrets" after an earlier placeholder's search start: this expression, which
			// ends after that start, holds none either.
		}
		if may {
			secret(p)
		}
	}
	ph.exact = len(ph.lines)+len(ph.matrix)+len(ph.secrets) == 0 || !tiAliased(src, anchors)
	ph.set = tiLineSetOf(ph.lines, ph.matrix)
	return ph
}

// tiAppendLine appends a line to one of the index's lists, made with capacity n at its first.
func tiAppendLine(ls []int32, line, n int) []int32 {
	if ls == nil {
		ls = make([]int32, 0, n)
	}
	return append(ls, int32(line))
}

// tiMarkBytes are the bytes tiMarks looks at, found in one pass.
var tiMarkBytes = bytescan.New('\\', '&')

// tiMarks returns, from one pass over the source, the offsets of the backslashes that may stand
// for a character of "${{" or "secrets" in a double-quoted scalar (the escapes \x, \u and \U, and
// the escaped line breaks whose joined lines may form either, see tiJoinedMay), and the names
// of the anchors the source may define, for tiAliased. An anchor starts a token: "&" follows a
// blank, a line break, a flow indicator or a ":" (a JSON-like key's), or starts the source; other
// "&" (shell's "&&", a URL's query) lie inside a scalar and are passed over, so that a script's
// "&&" does not send tiAliased through every "*" of its globs.
func tiMarks(src []byte) (escapes []int, anchors [][]byte) {
	var sc bytescan.Scanner
	for sc.Reset(tiMarkBytes, src); sc.Next(); {
		for m := sc.Hits; m != 0; m &= m - 1 {
			i := sc.Base + bits.TrailingZeros64(m)
			if src[i] == '&' {
				if i > 0 && !tiTokenStartAfter(src[i-1]) {
					continue
				}
				if n := tiAnchorName(src[i+1:]); len(n) > 0 && !tiHasName(anchors, n) {
					anchors = append(anchors, n)
				}
				continue
			}
			var buf [16]byte
			if code, join := tiEscapeAt(src, i, &buf); code || join != nil && tiJoinedMay(join) {
				escapes = append(escapes, i)
			}
		}
	}
	return escapes, anchors
}

// tiNextSecrets returns the offset of the first "secrets" in any ASCII case at or after from,
// or -1 when there is none. The lower-case spelling is searched first, then the text before it
// with a case-insensitive Horspool search.
func tiNextSecrets(src []byte, from int) int {
	end := len(src)
	if i := bytes.Index(src[from:], []byte("secrets")); i >= 0 {
		end = from + i + 7
	}
	for i := from; i+7 <= end; {
		c := src[i+6] | 0x20
		if c == 's' && src[i]|0x20 == 's' && src[i+1]|0x20 == 'e' && src[i+2]|0x20 == 'c' &&
			src[i+3]|0x20 == 'r' && src[i+4]|0x20 == 'e' && src[i+5]|0x20 == 't' {
			return i
		}
		i += int(tiSecretsShift[c])
	}
	return -1
}

// tiSecretsShift is the Horspool shift for "secrets" by the (lower-cased) byte under its last letter.
var tiSecretsShift = func() (t [256]uint8) {
	for i := range t {
		t[i] = 7
	}
	for i, c := range []byte("secret") {
		t[c] = uint8(6 - i)
	}
	return t
}()

// tiMentionsSecrets is secwMentions for a short piece of the source: a Horspool search for
// "secrets" in any ASCII case.
func tiMentionsSecrets(b []byte) bool {
	for i := 0; i+7 <= len(b); {
		c := b[i+6] | 0x20
		if c == 's' && b[i]|0x20 == 's' && b[i+1]|0x20 == 'e' && b[i+2]|0x20 == 'c' &&
			b[i+3]|0x20 == 'r' && b[i+4]|0x20 == 'e' && b[i+5]|0x20 == 't' {
			return true
		}
		i += int(tiSecretsShift[c])
	}
	return false
}

// tiJoinedMay reports whether the few bytes around an escaped line break, joined, hold "${{" or
// "secrets" in any case (bytes.Contains and tiMentionsSecrets, without a call per escape: shell
// scripts continue lines with a backslash).
func tiJoinedMay(b []byte) bool {
	for i, c := range b {
		if c == '$' && i+2 < len(b) && b[i+1] == '{' && b[i+2] == '{' {
			return true
		}
		if c|0x20 == 's' && i+7 <= len(b) && b[i+1]|0x20 == 'e' && b[i+2]|0x20 == 'c' &&
			b[i+3]|0x20 == 'r' && b[i+4]|0x20 == 'e' && b[i+5]|0x20 == 't' && b[i+6]|0x20 == 's' {
			return true
		}
	}
	return false
}

// tiAliased reports whether the source may hold a YAML alias: "*NAME" where NAME is one of the
// anchors tiMarks found, made of the characters the YAML scanner reads as an anchor's name.
func tiAliased(src []byte, anchors [][]byte) bool {
	if len(anchors) == 0 {
		return false
	}
	for off := 0; ; {
		i := bytes.IndexByte(src[off:], '*')
		if i < 0 {
			return false
		}
		off += i + 1
		if n := tiAnchorName(src[off:]); len(n) > 0 && tiHasName(anchors, n) {
			return true
		}
	}
}

// tiTokenStartAfter reports whether a YAML token may start after byte c: a blank, a line break
// (any byte of a multi-byte one, such as NEL or LS, as well), a flow indicator or a colon.
func tiTokenStartAfter(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', '[', ']', '{', '}', ',', ':':
		return true
	}
	return c >= 0x80
}

// tiAnchorName is the anchor or alias name at the start of b: printable ASCII but blanks, flow
// indicators and colons (go.yaml.in/yaml's isAnchorChar).
func tiAnchorName(b []byte) []byte {
	n := 0
	for n < len(b) {
		c := b[n]
		if c <= ' ' || c >= 0x7f || c == ',' || c == '[' || c == ']' || c == '{' || c == '}' || c == ':' {
			break
		}
		n++
	}
	return b[:n]
}

func tiHasName(names [][]byte, n []byte) bool {
	for _, m := range names {
		if bytes.Equal(m, n) {
			return true
		}
	}
	return false
}

// tiHolds reports whether a placeholder that may read a source starts on a line from first to
// last (inclusive; last < 0 means to the end of the file): one of lines, or of matrix when the
// matrix context may resolve to a source there.
func (ph *tiPlaceholders) tiHolds(first, last int, matrix bool) bool {
	return ph.set.holds(first, last, matrix)
}

// tiLineSet is the index's lines and matrix lines as two bits a line, 2*l%64 (lines) and the
// next (matrix) of word 2*l/64 for line l: whether a range holds one is read from a word or
// two with masks, where a search through the lists would take a branch at each step whose way
// depends on the lines (steps and jobs ask at lines that follow no pattern).
type tiLineSet []uint64

// tiLineSetOf returns the set of the ascending lines and matrix, nil when both are empty.
func tiLineSetOf(lines, matrix []int32) tiLineSet {
	top := int32(-1)
	if len(lines) > 0 {
		top = lines[len(lines)-1]
	}
	if len(matrix) > 0 {
		top = max(top, matrix[len(matrix)-1])
	}
	if top < 0 {
		return nil
	}
	s := make(tiLineSet, top/32+1)
	for _, l := range lines {
		s[l/32] |= 1 << (2 * (l % 32))
	}
	for _, l := range matrix {
		s[l/32] |= 2 << (2 * (l % 32))
	}
	return s
}

// holds reports whether the set holds a line from first to last (inclusive; last < 0 means to
// the end of the file), of lines, or of either when matrix is true.
func (s tiLineSet) holds(first, last int, matrix bool) bool {
	if len(s) == 0 {
		return false
	}
	last = int(min(uint(last), uint(len(s)*32-1))) // last < 0 is the end too
	first = max(first, 0)
	if first > last {
		return false
	}
	lo, hi := first/32, last/32
	from, to := ^uint64(0)<<(2*(first%32)), ^uint64(0)>>(62-2*(last%32))
	kinds := uint64(0x5555555555555555) // the bits of lines
	if matrix {
		kinds = ^uint64(0)
	}
	in := s[lo] & from & to // when the range lies in one word
	if lo < hi {
		in = s[lo]&from | s[hi]&to
		for _, w := range s[lo+1 : hi] {
			in |= w
		}
	}
	return in&kinds != 0
}

// tiEscapeAt reads the backslash at src[i] as a double-quoted YAML scalar would: code is true
// for a \x, \u or \U escape, which can spell any character; for a line break escaped at the end
// of a line, join is the text on either side of where the scalar joins the lines (up to eight
// bytes each, in buf), which a name or a "${{" may straddle; both are zero otherwise.
func tiEscapeAt(src []byte, i int, buf *[16]byte) (code bool, join []byte) {
	j := i + 1
	if j < len(src) && (src[j] == 'x' || src[j] == 'u' || src[j] == 'U') {
		return true, nil
	}
	if j < len(src) && src[j] == '\r' {
		j++
	}
	if j >= len(src) || src[j] != '\n' {
		return false, nil
	}
	for j++; j < len(src) && (src[j] == ' ' || src[j] == '\t'); j++ {
	}
	n := copy(buf[:], src[max(0, i-8):i])
	n += copy(buf[n:], src[j:min(len(src), j+8)])
	return false, buf[:n]
}
