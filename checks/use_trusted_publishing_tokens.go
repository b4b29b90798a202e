package checks

import (
	"fmt"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// utpStepEnv is what envLookupUTP finds for a name of utpTokenVars in the step's own env: block.
func utpStepEnv(st *actionlint.Step, name string) string {
	if st.Env == nil {
		return ""
	}
	if v := st.Env.Vars[utpLowerNames[name]]; v != nil && v.Value != nil {
		return strings.TrimSpace(v.Value.Value)
	}
	return ""
}

// utpEnvHasTokenVar reports whether an env: map (whose keys are lower-cased) has a name of
// utpTokenVars. A step's env: holds a few names, most often none of those: one look at each
// settles what utpTokenOnly's fourteen lookups (two map reads each) would find, and spares the
// script's utpLowerHas.
func utpEnvHasTokenVar(vars map[string]*actionlint.EnvVar) bool {
	for k := range vars {
		if utpIsTokenVar(k) {
			return true
		}
	}
	return false
}

// utpIsTokenVar reports whether k is a name of utpTokenVars in lower case: a switch, which
// compares lengths first, rather than a map read that hashes k.
func utpIsTokenVar(k string) bool {
	switch k {
	case "node_auth_token", "npm_token", "npm_auth_token",
		"twine_password", "uv_publish_token", "poetry_pypi_token_pypi", "hatch_index_auth", "pdm_publish_password", "flit_password",
		"gem_host_api_key", "rubygems_api_key",
		"cargo_registry_token",
		"nuget_api_key", "nuget_auth_token":
		return true
	}
	return false
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
	"nuget":    {"NUGET_API_KEY", "NUGET_AUTH_TOKEN"},
}

// utpPublicIndex reports whether a --registry or --repository value names the public registry.
func utpPublicIndex(v string) bool {
	v = strings.ToLower(v)
	switch v {
	case "pypi", "testpypi", "crates-io":
		return true
	}
	return strings.Contains(v, "upload.pypi.org") || strings.Contains(v, "test.pypi.org") || strings.Contains(v, "registry.npmjs.org") ||
		strings.Contains(v, "api.nuget.org") || v == "nuget.org"
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
func envLookupUTP(s audit.StepRef) func(string) string {
	return func(name string) string {
		for _, e := range ghenvEnvs(s) {
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
