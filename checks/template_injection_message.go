package checks

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// tiMessage says what expands where, who controls it, and how to fix it.
func tiMessage(srcs []tiSource, r tiRating, sink tiSink, where, text string) string {
	s := srcs[0]
	if s.via != "" {
		s.via = tiSpell(s.via, text)
	} else {
		s.path = tiSpell(s.path, text)
	}
	// The message is written into one buffer, and what says the source in pieces written
	// there without joining them first: a finding's message is most of what it allocates.
	var what [6]string
	switch {
	case s.caller != "":
		what = [6]string{s.path, ", which ", s.caller, " passes ", s.passed, ","}
	case s.constCallers:
		what = [6]string{s.path, ", which every caller in this repository sets to a constant or trusted value,"}
	case s.kind == tiAttacker:
		what = [6]string{"attacker-controlled ", s.path}
	case s.kind == tiMaintainer:
		what = [6]string{s.path, " (written by maintainers, but it may quote contributors' text, as generated release notes do)"}
	case s.kind == tiCaller:
		what = [6]string{s.path, ", which the caller sets,"}
	case s.kind == tiDispatch:
		what = [6]string{s.path, ", typed in by whoever dispatches the workflow,"}
	case s.kind == tiGuess:
		what = [6]string{s.path, ", a free-text field of the event,"}
	default:
		what = [6]string{s.path, ", computed at run time,"}
	}
	more := len(srcs) - 1
	var b strings.Builder
	b.Grow(len(s.path) + len(s.via) + len(s.caller) + len(s.passed) + len(where) + len(r.unset) + len(r.gate) + 300)
	if s.via == "" && more <= 0 {
		tiWriteAll(&b, what[:])
	} else {
		// The source inside a longer phrase: without its trailing comma.
		for i := len(what) - 1; i >= 0; i-- {
			if what[i] != "" {
				what[i] = strings.TrimSuffix(what[i], ",")
				break
			}
		}
		if s.via != "" {
			b.WriteString(s.via)
			b.WriteString(", which holds ")
		}
		tiWriteAll(&b, what[:])
		if more > 0 {
			b.WriteString(" (and ")
			b.WriteString(strconv.Itoa(more))
			b.WriteString(" more)")
		} else {
			b.WriteString(",")
		}
	}
	if sink.action != "" {
		b.WriteString(" expands into the code input ")
		tiWriteQuoted(&b, "", sink.name)
	} else {
		b.WriteString(" expands into the run: script")
	}
	b.WriteString(" of ")
	b.WriteString(where)
	switch {
	case r.privileged != "":
		b.WriteString(", which ")
		b.WriteString(r.privileged)
		b.WriteString(" runs with the repository's secrets and a write token")
	case r.unset != "":
		b.WriteString(" (no trigger this job runs for sets it: ")
		b.WriteString(r.unset)
		b.WriteString(")")
	}
	if r.gate != "" {
		b.WriteString(" (one level lower: ")
		b.WriteString(r.gate)
		b.WriteString(")")
	}
	b.WriteString("; ")
	tiWriteFixHint(&b, s, sink, text)
	return b.String()
}

// tiWriteAll writes the parts one after the other.
func tiWriteAll(b *strings.Builder, parts []string) {
	for _, p := range parts {
		b.WriteString(p)
	}
}

// tiWriteQuoted writes strconv.Quote(prefix + s), without building either string when they hold
// only printable ASCII other than quotes and backslashes, which Quote leaves as they are.
func tiWriteQuoted(b *strings.Builder, prefix, s string) {
	for _, part := range [2]string{prefix, s} {
		for i := 0; i < len(part); i++ {
			if c := part[i]; c < ' ' || c > '~' || c == '"' || c == '\\' {
				b.WriteString(strconv.Quote(prefix + s))
				return
			}
		}
	}
	b.WriteByte('"')
	b.WriteString(prefix)
	b.WriteString(s)
	b.WriteByte('"')
}

var nonIdent = regexp.MustCompile(`[^A-Z0-9_]+`)

var envRef = regexp.MustCompile(`(?i)\benv\.([a-z_][a-z0-9_-]*)`)

