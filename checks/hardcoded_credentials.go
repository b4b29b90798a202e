package checks

import "github.com/rampart-sec/rampart/audit"

// HardcodedCredentials flags credentials written into workflows and actions instead of read from secrets.
var HardcodedCredentials = &audit.Check{
	ID:         "hardcoded-credentials",
	Title:      "Credential written into the workflow",
	Severity:   audit.High,
	Confidence: audit.HighConfidence,
	Category:   audit.CategoryCredentials,
	Doc: `A credential written into a workflow is readable by everyone who can read the repository, for a public
repository the whole internet, and stays in its git history after it is removed. Secret scanners harvest
public commits within minutes. rampart looks for:

- a literal ` + "`password:`" + ` in a job's ` + "`container:`" + ` or ` + "`services:`" + ` registry ` + "`credentials:`" + ` (zizmor's
  ` + "`hardcoded-container-credentials`" + `, now part of its ` + "`hardcoded-credentials`" + `);
- credentials with a recognizable shape anywhere in the file, comments included: AWS access key ids,
  GitHub, GitLab, npm, PyPI, Docker Hub, Slack, Stripe, OpenAI, Anthropic and Google keys, Slack and
  Discord webhook URLs, private keys;
- machine-generated looking literals assigned to credential names (` + "`*_TOKEN`" + `, ` + "`*_SECRET`" + `,
  ` + "`*_PASSWORD`" + `, ` + "`*_API_KEY`" + `...) in ` + "`env:`" + `, ` + "`with:`" + `, action input defaults and ` + "`run:`" + ` assignments;
- passwords in URLs (` + "`https://user:pass@host`" + `) for hosts other than the job's own services.

Expressions (` + "`${{ secrets.X }}`" + `), shell variables and placeholders (` + "`changeme`" + `, ` + "`xxx`" + `, ` + "`<token>`" + `,
AWS's documented ` + "`AKIAIOSFODNN7EXAMPLE`" + `, ` + "`postgres`" + `) are not reported. A literal password in the environment
of a ` + "`services:`" + ` container (a throwaway database for tests) is reported as low severity and confidence.
Findings show only a short prefix of the value.`,
	Bad: hcExample + `        password: hunter2-but-longer
    steps:
      - run: ./deploy.sh
        env:
          AWS_ACCESS_KEY_ID: AKIA4RAMPARTFIXTURE7
`,
	Good: hcExample + `        password: ${{ secrets.REGISTRY_PASSWORD }}
    steps:
      - run: ./deploy.sh
        env:
          AWS_ACCESS_KEY_ID: ${{ secrets.AWS_ACCESS_KEY_ID }}
`,
	Fix: `Revoke the credential now: it is compromised the moment it is pushed, and deleting the line does not
remove it from history. Store the new one as an encrypted secret (better, in a deployment environment)
and read it with ` + "`${{ secrets.NAME }}`" + `.

Better still, need no stored credential: OIDC federation for cloud providers
(` + "`aws-actions/configure-aws-credentials`" + ` with ` + "`role-to-assume`" + `), trusted publishing for package registries,
` + "`GITHUB_TOKEN`" + ` for the GitHub API and ` + "`ghcr.io`" + `.`,
	References: []string{
		"https://docs.zizmor.sh/audits/#hardcoded-credentials",
		"https://docs.github.com/en/actions/security-for-github-actions/security-guides/using-secrets-in-github-actions",
		"https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect",
		"https://github.com/gitleaks/gitleaks/blob/master/config/gitleaks.toml",
	},
	Equivalents: map[string]string{"zizmor": "hardcoded-credentials"},
	Run:         runHardcodedCredentials,
}

// hcExample is the start of HardcodedCredentials' examples: a deploy job that logs in to its
// container's registry.
const hcExample = `on: push
permissions: {}
jobs:
  deploy:
    runs-on: ubuntu-latest
    container:
      image: registry.example.com/acme/deploy:1
      credentials:
        username: deploy
`

// hcScan is one file's audit: what was reported where, so a line is reported once.
type hcScan struct {
	pass *audit.Pass
	file *audit.File
	hit  map[int]bool // lines already reported
	// svc are the literal passwords of the current job's service containers: the same value
	// elsewhere in the job is the test database's password too.
	svc map[string]bool
}

func runHardcodedCredentials(pass *audit.Pass) error {
	for _, file := range pass.Target.Files {
		if file.Workflow == nil && file.Action == nil {
			continue
		}
		s := &hcScan{pass: pass, file: file}
		formatLines, urlLines, names := hcCandidates(file.Source, file.Action != nil)
		s.formats(formatLines)
		if names {
			s.names()
		}
		s.urls(urlLines)
	}
	return nil
}

// names audits the literals given to credential names: env vars, inputs, container passwords
// and run: scripts.
func (s *hcScan) names() {
	file := s.file
	if w := file.Workflow; w != nil {
		s.env(w.Env, "workflow env", false)
		for _, j := range file.Jobs() {
			s.job(j)
		}
	}
	if a := file.Action; a != nil {
		for _, in := range a.Inputs {
			if in.Name != nil && in.Default != nil {
				s.assign(in.Name.Value, in.Default, "input default", false)
			}
		}
		if a.Runs != nil {
			s.env(a.Runs.Env, "action env", false)
		}
	}
	for _, ref := range file.Steps() {
		if ref.Job == nil {
			s.env(ref.Step.Env, "env", false)
		}
		if u := ref.Uses(); u != nil {
			for k, in := range u.Inputs {
				if hcMayBeCredentialKey(k) && in != nil && in.Name != nil {
					s.assign(in.Name.Value, in.Value, "input", false)
				}
			}
		}
		if r := ref.Run(); r != nil && r.Run != nil {
			s.script(r.Run)
		}
	}
}
