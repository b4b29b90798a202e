package checks

import (
	"fmt"
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
severity, registry tokens low.`,
	Bad: `on:
  release:
    types: [published]
permissions: {}
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: python -m pip install build && python -m build
      - uses: pypa/gh-action-pypi-publish@release/v1
        with:
          password: ${{ secrets.PYPI_API_TOKEN }}
`,
	Good: `on:
  release:
    types: [published]
permissions: {}
jobs:
  publish:
    runs-on: ubuntu-latest
    environment: pypi
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

func runUseTrustedPublishing(pass *audit.Pass) error {
	for _, file := range pass.Target.Files {
		for _, s := range file.Steps() {
			if _, _, a, ok := pcUses(s); ok {
				utpAction(pass, file, s, a)
			} else if r := s.Run(); r != nil && r.Run != nil && s.Job != nil {
				utpRun(pass, file, s, r, utpIDToken(file.Workflow, s.Job))
			}
		}
	}
	return nil
}

var utpPyPI = map[string]bool{"": true, "https://upload.pypi.org/legacy/": true, "https://test.pypi.org/legacy/": true}

// utpAction reports publishing and login actions given a stored token or key.
func utpAction(pass *audit.Pass, file *audit.File, s audit.StepRef, a *actionlint.ExecAction) {
	name, _, _, _ := pcUses(s)
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
	case "rubygems/configure-rubygems-credentials":
		if v, node := pcInput(a, "api-token"); v != "" {
			report(node, audit.Low, "configures a RubyGems API key (api-token: %s); RubyGems trusted publishing needs no key", v)
		}
	case "js-devtools/npm-publish":
		reg, _ := pcInput(a, "registry")
		if v, node := pcInput(a, "token"); v != "" && !utpGitHubToken(v) && (reg == "" || strings.Contains(reg, "registry.npmjs.org")) {
			report(node, audit.Low, "publishes to npm with a token (token: %s); npm trusted publishing needs no token", v)
		}
	case "katyo/publish-crates":
		if v, node := pcInput(a, "registry-token"); v != "" {
			report(node, audit.Low, "publishes to crates.io with a token (registry-token: %s); crates.io trusted publishing needs no token", v)
		}
	case "aws-actions/configure-aws-credentials":
		if v, node := pcInput(a, "aws-access-key-id"); v != "" {
			report(node, audit.Medium, "logs in to AWS with a long-lived access key (aws-access-key-id: %s); use role-to-assume with GitHub's OIDC provider", v)
		}
	case "google-github-actions/auth":
		if v, node := pcInput(a, "credentials_json"); v != "" {
			report(node, audit.Medium, "logs in to Google Cloud with a service account key (credentials_json: %s); use workload_identity_provider", v)
		}
	case "azure/login":
		if v, node := pcInput(a, "creds"); v != "" {
			report(node, audit.Medium, "logs in to Azure with a client secret (creds: %s); use client-id, tenant-id and subscription-id with OIDC", v)
		}
	}
}

// utpRun reports a publishing command run with a token in a job that cannot use trusted publishing.
func utpRun(pass *audit.Pass, file *audit.File, s audit.StepRef, r *actionlint.ExecRun, idToken bool) {
	m := pcPublishMask(r.Run.Value)
	if m&(pcwPublish|pcwPush|pcwUpload|pcwDeploy|pcwRelease) == 0 {
		return // neither a publishing command nor a release script
	}
	if !m.mayPublishToRegistry() {
		utpTokenOnly(pass, file, s, r, m) // no command here has a registry
		return
	}
	var cmd, registry, line string
	var words []string
	for _, pc := range pcCommandsAt(r.Run.Value) {
		c, reg := pcPublishWords(pc.words)
		if reg != "" && !strings.HasPrefix(c, "semantic-release") && !strings.HasPrefix(c, "changeset") && !strings.HasPrefix(c, "lerna") {
			cmd, registry, words, line = c, reg, pc.words, pc.line
			break
		}
	}
	if cmd == "" {
		utpTokenOnly(pass, file, s, r, m)
		return
	}
	for i, w := range words {
		// A private index or registry has no trusted publishing.
		if w == "--registry" || w == "--repository-url" || w == "--index" || w == "--publish-url" || w == "-r" || w == "--repository" ||
			strings.HasPrefix(w, "--registry=") || strings.HasPrefix(w, "--repository-url=") || strings.HasPrefix(w, "--index=") {
			next := w
			if _, v, ok := strings.Cut(w, "="); ok {
				next = v
			} else if i+1 < len(words) {
				next = words[i+1]
			}
			if !utpPublicIndex(next) {
				return
			}
		}
	}
	env := envLookupUTP(file.Workflow, s.Job, s.Step)
	var token string
	for _, name := range utpTokenVars[registry] {
		if v := env(name); v != "" {
			if utpGitHubToken(v) || !strings.Contains(v, "secrets.") {
				return // GitHub Packages, or a token minted for this run (crates-io-auth-action)
			}
			token = fmt.Sprintf(" (%s: %s)", name, v)
			break
		}
	}
	if idToken && token == "" {
		return // the job can use trusted publishing, and no token is in sight
	}
	where := utpRegistryNames[registry]
	job := "in a job without id-token: write"
	if idToken {
		job = "although the job has id-token: write"
	}
	f := pass.Reportf(file, pcLocate(file, r.Run, line), "%s runs %q with a stored token%s %s; %s trusted publishing needs no token", s.Label(), cmd, token, job, where)
	f.Key = utpKey(s) + " " + cmd
	if token == "" {
		f.Confidence = audit.MediumConfidence
	}
}

