package checks

import (
	"bytes"
	"math/bits"
	"slices"
	"strings"

	"github.com/rampart-sec/rampart/internal/bytescan"
)

// hcAnchorAt is a literal to look for where a trigger byte is found: the literal starts back bytes before it.
// peek is the offset in lit of another byte, compared first: most trigger bytes start no anchor, and
// one byte comparison dismisses them.
type hcAnchorAt struct {
	lit  string
	back int
	peek int
}

// hcTrigger is a byte that is rare in workflows, with the anchors that hold it.
type hcTrigger struct {
	b       byte
	anchors []hcAnchorAt
	// near holds the bytes found at offset side (-1 or +1) from b in its anchors: one look
	// beside a found b dismisses most of them before any anchor is compared.
	side int
	near [256]bool
}

// hcNameBytes are the bytes where hcCandidates looks (hcAssignAt at ":" and "=", hcFlagAt at
// "-", hcEscapeAt at "\\", hcComplexKeyAt at "?") whether the walk of a file's env vars, inputs,
// container passwords, run: assignments and command-line flags can find anything: each look
// reports true where a credential's name may be given a literal that env, assign, container or
// script would report. Most files are dismissed (all but 10 of the corpus's 1,213), where the
// walk reads every env map, input map and script of the file.
//
// Such a literal is written NAME: value (YAML), NAME=value (a script) or --flag value, where the
// last segments of NAME are a credential's (hcCredentialName) and the value is not an expression
// ("${{"), not a variable ("$") and, unless NAME is a password's, looks machine-generated
// (hcRandom). What the source does not show is let through: values on the next lines (block
// scalars, aliases, a bare key before anything but a mapping, an action input's default), YAML
// escapes that spell a name's letters, "=" or a flag's space where the source holds none, "ſ" and
// "ı" in a name (upper-casing maps them to "S" and "I"; hcCandidates looks for them), and
// explicit "? " keys.
const hcNameBytes = ":=-\\?"

// hcTriggers give each anchor of hcFormats (and "PRIVATE KEY") a byte of it that is rare in
// workflow files, so that one pass over the file for all of them (hcTriggerSet, at most eight
// bytes) finds every anchor, and hcNameBytes, which share the pass ("-" finds both "glpat-" and
// flags).
var hcTriggers = func() []hcTrigger {
	var out []hcTrigger
	add := func(lit string, b byte) {
		back := strings.IndexByte(lit, b)
		peek := back + 1
		if peek == len(lit) {
			peek = back - 1
		}
		a := hcAnchorAt{lit, back, peek}
		for i := range out {
			if out[i].b == b {
				out[i].anchors = append(out[i].anchors, a)
				return
			}
		}
		out = append(out, hcTrigger{b: b, anchors: []hcAnchorAt{a}})
	}
	all := []string{"PRIVATE KEY"}
	for _, fm := range hcFormats {
		if fm.triggers != nil {
			all = append(all, fm.triggers...)
		} else {
			all = append(all, fm.anchors...)
		}
	}
	for _, a := range all {
		// Few triggers, each a hit per few dozen bytes: "A" (AWS, Google, PyPI, private keys), "_"
		// (GitHub, npm, Docker Hub, Stripe), and "-" and ":", of hcNameBytes (GitLab, Slack,
		// Discord, OpenAI, Anthropic).
		for _, b := range []byte("A_-:") {
			if strings.IndexByte(a, b) >= 0 {
				add(a, b)
				break
			}
		}
		if !strings.ContainsAny(a, "A_-:") {
			add(a, a[0])
		}
	}
	for i := range out {
		t := &out[i]
		// The byte after b, unless b ends an anchor; then the byte before, which every anchor
		// then has (none is b alone).
		t.side = 1
		for _, a := range t.anchors {
			if a.back+1 == len(a.lit) {
				t.side = -1
			}
		}
		for _, a := range t.anchors {
			t.near[a.lit[a.back+t.side]] = true
		}
	}
	for _, b := range []byte(hcNameBytes) {
		if !slices.ContainsFunc(out, func(t hcTrigger) bool { return t.b == b }) {
			out = append(out, hcTrigger{b: b})
		}
	}
	return out
}()

