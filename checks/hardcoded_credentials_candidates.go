package checks

import (
	"bytes"
	"slices"
	"strings"
	"unsafe"

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
	// beside a found b dismisses most of them before any anchor is compared. A trigger without
	// anchors has side 0 and no near byte (not even b).
	side int
	near [256]bool
	// near2 holds the bytes found at offset side2 in its anchors, a second look for the hits
	// that near lets through ("s-" of "runs-on" for "xoxs-"); side2 is side, and near2 near,
	// when no other offset falls in every anchor.
	side2 int
	near2 [256]bool
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
		// The offset other than 0 and side that falls in every anchor and holds the fewest
		// distinct bytes there, the nearest of those.
		t.side2, t.near2 = t.side, t.near
		best := 257
		for _, d := range []int{-1, 1, -2, 2, -3, 3, -4, 4} {
			if d == t.side {
				continue
			}
			var set [256]bool
			n := 0
			for _, a := range t.anchors {
				if a.back+d < 0 || a.back+d >= len(a.lit) {
					n = 257
					break
				}
				if c := a.lit[a.back+d]; !set[c] {
					set[c] = true
					n++
				}
			}
			if n < best {
				best, t.side2, t.near2 = n, d, set
			}
		}
	}
	for _, b := range []byte(hcNameBytes + hcLongS[:1]) {
		if !slices.ContainsFunc(out, func(t hcTrigger) bool { return t.b == b }) {
			out = append(out, hcTrigger{b: b})
		}
	}
	return out
}()

