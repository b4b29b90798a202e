package checks

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/rampart-sec/rampart/audit"
)

// The helpers of this file are shared by the repository settings checks (branch-protection,
// workflow-token-default, allowed-actions, fork-pr-approval, codeowners-workflows).

// settingsPath is the synthetic path of findings about the repository rather than a file.
const settingsPath = ".github"

// settingsReportf reports a finding about the repository at .github:1 with a severity, a fingerprint
// key and, when given, a remediation of its own.
func settingsReportf(pass *audit.Pass, sev audit.Severity, key, fix, format string, args ...any) *audit.Finding {
	f := pass.Reportf(&audit.File{Path: settingsPath}, audit.At(1, 1), format, args...)
	f.Severity = sev
	f.Key = key
	if fix != "" {
		f.Remediation = fix
	}
	return f
}

// settingsRepo returns the audited repository's settings and metadata. It returns nil when the
// check cannot go on: after recording an unknown, or with err set for a failure. An archived
// repository is read-only, so its settings do not matter: it is skipped without a finding.
func settingsRepo(ctx context.Context, pass *audit.Pass) (audit.RepoSettings, *audit.RepoInfo, error) {
	if pass.Online == nil || pass.Online.Repo == nil {
		pass.Unknown("no GitHub repository to read settings from (audit owner/repo, or a checkout whose remote is on GitHub, with a token)")
		return nil, nil, nil
	}
	repo := pass.Online.Repo
	info, err := repo.Info(ctx)
	if err != nil {
		return nil, nil, settingsErr(pass, err)
	}
	if info == nil || info.Archived {
		return nil, nil, nil
	}
	return repo, info, nil
}

// settingsErr records an unknown (the token cannot read something) and returns nil, or returns
// any other error as the check's failure.
func settingsErr(pass *audit.Pass, err error) error {
	if audit.IsUnknown(err) {
		pass.Unknown("%s", err.Error())
		return nil
	}
	return err
}

// settingsGlob compiles a branch or path pattern in which "*" matches any run of characters
// (slashes included) and "?" one character.
func settingsGlob(pattern string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString("^")
	for _, r := range pattern {
		switch r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	return regexp.Compile(b.String())
}

// settingsLevel says where an Actions setting was read, for messages.
func settingsLevel(s *audit.ActionsSettings) string {
	if s.Level == "" {
		return ""
	}
	return fmt.Sprintf(" (set at the %s level)", s.Level)
}
