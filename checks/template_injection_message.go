package checks

import (
	"regexp"
	"strconv"
	"strings"
)

// tiMessage says what expands where, who controls it, and how to fix it.
func tiMessage(srcs []tiSource, r tiRating, sink tiSink, where, text string) string {
	s := srcs[0]
	if s.via != "" {
		s.via = tiSpell(s.via, text)
	} else {
		s.path = tiSpell(s.path, text)
	}
	var what string
	switch {
	case s.caller != "":
		what = s.path + ", which " + s.caller + " passes " + s.passed + ","
	case s.constCallers:
		what = s.path + ", which every caller in this repository sets to a constant or trusted value,"
	case s.kind == tiAttacker:
		what = "attacker-controlled " + s.path
	case s.kind == tiMaintainer:
		what = s.path + " (written by maintainers, but it may quote contributors' text, as generated release notes do)"
	case s.kind == tiCaller:
		what = s.path + ", which the caller sets,"
	case s.kind == tiDispatch:
		what = s.path + ", typed in by whoever dispatches the workflow,"
	case s.kind == tiGuess:
		what = s.path + ", a free-text field of the event,"
	default:
		what = s.path + ", computed at run time,"
	}
	if s.via != "" {
		what = s.via + ", which holds " + strings.TrimSuffix(what, ",") + ","
	}
	if more := len(srcs) - 1; more > 0 {
		what = strings.TrimSuffix(what, ",") + " (and " + strconv.Itoa(more) + " more)"
	}
	into := "the run: script"
	if sink.action != "" {
		into = "the code input " + strconv.Quote(sink.name)
	}
	var tail, gate string
	switch {
	case r.privileged != "":
		tail = ", which " + r.privileged + " runs with the repository's secrets and a write token"
	case r.unset != "":
		tail = " (no trigger of this workflow sets it: " + r.unset + ")"
	}
	if r.gate != "" {
		gate = " (one level lower: " + r.gate + ")"
	}
	return what + " expands into " + into + " of " + where + tail + gate + "; " + tiFixHint(s, sink, text)
}

var nonIdent = regexp.MustCompile(`[^A-Z0-9_]+`)

var envRef = regexp.MustCompile(`(?i)\benv\.([a-z_][a-z0-9_-]*)`)

// tiFixHint names the environment variable to use instead; text is the expression as written.
func tiFixHint(s tiSource, sink tiSink, text string) string {
	path := s.path
	if s.via != "" {
		path = s.via
	}
	if name, ok := strings.CutPrefix(path, "env."); ok {
		if ref, ok := tiEnvRef(text, name); ok {
			return tiUse(ref, sink) + " instead"
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
	return "pass it through env: and " + tiUse(name, sink)
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
		if j >= len(text) || !(tiLetter(text[j]) || text[j] == '_') {
			i++
			continue
		}
		for j < len(text) && (tiLetter(text[j]) || text[j] >= '0' && text[j] <= '9' || text[j] == '_' || text[j] == '-') {
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

func tiASCII(s string) bool {
	for i := 0; i < len(s); i++ {
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
	b := make([]byte, 0, len(s))
	inRun := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		switch {
		case c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_':
			b, inRun = append(b, c), false
		case !inRun:
			b, inRun = append(b, '_'), true
		}
	}
	return strings.Trim(string(b), "_")
}

func tiUse(name string, sink tiSink) string {
	switch {
	case sink.js:
		return "read process.env." + name
	case sink.name == "run" && sink.action == "":
		return "use " + strconv.Quote("$"+name)
	}
	return "refer to $" + name
}

// tiSpell writes a context path (kept in lower case) as the expression text spells it.
func tiSpell(path, text string) string {
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