// hcTriggerSet holds the bytes of hcTriggers, found in one pass; hcTriggerOf maps each to its
// index in hcTriggers.
var hcTriggerSet, hcTriggerOf = func() (*bytescan.Set, [256]uint8) {
	var bs []byte
	var of [256]uint8
	for i, t := range hcTriggers {
		bs = append(bs, t.b)
		of[t.b] = uint8(i)
	}
	return bytescan.New(bs...), of
}()

// hcCandidates returns the start offsets of the lines that hold an anchor of a credential format
// (or "PRIVATE KEY"), and of those that hold "://user:password@" (hcURLUserPassAt), in order;
// names is false when no env var, input, container password or run: script of the file can be
// reported (hcNameBytes). action says the file is an action's.
func hcCandidates(src []byte, action bool) (formats, urls []int, names bool) {
	var sc bytescan.Scanner
	for sc.Reset(hcTriggerSet, src); sc.Next(); {
		for m := sc.Hits; m != 0; m &= m - 1 {
			i := sc.Base + bits.TrailingZeros64(m)
			t := &hcTriggers[hcTriggerOf[src[i]]]
			if !names {
				// The looks at hcNameBytes, called directly: a call through a table of them
				// costs more (two thirds of the hits are ":" and "-").
				switch src[i] {
				case ':', '=':
					names = hcAssignAt(src, i, action)
				case '-':
					names = hcFlagAt(src, i, action)
				case '\\':
					names = hcEscapeAt(src, i, action)
				case '?':
					names = hcComplexKeyAt(src, i, action)
				}
			}
			if t.b == ':' && i+2 < len(src) && src[i+1] == '/' && src[i+2] == '/' && hcURLUserPassAt(src, i+3) {
				if start := bytes.LastIndexByte(src[:i], '\n') + 1; len(urls) == 0 || urls[len(urls)-1] != start {
					urls = append(urls, start)
				}
			}
			if j := i + t.side; len(t.anchors) == 0 || j < 0 || j >= len(src) || !t.near[src[j]] {
				continue
			}
			for _, a := range t.anchors {
				at := i - a.back
				if at < 0 || at+len(a.lit) > len(src) || src[at+a.peek] != a.lit[a.peek] || string(src[at:at+len(a.lit)]) != a.lit {
					continue
				}
				formats = append(formats, bytes.LastIndexByte(src[:at], '\n')+1)
				break
			}
		}
	}
	names = names || bytes.Contains(src, []byte("ſ")) || bytes.Contains(src, []byte("ı"))
	if len(formats) > 1 {
		slices.Sort(formats)
		formats = slices.Compact(formats)
	}
	return formats, urls, names
}

// hcURLUserPassAt reports whether the text after a "://" at src[i-3] is "user:password@host" as
// hcURLCreds reads it: a user without "/", spaces, quotes, ":" or "@", then ":", a password
// without "/", spaces, quotes or "@", then "@" and a host's first byte. Every match of hcURLCreds
// has it after its "://"; lines without one are not matched against the regexp.
func hcURLUserPassAt(src []byte, i int) bool {
	k := i
	for k < len(src) && !hcURLStop(src[k]) && src[k] != ':' {
		k++
	}
	if k == i || k >= len(src) || src[k] != ':' {
		return false
	}
	m := k + 1
	for m < len(src) && !hcURLStop(src[m]) {
		m++
	}
	if m == k+1 || m+1 >= len(src) || src[m] != '@' {
		return false
	}
	h := src[m+1]
	return h >= 'a' && h <= 'z' || h >= 'A' && h <= 'Z' || h >= '0' && h <= '9' || h == '.' || h == '-'
}

// hcURLStop reports whether c ends a URL's user or password for hcURLCreds: "/", "@", a quote
// or a space of \s.
func hcURLStop(c byte) bool {
	return c == '/' || c == '@' || c == '\'' || c == '"' || c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}