// hcLongS is "ſ", which upper-cases to "S": a name that holds it may be a credential's. Its first
// byte fills the eighth place of hcTriggerSet, so the pass finds it; "ı" (to "I") is searched
// on its own.
const hcLongS = "ſ"

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
	var hits [512]int32
	var sc bytescan.Scanner
	sc.Reset(hcTriggerSet, src)
	for {
		n := bytescan.Fill(&sc, hits[:], 0)
		if n == 0 {
			break
		}
		for _, h := range hits[:hcSift(src, hits[:n])] {
			i := int(h)
			c := src[i]
			// The looks at hcNameBytes, called directly (a call through a table of them costs
			// more).
			switch c {
			case ':', '=':
				if !names && (i < 3 || hcAssignMay(src[i-3], src[i-2], src[i-1])) {
					names = hcAssignAt(src, i, action)
				}
				if c == ':' && i+2 < len(src) && src[i+1] == '/' && src[i+2] == '/' && hcURLUserPassAt(src, i+3) {
					if start := bytes.LastIndexByte(src[:i], '\n') + 1; len(urls) == 0 || urls[len(urls)-1] != start {
						urls = append(urls, start)
					}
				}
			case '-':
				if !names && hcFlagMay(src, i) {
					names = hcFlagAt(src, i, action)
				}
			case '\\':
				if !names {
					names = hcEscapeAt(src, i, action)
				}
			case '?':
				if !names {
					names = hcComplexKeyAt(src, i, action)
				}
			case hcLongS[0]:
				names = names || i+1 < len(src) && src[i+1] == hcLongS[1]
			}
			t := &hcTriggers[hcTriggerOf[c]]
			if j, k := i+t.side, i+t.side2; j < 0 || j >= len(src) || !t.near[src[j]] || k < 0 || k >= len(src) || !t.near2[src[k]] {
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
	names = names || bytes.Contains(src, []byte("ı"))
	if len(formats) > 1 {
		slices.Sort(formats)
		formats = slices.Compact(formats)
	}
	return formats, urls, names
}

// hcSift keeps the hits that hcPre's table looks at their neighbours let through (one in six
// of the corpus's), in order, and returns their number: with no branch per hit, as a branch on
// that look mispredicted about once in nine hits. Each hit is read through a window of the 16
// bytes around it; the hits too near either end of the source for one are all kept (hits
// ascend: they are the first and the last). The window is read through unsafe.Add, with no
// bounds check: the trimming of those hits keeps every other window inside src, and a slice
// expression's checks and the mask that guards an empty slice's pointer were a third of the loop
// (callgrind, one corpus pass: 18.5 M instructions -> 14.6 M).
func hcSift(src []byte, hits []int32) int {
	lo, hi := 0, len(hits)
	for lo < hi && int(hits[lo]) < hcPreReach {
		lo++
	}
	for hi > lo && int(hits[hi-1])+hcWindow-hcPreReach > len(src) {
		hi--
	}
	n := lo
	base := unsafe.Pointer(unsafe.SliceData(src))
	for _, h := range hits[lo:hi] {
		w := (*[hcWindow]byte)(unsafe.Add(base, int(h)-hcPreReach))
		p := &hcPre[hcTriggerOf[w[hcPreReach]]%hcMaxTriggers]
		v := p.t1[w[p.w1%hcWindow]]&hcClassBit[w[p.w2%hcWindow]] | p.t3[w[p.w3%hcWindow]]&hcClassBit[w[p.w4%hcWindow]]
		hits[n] = h
		n += int((v | -v) >> 63)
	}
	return n + copy(hits[n:], hits[hi:])
}

// hcAssignMay reports whether hcAssignAt may return true at a ":" or "=" after the bytes a, b
// and c: false when c, the last byte of a name, is ASCII and neither a space, a quote, "\\" nor
// a separator ("_", "-", "."), b is not "\\" (an escape), and no word of hcAssignEnds ends with
// a, b and c (hcMayEndCredential's test on them, without a call). The pairs b, c (hcEndPairs)
// are those of hcPre's look; the pairs a, b (hcMidPairs) dismiss the keys that end like a word
// of hcAssignEnds without being one, a third of those it lets through ("with:" like "AUTH",
// "path:", "target:" like "SECRET", "progress:" like "PASS").
func hcAssignMay(a, b, c byte) bool {
	e := hcEndPairs[c]
	return e>>((b|0x20)&63)&1 != 0 && (e == ^uint64(0) || hcMidPairs[b]>>((a|0x20)&63)&1 != 0)
}

// hcMidPairs holds, for the byte b before a name's last, the bytes a that hcAssignMay lets
// through before it, as bits (a|0x20)&63: the letters before b in the words of hcAssignEnds, at
// their third and second last places. After "\\" (an escape) every byte is let through.
var hcMidPairs = func() (t [256]uint64) {
	t['\\'] = ^uint64(0)
	for _, w := range hcAssignEnds {
		mid, before := w[len(w)-2], (w[len(w)-3]|0x20)&63
		t[mid] |= 1 << before
		t[mid|0x20] |= 1 << before
	}
	return t
}()

// hcEndPairs holds, for a name's last byte c, the bytes b that hcAssignMay lets through before
// it, as bits (b|0x20)&63 (other bytes share them, and are let through too): "\\" and the
// letters before c in the words of hcAssignEnds that end with it. The bytes c after which
// hcAssignAt reads further back (spaces, quotes, separators, non-ASCII) have every bit set.
var hcEndPairs = func() (t [256]uint64) {
	for c := range 256 {
		switch {
		case c >= 0x80, c == ' ', c == '\t', c == '"', c == '\'', c == '\r', c == '\f', c == '\v', c == '\\', c == '_', c == '-', c == '.':
			t[c] = ^uint64(0)
		default:
			t[c] = 1 << (('\\' | 0x20) & 63)
		}
	}
	for _, w := range hcAssignEnds {
		last, before := w[len(w)-1], (w[len(w)-2]|0x20)&63
		t[last] |= 1 << before
		t[last|0x20] |= 1 << before
	}
	return t
}()

// hcFlagMay reports whether hcFlagAt may return true at the "-" at src[i]: whether the first two
// letters after "-" or "--" are those of a flag of hcFlagNames.
func hcFlagMay(src []byte, i int) bool {
	j := i + 1
	if j < len(src) && src[j] == '-' {
		j++
	}
	return j+1 < len(src) && hcFlagSecond[src[j]]>>(src[j+1]&63)&1 != 0
}

// hcFlagSecond holds, for the first letter of the flags of hcFlagNames, their second letters
// (bit c&63).
var hcFlagSecond = func() (t [256]uint64) {
	for _, n := range hcFlagNames {
		t[n[0]] |= 1 << (n[1] & 63)
	}
	return t
}()

// hcPrefilter is a test of a trigger byte's neighbours that every hit that matters to
// hcCandidates passes: t1[src[i+o1]] and the class bit of src[i+o2] share a bit, or t3[src[i+o3]]
// and that of src[i+o4] do. t1 holds the look at hcNameBytes, t3 that at the anchors (and at a
// URL's "://").
type hcPrefilter struct {
	o1, o2, o3, o4 int
	t1, t3         [256]uint64
	// w1 to w4 are o1 to o4 in hcSift's window, which starts hcPreReach bytes before the hit.
	w1, w2, w3, w4 uint8
}

// hcPreReach bounds the offsets of hcPre, and hcWindow is the length of hcSift's window around
// a hit, which holds them.
const (
	hcPreReach = 4
	hcWindow   = 16
)

// hcMaxTriggers is the most hcTriggers a bytescan.Set holds, the length of hcPre.
const hcMaxTriggers = 8

// hcClassBit is the class bit of a byte: bit (c|0x20)&63 (a letter's two cases share it, with
// other bytes).
var hcClassBit = func() (t [256]uint64) {
	for c := range 256 {
		t[c] = 1 << ((c | 0x20) & 63)
	}
	return t
}()

// hcPre holds the hcPrefilter of each trigger, by its index in hcTriggers: an array, not a
// pointer to one, so that hcSift finds it at a fixed address with no load and nil check per hit.
var hcPre = *func() *[hcMaxTriggers]hcPrefilter {
	pre := new([hcMaxTriggers]hcPrefilter)
	for k := range hcTriggers {
		t, p := &hcTriggers[k], &pre[k]
		// The anchors: the byte at side, and the class of the byte at side2, of one anchor.
		p.o3, p.o4 = t.side, t.side2
		for _, a := range t.anchors {
			p.t3[a.lit[a.back+t.side]] |= hcClassBit[a.lit[a.back+t.side2]]
		}
		switch t.b {
		case ':', '=':
			// hcAssignMay: the two bytes before.
			p.o1, p.o2, p.t1 = -1, -2, hcEndPairs
			if t.b == ':' {
				// A URL's "://" (hcURLUserPassAt): the anchors at ":" are looked for at the
				// same offsets.
				if len(t.anchors) > 0 && (p.o3 != 1 || p.o4 != 2) {
					panic("hcPre: the anchors at \":\" are not read at \"//\"")
				}
				p.o3, p.o4 = 1, 2
				p.t3['/'] |= hcClassBit['/']
			}
		case '-':
			// hcFlagMay: the two letters after "-", or "-" and a first letter.
			p.o1, p.o2 = 1, 2
			for _, n := range hcFlagNames {
				p.t1[n[0]] |= hcClassBit[n[1]]
				p.t1['-'] |= hcClassBit[n[0]]
			}
		case '\\':
			// hcEscapeAt: a hex escape, or an escaped line break after a name's byte.
			p.o1, p.o2 = 1, -1
			p.t1['x'], p.t1['u'], p.t1['U'] = ^uint64(0), ^uint64(0), ^uint64(0)
			for c := range 256 {
				if hcNameByte(byte(c)) {
					p.t1['\n'] |= hcClassBit[c]
					p.t1['\r'] |= hcClassBit[c]
				}
			}
		case '?':
			for c := range 256 {
				p.t1[c] = ^uint64(0)
			}
		case hcLongS[0]:
			p.o1, p.o2 = 1, 0
			p.t1[hcLongS[1]] = ^uint64(0)
		}
		for _, o := range []int{p.o1, p.o2, p.o3, p.o4} {
			if o < -hcPreReach || o > hcPreReach {
				panic("hcPre: an offset beyond hcPreReach")
			}
		}
		p.w1, p.w2, p.w3, p.w4 = uint8(p.o1+hcPreReach), uint8(p.o2+hcPreReach), uint8(p.o3+hcPreReach), uint8(p.o4+hcPreReach)
	}
	return pre
}()

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
