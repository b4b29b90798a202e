package checks

import (
	"fmt"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// UnsoundContains flags contains() conditions that search a value in a string literal: a
// substring match, which values the author did not list also pass.
var UnsoundContains = &audit.Check{
	ID:         "unsound-contains",
	Title:      "contains() on a string literal is a substring match",
	Severity:   audit.High,
	Confidence: audit.HighConfidence,
	Category:   audit.CategoryHygiene,
	Doc: `With a string as its first argument, ` + "`contains(haystack, needle)`" + ` is a case-insensitive substring test.
` + "`contains('refs/heads/main refs/heads/release', github.ref)`" + ` looks like a list of allowed branches, but it is also
true for ` + "`refs/heads/mai`" + `, ` + "`refs/heads/main refs`" + `, ` + "`heads`" + ` or an empty string: anyone who can name a branch or tag,
set an input or an environment variable that reaches the needle passes the gate.

The check reports ` + "`contains()`" + ` calls in ` + "`if:`" + ` conditions whose first argument is a string literal and whose second
reads a context. It is high severity when that context is one a user can choose (` + "`github.ref`" + `, ` + "`github.head_ref`" + `,
` + "`github.base_ref`" + `, ` + "`github.ref_name`" + `, ` + "`github.actor`" + `, ` + "`github.triggering_actor`" + `, ` + "`github.event.*`" + `, ` + "`inputs.*`" + `,
` + "`env.*`" + `) and informational otherwise (` + "`contains('push pull_request', github.event_name)`" + `, where GitHub picks the value).`,
	Bad: `on: push
permissions:
  contents: write
jobs:
  deploy:
    if: contains('refs/heads/main refs/heads/release', github.ref)
    runs-on: ubuntu-latest
    steps:
      - run: ./deploy.sh
`,
	Good: `on: push
permissions:
  contents: write
jobs:
  deploy:
    if: contains(fromJSON('["refs/heads/main", "refs/heads/release"]'), github.ref)
    runs-on: ubuntu-latest
    steps:
      - run: ./deploy.sh
`,
	Fix: `Test membership in an array: ` + "`contains(fromJSON('[\"refs/heads/main\", \"refs/heads/release\"]'), github.ref)`" + `,
or compare each value: ` + "`github.ref == 'refs/heads/main' || github.ref == 'refs/heads/release'`" + `.`,
	References: []string{
		"https://docs.github.com/en/actions/reference/workflows-and-actions/expressions#contains",
		"https://docs.zizmor.sh/audits/#unsound-contains",
	},
	Equivalents: map[string]string{"zizmor": "unsound-contains"},
	Run:         runUnsoundContains,
}

// ucUserContexts are contexts whose value a user can choose (zizmor's list, and event payloads).
var ucUserContexts = []string{
	"env", "inputs", "github.actor", "github.base_ref", "github.head_ref", "github.ref", "github.ref_name",
	"github.sha", "github.triggering_actor", "github.event",
}

func runUnsoundContains(pass *audit.Pass) error {
	for _, file := range pass.Target.Files {
		for _, c := range ucConditions(file) {
			if ucMayHaveLiteralContains(c.If.Value) {
				ucContainsCalls(pass, c)
			}
		}
	}
	return nil
}

// ucContainsCalls reports the contains() calls of one condition that search a string literal.
func ucContainsCalls(pass *audit.Pass, c ucCond) {
	for _, e := range ucParse(c.File, c.If) {
		actionlint.VisitExprNode(e.Node, func(n, _ actionlint.ExprNode, entering bool) {
			call, ok := n.(*actionlint.FuncCallNode)
			if !entering || !ok || !strings.EqualFold(call.Callee, "contains") || len(call.Args) != 2 {
				return
			}
			hay, ok := ucString(call.Args[0])
			if !ok {
				return
			}
			path, ok := audit.ExprPath(call.Args[1])
			if !ok {
				return
			}
			f := pass.Reportf(c.File, e.Pos, "condition of %s tests %s with contains(%q, ...), a substring match that values other than those listed also pass", c.where(), path, hay)
			f.Key = fmt.Sprintf("%s: contains(%q, %s)", c.where(), hay, path)
			if !ucUserControlled(path) {
				f.Severity, f.Confidence = audit.Info, audit.MediumConfidence
			}
		})
	}
}

// ucMayHaveLiteralContains is a prefilter for the conditions worth parsing: a contains() call
// whose first argument is a string literal is spelled "contains", then "(", then a "'" with
// only blanks and opening parentheses between (a literal in parentheses parses as the literal).
// It is searched from each "'" back (IndexByte skips the rest), over blanks and parentheses of
// which one at least must be a "(", to a "contains" in any ASCII case.
func ucMayHaveLiteralContains(v string) bool {
	const word = "contains"
	for off := 0; ; {
		q := strings.IndexByte(v[off:], '\'')
		if q < 0 {
			return false
		}
		q += off
		off = q + 1
		e, paren := q, false
		for e > 0 && (v[e-1] == '(' || ucBlank(v[e-1])) {
			e--
			paren = paren || v[e] == '('
		}
		if paren && e >= len(word) && ucContainsFold(v[e-len(word):e], word) {
			return true
		}
	}
}

// ucBlank is the expression lexer's white space.
func ucBlank(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\t' }

func ucUserControlled(path string) bool {
	for _, p := range ucUserContexts {
		if path == p || strings.HasPrefix(path, p+".") {
			return true
		}
	}
	return false
}
