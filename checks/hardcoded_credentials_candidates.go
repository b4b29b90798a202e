package checks

import (
	"bytes"
	"slices"
	"strings"
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

// hcTriggers give each anchor of hcFormats (and "PRIVATE KEY") a byte of it that is rare in
// workflow files, so that a few vectorized byte searches over the file find every anchor.
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
		all = append(all, fm.anchors...)
	}
	for _, a := range all {
		// Few triggers, each a pass over the file: "A" (AWS, Google, PyPI, private keys), "k", "x", "_".
		for _, b := range []byte("Axk_") {
			if strings.IndexByte(a, b) >= 0 {
				add(a, b)
				break
			}
		}
		if !strings.ContainsAny(a, "Axk_") {
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
	return out
}()

// hcCandidates returns the start offsets of the lines that hold an anchor of a credential format
// (or "PRIVATE KEY"), and of those that hold "@" after "://" (a URL with credentials), in order.
func hcCandidates(src []byte) (formats, urls []int) {
	for ti := range hcTriggers {
		t := &hcTriggers[ti]
		for off := 0; ; {
			i := bytes.IndexByte(src[off:], t.b)
			if i < 0 {
				break
			}
			i += off
			off = i + 1
			if j := i + t.side; j < 0 || j >= len(src) || !t.near[src[j]] {
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
	if len(formats) > 1 {
		slices.Sort(formats)
		formats = slices.Compact(formats)
	}
	last := -1
	for off := 0; ; {
		i := bytes.IndexByte(src[off:], '@')
		if i < 0 {
			break
		}
		i += off
		off = i + 1
		if start := bytes.LastIndexByte(src[:i], '\n') + 1; start != last && bytes.Contains(src[start:i], []byte("://")) {
			urls, last = append(urls, start), start
		}
	}
	return formats, urls
}
