package checks

import (
	"strconv"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// artipVersion is an action's version as far as the uses: ref (or the comment after a SHA) tells.
type artipVersion struct {
	major, minor int // minor is -1 when the ref names only a major version
	known        bool
}

// The patterns of artipVersionOf (see artipacked_match.go for their matchers):
//
//	artipSemver  ^v?(\d+)(?:\.(\d+))?
//	artipSHA     ^[0-9a-fA-F]{40}$
//	artipComment #\s*(?:tag[:=]?\s*)?v?(\d+)(?:\.(\d+))?

// artipVersionOf reads the version of a uses: value: "@v4.3.1", "@v4", or "@<sha> # v4.3.1".
// A branch (main) counts as the newest version.
func artipVersionOf(file *audit.File, uses *actionlint.String) artipVersion {
	_, ref, ok := strings.Cut(strings.TrimSpace(uses.Value), "@")
	if !ok {
		return artipVersion{}
	}
	parse := func(major, minor string) artipVersion {
		v := artipVersion{minor: -1, known: true}
		v.major, _ = strconv.Atoi(major)
		if minor != "" {
			v.minor, _ = strconv.Atoi(minor)
		}
		return v
	}
	if artipIsSHA(ref) { // artipSHA
		if uses.Pos != nil {
			if major, minor, ok := artipCommentVersion(file.Line(uses.Pos.Line)); ok { // artipComment
				return parse(major, minor)
			}
		}
		return artipVersion{}
	}
	if major, minor, ok := artipVersionAt(ref, 0); ok { // artipSemver
		return parse(major, minor)
	}
	switch {
	case ref == "main" || ref == "master":
		return artipVersion{major: 1 << 20, minor: -1, known: true}
	}
	return artipVersion{}
}

// artipLeaksWorkspace reports whether an actions/upload-artifact step uploads the workspace root,
// hidden files (.git) included.
func artipLeaksWorkspace(file *audit.File, st *actionlint.Step) bool {
	uses := artipUses(st)
	p := artipInput(st, "path")
	if p == nil || !artipRootPath(p.Value) {
		return false
	}
	if h := artipInput(st, "include-hidden-files"); h != nil && strings.EqualFold(strings.TrimSpace(h.Value), "true") {
		return true
	}
	// Before v4.4.0 upload-artifact included hidden files; "@v4" resolves to the newest v4.
	v := artipVersionOf(file, uses)
	return v.known && (v.major < 4 || v.major == 4 && v.minor >= 0 && v.minor < 4)
}

// artipRootPath reports whether an upload-artifact path: (one pattern a line) takes in the
// workspace root or a .git directory.
func artipRootPath(path string) bool {
	for _, p := range strings.Split(path, "\n") {
		p = strings.Trim(strings.TrimSpace(p), `'"`)
		if p == "" || strings.HasPrefix(p, "!") {
			continue
		}
		for _, ws := range []string{"${{ github.workspace }}", "${{github.workspace}}", "$GITHUB_WORKSPACE", "${GITHUB_WORKSPACE}"} {
			if strings.HasPrefix(p, ws) {
				p = "." + strings.TrimPrefix(p, ws)
			}
		}
		p = strings.TrimPrefix(p, "./")
		switch strings.TrimSuffix(p, "/") {
		case "", ".", "..", "*", "**", "**/*", "./*":
			return true
		}
		for _, seg := range strings.Split(p, "/") {
			if seg == ".git" {
				return true
			}
		}
	}
	return false
}

// artipUsesGitAuth reports whether a later step runs git commands that need the persisted credential,
// or an action known to push with it. artipSteps asks artipLastAuth, which reads the scripts'
// answers off the shared word scan; this is the plain form that the tests hold it to.
func artipUsesGitAuth(steps []*actionlint.Step) bool {
	for _, st := range steps {
		if r, ok := st.Exec.(*actionlint.ExecRun); ok && r.Run != nil && artipUsesGitCommand(r.Run.Value) {
			return true
		}
		if artipPushes(st) {
			return true
		}
	}
	return false
}

// artipScripts walks a file's run: scripts (shellScriptsOf) beside its jobs' steps, which
// come in the same order: a job's scripts are the ones after those of the jobs before it.
type artipScripts struct {
	file    *audit.File
	list    []*shellScript // shellScriptsOf(file), read at the first need
	fetched bool
	first   int // the index in list of the current job's first script
}

// next moves on from a job with runs scripts to the next job.
func (sc *artipScripts) next(runs int) { sc.first += runs }

// lastAuth returns the index of the last of the current job's steps after the one at after for
// which artipUsesGitAuth holds, -1 for none; kinds and runs are the steps' artipKinds. A script
// answers with its Words().GitAuth (artipUsesGitCommand, found by the shared word scan):
// searching each script for "git" again cost 1.2 M instructions and 17 K mispredictions per
// corpus pass.
func (sc *artipScripts) lastAuth(steps []*actionlint.Step, kinds []artipKind, runs, after int) int {
	if !sc.fetched {
		sc.list, sc.fetched = shellScriptsOf(sc.file), true
	}
	s := sc.first + runs // after the script of the step at k
	for k := len(steps) - 1; k > after; k-- {
		switch kinds[k] {
		case artipRun:
			s--
			if sc.list[s].Words().GitAuth {
				return k
			}
		case artipOther:
			if artipPushes(steps[k]) {
				return k
			}
		}
	}
	return -1
}

// artipPushes reports whether a step uses an action known to push with the persisted credential.
func artipPushes(st *actionlint.Step) bool {
	u := artipUses(st)
	if u == nil {
		return false
	}
	// strings.ToLower of the name, as this compared before, without its copy: no byte
	// outside ASCII lower-cases to a letter of these names (only the Kelvin sign
	// becomes an ASCII letter, k), so an ASCII fold of each byte is the same test.
	// The name is strings.Cut(u.Value, "@")'s first part: a value whose first len(w) bytes
	// fold to w holds no '@' there, so it is w when the value ends there or goes on with '@'.
	v := u.Value
	for _, w := range [...]string{"stefanzweifel/git-auto-commit-action", "endbug/add-and-commit"} {
		if (len(v) == len(w) || len(v) > len(w) && v[len(w)] == '@') && asciiFoldAt(v, 0, w) {
			return true
		}
	}
	return false
}
