package render

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Every string that comes from the audited repository (messages quote workflow content, file
// paths, suppression reasons, error messages) passes through one of the functions below before
// it reaches an output that something interprets: a terminal, a markdown renderer, or the
// Actions runner's workflow-command parser.

// isBidi reports the Unicode bidirectional controls that can make text display in an order
// other than the one it is read in ("Trojan Source").
func isBidi(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) || r == 0x200E || r == 0x200F || r == 0x061C
}

// isControl reports C0 and C1 control characters, DEL, and bidirectional controls.
func isControl(r rune) bool {
	return r < 0x20 || r == 0x7F || (r >= 0x80 && r <= 0x9F) || isBidi(r)
}

// visible writes a control character as a visible escape: \x1b, \u009b, \u202e.
func visible(b *strings.Builder, r rune) {
	switch r {
	case '\n':
		b.WriteString(`\n`)
	case '\r':
		b.WriteString(`\r`)
	case '\t':
		b.WriteString(`\t`)
	default:
		if r < 0x80 {
			fmt.Fprintf(b, `\x%02x`, r)
		} else {
			fmt.Fprintf(b, `\u%04x`, r)
		}
	}
}

// cleanLine makes an audited string safe to print on one terminal line: every control
// character, line breaks included, is shown as a visible escape, invalid UTF-8 becomes U+FFFD,
// and no workflow command can be read in it (see breakCommands).
func cleanLine(s string) string {
	if isClean(s, false) {
		return s
	}
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		if isControl(r) {
			visible(&b, r)
			continue
		}
		b.WriteRune(r)
	}
	return breakCommands(b.String())
}

// breakCommands keeps the Actions runner from reading a workflow command in a line of output
// that holds s (text and JSON reports are printed to a job's log, which the runner parses):
//   - "##[" starts a legacy command ("##[set-output name=x]v", "##[stop-commands]t") anywhere
//     in a line, so a zero-width space is put inside every "##[";
//   - "::" starts a command at the beginning of a line after leading white space, so when s
//     starts with white space and "::", a zero-width space is put between the colons.
//
// The text shows the same; only the runner's parser no longer matches it.
func breakCommands(s string) string {
	s = strings.ReplaceAll(s, "##[", "##"+zwsp+"[")
	if t := strings.TrimLeftFunc(s, unicode.IsSpace); strings.HasPrefix(t, "::") {
		i := len(s) - len(t)
		s = s[:i] + ":" + zwsp + s[i+1:]
	}
	return s
}

// hasCommand reports whether breakCommands would change s.
func hasCommand(s string) bool {
	return strings.Contains(s, "##[") || strings.HasPrefix(strings.TrimLeftFunc(s, unicode.IsSpace), "::")
}

// cleanText is cleanLine for text that may span lines: line breaks are kept (CRLF and lone CR
// become LF) and each continuation line is prefixed with indent, so no audited line can pass
// for a line of ours; tabs are kept; every other control character is shown escaped.
func cleanText(s, indent string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		l = strings.TrimRight(cleanLineKeepTabs(l), " \t")
		if i > 0 {
			l = indent + l
		}
		lines[i] = l
	}
	return strings.Join(lines, "\n")
}

func cleanLineKeepTabs(s string) string {
	if isClean(s, true) {
		return s
	}
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		if r == '\t' {
			b.WriteRune(r)
		} else if isControl(r) {
			visible(&b, r)
		} else {
			b.WriteRune(r)
		}
	}
	return breakCommands(b.String())
}

func isClean(s string, tabs bool) bool {
	if !utf8.ValidString(s) || hasCommand(s) {
		return false
	}
	for _, r := range s {
		if isControl(r) && !(tabs && r == '\t') {
			return false
		}
	}
	return true
}

// zwsp is the zero-width space inserted to break @-mentions, #-references and autolinks.
const zwsp = "\u200b"

