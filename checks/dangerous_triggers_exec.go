package checks

import (
	"regexp"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

var (
	dtCmdSplitRe   = regexp.MustCompile(`&&|\|\||[;|\n]|\$\(`)
	dtScriptPathRe = regexp.MustCompile(`^\.{0,2}/?[\w.-]+(/[\w.-]+)+$`)
	dtEnvAssignRe  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=\S*\s+`)
)

// dtShellCheckout finds a run: script that checks out pull request code with git or gh.
func dtShellCheckout(file *audit.File, ref audit.StepRef, env func(string) *actionlint.String) *dtPrCheckout {
	r := ref.Run()
	if r == nil || r.Run == nil {
		return nil
	}
	script := r.Run.Value
	hasCheckout := strings.Contains(script, "checkout")
	if !hasCheckout && !strings.Contains(script, "git") {
		return nil // neither gh pr checkout nor git
	}
	end := -1
	if hasCheckout {
		end = dtGhCheckoutEnd(script)
	}
	var pc *dtPrCheckout // made once a checkout is found, as few scripts have one
	at := end
	if end >= 0 {
		pc = &dtPrCheckout{what: "the pull request head (gh pr checkout)", conf: audit.HighConfidence}
	} else {
		c, end := dtGitCheckout(file, ref.Step, script, env)
		if c.what == "" {
			return nil
		}
		pc, at = &dtPrCheckout{what: c.what + " (git)", conf: c.conf}, end
	}
	pc.index, pc.step, pc.pos = ref.Index, ref.Step, r.RunPos
	if wd := r.WorkingDirectory; wd != nil && !strings.Contains(wd.Value, "${{") {
		pc.dir = dtCleanDir(wd.Value)
	}
	if nl := strings.IndexByte(script[at:], '\n'); nl >= 0 {
		if cmd, ok := dtBuildCommand(script[at+nl:], ""); ok {
			pc.selfExec = cmd
		}
	}
	return pc
}

// dtGhCheckoutEnd returns where the first match of \bgh\s+pr\s+checkout\b in a script ends, or
// -1: each "gh" that starts a word is followed up, with \b and \s as regexp has them (ASCII word
// bytes; tab, newline, form feed, carriage return and space).
func dtGhCheckoutEnd(script string) int {
	spaces := func(i int) int {
		for i < len(script) && pcSpace(script[i]) {
			i++
		}
		return i
	}
	for off := 0; ; {
		i := strings.Index(script[off:], "gh")
		if i < 0 {
			return -1
		}
		i += off
		off = i + 1
		if i > 0 && dtWordByte(script[i-1]) {
			continue
		}
		j := spaces(i + 2)
		if j == i+2 || !strings.HasPrefix(script[j:], "pr") {
			continue
		}
		k := spaces(j + 2)
		if k == j+2 || !strings.HasPrefix(script[k:], "checkout") {
			continue
		}
		if end := k + len("checkout"); end == len(script) || !dtWordByte(script[end]) {
			return end
		}
	}
}

// dtWordByte reports whether c is a byte of regexp's \w: an ASCII letter, digit or "_".
func dtWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
}

// dtGitCheckout finds the first line of a script that fetches or checks out pull request code
// with git: a pull/N/head ref, or a context value or step variable that names pull request code.
func dtGitCheckout(file *audit.File, st *actionlint.Step, script string, env func(string) *actionlint.String) (dtRefClass, int) {
	if !strings.Contains(script, "git") {
		return dtRefClass{}, 0
	}
	off := 0
	for rest := script; rest != ""; {
		// the lines of strings.SplitAfter(script, "\n"), without the slice of them
		line := rest
		if nl := strings.IndexByte(rest, '\n'); nl >= 0 {
			line = rest[:nl+1]
		}
		rest = rest[len(line):]
		off += len(line)
		if !dtGitFetches(line) {
			continue
		}
		c := dtClassifyRef(file, &actionlint.String{Value: line}, env, 0)
		for _, v := range dtStepEnv(st) {
			if strings.Contains(line, "$"+v.Name.Value) || strings.Contains(line, "${"+v.Name.Value) {
				if vc := dtClassifyRef(file, v.Value, env, 1); vc.what != "" && vc.conf > c.conf {
					c = vc
				}
			}
		}
		if c.what == "" && strings.Contains(line, "GITHUB_HEAD_REF") {
			c = dtRefClass{what: "the pull request's branch, by name", conf: audit.LowConfidence}
		}
		if c.what != "" {
			if c.conf == audit.HighConfidence && !dtPrRefRe.MatchString(strings.ToLower(line)) {
				c.conf = audit.MediumConfidence
			}
			return c, off - 1
		}
	}
	return dtRefClass{}, 0
}

// dtGitVerbs are the git commands dtGitFetches looks for.
var dtGitVerbs = [...]string{"fetch", "pull", "checkout", "switch", "reset", "clone", "worktree"}

// dtGitFetches reports a match of \bgit\s+(?:-C\s+\S+\s+)?(?:fetch|pull|checkout|switch|reset|clone|worktree)\b
// without the regexp: each "git" that starts a word is followed up, with \b, \s and \S as regexp
// has them (ASCII word bytes; tab, newline, form feed, carriage return and space; a byte of a
// multi-byte or invalid rune is never a space).
func dtGitFetches(line string) bool {
	spaces := func(i int) int {
		for i < len(line) && pcSpace(line[i]) {
			i++
		}
		return i
	}
	for off := 0; ; {
		i := strings.Index(line[off:], "git")
		if i < 0 {
			return false
		}
		i += off
		off = i + 1
		if i > 0 && dtWordByte(line[i-1]) {
			continue
		}
		j := spaces(i + 3)
		if j == i+3 {
			continue
		}
		if dtGitVerbAt(line, j) {
			return true
		}
		// -C dir: \S+ takes the whole word (a \s must follow it), so there is one way to match
		if !strings.HasPrefix(line[j:], "-C") {
			continue
		}
		k := spaces(j + 2)
		if k == j+2 {
			continue
		}
		e := k
		for e < len(line) && !pcSpace(line[e]) {
			e++
		}
		if e == k {
			continue
		}
		if v := spaces(e); v > e && dtGitVerbAt(line, v) {
			return true
		}
	}
}

// dtGitVerbAt reports whether one of dtGitVerbs, followed by \b, starts at line[i].
func dtGitVerbAt(line string, i int) bool {
	for _, v := range dtGitVerbs {
		if strings.HasPrefix(line[i:], v) && (i+len(v) == len(line) || !dtWordByte(line[i+len(v)])) {
			return true
		}
	}
	return false
}

func dtStepEnv(st *actionlint.Step) []*actionlint.EnvVar {
	if st.Env == nil {
		return nil
	}
	var out []*actionlint.EnvVar
	for _, v := range st.Env.Vars {
		if v != nil && v.Name != nil {
			out = append(out, v)
		}
	}
	return out
}

// Actions that run code of the workspace they are given.
var dtExecActions = map[string]string{
	"pre-commit/action": "pre-commit hooks", "oxsecurity/megalinter": "linters", "bridgecrewio/checkov-action": "checkov",
	"ruby/setup-ruby": "bundler", "docker/build-push-action": "a Docker build", "github/codeql-action/autobuild": "the build",
	"goreleaser/goreleaser-action": "goreleaser", "cypress-io/github-action": "npm install and tests",
	"gradle/gradle-build-action": "gradle", "borales/actions-yarn": "yarn", "bahmutov/npm-install": "npm install",
}

// dtExecOf says whether a step runs code from a checkout at dir: what it runs, and how sure that is.
func dtExecOf(ref audit.StepRef, dir string) (what string, conf audit.Confidence, ok bool) {
	if a := ref.Uses(); a != nil && a.Uses != nil {
		u := strings.ToLower(a.Uses.Value)
		if strings.HasPrefix(u, "./") && (dir == "" || strings.HasPrefix(dtCleanDir(u)+"/", dir+"/")) {
			return "the local action " + a.Uses.Value, audit.HighConfidence, true
		}
		name, _, _ := strings.Cut(u, "@")
		if w := dtExecActions[name]; w != "" {
			return w + " (" + name + ")", audit.MediumConfidence, true
		}
		return "", 0, false
	}
	r := ref.Run()
	if r == nil || r.Run == nil {
		return "", 0, false
	}
	script := r.Run.Value
	if wd := r.WorkingDirectory; dir != "" && wd != nil && strings.HasPrefix(dtCleanDir(wd.Value)+"/", dir+"/") {
		dir = ""
	}
	if cmd, ok := dtBuildCommand(script, dir); ok {
		return cmd, audit.HighConfidence, true
	}
	if dir != "" {
		return "", 0, false
	}
	return "a script", audit.MediumConfidence, true
}

var dtBuildTools = map[string]bool{
	"npm": true, "npx": true, "yarn": true, "pnpm": true, "bun": true, "node": true, "deno": true, "make": true,
	"cmake": true, "ninja": true, "pip": true, "pip3": true, "python": true, "python3": true, "pytest": true,
	"tox": true, "nox": true, "poetry": true, "uv": true, "pdm": true, "hatch": true, "go": true, "cargo": true,
	"mvn": true, "gradle": true, "bundle": true, "rake": true, "ruby": true, "ant": true, "dotnet": true,
	"msbuild": true, "composer": true, "php": true, "terraform": true, "gomplate": true, "pre-commit": true,
	"mkdocs": true, "sphinx-build": true, "hugo": true, "jekyll": true, "docker": true, "bash": true, "sh": true,
	"source": true, ".": true, "tsc": true, "jest": true, "lerna": true, "nx": true, "turbo": true, "swift": true,
	"xcodebuild": true, "flutter": true, "dart": true, "mix": true, "sbt": true, "perl": true, "rscript": true,
	"julia": true, "just": true, "task": true, "vale": true, "tox4": true, "meson": true, "bazel": true, "bazelisk": true,
}

// dtSubcommands limits tools that also do harmless things to the subcommands that run code.
var dtSubcommands = map[string]map[string]bool{
	"docker": {"build": true, "buildx": true, "compose": true, "run": true},
	"go":     {"build": true, "test": true, "run": true, "generate": true, "install": true, "vet": true},
}

var dtWorkspacePathRe = regexp.MustCompile(`^["']?\$\{?(GITHUB_WORKSPACE|\{\s*github\.workspace\s*\})`)

// dtBuildCommand finds the first command of a script that runs code of the checkout at dir
// ("" for the working directory): a build tool, or a script of the checkout.
func dtBuildCommand(script, dir string) (string, bool) {
	inDir := dir == ""
	for _, cmd := range dtCmdSplitRe.Split(script, -1) {
		cmd = strings.TrimSpace(cmd)
		for dtEnvAssignRe.MatchString(cmd) {
			cmd = dtEnvAssignRe.ReplaceAllString(cmd, "")
		}
		cmd = strings.TrimPrefix(strings.TrimPrefix(cmd, "sudo "), "time ")
		fields := strings.Fields(cmd)
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		first := fields[0]
		if first == "cd" || first == "pushd" {
			if dir != "" && len(fields) > 1 {
				inDir = strings.HasPrefix(dtCleanDir(fields[1])+"/", dir+"/")
			}
			continue
		}
		mentions := inDir
		if !inDir {
			for _, f := range fields {
				if f = dtCleanDir(strings.Trim(f, `"'`)); f == dir || strings.HasPrefix(f, dir+"/") {
					mentions = true
				}
			}
			mentions = mentions && (dtBuildTools[first] || strings.HasPrefix(dtCleanDir(first), dir+"/"))
		}
		if !mentions {
			continue
		}
		if sub := dtSubcommands[first]; sub != nil && (len(fields) < 2 || !sub[fields[1]]) {
			continue
		}
		if dtBuildTools[strings.ToLower(first)] || strings.HasPrefix(first, "./") || dtWorkspacePathRe.MatchString(first) ||
			(dtScriptPathRe.MatchString(first) && !strings.HasPrefix(first, "/")) {
			return strings.Join(fields[:min(len(fields), 3)], " "), true
		}
	}
	return "", false
}
