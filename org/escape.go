package org

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// The markdown escaping of render/escape.go (mdText, mdRich), which is not exported: the same
// rules, applied to every repository-derived string of org.md and the dashboard issue. When
// render exports them, these become one-line wrappers.

const zwsp = "\u200b"

func isControl(r rune) bool {
	return r < 0x20 || r == 0x7F || (r >= 0x80 && r <= 0x9F) ||
		(r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) || r == 0x200E || r == 0x200F || r == 0x061C
}

// mdText escapes a string for inline markdown on one line: no raw HTML, no markdown
// punctuation with meaning, no @-mention, #-reference or autolink, no control character.
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
			if r < 0x80 {
				fmt.Fprintf(&b, `\x%02x`, r)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		case strings.ContainsRune("\\`*_[](){}!|~$^", r):
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mdCode shows a string in monospace, escaped as mdText.
func mdCode(s string) string { return "<code>" + mdText(s) + "</code>" }

// mdRich renders a message: text between pairs of backticks as code, all of it escaped.
func mdRich(s string) string {
	parts := strings.Split(s, "`")
	var b strings.Builder
	for i, p := range parts {
		switch {
		case i%2 == 0:
			b.WriteString(mdText(p))
		case i == len(parts)-1:
			b.WriteString(mdText("`" + p))
		case p == "":
			b.WriteString(mdText("``"))
		default:
			b.WriteString(mdCode(p))
		}
	}
	return b.String()
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
