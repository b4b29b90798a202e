package checks

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// UnpinnedUses flags actions and reusable workflows that are not pinned to a full commit SHA.
var UnpinnedUses = &audit.Check{
	ID:         "unpinned-uses",
	Title:      "Action or reusable workflow not pinned to a commit SHA",
	Severity:   audit.High,
	Confidence: audit.HighConfidence,
	Category:   audit.CategorySupplyChain,
	Fixable:    true,
	Doc: `A ` + "`uses:`" + ` that names a tag or a branch runs whatever that ref points to when the job starts.
Tags and branches move: whoever controls the action's repository (its maintainers, or an attacker who
stole their credentials) can point ` + "`v4`" + ` at new code, and every workflow that uses it runs that code
with its secrets and token. This is how the tj-actions/changed-files compromise (CVE-2025-30066) leaked
secrets from thousands of repositories. A full 40-character commit SHA cannot be moved.

Third-party actions are high severity. GitHub's own actions (` + "`actions/*`" + `, ` + "`github/*`" + `,
` + "`dependabot/*`" + `) are medium when they follow a branch and low at a tag. A short SHA is not a pin
(and GitHub refuses it). ` + "`docker://`" + ` steps need an ` + "`@sha256:`" + ` digest. Local actions
(` + "`./path`" + `) are part of the repository and are never flagged.

The policy can be relaxed per pattern in the config; the most specific pattern wins (an exact
` + "`owner/repo`" + `, then ` + "`owner/*`" + `, then ` + "`*`" + `):

` + "```yaml" + `
checks:
  unpinned-uses:
    policy: {"actions/*": ref-pin, "myorg/*": any, "*": hash-pin}
` + "```" + `

` + "`hash-pin`" + ` (the default for everything) requires a commit SHA, ` + "`ref-pin`" + ` any tag or branch,
` + "`any`" + ` accepts even a missing ref.`,
	Bad: `on: push
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: tj-actions/changed-files@v45
`,
	Good: `on: push
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
      - uses: tj-actions/changed-files@ed68ef82c095e0d48ec87eccea555d944a631a4c # v46.0.5
`,
	Fix: `Pin each action to the full commit SHA of the release you use, and keep the tag in a comment
(` + "`uses: owner/repo@<40-hex-sha> # v1.2.3`" + `); Dependabot and Renovate update such pins and their comments.

Find the SHA with ` + "`git ls-remote https://github.com/OWNER/REPO refs/tags/v1.2.3`" + ` (for an annotated tag,
take the ` + "`^{}`" + ` line), or with a tool such as pinact or ratchet. For ` + "`docker://`" + ` steps, add the image
digest: ` + "`docker://alpine:3.20@sha256:...`" + `.`,
	References: []string{
		"https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#using-third-party-actions",
		"https://docs.zizmor.sh/audits/#unpinned-uses",
		"https://github.com/ossf/scorecard/blob/main/docs/checks.md#pinned-dependencies",
		"https://www.cve.org/CVERecord?id=CVE-2025-30066",
	},
	Equivalents: map[string]string{"zizmor": "unpinned-uses", "scorecard": "Pinned-Dependencies"},
	ValidateSettings: func(settings map[string]any) error {
		_, err := parseUsesPolicy(settings)
		return err
	},
	Run: runUnpinnedUses,
}

func runUnpinnedUses(pass *audit.Pass) error {
	policy, err := parseUsesPolicy(pass.Settings)
	if err != nil {
		return err
	}
	_, configured := pass.Settings["policy"]
	self := strings.ToLower(pass.Target.Repo)
	var buf []byte
	for _, file := range pass.Target.Files {
		// The walk notes the SHA pins of each file for dependabot-missing-actions (uuPinsOf),
		// in arEachUse's order.
		var pins uuPins
		switch {
		case file.Workflow != nil:
			jobs := file.Jobs()
			for _, j := range jobs {
				unpinnedSteps(pass, file, j, j.Steps, policy, configured, self, &pins, &buf)
			}
			for _, j := range jobs {
				if j.WorkflowCall != nil && j.WorkflowCall.Uses != nil && j.ID != nil {
					checkUses(pass, file, j.WorkflowCall.Uses, "reusable workflow", usesWhere{job: j}, policy, configured, self, &pins, &buf)
				}
			}
		case file.Action != nil && file.Action.Runs != nil:
			unpinnedSteps(pass, file, nil, file.Action.Runs.Steps, policy, configured, self, &pins, &buf)
		default:
			continue
		}
		pins.keep(file)
	}
	return nil
}

// unpinnedSteps checks the uses: of a job's or a composite action's steps.
func unpinnedSteps(pass *audit.Pass, file *audit.File, j *actionlint.Job, sts []*actionlint.Step, policy usesPolicy, configured bool, self string, pins *uuPins, buf *[]byte) {
	for i, st := range sts {
		if st == nil {
			continue
		}
		if a, ok := st.Exec.(*actionlint.ExecAction); ok && a.Uses != nil {
			checkUses(pass, file, a.Uses, "action", usesWhere{j, st, i}, policy, configured, self, pins, buf)
		}
	}
}

// usesWhere is where a uses: stands: a job's step, a composite action's step (job nil), or a
// job's reusable workflow (step nil). Its text is built only for findings.
type usesWhere struct {
	job   *actionlint.Job
	step  *actionlint.Step
	index int
}

