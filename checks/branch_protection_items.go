package checks

import (
	"fmt"
	"strings"

	"github.com/rampart-sec/rampart/audit"
)

// bpItem is one item of the branch-protection tiers.
type bpItem struct {
	key      string
	tier     int
	severity audit.Severity
	// reviews is true for items that only make sense once pull request reviews are required.
	reviews bool
	ok      func(*audit.Protection) bool
	missing string
	fix     string
}

var bpItems = []bpItem{
	{key: "force-push", tier: 1, severity: audit.High,
		ok:      func(p *audit.Protection) bool { return p.BlocksForcePush },
		missing: "force pushes are allowed, so its history can be rewritten",
		fix:     "Block force pushes: the \"Block force pushes\" rule of a ruleset, or untick \"Allow force pushes\" in the branch protection rule."},
	{key: "deletion", tier: 1, severity: audit.High,
		ok:      func(p *audit.Protection) bool { return p.BlocksDeletion },
		missing: "it can be deleted",
		fix:     "Block deletion: the \"Restrict deletions\" rule of a ruleset, or untick \"Allow deletions\" in the branch protection rule."},
	{key: "reviews", tier: 2, severity: audit.High,
		ok:      func(p *audit.Protection) bool { return p.RequiredReviewers >= 1 },
		missing: "changes need no approving review",
		fix:     "Require a pull request before merging with at least one approving review (better two, from code owners, dismissing stale approvals)."},
	{key: "status-checks", tier: 3, severity: audit.Medium,
		ok:      func(p *audit.Protection) bool { return p.RequiresStatusChecks },
		missing: "no status checks must pass before merging",
		fix:     "Require status checks to pass before merging, naming the CI jobs that test the change."},
	{key: "two-reviewers", tier: 4, severity: audit.Low, reviews: true,
		ok:      func(p *audit.Protection) bool { return p.RequiredReviewers >= 2 },
		missing: "fewer than two approving reviews are required",
		fix:     "Set the required number of approving reviews to 2 or more."},
	{key: "code-owners", tier: 4, severity: audit.Low, reviews: true,
		ok:      func(p *audit.Protection) bool { return p.RequiresCodeOwners },
		missing: "code-owner review is not required",
		fix:     "Require review from code owners, with a CODEOWNERS file that covers the repository."},
	{key: "stale-reviews", tier: 5, severity: audit.Low, reviews: true,
		ok:      func(p *audit.Protection) bool { return p.DismissesStaleReviews },
		missing: "approvals stay valid after new commits are pushed",
		fix:     "Dismiss stale pull request approvals when new commits are pushed."},
	{key: "admins", tier: 5, severity: audit.Low,
		ok:      func(p *audit.Protection) bool { return p.EnforcedForAdmins },
		missing: "administrators can bypass the rules",
		fix:     "Enforce the rules for administrators: tick \"Do not allow bypassing the above settings\", or leave the ruleset's bypass list empty."},
}

// bpJudge reports what the branch's protection lacks, or records as unknown what could not be read.
func bpJudge(pass *audit.Pass, label string, p *audit.Protection) {
	if p == nil {
		p = &audit.Protection{}
	}
	var missing []bpItem
	reviews := p.RequiredReviewers >= 1
	if p.Protected {
		for _, it := range bpItems {
			if !it.ok(p) && (!it.reviews || reviews) {
				missing = append(missing, it)
			}
		}
	}
	if len(p.Unknown) > 0 {
		// What the readable sources do not provide may come from the unreadable ones: unknown, not missing.
		if p.Protected && len(missing) == 0 {
			return
		}
		what := "whether it is protected"
		if p.Protected {
			names := make([]string, len(missing))
			for i, it := range missing {
				names[i] = it.key
			}
			what = strings.Join(names, ", ")
		}
		pass.Unknown("%s: %s; not confirmed: %s", label, bpUnknownReason(p), what)
		return
	}
	if !p.Protected {
		settingsReportf(pass, audit.High, label+" unprotected", "",
			"%s is not protected: no branch protection rule or ruleset applies, so anyone with write access can push to it, force-push or delete it", label)
		return
	}
	from := bpSources(p)
	for _, it := range missing {
		settingsReportf(pass, it.severity, label+" "+it.key, it.fix,
			"%s (%s): %s (tier %d)", label, from, it.missing, it.tier)
	}
}

// bpSources says where the branch's protection came from ("classic", "ruleset 42 (repository acme/app)").
func bpSources(p *audit.Protection) string {
	if len(p.Sources) == 0 {
		return "protection source not reported"
	}
	parts := make([]string, len(p.Sources))
	for i, s := range p.Sources {
		parts[i] = s
		if s == "classic" {
			parts[i] = "classic protection"
		}
	}
	return "protected by " + strings.Join(parts, ", ")
}

// bpUnknownReason turns the protection's unknown list ("classic branch protection of \"main\":
// token lacks administration: read") into a sentence.
func bpUnknownReason(p *audit.Protection) string {
	var parts []string
	for _, u := range p.Unknown {
		if !strings.HasPrefix(u, "classic") {
			parts = append(parts, u)
			continue
		}
		need := "needs administration: read"
		if i := strings.Index(u, "\": "); i >= 0 {
			need = u[i+3:]
		} else if i := strings.Index(u, ": "); i >= 0 {
			need = u[i+2:]
		}
		if rest, ok := strings.CutPrefix(need, "token lacks "); ok {
			need = "needs " + rest
		}
		parts = append(parts, fmt.Sprintf("classic protection unreadable with this token (%s); judged from rulesets only", need))
	}
	return strings.Join(parts, "; ")
}
