package checks

import (
	"fmt"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// utpRun reports a publishing command run with a token in a job that cannot use trusted publishing.
func utpRun(pass *audit.Pass, file *audit.File, s audit.StepRef, r *actionlint.ExecRun, idToken bool) {
	m := pcPublishMaskOf(r.Run.Value)
	if m&(pcwPublish|pcwPush|pcwUpload|pcwDeploy|pcwRelease) == 0 {
		return // neither a publishing command nor a release script
	}
	if !m.mayPublishToRegistry() {
		utpTokenOnly(pass, file, s, r, m) // no command here has a registry
		return
	}
	var cmd, registry, line string
	var words []string
	for _, pc := range pcCommandsAt(r.Run.Value) {
		c, reg := pcPublishWords(pc.words)
		if reg != "" && !strings.HasPrefix(c, "semantic-release") && !strings.HasPrefix(c, "changeset") && !strings.HasPrefix(c, "lerna") {
			cmd, registry, words, line = c, reg, pc.words, pc.line
			break
		}
	}
	if cmd == "" {
		utpTokenOnly(pass, file, s, r, m)
		return
	}
	for i, w := range words {
		// A private index or registry has no trusted publishing.
		if w == "--registry" || w == "--repository-url" || w == "--index" || w == "--publish-url" || w == "-r" || w == "--repository" ||
			strings.HasPrefix(w, "--registry=") || strings.HasPrefix(w, "--repository-url=") || strings.HasPrefix(w, "--index=") {
			next := w
			if _, v, ok := strings.Cut(w, "="); ok {
				next = v
			} else if i+1 < len(words) {
				next = words[i+1]
			}
			if !utpPublicIndex(next) {
				return
			}
		}
	}
	env := envLookupUTP(s)
	var token string
	for _, name := range utpTokenVars[registry] {
		if v := env(name); v != "" {
			if utpGitHubToken(v) || !strings.Contains(v, "secrets.") {
				return // GitHub Packages, or a token minted for this run (crates-io-auth-action)
			}
			token = fmt.Sprintf(" (%s: %s)", name, v)
			break
		}
	}
	if idToken && token == "" {
		return // the job can use trusted publishing, and no token is in sight
	}
	where := utpRegistryNames[registry]
	job := "in a job without id-token: write"
	if idToken {
		job = "although the job has id-token: write"
	}
	f := pass.Reportf(file, pcLocate(file, r.Run, line), "%s runs %q with a stored token%s %s; %s trusted publishing needs no token", s.Label(), cmd, token, job, where)
	f.Key = utpKey(s) + " " + cmd
	if token == "" {
		f.Confidence = audit.MediumConfidence
	}
}

var utpRegistryNames = map[string]string{"npm": "npm", "pypi": "PyPI", "rubygems": "RubyGems", "crates": "crates.io"}

// utpTokenOnly reports a step that is given a registry's publish token from a secret and runs
// something that publishes (a release script), when no publishing command was recognised.
func utpTokenOnly(pass *audit.Pass, file *audit.File, s audit.StepRef, r *actionlint.ExecRun, m pcWords) {
	if s.Step.Env == nil || len(s.Step.Env.Vars) == 0 {
		return // no token in the step's env
	}
	if m&(pcwPublish|pcwRelease) == 0 && !utpLowerHas(r.Run.Value) {
		return
	}
	for _, reg := range utpRegistries {
		for _, name := range utpTokenVars[reg] {
			v := utpStepEnv(s.Step, name)
			if !strings.Contains(v, "secrets.") || utpGitHubToken(v) {
				continue
			}
			f := pass.Reportf(file, r.RunPos, "%s publishes with a stored %s token (%s: %s); %s trusted publishing needs no token", s.Label(), utpRegistryNames[reg], name, v, utpRegistryNames[reg])
			f.Confidence, f.Key = audit.MediumConfidence, utpKey(s)+" "+name
			return
		}
	}
}

var utpRegistries = []string{"npm", "pypi", "rubygems", "crates"}

// utpLowerHas reports whether the lower-cased script holds "publish" or "release" where the words
// are not there in any ASCII case: only a non-ASCII letter that lower-cases to an ASCII one can.
func utpLowerHas(script string) bool {
	for i := 0; i < len(script); i++ {
		if script[i] >= 0x80 {
			l := strings.ToLower(script)
			return strings.Contains(l, "publish") || strings.Contains(l, "release")
		}
	}
	return false
}
