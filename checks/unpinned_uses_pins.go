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
			at := strings.LastIndexByte(v, '@')
			p.note(v, at, isFullSHA(v[at+1:]))
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
	bot := !p.renovate && len(v) > len("renovatebot/") && strings.EqualFold(v[:len("renovatebot/")], "renovatebot/")
	if !sha && !bot {
		return
	}
	owner, ok := arUseOwner(v, at)
	if !ok {
		return
	}
	// arParseUse lower-cases the owner; it is ASCII, where strings.EqualFold is that.
	p.renovate = p.renovate || strings.EqualFold(owner, "renovatebot")
	if sha {
		p.n++
	}
}

// arUseOwner returns the owner of a trimmed value as written, and whether arParseUse takes the
// value: its checks without the strings it builds. at is the index of v's last "@" (-1 for none).
func arUseOwner(v string, at int) (owner string, ok bool) {
	if v == "" || strings.HasPrefix(v, ".") || strings.HasPrefix(v, "docker://") || strings.Contains(v, "${{") {
		return "", false
	}
	if at < 0 || at == len(v)-1 {
		return "", false
	}
	owner, rest, ok := strings.Cut(v[:at], "/")
	if !ok {
		return "", false
	}
	name, _, _ := strings.Cut(rest, "/")
	if !arValidOwner(owner) || !arValidName(name) {
		return "", false
	}
	return owner, true
}