// tiWriteFixHint names the environment variable to use instead; text is the expression as written.
func tiWriteFixHint(b *strings.Builder, s tiSource, sink tiSink, text string) {
	path := s.path
	if s.via != "" {
		path = s.via
	}
	if name, ok := strings.CutPrefix(path, "env."); ok {
		if ref, ok := tiEnvRef(text, name); ok {
			tiWriteUse(b, ref, sink)
			b.WriteString(" instead")
			return
		}
	}
	var keep [2]string // the last two segments kept
	n := 0
	for rest := path; ; {
		seg, tail, more := strings.Cut(rest, ".")
		switch seg {
		case "github", "event", "outputs", "inputs", "steps", "needs", "env", "*":
		case "pull_request":
			keep[0], keep[1] = keep[1], "pr"
			n++
		default:
			keep[0], keep[1] = keep[1], seg
			n++
		}
		if !more {
			break
		}
		rest = tail
	}
	b.WriteString("pass it through env: and ")
	var buf [48]byte // the name, on the stack for the usual short ones
	if name, ok := tiUpperIdentTo(buf[:0], keep[2-min(n, 2):]); ok {
		if len(name) == 0 {
			name = append(name, "VALUE"...)
		}
		tiWriteUseIdent(b, name, sink)
		return
	}
	var joined string
	switch n {
	case 0:
	case 1:
		joined = keep[1]
	default:
		joined = keep[0] + "_" + keep[1]
	}
	name := tiUpperIdent(joined)
	if name == "" {
		name = "VALUE"
	}
	tiWriteUse(b, name, sink)
}

// tiEnvRef finds the first env.NAME of text whose NAME is name (ignoring case) as envRef does,
// returning NAME as written.
func tiEnvRef(text, name string) (string, bool) {
	if !tiASCII(text) {
		for _, m := range envRef.FindAllStringSubmatch(text, -1) {
			if strings.EqualFold(m[1], name) {
				return m[1], true
			}
		}
		return "", false
	}
	for i := 0; i+4 <= len(text); {
		if !strings.EqualFold(text[i:i+4], "env.") || i > 0 && tiWordByte(text[i-1]) {
			i++
			continue
		}
		j := i + 4
		if j >= len(text) || !tiIsNameStart(text[j]) {
			i++
			continue
		}
		for j < len(text) && tiIsNameByte(text[j]) {
			j++
		}
		if ref := text[i+4 : j]; strings.EqualFold(ref, name) {
			return ref, true
		}
		i = j
	}
	return "", false
}

func tiLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

func tiWordByte(c byte) bool { return tiLetter(c) || c >= '0' && c <= '9' || c == '_' }

