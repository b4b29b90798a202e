package checks

import (
	"strings"

	"github.com/rampart-sec/rampart/audit"
)

// pcPublishCommand returns the first command of a script that publishes a package, image or
// release ("npm publish"), with the registry it publishes to ("npm", "pypi", "rubygems", "crates",
// or "" for others); m is the script's mask (pcFacts.mask).
func pcPublishCommand(script string, m pcWords) (cmd, registry string, words []string) {
	if !m.mayPublish() {
		return "", "", nil
	}
	for _, pc := range pcPublishCommands(script) {
		if c, r := pcPublishWords(pc.words); c != "" {
			return c, r, pc.words
		}
	}
	return "", "", nil
}

func pcPublishWords(f []string) (string, string) {
	f = pcUnwrap(f)
	if len(f) == 0 {
		return "", ""
	}
	tool := toLower(f[0])
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
		if tool == "dotnet" && len(args) > 1 && args[0] == "nuget" && args[1] == "push" || tool == "nuget" && len(args) > 0 && strings.EqualFold(args[0], "push") {
			return tool + " push", "nuget" // to a NuGet feed: nuget.org unless --source says otherwise
		}
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

// pcPublishes reports what a step publishes ("" for nothing): a publishing action or command;
// m is its script's mask (pcFacts.mask).
func pcPublishes(s audit.StepRef, m pcWords) string {
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
		cmd, _, _ := pcPublishCommand(r.Run.Value, m)
		return cmd
	}
	return ""
}

// pcUnwrap returns the command a launcher runs: "python -m twine upload" is twine's upload,
// "pipx run twine==5.1 upload" and "uvx twine upload" too, "bundle exec gem push" is gem's push,
// "bunx npm publish" and "npx npm publish" npm's publish, "poetry run twine upload" twine's. A
// version suffix of the tool ("twine==5.1", "npm@10") is dropped. Anything else is returned as is.
func pcUnwrap(f []string) []string {
	for range 3 { // launchers can nest: "pipx run poetry run twine ..."
		if len(f) < 2 {
			return f
		}
		tool := toLower(f[0])
		if i := strings.LastIndex(tool, "/"); i >= 0 {
			tool = tool[i+1:]
		}
		var rest []string
		switch {
		case (tool == "python" || tool == "py" || strings.HasPrefix(tool, "python3")) && f[1] == "-m" && len(f) > 2:
			rest = f[2:]
		case (tool == "pipx" || tool == "uv" || tool == "poetry" || tool == "pdm" || tool == "hatch" || tool == "pipenv" || tool == "rye") && f[1] == "run":
			rest = f[2:]
		case tool == "uv" && f[1] == "tool" && len(f) > 2 && f[2] == "run":
			rest = f[3:]
		case tool == "bundle" && f[1] == "exec":
			rest = f[2:]
		case tool == "uvx" || tool == "bunx" || tool == "npx" || tool == "pnpx":
			rest = f[1:]
		default:
			return f
		}
		for len(rest) > 0 && strings.HasPrefix(rest[0], "-") {
			rest = rest[1:] // the launcher's own flags (npx --yes, uv run --with x is not unwrapped further)
		}
		if len(rest) == 0 {
			return f
		}
		name := rest[0]
		if i := strings.IndexAny(name, "=@<>~"); i > 0 {
			name = name[:i]
		}
		f = append([]string{name}, rest[1:]...)
	}
	return f
}
