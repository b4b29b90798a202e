package checks

import (
	"context"

	"github.com/rampart-sec/rampart/audit"
)

// settingsRun is the body of a repository settings check: it opens the pass's API context, reads
// the repository (settingsRepo) and, unless the check cannot go on, calls fn with both. What fn
// returns is the check's error.
func settingsRun(pass *audit.Pass, fn func(ctx context.Context, repo audit.RepoSettings, info *audit.RepoInfo) error) error {
	ctx, cancel := pass.Online.Context()
	defer cancel()
	repo, info, err := settingsRepo(ctx, pass)
	if repo == nil {
		return err
	}
	return fn(ctx, repo, info)
}

// settingsActions is the body of a check of the repository's Actions settings: after settingsRun,
// and when applies (if given) accepts the repository, it reads the settings and calls fn with
// them. A setting the token cannot read is recorded as unknown.
func settingsActions(pass *audit.Pass, applies func(info *audit.RepoInfo) bool, fn func(s *audit.ActionsSettings)) error {
	return settingsRun(pass, func(ctx context.Context, repo audit.RepoSettings, info *audit.RepoInfo) error {
		if applies != nil && !applies(info) {
			return nil
		}
		s, err := repo.Actions(ctx)
		if err != nil {
			return settingsErr(pass, err)
		}
		fn(s)
		return nil
	})
}
