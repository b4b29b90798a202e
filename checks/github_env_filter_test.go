package checks

import (
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
)

// ghenvNodesMayAttack reports whether a placeholder's node has a path that fl.expr may follow to
// an attacker's value: one whose root is env, or a github.* path that classifyGitHub finds
// attacker controlled. Paths are found as fl.expr finds them.
func ghenvNodesMayAttack(nodes []actionlint.ExprNode) bool {
	var paths []string
	for _, n := range nodes {
		actionlint.VisitExprNode(n, func(n, parent actionlint.ExprNode, entering bool) {
			if p, _, _, ok := ghenvPathOf(n, parent, entering); ok {
				paths = append(paths, p)
			}
		})
	}
	for _, p := range paths {
		if k, _ := classifyGitHub(p); p == "env" || strings.HasPrefix(p, "env.") || strings.HasPrefix(p, "github.") && k == tiAttacker {
			return true
		}
	}
	return false
}

// ghenvParsePlaceholders parses each ${{ of text as the expression parser reads it from there.
func ghenvParsePlaceholders(text string) []actionlint.ExprNode {
	var nodes []actionlint.ExprNode
	for off := 0; ; {
		i := strings.Index(text[off:], "${{")
		if i < 0 {
			return nodes
		}
		off += i + 3
		if n, err := actionlint.NewExprParser().Parse(actionlint.NewExprLexer(text[off:])); err == nil {
			nodes = append(nodes, n)
		}
	}
}

// TestGhenvMayName holds ghenvMayName, which lets ghenvMayAttack leave the placeholders of a
// script or env: value unparsed, to what fl.expr may find in them: wherever a placeholder has
// an env path or an attacker's github path, ghenvMayName must be true. It tries the corpus'
// scripts and env: values (parsed as the check parses them) and random texts of paths, safe
// properties and near misses; and it holds ghenvSafeGitHub's names to classifyGitHub.
func TestGhenvMayName(t *testing.T) {
	for _, name := range []string{"token", "repository", "repository_owner", "repository_id", "workspace", "sha", "server_url",
		"api_url", "graphql_url", "event_name", "run_id", "run_number", "run_attempt", "ref", "ref_name", "ref_type", "job",
		"action_path", "workflow", "workflow_ref", "actor", "actor_id", "triggering_actor", "base_ref", "head_ref", "event"} {
		if k, _ := classifyGitHub("github." + name); ghenvSafeGitHub(name) && k == tiAttacker {
			t.Errorf("ghenvSafeGitHub(%q), which classifyGitHub finds attacker controlled", name)
		}
	}
	check := func(text string, nodes []actionlint.ExprNode) {
		t.Helper()
		if ghenvNodesMayAttack(nodes) && !ghenvMayName(text) {
			t.Fatalf("ghenvMayName(%q) = false; a placeholder may give an attacker's value", text)
		}
	}
	n := 0
	for _, tg := range corpusTargets(t) {
		for _, f := range tg.Files {
			for _, ref := range f.Steps() {
				if s := shellScriptOf(ref); s != nil {
					var nodes []actionlint.ExprNode
					for _, e := range s.Exprs() {
						nodes = append(nodes, e.Node)
					}
					check(s.Text, nodes)
				}
				for _, env := range ghenvEnvs(ref) {
					if env == nil {
						continue
					}
					for _, v := range env.Vars {
						if v != nil && v.Value != nil {
							var nodes []actionlint.ExprNode
							for _, e := range f.ExprsOf(v.Value) {
								nodes = append(nodes, e.Node)
							}
							check(v.Value.Value, nodes)
							n++
						}
					}
				}
			}
		}
	}
	if n == 0 {
		t.Log("no env: values in the corpus")
	}
	pieces := []string{"${{", " }}", "}}", "github", "GitHub", "GITHUB", "env", "ENV", ".token", ".TOKEN", ".workspace", ".sha",
		".event", ".issue", ".title", ".head_ref", ".ref", ".ref_name", "[", "]", "'event'", "'", "secrets", ".", " ", "\t", "\n",
		"-", "_", "x", "(", ")", ",", "format(", "==", "||", "*", "toJSON(", "$GITHUB_ENV", "${{ github.token }}"}
	shellRandomTexts(7, 200000, 10, pieces, func(text string) { check(text, ghenvParsePlaceholders(text)) })
}
