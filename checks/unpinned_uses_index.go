package checks

import (
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// uuUse is one uses: of a file (remote or not) as uuUsesOf lists it.
type uuUse struct {
	uses  *actionlint.String
	job   *actionlint.Job  // nil for a composite action's step
	step  *actionlint.Step // nil for a job's reusable workflow
	index int
	// sha: what follows the value's last "@" (the whole value without one) is a full commit SHA;
	// docker: the value is a docker:// image.
	sha, docker bool
	// parsed: arParseUse took the value, which it is asked about only when sha is set or the
	// value starts with renovatebot/ (what dependabot-missing-actions looks for); owner, name,
	// path and ref are then its results.
	parsed                 bool
	owner, name, path, ref string
}

type uuUsesKey struct{}

// uuUsesOf lists a file's uses: in arEachUse's order (each job's steps, then the jobs' reusable
// workflows; or a composite action's steps), with what unpinned-uses and
// dependabot-missing-actions first ask of each. It is computed once per file, in one walk, so
// that the check that comes second (dependabot-missing-actions runs last, when the file's tree
// has long left the processor's caches) reads a short list instead of walking the tree again.
func uuUsesOf(file *audit.File) []uuUse {
	if file.Workflow == nil && (file.Action == nil || file.Action.Runs == nil) {
		return nil
	}
	return file.Memo(uuUsesKey{}, func() any {
		var out []uuUse
		arEachUse(file, func(s *actionlint.String, j *actionlint.Job, st *actionlint.Step, i int) {
			v := strings.TrimSpace(s.Value)
			u := uuUse{uses: s, job: j, step: st, index: i, docker: strings.HasPrefix(v, "docker://")}
			u.sha = isFullSHA(v[strings.LastIndexByte(v, '@')+1:])
			if u.sha || len(v) > len("renovatebot/") && strings.EqualFold(v[:len("renovatebot/")], "renovatebot/") {
				u.owner, u.name, u.path, u.ref, u.parsed = arParseUse(v)
			}
			if out == nil {
				out = make([]uuUse, 0, 16)
			}
			out = append(out, u)
		})
		return out
	}).([]uuUse)
}
