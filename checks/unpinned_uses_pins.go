package checks

import (
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// uuPins is what dependabot-missing-actions needs of every file's uses:: how many are actions
// pinned to a full commit SHA, and whether one runs Renovate.
type uuPins struct {
	n        int  // the uses: that end in a full SHA and that arParseUse takes
	renovate bool // a uses: of renovatebot/
}

type uuPinsKey struct{}

// uuPinsOf returns a file's uuPins. unpinned-uses, which looks at every uses: anyway, leaves them
// for each file (see note) while the file's tree is in the processor's caches:
// dependabot-missing-actions runs last, when it has long left them. Without unpinned-uses the
// file is walked here.
func uuPinsOf(file *audit.File) uuPins {
	if file.Workflow == nil && (file.Action == nil || file.Action.Runs == nil) {
		return uuPins{}
	}
	return file.Memo(uuPinsKey{}, func() any {
		var p uuPins
		arEachUse(file, func(s *actionlint.String, _ *actionlint.Job, _ *actionlint.Step, _ int) {
			v := strings.TrimSpace(s.Value)
			at, sha := uuSplitSHA(v)
			p.note(v, at, sha)
		})
		return p
	}).(uuPins)
}

// keep stores the uuPins that unpinned-uses noted for a file, for uuPinsOf.
func (p uuPins) keep(file *audit.File) {
	file.Memo(uuPinsKey{}, func() any { return p })
}

// note counts one uses:: v is its trimmed value, at the index of its last "@" (-1 for none),
// and sha whether what follows that "@" is a full commit SHA.
func (p *uuPins) note(v string, at int, sha bool) {
	// strings.EqualFold with an ASCII pattern without "k" or "s" matches only ASCII: v starts
	// with "r" or "R" (c|0x20 is 'r' for those alone), which the other uses: of the corpus fail.
	bot := !p.renovate && len(v) > len("renovatebot/") && v[0]|0x20 == 'r' && strings.EqualFold(v[:len("renovatebot/")], "renovatebot/")
	if !sha && !bot {
		return
	}
	slug, n, ok := arUseSlug(v, at, sha)
	if !ok {
		return
	}
	owner := slug[:n]
	// arParseUse lower-cases the owner; it is ASCII, where strings.EqualFold is that.
	p.renovate = p.renovate || len(owner) == len("renovatebot") && strings.EqualFold(owner, "renovatebot")
	if sha {
		p.n++
	}
}

// uuSplitSHA returns the index of v's last "@" (-1 for none) and whether what follows it is a
// full commit SHA. Most uses: of the corpus end in "@" and a SHA: the "@" 41 bytes from the end
// is then the last one (no hex digit is an "@"), found without strings.LastIndexByte's
// byte-by-byte walk back over the SHA.
func uuSplitSHA(v string) (at int, sha bool) {
	if n := len(v) - 41; n >= 0 && v[n] == '@' && isFullSHA(v[n+1:]) {
		return n, true
	}
	at = strings.LastIndexByte(v, '@')
	return at, isFullSHA(v[at+1:])
}

// arUseSlug returns the owner and name of a trimmed value as written (owner + "/" + name, slug,
// and the length of the owner, n), and whether arParseUse takes the value: its checks without the
// strings it builds. at is the index of v's last "@" (-1 for none), sha whether what follows it is
// a full commit SHA.
//
// One walk over owner and name (arUseClass) does what arParseUse's prefix tests, cuts and
// validity loops do: a value that starts with "." or "docker://" has no valid owner, and a
// "${{" cannot stand in a valid owner or name (nor run across their end, a name byte), so only
// the rest of the value is searched for one: the path, and the ref unless it is a SHA (hex
// digits, none of "${"), which most values' rest is alone.
func arUseSlug(v string, at int, sha bool) (slug string, n int, ok bool) {
	if at <= 0 || at == len(v)-1 {
		return "", 0, false
	}
	i := 0
	for i < at && arUseClass[v[i]]&(arAlnum|arHyphen) != 0 {
		i++
	}
	if i == 0 || i == at || v[i] != '/' || arUseClass[v[0]]&arAlnum == 0 || arUseClass[v[i-1]]&arAlnum == 0 {
		return "", 0, false
	}
	j := i + 1
	for j < at && arUseClass[v[j]] != 0 {
		j++
	}
	rest := v[j:]
	if sha {
		rest = v[j:at]
	}
	if j == i+1 || j < at && v[j] != '/' || strings.Contains(rest, "${{") {
		return "", 0, false
	}
	return v[:j], i, true
}

// The classes of arUseClass: arValidOwner's bytes are arAlnum and inner arHyphen, arValidName's
// any of the three.
const (
	arAlnum  = 1 << iota // isAlnum
	arHyphen             // "-"
	arDotUnd             // "." and "_"
)

var arUseClass = func() (t [256]byte) {
	for c := range t {
		switch {
		case isAlnum(byte(c)):
			t[c] = arAlnum
		case c == '-':
			t[c] = arHyphen
		case c == '.' || c == '_':
			t[c] = arDotUnd
		}
	}
	return t
}()
