package checks

import (
	"regexp"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

var (
	dtSemverRe      = regexp.MustCompile(`^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?$`)
	dtVersionNoteRe = regexp.MustCompile(`#.*?\bv?(\d+\.\d+(?:\.\d+)?)\b`)
	dtShaRe         = regexp.MustCompile(`^[0-9a-f]{40}$`)
)

// dtCheckoutGuard returns the actions/checkout release named by uses when that release refuses
// fork pull request code in pull_request_target and workflow_run workflows: v7, and the
// backports v6.1.0, v5.1.0, v4.4.0, and the v2 to v6 major tags that moved to them.
// A commit pin counts only when its comment names such a release.
func dtCheckoutGuard(file *audit.File, uses *actionlint.String) string {
	v := uses.Value[strings.Index(uses.Value, "@")+1:]
	if dtShaRe.MatchString(v) {
		m := dtVersionNoteRe.FindStringSubmatch(file.Line(uses.Pos.Line))
		if m == nil {
			return ""
		}
		v = m[1]
	}
	if v == "main" {
		return "actions/checkout@main"
	}
	m := dtSemverRe.FindStringSubmatch(v)
	if m == nil {
		return ""
	}
	major, minor := dtAtoi(m[1]), dtAtoi(m[2])
	floor := map[int]int{4: 4, 5: 1, 6: 1}
	switch {
	case major >= 7, m[2] == "" && major >= 2, major >= 4 && minor >= floor[major]:
		return "actions/checkout v" + strings.TrimPrefix(v, "v")
	}
	return ""
}

func dtAtoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}
