package checks

import (
	"fmt"
	"strings"

	"github.com/rampart-sec/rampart/audit"
)

// KnownVulnerableActions flags actions whose version is affected by a published security advisory.
var KnownVulnerableActions = &audit.Check{
	ID:         "known-vulnerable-actions",
	Title:      "Action version with a known vulnerability",
	Severity:   audit.High,
	Confidence: audit.HighConfidence,
	Category:   audit.CategorySupplyChain,
	Online:     true,
	Doc: `GitHub publishes reviewed security advisories for actions (the ` + "`actions`" + ` ecosystem of the GitHub
Advisory Database): command injection through inputs, secrets written to logs, artifacts that
overwrite files outside their folder, and compromised releases such as tj-actions/changed-files
(CVE-2025-30066). A workflow that runs an affected version is exposed until it moves to a fixed one.

rampart works out which version each ` + "`uses:`" + ` runs: a full version tag (` + "`@v4.1.0`" + `) as written; a commit
SHA or a moving tag or branch (` + "`@v4`" + `) through the most specific release tag that points at the same
commit (` + "`v4`" + ` and ` + "`v4.1.7`" + ` on one commit means v4.1.7). It then matches the version against each
advisory's affected range. A pin to a commit that no release tag points at cannot be matched; the
report says so. The finding's severity is the advisory's.`,
	Bad: `on: pull_request
permissions: {}
jobs:
  changes:
    runs-on: ubuntu-latest
    steps:
      - uses: tj-actions/changed-files@v45.0.7
`,
	Good: `on: pull_request
permissions: {}
jobs:
  changes:
    runs-on: ubuntu-latest
    steps:
      - uses: tj-actions/changed-files@ed68ef82c095e0d48ec87eccea555d944a631a4c # v46.0.5
`,
	Fix: `Update the action to the first fixed version the advisory names, or a later one, and pin its
commit SHA (` + "`uses: owner/repo@<sha> # v1.2.3`" + `). Read the advisory: some (a compromised release) also
ask you to rotate the secrets that workflows using the affected versions could read.`,
	References: []string{
		"https://docs.zizmor.sh/audits/#known-vulnerable-actions",
		"https://github.com/advisories?query=ecosystem%3Aactions",
		"https://docs.github.com/en/rest/security-advisories/global-advisories",
		"https://github.com/ossf/scorecard/blob/main/docs/checks.md#vulnerabilities",
	},
	Equivalents: map[string]string{"zizmor": "known-vulnerable-actions", "scorecard": "Vulnerabilities", "poutine": "known_vulnerability_in_build_component"},
	Run:         runKnownVulnerableActions,
}

func runKnownVulnerableActions(pass *audit.Pass) error {
	return arRun(pass, arAllUses, func(api *arAPI, u actionUse) {
		advs, ok := kvaAdvisories(api, u)
		if !ok || len(advs) == 0 {
			return
		}
		v, ok := kvaVersion(api, u)
		if !ok {
			return
		}
		for _, a := range advs {
			hit, err := arInRange(v, a.Vulnerable)
			if err != nil {
				pass.Unknown("advisory %s of %s: %v", a.GHSA, u.Package(), err)
				continue
			}
			if hit {
				kvaReport(pass, u, v, a)
			}
		}
	})
}

// kvaAdvisories returns the advisories of the action's repository and, for an action in a
// subfolder ("github/codeql-action/init"), of that path too, each advisory once.
func kvaAdvisories(api *arAPI, u actionUse) ([]audit.Advisory, bool) {
	pkgs := []string{u.Slug()}
	if u.Path != "" {
		pkgs = append(pkgs, u.Package())
	}
	var out []audit.Advisory
	seen := map[string]bool{}
	for _, p := range pkgs {
		advs, ok := api.Advisories(p)
		if !ok {
			return nil, false
		}
		for _, a := range advs {
			id := a.GHSA + " " + a.Vulnerable
			if !seen[id] {
				seen[id] = true
				out = append(out, a)
			}
		}
	}
	return out, true
}

// kvaVersion works out the version a use runs. A full version tag is taken as written; anything
// else goes through the repository's refs to the most specific release tag at the same commit.
func kvaVersion(api *arAPI, u actionUse) (arVersion, bool) {
	if v, ok := arParseVersion(u.Ref); ok && !u.IsSHA() && len(v.Nums) >= 3 {
		return v, true
	}
	refs, ok := api.Refs(u)
	if !ok {
		return arVersion{}, false
	}
	sha := u.Ref
	if !u.IsSHA() {
		if sha, ok = arResolve(refs, u.Ref); !ok {
			api.pass.Unknown("%s %q: ref %q is no branch or tag of %s", u.What(), u.Value(), u.Ref, u.Slug())
			return arVersion{}, false
		}
	}
	tags := arTagsAt(refs, sha)
	own, isVersion := arParseVersion(u.Ref)
	isVersion = isVersion && !u.IsSHA()
	if isVersion {
		// v45 on a commit tagged v45.0.7 and v46.0.0 is v45.0.7.
		if series := arInSeries(tags, own); len(series) > 0 {
			tags = series
		}
	}
	v, ok := arBestVersion(tags)
	if isVersion && (!ok || len(own.Nums) > len(v.Nums)) {
		v, ok = own, true
	}
	if !ok || len(v.Nums) < 2 {
		api.pass.Unknown("%s %q: no release tag points at commit %s, so its version cannot be matched against advisories",
			u.What(), u.Value(), arShortSHA(sha))
		return arVersion{}, false
	}
	return v, true
}

func kvaReport(pass *audit.Pass, u actionUse, v arVersion, a audit.Advisory) {
	adv := a.GHSA
	if a.CVE != "" {
		adv += " (" + a.CVE + ")"
	}
	fixed := "no fixed version has been published"
	if a.FirstPatched != "" {
		fixed = "fixed in " + a.FirstPatched
	}
	version := ""
	switch {
	case u.IsSHA():
		version = fmt.Sprintf(" (commit %s is %s)", arShortSHA(u.Ref), v.Raw)
	case u.Ref != v.Raw:
		version = fmt.Sprintf(" (%s is %s)", u.Ref, v.Raw)
	}
	summary := strings.TrimSpace(a.Summary)
	if summary == "" {
		summary = "see the advisory"
	}
	f := pass.Reportf(u.File, u.Uses.Pos, "%s %q%s is affected by %s: %s; %s",
		u.What(), u.Value(), version, adv, summary, fixed)
	if a.Severity > audit.Info {
		f.Severity = a.Severity
	}
	url := a.URL
	if url == "" && a.GHSA != "" {
		url = "https://github.com/advisories/" + a.GHSA
	}
	if a.FirstPatched != "" {
		f.Remediation = fmt.Sprintf("Update %s to %s or later and pin its commit SHA; see %s.", u.Package(), a.FirstPatched, url)
	} else {
		f.Remediation = fmt.Sprintf("No fixed version exists: remove %s or replace it; see %s.", u.Package(), url)
	}
	f.Key = u.Key(a.GHSA)
}
