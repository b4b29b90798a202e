package checks

import (
	"strconv"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// Artipacked flags actions/checkout steps that leave the job's token on disk, and above all those
// followed by an upload of the workspace that carries .git/config with it.
var Artipacked = &audit.Check{
	ID:         "artipacked",
	Title:      "Checkout persists credentials that an artifact can leak",
	Severity:   audit.Medium,
	Confidence: audit.LowConfidence,
	Category:   audit.CategoryCredentials,
	Fixable:    true,
	Doc: `By default ` + "`actions/checkout`" + ` keeps the token it fetched with (the job's ` + "`GITHUB_TOKEN`" + `, or the PAT given as
` + "`token:`" + `) so that later ` + "`git`" + ` commands are authenticated. Up to v5 it writes the token into the checked-out
repository's ` + "`.git/config`" + `; a later step that uploads the workspace as an artifact
(` + "`actions/upload-artifact`" + ` with ` + "`path: .`" + `) publishes the token to anyone who can download the artifact, which
for a public repository is everyone, while the job runs and, for a PAT, long after ("ArtiPACKED",
Unit 42, 2024). That combination is reported as high.

Two changes narrowed the hazard, and rampart takes both into account:

- ` + "`actions/upload-artifact`" + ` v4.4.0 and later skip hidden files (so ` + "`.git/`" + `) unless ` + "`include-hidden-files: true`" + `.
  A workspace upload is dangerous with that input, or with an older version pinned.
- ` + "`actions/checkout`" + ` v6 stores the credential in a file under ` + "`$RUNNER_TEMP`" + `, outside the workspace, and only
  points ` + "`.git/config`" + ` at it: uploading the workspace no longer leaks the token. The token is still readable by
  every later step of the job (every action, every build script, every dependency install hook), which
  is why a checkout that does not need it should still say ` + "`persist-credentials: false`" + `. zizmor reports v6+
  checkouts like older ones; rampart reports them as low.

` + "`actions/upload-pages-artifact`" + ` archives its directory with ` + "`--exclude=.git`" + `, so it is not treated as a leak.
A checkout without upload is reported with low confidence (shown by ` + "`--persona pedantic`" + ` and ` + "`auditor`" + `);
it is not reported when ` + "`persist-credentials`" + ` is set to ` + "`true`" + ` on purpose or by an expression, or when a
later step of the job runs ` + "`git push`" + `, ` + "`git fetch`" + ` or ` + "`git pull`" + ` and so needs the credential.`,
	Bad: `on: push
permissions:
  contents: read
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: make
      - uses: actions/upload-artifact@v4
        with:
          name: build
          path: .
          include-hidden-files: true
`,
	Good: `on: push
permissions:
  contents: read
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          persist-credentials: false
      - run: make
      - uses: actions/upload-artifact@v4
        with:
          name: build
          path: dist/
`,
	Fix: `Set ` + "`persist-credentials: false`" + ` on every ` + "`actions/checkout`" + ` step whose job does not push or fetch with
the token afterwards, and upload only the build outputs (` + "`path: dist/`" + `), never the workspace root.

A job that does need the credential should say so with ` + "`persist-credentials: true`" + `, and must not upload the
workspace; passing the token explicitly to the one step that pushes (` + "`git push https://x-access-token:${TOKEN}@github.com/...`" + `)
keeps it away from the others.`,
	References: []string{
		"https://docs.zizmor.sh/audits/#artipacked",
		"https://unit42.paloaltonetworks.com/github-repo-artifacts-leak-tokens/",
		"https://github.com/actions/checkout/releases/tag/v6.0.0",
		"https://github.com/actions/upload-artifact/releases/tag/v4.4.0",
	},
	Equivalents: map[string]string{"zizmor": "artipacked"},
	Run:         runArtipacked,
}

func runArtipacked(pass *audit.Pass) error {
	var buf []byte // where the findings' texts are built, one after the other
	for _, file := range pass.Target.Files {
		sc := artipScripts{file: file}
		switch {
		case file.Workflow != nil:
			for _, j := range file.Jobs() {
				artipSteps(pass, &sc, j, j.Steps, &buf)
			}
		case file.Action != nil && file.Action.Runs != nil:
			artipSteps(pass, &sc, nil, file.Action.Runs.Steps, &buf)
		}
	}
	return nil
}

// artipKinds tells each step's action once (artipKindOf), or artipRun for a run: script, in
// kinds (buf when it is long enough): a checkout then looks for an upload among the kinds of
// the steps after it, not among their uses: values. last is the last checkout's index (-1 for
// none), runs the number of scripts.
func artipKinds(steps []*actionlint.Step, buf []artipKind) (kinds []artipKind, last, runs int) {
	kinds, last = buf[:0], -1
	if len(steps) > cap(buf) {
		kinds = make([]artipKind, 0, len(steps))
	}
	for i, st := range steps {
		k := artipOther
		switch x := st.Exec.(type) {
		case *actionlint.ExecAction:
			if x.Uses != nil {
				k = artipKindOf(x.Uses.Value)
			}
		case *actionlint.ExecRun:
			if x.Run != nil {
				k = artipRun
				runs++
			}
		}
		kinds = append(kinds, k)
		if k == artipCheckout {
			last = i // a conditional move, no branch: kinds come in no order a branch could learn
		}
	}
	return kinds, last, runs
}

// artipSteps audits one job's (or, with a nil job, a composite action's) steps.
func artipSteps(pass *audit.Pass, sc *artipScripts, job *actionlint.Job, steps []*actionlint.Step, buf *[]byte) {
	file := sc.file
	// lastAuth is the last step that needs the credential (-1 for none), looked for when first
	// asked, from the end down to the step after the checkout that asks: later checkouts stand
	// after that one, and a step at or before it cannot count for them.
	lastAuth, authKnown := -1, false
	var kindBuf [32]artipKind
	kinds, last, runs := artipKinds(steps, kindBuf[:])
	for i, st := range steps[:last+1] {
		if kinds[i] != artipCheckout {
			continue
		}
		uses := artipUses(st)
		persist, explicit := artipPersist(st)
		if !persist {
			continue
		}
		co := artipVersionOf(file, uses)
		newStorage := co.known && co.major >= 6
		var leak *actionlint.Step
		var leakIdx int
		for k := i + 1; k < len(steps) && leak == nil; k++ {
			if kinds[k] == artipUpload && artipLeaksWorkspace(file, steps[k]) {
				leak, leakIdx = steps[k], k
			}
		}
		if !explicit && !authKnown {
			authKnown, lastAuth = true, sc.lastAuth(steps, kinds, runs, i)
		}
		if (leak == nil || newStorage) && (explicit || lastAuth > i) {
			// The job means to keep the credential; only an upload makes it a leak.
			continue
		}
		if leak != nil && !newStorage {
			where := "this action"
			if job != nil {
				where = "job " + strconv.Quote(job.ID.Value)
			}
			label := audit.StepLabel(st, i)
			f := pass.Reportf(file, uses.Pos, "%s in %s stores the token in .git/config, and %s uploads the workspace with it as an artifact", label, where, audit.StepLabel(leak, leakIdx))
			f.Severity, f.Confidence = audit.High, audit.HighConfidence
			if !co.known {
				f.Confidence = audit.MediumConfidence
			}
			f.Key = where + " " + label + " " + uses.Value + " uploads workspace"
			if p := artipUses(leak); p != nil && p.Pos != nil {
				f.Related = append(f.Related, audit.Location{File: file.Path, Line: p.Pos.Line, Column: p.Pos.Col, Note: "uploads the workspace, .git/config included"})
			}
			continue
		}
		// Most checkouts are reported so: the message (label in where says) and the key (where
		// label uses) are cut from one string, built in the check's buffer.
		const says = " does not set persist-credentials: false, leaving the token on disk for every later step"
		b := uuAppendStepLabel((*buf)[:0], st, i)
		label := len(b)
		b = append(b, " in "...)
		if job != nil {
			b = uuAppendQuote(append(b, "job "...), job.ID.Value)
		} else {
			b = append(b, "this action"...)
		}
		where := b[label+len(" in "):]
		b = append(b, says...)
		n := len(b)
		b = append(append(append(append(append(b, where...), ' '), b[:label]...), ' '), uses.Value...)
		text := string(b)
		*buf = b[:0]
		f := pass.Reportf(file, uses.Pos, "")
		f.Message, f.Key = text[:n], text[n:]
		if newStorage {
			f.Severity = audit.Low
		}
	}
	sc.next(runs) // artipSteps returns only here
}

func artipUses(st *actionlint.Step) *actionlint.String {
	if a, ok := st.Exec.(*actionlint.ExecAction); ok && a.Uses != nil {
		return a.Uses
	}
	return nil
}

func artipInput(st *actionlint.Step, name string) *actionlint.String {
	if a, ok := st.Exec.(*actionlint.ExecAction); ok {
		if in := a.Inputs[name]; in != nil {
			return in.Value
		}
	}
	return nil
}

// artipPersist reads a checkout's persist-credentials: persist is false only for a literal false;
// explicit is true when the input is set to anything else (true, or an expression).
func artipPersist(st *actionlint.Step) (persist, explicit bool) {
	v := artipInput(st, "persist-credentials")
	if v == nil {
		return true, false
	}
	s := toLower(strings.Trim(strings.TrimSpace(v.Value), `'"`))
	return s != "false", true
}
