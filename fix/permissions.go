package fix

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"go.yaml.in/yaml/v4"
)

// readOnlyActions need no more of the GITHUB_TOKEN than contents: read (most need nothing).
// Any other action, a local action or a reusable workflow may need scopes rampart cannot see,
// so a workflow that uses one keeps its default permissions.
var readOnlyActions = map[string]bool{
	"actions/checkout": true, "actions/cache": true, "actions/cache/restore": true, "actions/cache/save": true,
	"actions/upload-artifact": true, "actions/download-artifact": true,
	"actions/setup-go": true, "actions/setup-node": true, "actions/setup-python": true, "actions/setup-java": true,
	"actions/setup-dotnet": true, "docker/setup-buildx-action": true, "docker/setup-qemu-action": true,
	"docker/metadata-action": true, "ruby/setup-ruby": true, "dtolnay/rust-toolchain": true,
	"swatinem/rust-cache": true, "pnpm/action-setup": true, "astral-sh/setup-uv": true,
	"hashicorp/setup-terraform": true, "gradle/actions/setup-gradle": true, "oven-sh/setup-bun": true,
	"denoland/setup-deno": true, "erlef/setup-beam": true, "haskell-actions/setup": true,
	"shivammathur/setup-php": true, "msys2/setup-msys2": true, "mlugg/setup-zig": true,
}

// tokenUse matches what hands the token to a step or calls the API with it.
var tokenUse = regexp.MustCompile(`(?i)github\.token|secrets\.github_token|\bGITHUB_TOKEN\b|\bGH_TOKEN\b|\bgh\s+[a-z]|\bhub\s+[a-z]|api\.github\.com|\bgit\s+push\b|\bgit\s+tag\b|\bnpm\s+publish\b|\bdocker\s+push\b|\bgoreleaser\b|ACTIONS_ID_TOKEN_REQUEST`)

// fixPermissions adds permissions: contents: read at the top of a workflow that has no
// permissions: anywhere, when none of its steps may need more than that.
func fixPermissions(c *planCtx, fs []audit.Finding) ([]Patch, []Outcome) {
	var patches []Patch
	var skips []Outcome
	for _, f := range fs {
		if f.Key != "workflow default permissions" {
			skips = append(skips, Outcome{Finding: f, Status: "skipped", Note: "only a workflow with no permissions: anywhere is fixed; grant this job the scopes it needs by hand"})
			continue
		}
		if why := permsBlocked(c.doc); why != "" {
			skips = append(skips, Outcome{Finding: f, Status: "skipped", Note: why + "; add a permissions: block by hand"})
			continue
		}
		e, why := permsInsert(c.doc)
		if why != "" {
			skips = append(skips, Outcome{Finding: f, Status: "skipped", Note: why})
			continue
		}
		patches = append(patches, Patch{Check: f.Check, Findings: []audit.Finding{f}, Edits: []Edit{e},
			Summary: "add permissions: contents: read at the top of the workflow"})
	}
	return patches, skips
}

// permsBlocked says why contents: read may not be enough for the workflow, or "".
func permsBlocked(d *doc) string {
	if d.file.Workflow == nil || d.root == nil {
		return "not a workflow"
	}
	if m := tokenUse.FindIndex(d.file.Source); m != nil {
		line, _ := d.file.PosAt(m[0])
		return fmt.Sprintf("line %d uses the token or writes with it (%q)", line, strings.TrimSpace(string(d.file.Source[m[0]:m[1]])))
	}
	_, jobs := mapGet(d.root, "jobs")
	if jobs == nil || jobs.Kind != yaml.MappingNode {
		return "the workflow has no jobs: mapping"
	}
	for i := 1; i < len(jobs.Content); i += 2 {
		job := jobs.Content[i]
		if k, _ := mapGet(job, "uses"); k != nil {
			return fmt.Sprintf("job %q calls a reusable workflow, which may need more scopes", jobs.Content[i-1].Value)
		}
	}
	for _, s := range d.steps() {
		_, u := mapGet(s.node, "uses")
		if u == nil {
			continue
		}
		v := strings.TrimSpace(u.Value)
		if strings.HasPrefix(v, "docker://") {
			continue
		}
		name, _, _ := strings.Cut(strings.ToLower(v), "@")
		if !readOnlyActions[name] && !strings.HasPrefix(name, "actions/setup-") {
			return fmt.Sprintf("line %d uses %s, which may need more scopes than contents: read", u.Line, name)
		}
	}
	return ""
}

// permsInsert places the permissions block before the top-level key that follows on: (or
// before jobs:), after the comments that introduce that key, with the file's blank-line style.
func permsInsert(d *doc) (Edit, string) {
	if !block(d.root) || d.root.Column != 1 {
		return Edit{}, "the workflow's top level is not a block mapping at column 1"
	}
	var at *yaml.Node
	for i := 0; i+1 < len(d.root.Content); i += 2 {
		k := d.root.Content[i]
		if k.Value == "on" || k.Tag == "!!bool" && strings.EqualFold(k.Value, "on") || k.Value == "true" {
			if i+2 < len(d.root.Content) {
				at = d.root.Content[i+2]
			}
			break
		}
	}
	if at == nil {
		at, _ = mapGet(d.root, "jobs")
	}
	if at == nil || !d.onOwnLine(at) {
		return Edit{}, "no place for a permissions: block was found"
	}
	line := at.Line
	for line > 1 && strings.HasPrefix(d.file.Line(line-1), "#") {
		line--
	}
	block := []string{"permissions:", strings.Repeat(" ", d.unit) + "contents: read"}
	if line > 1 && strings.TrimSpace(d.file.Line(line-1)) == "" {
		block = append(block, "")
	}
	return d.insertBeforeLine(line, block...), ""
}
