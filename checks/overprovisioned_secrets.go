package checks

import (
	"fmt"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// OverprovisionedSecrets flags expressions that hand every secret of the repository to a step:
// toJSON(secrets) and secrets[...] indexed by a computed name.
var OverprovisionedSecrets = &audit.Check{
	ID:         "overprovisioned-secrets",
	Title:      "Every secret is exposed to a step",
	Severity:   audit.Medium,
	Confidence: audit.HighConfidence,
	Category:   audit.CategoryCredentials,
	Doc: `A runner only receives the secrets a job names. ` + "`${{ toJSON(secrets) }}`" + ` names all of them: every
repository, organization and environment secret the workflow can read is serialized into the step's
environment or input, where any code the step runs (an action, a build script, a dependency's install
hook) can read and send them away. One compromised tool then leaks every credential instead of the one
it needed.

` + "`secrets[...]`" + ` indexed by a computed name (` + "`secrets[format('TOKEN_{0}', matrix.env)]`" + `) has the same effect
on the runner: GitHub cannot tell which secrets the job needs, so it provisions all of them to the job.
An index by a string literal (` + "`secrets['NPM_TOKEN']`" + `) is the same as ` + "`secrets.NPM_TOKEN`" + ` and is not flagged.`,
	Bad: `on: push
permissions: {}
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - run: ./deploy.sh
        env:
          ALL_SECRETS: ${{ toJSON(secrets) }}
`,
	Good: `on: push
permissions: {}
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - run: ./deploy.sh
        env:
          DEPLOY_TOKEN: ${{ secrets.DEPLOY_TOKEN }}
`,
	Fix: `Pass each secret the step needs by name: ` + "`env: {DEPLOY_TOKEN: ${{ secrets.DEPLOY_TOKEN }}}`" + `.

Where a secret's name depends on the matrix, spell the choice out with literal names
(` + "`matrix.env == 'prod' && secrets.PROD_TOKEN || secrets.STAGING_TOKEN`" + `), or move the secrets into
deployment environments named after the matrix value, so that each job gets only its own.`,
	References: []string{
		"https://docs.zizmor.sh/audits/#overprovisioned-secrets",
		"https://docs.github.com/en/actions/security-for-github-actions/security-guides/using-secrets-in-github-actions",
	},
	Equivalents: map[string]string{"zizmor": "overprovisioned-secrets", "poutine": "job_all_secrets"},
	Run:         runOverprovisionedSecrets,
}

func runOverprovisionedSecrets(pass *audit.Pass) error {
	for _, file := range pass.Target.Files {
		for _, e := range secwIndex(file) {
			for _, what := range e.Expands {
				f := pass.Reportf(file, audit.At(e.Line, e.Col), "%s in %q exposes every secret of the repository to the runner", what, e.Raw)
				f.Key = e.In.Value + " " + what
			}
		}
	}
	return nil
}

// opsExpansions describes each place in n that expands the whole secrets context.
func opsExpansions(n actionlint.ExprNode) []string {
	var out []string
	actionlint.VisitExprNode(n, func(n, _ actionlint.ExprNode, entering bool) {
		if !entering {
			return
		}
		switch x := n.(type) {
		case *actionlint.FuncCallNode:
			if !strings.EqualFold(x.Callee, "toJSON") {
				return
			}
			for _, a := range x.Args {
				if secwIsSecrets(a) {
					out = append(out, fmt.Sprintf("%q", x.Callee+"(secrets)"))
				}
			}
		case *actionlint.IndexAccessNode:
			if _, lit := x.Index.(*actionlint.StringNode); secwIsSecrets(x.Operand) && !lit {
				out = append(out, "\"secrets[...]\" indexed by a computed name")
			}
		case *actionlint.ArrayDerefNode: // secrets.*
			if secwIsSecrets(x.Receiver) {
				out = append(out, "\"secrets.*\"")
			}
		}
	})
	return out
}
