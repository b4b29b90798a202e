package checks

import (
	"slices"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// SecretsOutsideEnv flags secrets read by jobs that run without a deployment environment.
var SecretsOutsideEnv = &audit.Check{
	ID:         "secrets-outside-env",
	Title:      "Secret used outside a deployment environment",
	Severity:   audit.Low,
	Confidence: audit.HighConfidence,
	Category:   audit.CategoryCredentials,
	Persona:    "auditor",
	Doc: `Repository and organization secrets are readable by every job of every workflow on every branch that
anyone with write access pushes. A secret stored in a deployment environment is released only to jobs
that name the environment, and the environment can demand a reviewer's approval, a wait timer, or
restrict the branches and tags that may deploy. A job that reads a secret without ` + "`environment:`" + ` gets
none of these guards: one pushed branch that edits the workflow can read and exfiltrate the secret.

This is an auditor check, like zizmor's: moving credentials into environments is a design decision. It is
silent for ` + "`secrets.GITHUB_TOKEN`" + ` (always available anyway), for jobs that set an environment (a secret
missing from the environment falls back to the repository's; rampart cannot see which), for calls of
reusable workflows and for reusable workflows themselves (environments and ` + "`workflow_call`" + ` do not mix well).
Secrets named in the setting ` + "`checks.secrets-outside-env.allow`" + ` are not reported.`,
	Bad: `on: push
permissions: {}
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - run: npm publish
        env:
          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}
`,
	Good: `on: push
permissions: {}
jobs:
  publish:
    runs-on: ubuntu-latest
    environment: npm
    steps:
      - run: npm publish
        env:
          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}
`,
	Fix: `Create a deployment environment (Settings > Environments), move the secret into it with the
protection rules it deserves (required reviewers, deployment branches), and name the environment on the job:
` + "`environment: npm`" + `.

Secrets that must stay repository-wide can be listed in ` + "`.github/rampart.yml`" + `:
` + "`checks: {secrets-outside-env: {allow: [SONAR_TOKEN]}}`" + `.`,
	References: []string{
		"https://docs.zizmor.sh/audits/#secrets-outside-env",
		"https://docs.github.com/en/actions/managing-workflow-runs-and-deployments/managing-deployments/managing-environments-for-deployment#environment-secrets",
	},
	Equivalents: map[string]string{"zizmor": "secrets-outside-env"},
	Run:         runSecretsOutsideEnv,
}

func runSecretsOutsideEnv(pass *audit.Pass) error {
	var allow map[string]bool
	// Lists for every workflow of the target, emptied for each: the jobs without an environment
	// (exposed), the secrets reported for the job (seen: a few, a list beats a map), and the
	// text of a finding (buf).
	var exposed, seen []string
	var buf []byte
	for _, file := range pass.Target.Workflows() {
		w := file.Workflow
		// The shared index first (overprovisioned-secrets has built it): a workflow that reads no
		// secret is passed over without a look at its triggers.
		refs := secwIndex(file)
		if len(refs) == 0 || soeReusable(w) {
			continue
		}
		if allow == nil {
			allow = soeAllowed(pass.Settings)
		}
		exposed = exposed[:0]
		// The jobs in source order, sorted once per file and shared.
		for _, j := range file.Jobs() {
			if j.WorkflowCall != nil || j.Environment != nil {
				continue
			}
			exposed = append(exposed, j.ID.Value)
			seen = seen[:0]
			for _, e := range refs {
				if e.Job != j {
					continue
				}
				for _, name := range e.Names {
					if name == "GITHUB_TOKEN" || allow[name] || slices.Contains(seen, name) {
						continue
					}
					seen = append(seen, name)
					// The message and the key are cut from one string (a finding per secret and
					// job adds up).
					b := uuAppendQuote(append(buf[:0], "job "...), j.ID.Value)
					b = append(uuAppendQuote(append(b, " reads secret "...), name), " without a deployment environment"...)
					n := len(b)
					b = append(append(append(append(b, "job "...), j.ID.Value...), " secret "...), name...)
					text := string(b)
					buf = b[:0]
					f := pass.Reportf(file, audit.At(e.Line, e.Col), "")
					f.Message, f.Key = text[:n], text[n:]
				}
			}
		}
		if w.Env == nil || len(exposed) == 0 || !soeTopLevelRefs(refs) {
			continue
		}
		inEnv := map[*actionlint.String]bool{w.Env.Expression: true}
		for _, v := range w.Env.Vars {
			if v != nil {
				inEnv[v.Name], inEnv[v.Value] = true, true
			}
		}
		seen = seen[:0]
		for _, e := range refs {
			if e.Job != nil || e.In == nil || !inEnv[e.In] {
				continue
			}
			for _, name := range e.Names {
				if name == "GITHUB_TOKEN" || allow[name] || slices.Contains(seen, name) {
					continue
				}
				seen = append(seen, name)
				f := pass.Reportf(file, audit.At(e.Line, e.Col), "workflow env reads secret %q for jobs without a deployment environment (%s)", name, strings.Join(exposed, ", "))
				f.Key = "workflow env secret " + name
			}
		}
	}
	return nil
}

// soeTopLevelRefs reports whether any secret is read outside the jobs, in a string of its own:
// only then can the workflow's env: hold one, and is the map of its strings worth building.
func soeTopLevelRefs(refs []secwExpr) bool {
	for _, e := range refs {
		if e.Job == nil && e.In != nil {
			return true
		}
	}
	return false
}

// soeReusable reports whether the workflow can be called by others (on: workflow_call).
func soeReusable(w *actionlint.Workflow) bool {
	for _, ev := range w.On {
		if strings.EqualFold(ev.EventName(), "workflow_call") {
			return true
		}
	}
	return false
}

// soeAllowed reads the setting allow: [NAME...] into an upper-cased set.
func soeAllowed(settings map[string]any) map[string]bool {
	out := map[string]bool{}
	list, _ := settings["allow"].([]any)
	for _, v := range list {
		if s, ok := v.(string); ok {
			out[strings.ToUpper(strings.TrimSpace(s))] = true
		}
	}
	return out
}