var utpRegistryNames = map[string]string{"npm": "npm", "pypi": "PyPI", "rubygems": "RubyGems", "crates": "crates.io"}

// utpTokenOnly reports a step that is given a registry's publish token from a secret and runs
// something that publishes (a release script), when no publishing command was recognised.
func utpTokenOnly(pass *audit.Pass, file *audit.File, s audit.StepRef, r *actionlint.ExecRun, m pcWords) {
	if s.Step.Env == nil || len(s.Step.Env.Vars) == 0 {
		return // no token in the step's env
	}
	if m&(pcwPublish|pcwRelease) == 0 && !utpLowerHas(r.Run.Value) {
		return
	}
	for _, reg := range utpRegistries {
		for _, name := range utpTokenVars[reg] {
			v := utpStepEnv(s.Step, name)
			if !strings.Contains(v, "secrets.") || utpGitHubToken(v) {
				continue
			}
			f := pass.Reportf(file, r.RunPos, "%s publishes with a stored %s token (%s: %s); %s trusted publishing needs no token", s.Label(), utpRegistryNames[reg], name, v, utpRegistryNames[reg])
			f.Confidence, f.Key = audit.MediumConfidence, utpKey(s)+" "+name
			return
		}
	}
}

var utpRegistries = []string{"npm", "pypi", "rubygems", "crates"}

// utpLowerHas reports whether the lower-cased script holds "publish" or "release" where the words
// are not there in any ASCII case: only a non-ASCII letter that lower-cases to an ASCII one can.
func utpLowerHas(script string) bool {
	for i := 0; i < len(script); i++ {
		if script[i] >= 0x80 {
			l := strings.ToLower(script)
			return strings.Contains(l, "publish") || strings.Contains(l, "release")
		}
	}
	return false
}

// utpStepEnv is envLookupUTP(nil, nil, st)(name): the step's own variable.
func utpStepEnv(st *actionlint.Step, name string) string {
	if st.Env == nil {
		return ""
	}
	if v := st.Env.Vars[utpLowerNames[name]]; v != nil && v.Value != nil {
		return strings.TrimSpace(v.Value.Value)
	}
	return ""
}

// utpLowerNames maps each name of utpTokenVars to its lower case, the key of an env: map.
var utpLowerNames = func() map[string]string {
	out := map[string]string{}
	for _, names := range utpTokenVars {
		for _, n := range names {
			out[n] = strings.ToLower(n)
		}
	}
	return out
}()

// utpTokenVars are the environment variables each registry's tools read a token from.
var utpTokenVars = map[string][]string{
	"npm":      {"NODE_AUTH_TOKEN", "NPM_TOKEN", "NPM_AUTH_TOKEN"},
	"pypi":     {"TWINE_PASSWORD", "UV_PUBLISH_TOKEN", "POETRY_PYPI_TOKEN_PYPI", "HATCH_INDEX_AUTH", "PDM_PUBLISH_PASSWORD", "FLIT_PASSWORD"},
	"rubygems": {"GEM_HOST_API_KEY", "RUBYGEMS_API_KEY"},
	"crates":   {"CARGO_REGISTRY_TOKEN"},
}

// utpPublicIndex reports whether a --registry or --repository value names the public registry.
func utpPublicIndex(v string) bool {
	v = strings.ToLower(v)
	switch v {
	case "pypi", "testpypi", "crates-io":
		return true
	}
	return strings.Contains(v, "upload.pypi.org") || strings.Contains(v, "test.pypi.org") || strings.Contains(v, "registry.npmjs.org")
}

func utpGitHubToken(v string) bool {
	v = strings.ToLower(v)
	return strings.Contains(v, "secrets.github_token") || strings.Contains(v, "github.token")
}

// utpIDToken reports whether a job may request an OIDC token: id-token: write at job level, or at
// workflow level when the job sets no permissions.
func utpIDToken(w *actionlint.Workflow, j *actionlint.Job) bool {
	p := j.Permissions
	if p == nil && w != nil {
		p = w.Permissions
	}
	if p == nil {
		return false
	}
	if p.All != nil && p.All.Value == "write-all" {
		return true
	}
	sc := p.Scopes["id-token"]
	return sc != nil && sc.Value != nil && sc.Value.Value == "write"
}

func utpKey(s audit.StepRef) string {
	if s.Job != nil {
		return fmt.Sprintf("job %s, %s", s.Job.ID.Value, s.Label())
	}
	return "composite action, " + s.Label()
}

// envLookupUTP finds an environment variable's value for a step: the step's, the job's, the workflow's.
func envLookupUTP(w *actionlint.Workflow, j *actionlint.Job, st *actionlint.Step) func(string) string {
	return func(name string) string {
		envs := []*actionlint.Env{st.Env}
		if j != nil {
			envs = append(envs, j.Env)
		}
		if w != nil {
			envs = append(envs, w.Env)
		}
		for _, e := range envs {
			if e == nil {
				continue
			}
			if v := e.Vars[strings.ToLower(name)]; v != nil && v.Value != nil {
				return strings.TrimSpace(v.Value.Value)
			}
		}
		return ""
	}
}
