package checks

import (
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// UnsoundCondition flags if: conditions that are always true because text, a newline or a second
// placeholder stands outside their ${{ }}.
var UnsoundCondition = &audit.Check{
	ID:         "unsound-condition",
	Title:      "Condition is always true",
	Severity:   audit.High,
	Confidence: audit.HighConfidence,
	Category:   audit.CategoryHygiene,
	Doc: `An ` + "`if:`" + ` is evaluated as an expression only when it is one expression: written bare
(` + "`if: github.event_name == 'push'`" + `) or as a single ` + "`${{ }}`" + ` that is the whole value. When anything stands
outside the ` + "`${{ }}`" + `, the value is a string template instead: the placeholders are replaced by their values and
the result is a non-empty string, which is true. The condition then never stops the job or step.

Two forms catch people out. A block scalar (` + "`if: |`" + ` or ` + "`if: >`" + `) keeps a trailing newline after the
expression, so ` + "`if: |`" + ` followed by ` + "`${{ github.actor == 'dependabot[bot]' }}`" + ` is the string ` + "`\"false\\n\"`" + ` for every
other actor, and true. And ` + "`if: ${{ a }} && ${{ b }}`" + ` is the string ` + "`\"true && false\"`" + `, also true. When the
condition was meant as a security gate (an actor, an event, a same-repository check) the job runs for everyone.
Severity is high when the condition reads the ` + "`github`" + ` or ` + "`secrets`" + ` context, medium otherwise.`,
	Bad: `on: pull_request_target
permissions:
  contents: write
  pull-requests: write
jobs:
  automerge:
    runs-on: ubuntu-latest
    if: |
      ${{ github.event.pull_request.user.login == 'dependabot[bot]' }}
    steps:
      - run: gh pr merge --auto --squash "$PR_URL"
        env:
          PR_URL: ${{ github.event.pull_request.html_url }}
          GH_TOKEN: ${{ github.token }}
`,
	Good: `on: pull_request_target
permissions:
  contents: write
  pull-requests: write
jobs:
  automerge:
    runs-on: ubuntu-latest
    if: |-
      ${{ github.event.pull_request.user.login == 'dependabot[bot]' }}
    steps:
      - run: gh pr merge --auto --squash "$PR_URL"
        env:
          PR_URL: ${{ github.event.pull_request.html_url }}
          GH_TOKEN: ${{ github.token }}
`,
	Fix: `Make the condition a single expression: write it bare (` + "`if: a && b`" + `), or as one ` + "`${{ a && b }}`" + ` that is the
whole value; with a block scalar, use ` + "`|-`" + ` or ` + "`>-`" + ` so that no newline follows the expression.`,
	References: []string{
		"https://docs.github.com/en/actions/reference/workflows-and-actions/expressions#about-expressions",
		"https://docs.zizmor.sh/audits/#unsound-condition",
		"https://github.com/rhysd/actionlint/blob/main/docs/checks.md#if-cond-always-true",
	},
	Equivalents: map[string]string{"zizmor": "unsound-condition", "poutine": "if_always_true", "actionlint": "if-cond"},
	Run:         runUnsoundCondition,
}

func runUnsoundCondition(pass *audit.Pass) error {
	for _, file := range pass.Target.Files {
		for _, c := range ucConditions(file) {
			if v := c.If.Value; strings.Contains(v, "${{") && !ucOneWholeExpr(v) {
				ucUnsoundCondition(pass, c)
			}
		}
	}
	return nil
}

// ucOneWholeExpr reports, without parsing, that v is a single ${{ }} that is the whole value:
// it starts with its only "${{" and ends with its only "}}" (a "}}" can end the expression only
// there, so the placeholder spans the value whether it parses or not).
func ucOneWholeExpr(v string) bool {
	return strings.HasPrefix(v, "${{") && strings.HasSuffix(v, "}}") && !strings.HasSuffix(v, "}}}") &&
		strings.Count(v, "${{") == 1 && strings.Count(v, "}}") == 1
}

// ucUnsoundCondition reports a condition with anything outside its ${{ }}.
func ucUnsoundCondition(pass *audit.Pass, c ucCond) {
	v := c.If.Value
	exprs := c.File.ExprsOf(c.If)
	outside := v
	for _, e := range exprs {
		outside = strings.Replace(outside, e.Raw, "", 1)
	}
	if outside == "" && len(exprs) == 1 {
		return
	}
	var why string
	switch {
	case strings.TrimSpace(outside) == "" && len(exprs) == 1 && strings.ContainsAny(outside, "\n\r"):
		why = "the block scalar keeps a newline after ${{ }}, so it is a non-empty string; use |- or >-"
	case strings.TrimSpace(outside) == "" && len(exprs) == 1:
		why = "white space stands outside ${{ }} (inside the quotes), so it is a non-empty string; remove it"
	case len(exprs) > 1:
		why = "it holds several ${{ }} with text between them, so it is a non-empty string; write one expression"
	default:
		why = "text stands outside ${{ }}, so it is a non-empty string; write one expression"
	}
	f := pass.Reportf(c.File, c.If.Pos, "condition of %s is always true: %s", c.where(), why)
	f.Key = c.where() + ": " + strings.TrimSpace(v)
	if !ucSecurityRelevant(ucParse(c.File, c.If)) {
		f.Severity = audit.Medium
	}
}

// ucSecurityRelevant reports whether a condition reads the github or secrets context.
func ucSecurityRelevant(exprs []ucExpr) bool {
	found := false
	for _, e := range exprs {
		actionlint.VisitExprNode(e.Node, func(n, _ actionlint.ExprNode, entering bool) {
			if v, ok := n.(*actionlint.VariableNode); ok && entering {
				switch strings.ToLower(v.Name) {
				case "github", "secrets":
					found = true
				}
			}
		})
	}
	return found
}
