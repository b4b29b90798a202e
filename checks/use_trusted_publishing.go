package checks

import (
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// UseTrustedPublishing flags long-lived registry tokens and cloud keys where the registry or cloud
// accepts the workflow's OIDC identity instead.
var UseTrustedPublishing = &audit.Check{
	ID:         "use-trusted-publishing",
	Title:      "Long-lived token where trusted publishing or OIDC federation exists",
	Severity:   audit.Low,
	Confidence: audit.HighConfidence,
	Category:   audit.CategoryCredentials,
	Doc: `PyPI, npm, RubyGems and crates.io accept a workflow's OpenID Connect token in place of an API token
("trusted publishing"), and AWS, Google Cloud and Azure exchange it for short-lived credentials. A stored
token or key is valid everywhere and for months: whoever reads it (a compromised action or dependency in any
job that gets the secret, a leaked log, a stolen laptop) can publish a release or reach the cloud account
from anywhere, as the 2025 npm worms did with stolen publish tokens. An OIDC exchange yields credentials
that last minutes, are bound to this repository and workflow, and need no secret at all.

The check reports publishing steps that use a token (` + "`pypa/gh-action-pypi-publish`" + ` with ` + "`password:`" + `,
` + "`twine upload`" + `, ` + "`npm publish`" + `, ` + "`gem push`" + `, ` + "`cargo publish`" + ` and similar in a job without ` + "`id-token: write`" + `),
and cloud logins with stored keys (` + "`aws-actions/configure-aws-credentials`" + ` with ` + "`aws-access-key-id`" + `,
` + "`google-github-actions/auth`" + ` with ` + "`credentials_json`" + `, ` + "`azure/login`" + ` with ` + "`creds`" + `). Cloud keys are medium
severity, registry tokens low. Commands behind a launcher count too (` + "`python -m twine`" + `, ` + "`pipx run twine==5`" + `,
` + "`uvx`" + `, ` + "`bundle exec gem push`" + `, ` + "`npx`" + `/` + "`bunx npm publish`" + `); dry runs (` + "`--dry-run`" + `, ` + "`-n`" + `) and npm publishing to a
registry other than npmjs.org (` + "`--registry`" + `, or ` + "`registry-url`" + ` of ` + "`actions/setup-node`" + `) are left alone: they have no
trusted publishing. NuGet (trusted publishing since 2025): ` + "`dotnet nuget push`" + ` or ` + "`nuget push`" + ` with an ` + "`--api-key`" + ` from a
secret, to nuget.org (another ` + "`--source`" + ` is left alone).`,
	Bad: utpExample + `    steps:
      - uses: actions/checkout@v4
      - run: python -m pip install build && python -m build
      - uses: pypa/gh-action-pypi-publish@release/v1
        with:
          password: ${{ secrets.PYPI_API_TOKEN }}
`,
	Good: utpExample + `    environment: pypi
    permissions:
      id-token: write
    steps:
      - uses: actions/checkout@v4
      - run: python -m pip install build && python -m build
      - uses: pypa/gh-action-pypi-publish@release/v1
`,
	Fix: `Configure a trusted publisher for this repository and workflow on the registry (PyPI, npm, RubyGems,
crates.io) or an OIDC identity provider in the cloud account, grant the job ` + "`id-token: write`" + `, drop the token or key
from the step, and then revoke the stored secret.

For npm, publish with npm 11.5.1 or later and no ` + "`NODE_AUTH_TOKEN`" + `; for AWS use ` + "`role-to-assume`" + `, for Google Cloud
` + "`workload_identity_provider`" + `, for Azure ` + "`client-id`" + `, ` + "`tenant-id`" + ` and ` + "`subscription-id`" + ` with no client secret.`,
	References: []string{
		"https://docs.pypi.org/trusted-publishers/",
		"https://docs.npmjs.com/trusted-publishers",
		"https://guides.rubygems.org/trusted-publishing/",
		"https://crates.io/docs/trusted-publishing",
		"https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect",
		"https://docs.zizmor.sh/audits/#use-trusted-publishing",
	},
	Equivalents: map[string]string{"zizmor": "use-trusted-publishing"},
	Run:         runUseTrustedPublishing,
}

// utpExample is the start of UseTrustedPublishing's examples: a job that publishes a release to PyPI.
const utpExample = `on:
  release:
    types: [published]
permissions: {}
jobs:
  publish:
    runs-on: ubuntu-latest
`

func runUseTrustedPublishing(pass *audit.Pass) error {
	for _, file := range pass.Target.Files {
		steps := file.Steps()
		if len(steps) == 0 {
			continue
		}
		// Only an action of utpAction's, or a script with a word that every publishing command
		// or release script has (utpRun's first test), can be reported.
		facts := pcFactsOf(file)
		if facts.any&pcfTrusted == 0 && facts.words&pcGateWords == 0 {
			continue
		}
		for k, s := range steps {
			if facts.steps[k].kind&pcfTrusted != 0 {
				name, _, _, _ := pcUses(s)
				utpAction(pass, file, s, name, s.Uses())
			} else if facts.steps[k].mask&pcGateWords != 0 && s.Job != nil {
				utpRun(pass, file, s, s.Run(), facts.registryMask(k, s))
			}
		}
	}
	return nil
}

var utpPyPI = map[string]bool{"": true, "https://upload.pypi.org/legacy/": true, "https://test.pypi.org/legacy/": true}

// utpAction reports publishing and login actions given a stored token or key.
func utpAction(pass *audit.Pass, file *audit.File, s audit.StepRef, name string, a *actionlint.ExecAction) {
	report := func(node *actionlint.String, sev audit.Severity, format string, args ...any) {
		f := pass.Reportf(file, node.Pos, "%s: "+format, append([]any{s.Label()}, args...)...)
		f.Severity = sev
		f.Key = utpKey(s) + " " + name
	}
	switch name {
	case "pypa/gh-action-pypi-publish":
		url, _ := pcInput(a, "repository-url")
		if url == "" {
			url, _ = pcInput(a, "repository_url")
		}
		if v, node := pcInput(a, "password"); v != "" && utpPyPI[url] && !utpGitHubToken(v) {
			report(node, audit.Low, "publishes to PyPI with an API token (password: %s); PyPI trusted publishing needs no token", v)
		}
	case "rubygems/release-gem":
		if v, node := pcInput(a, "setup-trusted-publisher"); node != nil && strings.EqualFold(v, "false") {
			report(node, audit.Low, "publishes to RubyGems with a stored API key (setup-trusted-publisher: false)")
		}
	case "js-devtools/npm-publish":
		reg, _ := pcInput(a, "registry")
		if v, node := pcInput(a, "token"); v != "" && !utpGitHubToken(v) && (reg == "" || strings.Contains(reg, "registry.npmjs.org")) {
			report(node, audit.Low, "publishes to npm with a token (token: %s); npm trusted publishing needs no token", v)
		}
	default:
		if k, ok := utpKeyInputs[name]; ok {
			if v, node := pcInput(a, k.input); v != "" {
				report(node, k.sev, "%s (%s: %s); %s", k.what, k.input, v, k.fix)
			}
		}
	}
}

// utpKeyInputs are the actions that take a stored token or key in one input: what they do with it
// and what to use instead.
var utpKeyInputs = map[string]struct {
	input     string
	sev       audit.Severity
	what, fix string
}{
	"rubygems/configure-rubygems-credentials": {"api-token", audit.Low, "configures a RubyGems API key", "RubyGems trusted publishing needs no key"},
	"katyo/publish-crates":                    {"registry-token", audit.Low, "publishes to crates.io with a token", "crates.io trusted publishing needs no token"},
	"aws-actions/configure-aws-credentials":   {"aws-access-key-id", audit.Medium, "logs in to AWS with a long-lived access key", "use role-to-assume with GitHub's OIDC provider"},
	"google-github-actions/auth":              {"credentials_json", audit.Medium, "logs in to Google Cloud with a service account key", "use workload_identity_provider"},
	"azure/login":                             {"creds", audit.Medium, "logs in to Azure with a client secret", "use client-id, tenant-id and subscription-id with OIDC"},
}
