package checks

import (
	"fmt"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// utpRun reports a publishing command run with a token in a job that cannot use trusted
// publishing; m is the script's mask (pcFacts.mask).
func utpRun(pass *audit.Pass, file *audit.File, s audit.StepRef, r *actionlint.ExecRun, m pcWords) {
	if m&(pcwPublish|pcwPush|pcwUpload|pcwDeploy|pcwRelease) == 0 {
		return // neither a publishing command nor a release script
	}
	if !m.mayPublishToRegistry() {
		utpTokenOnly(pass, file, s, r, m) // no command here has a registry
		return
	}
	// The commands of the lines with a word of pcGateWords (or a byte beyond ASCII): each command
	// that pcPublishWords gives a registry has publish, push or upload, and each dry run that
	// utpDryRunOnly finds is a command of pcPublishWords with its dry-run flags, which has one
	// too. The lines with only "-n" or "--dry" that were split for it matter to neither.
	cmds := pcPublishCommands(r.Run.Value)
	cmd, registry, words, line := utpRegistryCommand(cmds)
	if cmd == "" {
		if !utpDryRunOnly(cmds) {
			utpTokenOnly(pass, file, s, r, m)
		}
		return
	}
	if registry == "npm" && utpCustomNpmRegistry(s) {
		return // setup-node pointed npm at another registry: npmjs' trusted publishing does not apply
	}
	var argKey string // a NuGet API key given on the command line
	for i, w := range words {
		if registry == "nuget" && i+1 < len(words) && (w == "--api-key" || w == "-k" || strings.EqualFold(w, "-ApiKey")) {
			argKey = words[i+1]
		}
		// A private index or registry has no trusted publishing.
		nugetSource := registry == "nuget" && (w == "--source" || w == "-s" || strings.EqualFold(w, "-Source"))
		if nugetSource || w == "--registry" || w == "--repository-url" || w == "--index" || w == "--publish-url" || w == "-r" || w == "--repository" ||
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
	if argKey != "" {
		// --api-key ${{ secrets.X }}, or --api-key "$X" with X from the env.
		v := argKey
		if name := strings.Trim(strings.TrimPrefix(strings.Trim(argKey, `"'`), "$"), "{}"); name != argKey && env(name) != "" {
			v = env(name)
		}
		if strings.Contains(v, "secrets.") && !utpGitHubToken(v) {
			token = fmt.Sprintf(" (--api-key %s)", v)
		} else if utpGitHubToken(v) {
			return // GitHub Packages
		}
	}
	for _, name := range utpTokenVars[registry] {
		if token != "" {
			break
		}
		if v := env(name); v != "" {
			if utpGitHubToken(v) || !strings.Contains(v, "secrets.") {
				return // GitHub Packages, or a token minted for this run (crates-io-auth-action)
			}
			token = fmt.Sprintf(" (%s: %s)", name, v)
			break
		}
	}
	idToken := utpIDToken(file.Workflow, s.Job)
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

// utpRegistryCommand returns the first of a script's commands that publishes to a registry (other
// than through semantic-release, changeset or lerna), with its registry, words and line.
func utpRegistryCommand(cmds []pcCmd) (cmd, registry string, words []string, line string) {
	for _, pc := range cmds {
		c, reg := pcPublishWords(pc.words)
		if reg != "" && !strings.HasPrefix(c, "semantic-release") && !strings.HasPrefix(c, "changeset") && !strings.HasPrefix(c, "lerna") {
			return c, reg, pc.words, pc.line
		}
	}
	return "", "", nil, ""
}

var utpRegistryNames = map[string]string{"npm": "npm", "pypi": "PyPI", "rubygems": "RubyGems", "crates": "crates.io", "nuget": "NuGet"}

// utpTokenOnly reports a step that is given a registry's publish token from a secret and runs
// something that publishes (a release script), when no publishing command was recognised.
func utpTokenOnly(pass *audit.Pass, file *audit.File, s audit.StepRef, r *actionlint.ExecRun, m pcWords) {
	if s.Step.Env == nil || !utpEnvHasTokenVar(s.Step.Env.Vars) {
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

var utpRegistries = []string{"npm", "pypi", "rubygems", "crates", "nuget"}

// utpLowerHas reports whether the lower-cased script holds "publish" or "release" where the words
// are not there in any ASCII case: only a non-ASCII letter that lower-cases to an ASCII one can.
// Of those ("İ" to i, "K" to k) only "İ" gives a letter of the words: a script without it holds
// them lower-cased where it holds them in any ASCII case, as pcGate finds them, with no copy.
func utpLowerHas(script string) bool {
	for i := 0; i < len(script); i++ {
		if script[i] >= 0x80 {
			if !strings.Contains(script[i:], "\u0130") {
				return pcGate(script)&(pcwPublish|pcwRelease) != 0
			}
			l := strings.ToLower(script)
			return strings.Contains(l, "publish") || strings.Contains(l, "release")
		}
	}
	return false
}

// utpDryRunOnly reports whether a script's publishing commands (those of pcPublishCommands) are
// dry runs ("cargo publish --dry-run", "npm publish -n"): it publishes nothing, whatever token
// its step is given.
func utpDryRunOnly(cmds []pcCmd) bool {
	dry := false
	for _, pc := range cmds {
		f := pcUnwrap(pc.words)
		if len(f) < 2 || !pcHas(f[1:], "--dry-run", "-n", "--dryrun") {
			continue
		}
		wet := make([]string, 0, len(f))
		for _, w := range f {
			if w != "--dry-run" && w != "-n" && w != "--dryrun" {
				wet = append(wet, w)
			}
		}
		if c, _ := pcPublishWords(wet); c != "" {
			dry = true
		}
	}
	return dry
}

// utpCustomNpmRegistry reports whether an earlier step of the job (or composite action) sets up
// npm for a registry other than npmjs.org (actions/setup-node's registry-url), where npm's trusted
// publishing does not exist.
func utpCustomNpmRegistry(s audit.StepRef) bool {
	var steps []*actionlint.Step
	if s.Job != nil {
		steps = s.Job.Steps
	}
	for _, st := range steps {
		if st == s.Step {
			break
		}
		a, ok := st.Exec.(*actionlint.ExecAction)
		if !ok || a.Uses == nil {
			continue
		}
		name, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(a.Uses.Value)), "@")
		if name != "actions/setup-node" {
			continue
		}
		if reg, node := pcInput(a, "registry-url"); node != nil && reg != "" && !strings.Contains(reg, "${{") && !strings.Contains(reg, "registry.npmjs.org") {
			return true
		}
	}
	return false
}
