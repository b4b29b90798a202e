package checks

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// Helpers shared by cache-poisoning, artifact-poisoning and use-trusted-publishing: what a step
// uses, its inputs, the commands of its script, and which steps publish a release.

// pcUses returns the lower-case name (owner/repo[/path]) and ref of the action a step uses;
// ok is false for run: steps, local actions and docker:// images.
func pcUses(s audit.StepRef) (name, ref string, a *actionlint.ExecAction, ok bool) {
	a = s.Uses()
	if a == nil || a.Uses == nil {
		return "", "", nil, false
	}
	v := strings.TrimSpace(a.Uses.Value)
	if strings.HasPrefix(v, "./") || strings.HasPrefix(v, "docker://") || strings.Contains(v, "${{") {
		return "", "", a, false
	}
	name, ref, _ = strings.Cut(v, "@")
	return strings.ToLower(strings.TrimSuffix(name, "/")), ref, a, true
}

// pcInput returns an action input's trimmed value and its node ("" and nil when it is not set).
func pcInput(a *actionlint.ExecAction, key string) (string, *actionlint.String) {
	if a == nil {
		return "", nil
	}
	in := a.Inputs[strings.ToLower(key)]
	if in == nil || in.Value == nil {
		return "", nil
	}
	return strings.TrimSpace(in.Value.Value), in.Value
}

var pcMajorRe = regexp.MustCompile(`^v?(\d+)(?:\.|$)`)

