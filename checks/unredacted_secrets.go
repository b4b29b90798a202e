package checks

import (
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// UnredactedSecrets flags fromJSON(secrets.X): values derived from a secret are not masked in logs.
var UnredactedSecrets = &audit.Check{
	ID:         "unredacted-secrets",
	Title:      "Value derived from a secret escapes log masking",
	Severity:   audit.Medium,
	Confidence: audit.HighConfidence,
	Category:   audit.CategoryCredentials,
	Doc: `GitHub masks a secret in logs by searching the log for the secret's exact value. A structured secret
(a JSON object holding several credentials) decoded with ` + "`fromJSON(secrets.X)`" + ` yields new strings: the
value of ` + "`fromJSON(secrets.CLOUD).password`" + ` is a part of the secret, not the secret, so it is not registered
for masking and appears in clear text wherever a step prints it (a debug log, a failing command's echo,
` + "`set -x`" + `). Workflow logs of public repositories are public.`,
	Bad: `on: push
permissions: {}
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - run: ./login.sh
        env:
          PASSWORD: ${{ fromJSON(secrets.CLOUD_CREDENTIALS).password }}
`,
	Good: `on: push
permissions: {}
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - run: ./login.sh
        env:
          PASSWORD: ${{ secrets.CLOUD_PASSWORD }}
`,
	Fix: `Store each credential as a secret of its own and read it by name (` + "`secrets.CLOUD_PASSWORD`" + `).

If the structured secret must stay, decode it in the step and mask each value before anything can print
it: ` + "`echo \"::add-mask::$(jq -r .password <<< \"$CREDS\")\"`" + `, with ` + "`CREDS: ${{ secrets.CLOUD_CREDENTIALS }}`" + `.`,
	References: []string{
		"https://docs.zizmor.sh/audits/#unredacted-secrets",
		"https://docs.github.com/en/actions/security-for-github-actions/security-guides/using-secrets-in-github-actions#using-secrets-in-a-workflow",
		"https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/workflow-commands-for-github-actions#masking-a-value-in-a-log",
	},
	Equivalents: map[string]string{"zizmor": "unredacted-secrets"},
	Run:         runUnredactedSecrets,
}

func runUnredactedSecrets(pass *audit.Pass) error {
	for _, file := range pass.Target.Files {
		for _, e := range secwIndex(file) {
			for _, name := range e.Leaks {
				f := pass.Reportf(file, audit.At(e.Line, e.Col), "%q decodes secret %q: the values taken from it are not masked in logs", e.Raw, name)
				f.Key = e.In.Value + " fromJSON(secrets." + name + ")"
			}
		}
	}
	return nil
}

// ursLeaks returns the names of the secrets (or "secrets" for the whole context) that n decodes with fromJSON.
func ursLeaks(n actionlint.ExprNode) []string {
	var out []string
	actionlint.VisitExprNode(n, func(n, _ actionlint.ExprNode, entering bool) {
		x, ok := n.(*actionlint.FuncCallNode)
		if !entering || !ok || !strings.EqualFold(x.Callee, "fromJSON") {
			return
		}
		for _, a := range x.Args {
			if secwIsSecrets(a) {
				out = append(out, "secrets")
				continue
			}
			if names := secwSecretNames(a); len(names) > 0 && ursIsSecretRef(a) {
				out = append(out, names[0])
			}
		}
	})
	return out
}

// ursIsSecretRef reports whether n is itself secrets.X or secrets['X'] (not a call that merely mentions one).
func ursIsSecretRef(n actionlint.ExprNode) bool {
	switch x := n.(type) {
	case *actionlint.ObjectDerefNode:
		return secwIsSecrets(x.Receiver)
	case *actionlint.IndexAccessNode:
		return secwIsSecrets(x.Operand)
	}
	return false
}