func (w usesWhere) String() string { return string(w.appendTo(nil)) }

// appendTo appends the text of String to b: "job \"build\", step 2 (actions/checkout@v4)".
func (w usesWhere) appendTo(b []byte) []byte {
	if w.job != nil {
		b = uuAppendQuote(append(b, "job "...), w.job.ID.Value)
		if w.step == nil {
			return b
		}
		b = append(b, ", "...)
	} else {
		b = append(b, "composite action, "...)
	}
	return uuAppendStepLabel(b, w.step, w.index)
}

// uuAppendStepLabel appends audit.StepLabel(st, index) to b.
func uuAppendStepLabel(b []byte, st *actionlint.Step, index int) []byte {
	b = append(b, "step "...)
	switch {
	case st.Name != nil && st.Name.Value != "":
		return uuAppendQuote(b, st.Name.Value)
	case st.ID != nil && st.ID.Value != "":
		return uuAppendQuote(b, st.ID.Value)
	}
	b = strconv.AppendInt(b, int64(index+1), 10)
	if a, ok := st.Exec.(*actionlint.ExecAction); ok && a.Uses != nil {
		b = append(append(append(b, " ("...), a.Uses.Value...), ')')
	}
	return b
}

// uuAppendQuote appends strconv.Quote(s) to b; the text of most names and refs is printable
// ASCII without quotes or backslashes, which it copies as it is.
func uuAppendQuote(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c > '~' || c == '"' || c == '\\' {
			return strconv.AppendQuote(b, s)
		}
	}
	return append(append(append(b, '"'), s...), '"')
}

// checkUses reports one uses: value that its policy does not accept.
func checkUses(pass *audit.Pass, file *audit.File, uses *actionlint.String, what string, where usesWhere, policy usesPolicy, configured bool, self string, pins *uuPins, buf *[]byte) {
	v := strings.TrimSpace(uses.Value)
	at, sha := uuSplitSHA(v)
	pins.note(v, at, sha)
	if strings.HasPrefix(v, "docker://") {
		checkDockerUses(pass, file, uses, where, policy, configured)
		return
	}
	if sha {
		// Pinned to a full SHA, as most uses of the corpus are: parseUsesRef would find this ref
		// (after the last "@"), and refKind "sha" is never reported, whatever the policy.
		return
	}
	r, ok := parseUsesRef(v)
	if !ok {
		return
	}
	kind := refKind(r)
	pol, pat := policy.lookup(r.Name)
	switch {
	case kind == "sha", pol == anyPin, pol == refPin && kind != "none":
		return
	}
	sev, kin := audit.High, ""
	switch {
	case r.Repo == self:
		kin, sev = "same-repository ", audit.Low
	case githubOwners[r.Owner] && (kind == "branch" || kind == "none"):
		sev = audit.Medium
	case githubOwners[r.Owner]:
		sev = audit.Low
	default:
		kin = "third-party "
	}
	// The message and the key are appended to one buffer and cut from one string: one finding
	// per unpinned use adds up.
	m := (*buf)[:0] // the text is built in a buffer that the check's findings share
	m = uuAppendQuote(append(append(append(m, kin...), what...), ' '), v)
	switch kind {
	case "none":
		m = append(m, " has no ref: it runs whatever its default branch holds"...)
	case "short-sha":
		m = append(uuAppendQuote(append(m, " is pinned to short SHA "...), r.Ref), ", not to a full 40-character commit SHA"...)
	case "branch":
		m = append(uuAppendQuote(append(m, " follows branch "...), r.Ref), ", not a full commit SHA"...)
	case "tag":
		m = append(uuAppendQuote(append(m, " is pinned to tag "...), r.Ref), ", not to a full commit SHA"...)
	default:
		m = append(uuAppendQuote(append(m, " is pinned to ref "...), r.Ref), ", not to a full commit SHA"...)
	}
	if configured {
		m = append(append(append(uuAppendQuote(append(m, " (policy "...), pat), ": "...), pol...), ')')
	}
	n := len(m)
	m = uuAppendLower(append(where.appendTo(m), ' '), r.Name)
	text := string(m)
	*buf = m[:0]
	f := pass.Reportf(file, uses.Pos, "")
	f.Message, f.Severity, f.Key = text[:n], sev, text[n:]
}

// uuAppendLower appends strings.ToLower(s) to b, with no copy of s when it is ASCII.
func uuAppendLower(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return append(b, strings.ToLower(s)...)
		}
	}
	for i := 0; i < len(s); i++ {
		b = append(b, shellFoldTable[s[i]])
	}
	return b
}

// checkDockerUses reports a docker:// step without a digest; the policy applies to "docker://name".
func checkDockerUses(pass *audit.Pass, file *audit.File, uses *actionlint.String, where usesWhere, policy usesPolicy, configured bool) {
	v := strings.TrimSpace(uses.Value)
	img := parseImage(v)
	if img.Pinned() || img.Name == "" || strings.Contains(v, "${{") {
		return
	}
	pol, pat := policy.lookup("docker://" + img.Name)
	if pol == anyPin || pol == refPin && img.Tag != "" && img.Tag != "latest" {
		return
	}
	f := pass.Reportf(file, uses.Pos, "docker image %q %s", v, img.Problem())
	if configured {
		f.Message += fmt.Sprintf(" (policy %q: %s)", pat, pol)
	}
	f.Severity = img.Severity()
	f.Key = where.String() + " " + img.Name
}