// mdText escapes an audited string for inline markdown (GitHub-flavoured, as in PR comments
// and step summaries), on one line. The result:
//   - contains no raw HTML: & < > become entities (so no <script>, no <!-- marker -->);
//   - cannot open emphasis, code spans, links, images, footnotes, tables, strike-through or
//     math: the ASCII punctuation that markdown gives meaning is backslash-escaped;
//   - cannot ping anyone or cross-reference an issue: a zero-width space follows every @ and #;
//   - cannot autolink: "://" and "www." are broken by a zero-width space;
//   - holds no line break or control character (shown as visible escapes).
func mdText(s string) string {
	var b strings.Builder
	rs := []rune(strings.ToValidUTF8(s, "\uFFFD"))
	for i, r := range rs {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '@' || r == '#':
			b.WriteRune(r)
			b.WriteString(zwsp)
		case r == ':' && i+2 < len(rs) && rs[i+1] == '/' && rs[i+2] == '/':
			b.WriteString(":" + zwsp)
		case (r == 'w' || r == 'W') && i+3 < len(rs) && strings.EqualFold(string(rs[i:i+4]), "www."):
			b.WriteRune(r)
			b.WriteString(zwsp)
		case r == '\n' || r == '\r' || r == '\t':
			b.WriteByte(' ')
		case isControl(r):
			visible(&b, r)
		case strings.ContainsRune("\\`*_[](){}!|~$^", r):
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mdCode shows an audited string in monospace, escaped as mdText. It uses the <code> element
// rather than a backtick code span, so no backtick in the string can end the span early and
// no entity has to survive inside a code span.
func mdCode(s string) string { return "<code>" + mdText(s) + "</code>" }

// mdRich renders an audited message: text between pairs of backticks (the way checks quote
// workflow content) is shown as code, the rest as text, all of it escaped by mdText.
// An unpaired backtick is shown as a literal backtick.
func mdRich(s string) string {
	parts := strings.Split(s, "`")
	var b strings.Builder
	for i, p := range parts {
		switch {
		case i%2 == 0:
			b.WriteString(mdText(p))
		case i == len(parts)-1: // opening backtick without a closing one
			b.WriteString(mdText("`" + p))
		case p == "":
			b.WriteString(mdText("``"))
		default:
			b.WriteString(mdCode(p))
		}
	}
	return b.String()
}

// truncate cuts s to at most n runes, marking the cut with an ellipsis.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// uriPath percent-encodes a relative path for a URI (SARIF artifactLocation.uri, a blob link):
// only unreserved characters and "/" stay as they are, so the result has no space, quote,
// bracket, parenthesis or colon (a "c:" prefix cannot read as a scheme) and cannot end a
// markdown link destination.
func uriPath(p string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~/", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// ghData escapes the message part of a workflow command (after "::"), as the runner's
// toolkit does: % first, then CR and LF. With no line break left, an audited string can
// never begin a line, so it can never start a workflow command of its own.
func ghData(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '%':
			b.WriteString("%25")
		case r == '\r':
			b.WriteString("%0D")
		case r == '\n':
			b.WriteString("%0A")
		case r == '\t':
			b.WriteRune(r)
		case isControl(r):
			visible(&b, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// ghProperty escapes a property value of a workflow command (file=..., title=...): as
// ghData, and also ":" and "," which end a value.
func ghProperty(s string) string {
	s = ghData(s)
	s = strings.ReplaceAll(s, ":", "%3A")
	return strings.ReplaceAll(s, ",", "%2C")
}

// MarkdownText escapes a string from an audited repository for inline markdown on one line: no
// raw HTML, no markdown punctuation with meaning, no @-mention, #-reference or autolink, no
// control character. Every markdown writer (PR comment, step summary, org dashboard) uses it.
func MarkdownText(s string) string { return mdText(s) }

// MarkdownCode shows an audited string in monospace, escaped as MarkdownText.
func MarkdownCode(s string) string { return mdCode(s) }

// MarkdownRich escapes a message in which `backticked` parts are shown as code.
func MarkdownRich(s string) string { return mdRich(s) }

// Truncate shortens s to at most n runes, with an ellipsis when it cut.
func Truncate(s string, n int) string { return truncate(s, n) }

// TerminalLine makes an audited string safe to print on one line of a terminal or a job log:
// control characters (line breaks included) are shown escaped, and no workflow command can be
// read in it.
func TerminalLine(s string) string { return cleanLine(s) }

// TerminalText is TerminalLine for text that may span lines: line breaks are kept, and each
// continuation line is prefixed with indent.
func TerminalText(s, indent string) string { return cleanText(s, indent) }

// BreakCommands returns JSON output (a report, a SARIF log) with every "##[" inside its strings
// written as "##\u005b", so that no line of it, printed to a job log, is read by the runner as a
// legacy workflow command. The JSON means the same.
func BreakCommands(b []byte) []byte {
	return bytes.ReplaceAll(b, []byte("##["), []byte(`##\u005b`))
}
