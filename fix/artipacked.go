package fix

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"go.yaml.in/yaml/v4"
)

// gitAuth matches script lines that need the credential actions/checkout persists.
var gitAuth = regexp.MustCompile(`\bgit\b[^\n]*\b(push|fetch|pull|ls-remote|submodule|clone)\b`)

// fixArtipacked sets persist-credentials: false on the flagged actions/checkout steps, unless
// the step says persist-credentials itself or a later step of the job uses git with the token.
func fixArtipacked(c *planCtx, fs []audit.Finding) ([]Patch, []Outcome) {
	var patches []Patch
	var skips []Outcome
	for _, f := range fs {
		s, uses, ok := c.doc.stepWith("uses", f.Line, f.Column)
		if !ok {
			skips = append(skips, Outcome{Finding: f, Status: "skipped", Note: "the checkout step could not be found in the source"})
			continue
		}
		if why := artipBlocked(s); why != "" {
			skips = append(skips, Outcome{Finding: f, Status: "skipped", Note: why})
			continue
		}
		e, why := c.doc.setIn(s.node, "with", []string{"persist-credentials: false"}, []string{"persist-credentials: false"}, "uses")
		if why != "" {
			skips = append(skips, Outcome{Finding: f, Status: "skipped", Note: why})
			continue
		}
		patches = append(patches, Patch{Check: f.Check, Findings: []audit.Finding{f}, Edits: []Edit{e},
			Summary: fmt.Sprintf("set persist-credentials: false on %s", strings.TrimSpace(uses.Value))})
	}
	return patches, skips
}

// artipBlocked says why the credential must stay: persist-credentials is set, or a later step
// of the job runs git against the remote or an action known to push.
func artipBlocked(s stepNode) string {
	if _, with := mapGet(s.node, "with"); with != nil {
		if k, v := mapGet(with, "persist-credentials"); k != nil {
			return fmt.Sprintf("persist-credentials is set to %q on purpose; not changed", v.Value)
		}
	}
	later := false
	for _, st := range s.seq.Content {
		if st == s.node {
			later = true
			continue
		}
		if !later || st.Kind != yaml.MappingNode {
			continue
		}
		if _, run := mapGet(st, "run"); run != nil && gitAuth.MatchString(run.Value) {
			return fmt.Sprintf("a later step (line %d) runs git against the remote, which may need the persisted credential", st.Line)
		}
		if _, u := mapGet(st, "uses"); u != nil {
			name, _, _ := strings.Cut(strings.ToLower(u.Value), "@")
			switch name {
			case "stefanzweifel/git-auto-commit-action", "endbug/add-and-commit", "ad-m/github-push-action",
				"peter-evans/create-pull-request", "changesets/action", "ncipollo/release-action":
				return fmt.Sprintf("a later step (line %d) uses %s, which pushes with the persisted credential", st.Line, name)
			}
		}
	}
	return ""
}