// tiASCII reports whether s holds only ASCII bytes, read eight at a time (lowerLoad) and then
// one at a time.
func tiASCII(s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		if lowerLoad(s[i:i+8])&0x8080808080808080 != 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// tiUpperIdent is s in upper case with each run of characters other than A-Z, 0-9 and _
// replaced by _, and leading and trailing _ trimmed.
func tiUpperIdent(s string) string {
	if !tiASCII(s) {
		return strings.Trim(nonIdent.ReplaceAllString(strings.ToUpper(s), "_"), "_")
	}
	var buf [48]byte // on the stack for the usual short names
	b, _ := tiUpperIdentTo(buf[:0], []string{s})
	return string(b)
}

// tiUpperIdentTo is tiUpperIdent of the parts joined by "_", appended to buf; ok is false, and
// nothing appended, when a part holds other than ASCII.
//
// The buffer grows once, to the parts' length, and each byte is written without a branch: its
// upper case, or "_" for a byte of no name, which the next byte overwrites while a run of such
// bytes lasts (a branch a byte mispredicted at each change between name bytes and others). The
// bytes are checked for ASCII in the same loop, and the name dropped at the end when one is not.
func tiUpperIdentTo(buf []byte, parts []string) (name []byte, ok bool) {
	n := len(parts)
	for _, p := range parts {
		n += len(p)
	}
	b := slices.Grow(buf, n)[len(buf) : len(buf)+n]
	w, run := 0, 0 // run is 1 while b[w-1] is the "_" of a run of other bytes
	var all byte   // the bytes ORed: not ASCII when its top bit is set
	for k, p := range parts {
		if k > 0 {
			b[w], w, run = '_', w+1, 0
		}
		for i := 0; i < len(p); i++ {
			all |= p[i]
			c := tiUpperByte[p[i]]
			keep := int(uint(c)+0xff) >> 8 // 1 for a name byte, 0 for another
			b[w] = c | '_'&byte(keep-1)
			w += keep | (run ^ 1)
			run = keep ^ 1
		}
	}
	if all >= 0x80 {
		return buf, false
	}
	b = b[:w]
	i, j := 0, len(b)
	for i < j && b[i] == '_' {
		i++
	}
	for j > i && b[j-1] == '_' {
		j--
	}
	return b[i:j], true
}

// tiWriteUseIdent is tiWriteUse for a name of A-Z, 0-9 and _ only, which needs no quoting.
func tiWriteUseIdent(b *strings.Builder, name []byte, sink tiSink) {
	switch {
	case sink.js:
		b.WriteString("read process.env.")
	case sink.name == "run" && sink.action == "":
		b.WriteString(`use "$`)
		b.Write(name)
		b.WriteByte('"')
		return
	default:
		b.WriteString("refer to $")
	}
	b.Write(name)
}

// tiWriteUse says how the script should read the environment variable name.
func tiWriteUse(b *strings.Builder, name string, sink tiSink) {
	switch {
	case sink.js:
		b.WriteString("read process.env.")
	case sink.name == "run" && sink.action == "":
		b.WriteString("use ")
		tiWriteQuoted(b, "$", name)
		return
	default:
		b.WriteString("refer to $")
	}
	b.WriteString(name)
}

// tiSpell writes a context path (kept in lower case) as the expression text spells it.
//
// Most texts start with the path as it is kept (a plain read's text is its chain): when the path
// holds no byte that lower-casing may change (lowerMayChange), both searches below find it
// there, at offset 0, and the text's start is the path's own bytes. Its other bytes are then
// not read twice (tiASCII, then the search).
func tiSpell(path, text string) string {
	if strings.HasPrefix(text, path) && !lowerMayChange(path) {
		return text[:len(path)]
	}
	return tiSpellSearch(path, text)
}

// tiSpellSearch is tiSpell by a search of the text.
func tiSpellSearch(path, text string) string {
	if tiASCII(text) {
		if i := tiIndexFold(text, path); i >= 0 {
			return text[i : i+len(path)]
		}
		return path
	}
	if lower := strings.ToLower(text); len(lower) == len(text) {
		if i := strings.Index(lower, path); i >= 0 {
			return text[i : i+len(path)]
		}
	}
	return path
}

// tiIndexFold is the index of the first occurrence of lower (in lower case) in the ASCII text
// ignoring case, as strings.Index(strings.ToLower(text), lower); -1 when there is none.
func tiIndexFold(text, lower string) int {
	n := len(lower)
	if n == 0 {
		return 0
	}
	for i := 0; i+n <= len(text); i++ {
		j := 0
		for j < n {
			c := text[i+j]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != lower[j] {
				break
			}
			j++
		}
		if j == n {
			return i
		}
	}
	return -1
}

// tiWhere names a step and its job as its findings say it (ref.Label(), then " in job " and the
// job's quoted ID, or " of this composite action"), written into one buffer.
func tiWhere(ref audit.StepRef) string {
	var b strings.Builder
	b.Grow(96)
	st := ref.Step
	b.WriteString("step ")
	switch {
	case st.Name != nil && st.Name.Value != "":
		tiWriteQuoted(&b, "", st.Name.Value)
	case st.ID != nil && st.ID.Value != "":
		tiWriteQuoted(&b, "", st.ID.Value)
	default:
		b.WriteString(strconv.Itoa(ref.Index + 1))
		if a, ok := st.Exec.(*actionlint.ExecAction); ok && a.Uses != nil {
			b.WriteString(" (")
			b.WriteString(a.Uses.Value)
			b.WriteString(")")
		}
	}
	if ref.Job != nil && ref.Job.ID != nil {
		b.WriteString(" in job ")
		tiWriteQuoted(&b, "", ref.Job.ID.Value)
	} else {
		b.WriteString(" of this composite action")
	}
	return b.String()
}