// pcMajor returns the major version of a tag ref ("v4.1.0" is 4); -1 for a SHA or branch.
func pcMajor(ref string) int {
	m := pcMajorRe.FindStringSubmatch(strings.TrimSpace(ref))
	if m == nil {
		return -1
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// pcTrue reports whether an input value reads as true; an expression is not.
func pcTrue(v string) bool {
	switch strings.ToLower(strings.Trim(v, `"' `)) {
	case "true", "yes", "on", "1":
		return true
	}
	return false
}

// pcCommands splits a script into simple commands, each as its words, with line continuations
// joined, leading variable assignments and sudo/env/exec wrappers dropped, and comments left out.
func pcCommands(script string) [][]string {
	var out [][]string
	for _, c := range pcCommandsAt(script) {
		out = append(out, c.words)
	}
	return out
}

// pcCmd is a simple command of a script and the source line it starts on.
type pcCmd struct {
	words []string
	line  string
}

func pcCommandsAt(script string) []pcCmd {
	var out []pcCmd
	lines := strings.Split(strings.ReplaceAll(script, "\r\n", "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		first, line := lines[i], lines[i]
		for strings.HasSuffix(line, "\\") && i+1 < len(lines) {
			i++
			line = strings.TrimSuffix(line, "\\") + " " + lines[i]
		}
		if j := strings.Index(line, " #"); j >= 0 {
			line = line[:j]
		}
		for rest, more := line, true; more; {
			var cmd string
			cmd, rest, more = pcNextCommand(rest)
			cmd = strings.TrimSpace(strings.TrimLeft(cmd, "({ "))
			for n := pcAssignLen(cmd); n > 0; n = pcAssignLen(cmd) {
				cmd = cmd[n:]
			}
			f := strings.Fields(cmd)
			for len(f) > 0 && (f[0] == "sudo" || f[0] == "env" || f[0] == "exec" || f[0] == "time" || f[0] == "then" || f[0] == "do" || f[0] == "else") {
				f = f[1:]
			}
			if len(f) == 0 || strings.HasPrefix(f[0], "#") {
				continue
			}
			for k := range f {
				f[k] = strings.Trim(f[k], `"'`)
			}
			out = append(out, pcCmd{words: f, line: strings.TrimSpace(first)})
		}
	}
	return out
}

// pcNextCommand cuts line at its first command separator ("&&", "||", ";", "|", "&", a line
// break, "$(" or a backquote); more is false when line holds none.
func pcNextCommand(line string) (cmd, rest string, more bool) {
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '&', '|':
			if i+1 < len(line) && line[i+1] == line[i] {
				return line[:i], line[i+2:], true
			}
			return line[:i], line[i+1:], true
		case ';', '\n', '`':
			return line[:i], line[i+1:], true
		case '$':
			if i+1 < len(line) && line[i+1] == '(' {
				return line[:i], line[i+2:], true
			}
		}
	}
	return line, "", false
}

// pcAssignLen returns the length of the variable assignment (NAME=value and the spaces after it)
// that cmd starts with, or 0: a value is a quoted string when its quote is closed, else the
// characters up to a space.
func pcAssignLen(cmd string) int {
	if cmd == "" || !(cmd[0] == '_' || 'a' <= cmd[0]|0x20 && cmd[0]|0x20 <= 'z') {
		return 0
	}
	i := 1
	for i < len(cmd) && (cmd[i] == '_' || 'a' <= cmd[i]|0x20 && cmd[i]|0x20 <= 'z' || '0' <= cmd[i] && cmd[i] <= '9') {
		i++
	}
	if i >= len(cmd) || cmd[i] != '=' {
		return 0
	}
	i++
	if q := byte(0); i < len(cmd) {
		q = cmd[i]
		if j := strings.IndexByte(cmd[i+1:], q); (q == '"' || q == '\'') && j >= 0 {
			i += j + 2
		} else {
			for i < len(cmd) && !pcSpace(cmd[i]) {
				i++
			}
		}
	}
	for i < len(cmd) && pcSpace(cmd[i]) {
		i++
	}
	return i
}

// pcSpace reports whether b is a space as regexp's \s means it.
func pcSpace(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\f' || b == '\r'
}

// pcHas reports whether words holds any of the given words.
func pcHas(words []string, any ...string) bool {
	for _, w := range words {
		for _, a := range any {
			if w == a {
				return true
			}
		}
	}
	return false
}

// pcLocate returns the source position of the first occurrence of needle inside a string of the
// file (a run: block), or the string's own position.
func pcLocate(file *audit.File, s *actionlint.String, needle string) *actionlint.Pos {
	if s == nil || s.Pos == nil {
		return nil
	}
	start := file.Offset(s.Pos.Line, s.Pos.Col)
	if start < 0 || needle == "" {
		return s.Pos
	}
	if start < len(file.Source) && (file.Source[start] == '|' || file.Source[start] == '>') {
		// A block scalar's text starts on the next line; skip the header and its comment.
		if nl := bytes.IndexByte(file.Source[start:], '\n'); nl >= 0 {
			start += nl + 1
		}
	}
	limit := min(len(file.Source), start+len(s.Value)+(strings.Count(s.Value, "\n")+2)*256)
	if i := bytes.Index(file.Source[start:limit], []byte(needle)); i >= 0 {
		l, c := file.PosAt(start + i)
		return &actionlint.Pos{Line: l, Col: c}
	}
	return s.Pos
}

// pcPublishCommand returns the first command of a script that publishes a package, image or
// release ("npm publish"), with the registry it publishes to ("npm", "pypi", "rubygems", "crates",
// or "" for others).
func pcPublishCommand(script string) (cmd, registry string, words []string) {
	if !pcPublishMask(script).mayPublish() {
		return "", "", nil
	}
	for _, f := range pcCommands(script) {
		if c, r := pcPublishWords(f); c != "" {
			return c, r, f
		}
	}
	return "", "", nil
}

// pcWords are words of a script, in any ASCII case, that pcPublishWords and utpTokenOnly look for.
type pcWords uint32

const (
	pcwPublish pcWords = 1 << iota
	pcwPush
	pcwUpload
	pcwDeploy
	pcwRelease
	pcwTwine
	pcwGem
	pcwDocker
	pcwPodman
	pcwDotnet
	pcwNuget
	pcwMvn
	pcwGh
	pcwGoreleaser
	pcwSemanticRelease
)

// pcPublishMask returns the pcWords that a script holds, in any ASCII case, anywhere (inside
// other words too). Every word of a command is a piece of the script's text, so a command that
// pcPublishWords recognises needs both its program's name and its keyword among them.
func pcPublishMask(script string) pcWords {
	var m pcWords
	for i := 0; i < len(script); i++ {
		switch script[i] | 0x20 {
		case 'p':
			if pcFoldAt(script, i, "publish") {
				m |= pcwPublish
			} else if pcFoldAt(script, i, "push") {
				m |= pcwPush
			} else if pcFoldAt(script, i, "podman") {
				m |= pcwPodman
			}
		case 'u':
			if pcFoldAt(script, i, "upload") {
				m |= pcwUpload
			}
		case 'd':
			if pcFoldAt(script, i, "deploy") {
				m |= pcwDeploy
			} else if pcFoldAt(script, i, "docker") {
				m |= pcwDocker
			} else if pcFoldAt(script, i, "dotnet") {
				m |= pcwDotnet
			}
		case 'r':
			if pcFoldAt(script, i, "release") {
				m |= pcwRelease
			}
		case 't':
			if pcFoldAt(script, i, "twine") {
				m |= pcwTwine
			}
		case 'g':
			if pcFoldAt(script, i, "gem") {
				m |= pcwGem
			} else if pcFoldAt(script, i, "goreleaser") {
				m |= pcwGoreleaser
			} else if pcFoldAt(script, i, "gh") && (i+2 == len(script) || !pcNameByte(script[i+2])) {
				m |= pcwGh // a program named gh: the word ends there
			}
		case 's':
			if pcFoldAt(script, i, "semantic-release") {
				m |= pcwSemanticRelease
			}
		case 'n':
			if pcFoldAt(script, i, "nuget") {
				m |= pcwNuget
			}
		case 'm':
			if pcFoldAt(script, i, "mvn") {
				m |= pcwMvn
			}
		}
	}
	return m
}

// mayPublish reports whether a script with these words may hold a command that pcPublishWords
// recognises: "publish" (npm, yarn, pnpm, bun, uv, hatch, pdm, poetry, flit, cargo, gradle,
// vsce, ovsx, changeset, lerna), "push" with gem, docker, podman, dotnet or nuget, "upload" with
// twine, "deploy" with mvn, or "release" with goreleaser, semantic-release or gh.
func (m pcWords) mayPublish() bool {
	return m&pcwPublish != 0 || m&pcwRelease != 0 && m&(pcwGh|pcwGoreleaser|pcwSemanticRelease) != 0 ||
		m&pcwPush != 0 && m&(pcwGem|pcwDocker|pcwPodman|pcwDotnet|pcwNuget) != 0 ||
		m&pcwUpload != 0 && m&pcwTwine != 0 || m&pcwDeploy != 0 && m&pcwMvn != 0
}

// mayPublishToRegistry reports whether a script with these words may hold a command that
// pcPublishWords gives a registry other than through semantic-release, changeset or lerna:
// "publish", gem push, twine upload.
func (m pcWords) mayPublishToRegistry() bool {
	return m&pcwPublish != 0 || m&pcwPush != 0 && m&pcwGem != 0 || m&pcwUpload != 0 && m&pcwTwine != 0
}

// pcNameByte reports whether b may continue a program's name.
func pcNameByte(b byte) bool {
	return 'a' <= b|0x20 && b|0x20 <= 'z' || '0' <= b && b <= '9' || b == '_' || b == '-' || b == '.'
}

// pcFoldAt reports whether s holds word (lower-case ASCII) at i, in any case.
func pcFoldAt(s string, i int, word string) bool {
	if i+len(word) > len(s) {
		return false
	}
	for k := 0; k < len(word); k++ {
		if s[i+k]|0x20 != word[k] {
			return false
		}
	}
	return true
}

func pcPublishWords(f []string) (string, string) {
	tool := strings.ToLower(f[0])
	if i := strings.LastIndex(tool, "/"); i >= 0 {
		tool = tool[i+1:]
	}
	args := f[1:]
	dry := pcHas(args, "--dry-run", "-n", "--dryrun")
	switch tool {
	case "npm", "pnpm", "yarn", "bun":
		// "pnpm dlx pkg-pr-new publish", "npm run publish": another program's publish.
		for _, a := range args {
			if a == "publish" {
				break
			}
			if a == "dlx" || a == "exec" || a == "run" || a == "x" || a == "create" {
				return "", ""
			}
		}
	}
	switch tool {
	case "npm", "pnpm", "bun":
		if pcHas(args, "publish") && !dry {
			return tool + " publish", "npm"
		}
	case "yarn":
		if pcHas(args, "publish") && !dry {
			if pcHas(args, "npm") {
				return "yarn npm publish", "npm"
			}
			return "yarn publish", "npm"
		}
	case "twine":
		if pcHas(args, "upload") {
			return "twine upload", "pypi"
		}
	case "uv", "hatch", "pdm", "poetry", "flit":
		if pcHas(args, "publish") && !dry {
			return tool + " publish", "pypi"
		}
	case "gem":
		if pcHas(args, "push") {
			return "gem push", "rubygems"
		}
	case "cargo":
		if pcHas(args, "publish") && !dry {
			return "cargo publish", "crates"
		}
	case "docker", "podman":
		if len(args) > 0 && args[0] == "push" || pcHas(args, "buildx") && pcHas(args, "--push") {
			return tool + " push", ""
		}
	case "gh":
		if len(args) > 1 && args[0] == "release" && (args[1] == "create" || args[1] == "upload") {
			return "gh release " + args[1], ""
		}
	case "goreleaser":
		if !pcHas(args, "--snapshot", "check", "build", "healthcheck") {
			return "goreleaser", ""
		}
	case "mvn", "mvnw":
		if pcHas(args, "deploy") {
			return "mvn deploy", ""
		}
	case "gradle", "gradlew":
		for _, a := range args {
			if strings.HasPrefix(a, "publish") {
				return "gradle " + a, ""
			}
		}
	case "dotnet", "nuget":
		if pcHas(args, "push") {
			return tool + " push", ""
		}
	case "vsce", "ovsx":
		if pcHas(args, "publish") {
			return tool + " publish", ""
		}
	case "semantic-release", "changeset", "lerna":
		if tool == "semantic-release" || pcHas(args, "publish") {
			return strings.TrimSpace(tool + " " + strings.Join(args[:min(len(args), 1)], " ")), "npm"
		}
	}
	return "", ""
}

// pcPublisherActions publish releases, packages or images.
var pcPublisherActions = map[string]bool{
	"pypa/gh-action-pypi-publish": true, "rubygems/release-gem": true, "jreleaser/release-action": true,
	"goreleaser/goreleaser-action": true, "softprops/action-gh-release": true, "ncipollo/release-action": true,
	"js-devtools/npm-publish": true, "katyo/publish-crates": true, "redhat-actions/push-to-registry": true,
	"changesets/action": true, "cycjimmy/semantic-release-action": true, "svenstaro/upload-release-action": true,
	"actions/upload-release-asset": true, "actions/create-release": true, "anchore/sbom-action/publish-sbom": true,
	"aws-actions/amazon-ecs-deploy-task-definition": true, "cloudflare/wrangler-action": true,
	"google-github-actions/deploy-cloudrun": true, "google-github-actions/deploy-appengine": true,
	"azure/webapps-deploy": true, "azure/functions-action": true, "azure/container-apps-deploy-action": true,
}

// pcPublishes reports what a step publishes ("" for nothing): a publishing action or command.
func pcPublishes(s audit.StepRef) string {
	if name, _, a, ok := pcUses(s); ok {
		if name == "goreleaser/goreleaser-action" {
			args, _ := pcInput(a, "args")
			if v, _ := pcInput(a, "install-only"); pcTrue(v) {
				return ""
			}
			if c, _ := pcPublishWords(append([]string{"goreleaser"}, strings.Fields(args)...)); c == "" {
				return ""
			}
			return name
		}
		if pcPublisherActions[name] {
			return name
		}
		if name == "docker/build-push-action" {
			if v, _ := pcInput(a, "push"); pcTrue(v) || strings.Contains(v, "${{") {
				return name + " with push"
			}
		}
		return ""
	}
	if r := s.Run(); r != nil && r.Run != nil {
		cmd, _, _ := pcPublishCommand(r.Run.Value)
		return cmd
	}
	return ""
}
