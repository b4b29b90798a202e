// Package fix repairs what rampart can repair safely: it audits a target, turns findings of
// fixable checks into byte-level patches at parser positions, applies them, and re-parses and
// re-audits each patched file to verify that the patch parses, that the findings it fixes are
// gone and that no new finding appeared. A patch that fails verification is dropped.
//
// Neither YAML library round-trips a file unchanged, so nothing here re-encodes YAML: the YAML
// node tree only says where things are, and the edits are made in the source bytes, keeping
// comments, indentation, quoting and line endings as they were.
package fix

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/rampart-sec/rampart/audit"
)

// Patch is one fix in one file: edits of its source that repair some findings.
type Patch struct {
	Check string
	// Findings are the findings the patch repairs.
	Findings []audit.Finding
	Edits    []Edit
	// Summary says what the patch does ("set persist-credentials: false on step 1").
	Summary string
	// Renames maps the text the patch replaces and the text it writes to one neutral form
	// ("actions/checkout@v4" and "actions/checkout@<sha>" to "actions/checkout@…"), so that a
	// finding of another check that names it is not taken for a new one.
	Renames map[string]string
	// Verify, when set, checks the patched file beyond the re-audit (a script reads as intended).
	Verify func(*audit.File) error
	// Brings names checks whose new findings are the expected consequence of the patch
	// (pinning to a SHA asks for Dependabot to keep the pin fresh); they do not fail verification.
	Brings []string
}

// Outcome is what became of a finding of a fixable check.
type Outcome struct {
	Finding audit.Finding
	// Status is "fixed", "skipped" (no safe fix) or "dropped" (the fix failed verification).
	Status string
	// Note says what was done, or why not.
	Note string
}

// Change is a file the fix rewrites.
type Change struct {
	// Path is relative to the target root, with / separators.
	Path          string
	Before, After []byte
}

// Result is the fix of one target.
type Result struct {
	Target   *audit.Target
	Changes  []Change
	Outcomes []Outcome
	// Remaining are the findings of the selected fixable checks that the fixed files still have.
	Remaining []audit.Finding
}

// Resolver lists the tags of an action's repository, to pin uses: refs to commits.
type Resolver interface {
	Refs(ctx context.Context, owner, name string) (*audit.Refs, error)
}

// Fixer fixes targets.
type Fixer struct {
	// Checks are the checks the audits run (checks.All()).
	Checks []*audit.Check
	// Options are the audits' options; Persona, MinSeverity and MinConfidence are overridden so
	// that verification sees every finding, and the selection below applies instead.
	Options audit.AuditOptions
	// Only limits the fixes to these check ids; empty means every fixable check.
	Only map[string]bool
	// Persona and MinConfidence select the findings to fix, as they select what `scan` shows.
	Persona       string
	MinConfidence audit.Confidence
	// Resolver pins unpinned uses: refs; nil leaves them alone (offline without a pin map).
	Resolver Resolver
}

// fixerFunc plans the patches for one check's findings in one file.
type fixerFunc func(c *planCtx, fs []audit.Finding) ([]Patch, []Outcome)

// order is the order fixes are applied in: pins first (they rewrite uses: values that other
// fixes' findings name), the top-level permissions block last.
var order = []string{"unpinned-uses", "artipacked", "template-injection", "excessive-permissions"}

var fixers = map[string]fixerFunc{
	"unpinned-uses":         fixPins,
	"artipacked":            fixArtipacked,
	"template-injection":    fixInjection,
	"excessive-permissions": fixPermissions,
}

// Fixable lists the ids of the checks whose findings rampart can fix.
func Fixable() []string { return slices.Clone(order) }

// planCtx is what a fixer sees: the file, its YAML tree, the whole target.
type planCtx struct {
	fx     *Fixer
	target *audit.Target
	file   *audit.File
	doc    *doc
}

func (fx *Fixer) selected(id string) bool {
	return fixers[id] != nil && (len(fx.Only) == 0 || fx.Only[id])
}

// audit runs every check over the target, with every finding kept.
func (fx *Fixer) audit(t *audit.Target) *audit.Result {
	opts := fx.Options
	opts.Persona, opts.MinSeverity, opts.MinConfidence = "", audit.Info, audit.LowConfidence
	return (&audit.Engine{Checks: fx.Checks}).Audit([]*audit.Target{t}, opts)
}

// wanted reports whether a finding is one to fix: of a selected check, not suppressed, and
// shown at the persona and confidence of the run.
func (fx *Fixer) wanted(f audit.Finding, persona map[string]string) bool {
	if !fx.selected(f.Check) || f.Suppressed || f.Confidence < fx.MinConfidence {
		return false
	}
	return fx.Persona == "" || audit.PersonaRank(persona[f.Check]) <= audit.PersonaRank(fx.Persona)
}

// Fix plans, applies and verifies the fixes of one local target. It changes nothing on disk.
func (fx *Fixer) Fix(t *audit.Target) (*Result, error) {
	persona := map[string]string{}
	for _, c := range fx.Checks {
		persona[c.ID] = c.Persona
	}
	res := &Result{Target: t}
	cur := t
	rep := fx.audit(cur)
	if rep.Failed {
		return nil, fmt.Errorf("the audit failed: %s", failedChecks(rep.Report))
	}
	byFile := map[string]bool{}
	for _, f := range rep.Report.Findings {
		if fx.wanted(f, persona) {
			byFile[f.File] = true
		}
	}
	paths := make([]string, 0, len(byFile))
	for p := range byFile {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	reasons := map[string]string{}
	for _, p := range paths {
		orig := t.File(p)
		if orig == nil || (orig.Kind != audit.KindWorkflow && orig.Kind != audit.KindAction) {
			continue
		}
		for _, id := range order {
			if !fx.selected(id) {
				continue
			}
			var fs []audit.Finding
			for _, f := range rep.Report.Findings {
				if f.File == p && f.Check == id && fx.wanted(f, persona) {
					fs = append(fs, f)
				}
			}
			if len(fs) == 0 {
				continue
			}
			file := cur.File(p)
			d, err := parseDoc(file)
			if err != nil {
				for _, f := range fs {
					res.Outcomes = append(res.Outcomes, Outcome{Finding: f, Status: "skipped", Note: err.Error()})
				}
				continue
			}
			patches, skips := fixers[id](&planCtx{fx: fx, target: cur, file: file, doc: d}, fs)
			res.Outcomes = append(res.Outcomes, skips...)
			next, nextRep, outs := fx.applyVerified(cur, rep, p, patches)
			res.Outcomes = append(res.Outcomes, outs...)
			cur, rep = next, nextRep
		}
	}
	for _, o := range res.Outcomes {
		if o.Status != "fixed" {
			reasons[identity(o.Finding, nil)] = o.Note
		}
	}
	for _, f := range rep.Report.Findings {
		if fx.wanted(f, persona) {
			res.Remaining = append(res.Remaining, f)
		}
	}
	for _, f := range t.Files {
		if nf := cur.File(f.Path); nf != nil && string(nf.Source) != string(f.Source) {
			res.Changes = append(res.Changes, Change{Path: f.Path, Before: f.Source, After: nf.Source})
		}
	}
	// Findings that no fixer reached (a file that is neither a workflow nor an action) keep a reason.
	for _, f := range res.Remaining {
		if _, ok := reasons[identity(f, nil)]; !ok {
			res.Outcomes = append(res.Outcomes, Outcome{Finding: f, Status: "skipped", Note: "no safe fix for this finding"})
		}
	}
	sortOutcomes(res.Outcomes)
	return res, nil
}

func failedChecks(r *audit.Report) string {
	var msgs []string
	for _, e := range r.Errors {
		if strings.HasPrefix(e.Message, "check ") {
			msgs = append(msgs, e.Message)
		}
	}
	return strings.Join(msgs, "; ")
}

// applyVerified applies the patches to file p of target cur, verifying them all at once and,
// when that fails, one at a time, so that one bad patch does not cost the others.
func (fx *Fixer) applyVerified(cur *audit.Target, rep *audit.Result, p string, patches []Patch) (*audit.Target, *audit.Result, []Outcome) {
	if len(patches) == 0 {
		return cur, rep, nil
	}
	if t, r, err := fx.try(cur, rep, p, patches); err == nil {
		return t, r, fixedOutcomes(patches)
	}
	var outs []Outcome
	for _, pt := range patches {
		t, r, err := fx.try(cur, rep, p, []Patch{pt})
		if err != nil {
			for _, f := range pt.Findings {
				outs = append(outs, Outcome{Finding: f, Status: "dropped", Note: pt.Summary + ": the patch failed verification: " + err.Error()})
			}
			continue
		}
		cur, rep = t, r
		outs = append(outs, fixedOutcomes([]Patch{pt})...)
	}
	return cur, rep, outs
}

func fixedOutcomes(ps []Patch) []Outcome {
	var out []Outcome
	for _, p := range ps {
		for _, f := range p.Findings {
			out = append(out, Outcome{Finding: f, Status: "fixed", Note: p.Summary})
		}
	}
	return out
}

// try applies patches to file p and verifies the result: it parses as well as before, every
// finding the patches fix is gone, no finding is new, and each patch's own check passes.
func (fx *Fixer) try(cur *audit.Target, rep *audit.Result, p string, patches []Patch) (*audit.Target, *audit.Result, error) {
	old := cur.File(p)
	var edits []Edit
	renames := map[string]string{}
	brings := map[string]bool{}
	for _, pt := range patches {
		for _, id := range pt.Brings {
			brings[id] = true
		}
		edits = append(edits, pt.Edits...)
		for k, v := range pt.Renames {
			renames[k] = v
		}
	}
	src, err := Apply(old.Source, edits)
	if err != nil {
		return nil, nil, err
	}
	next := withSource(cur, p, src)
	nf := next.File(p)
	if nf == nil {
		return nil, nil, fmt.Errorf("the patched file no longer parses")
	}
	if a, b := fileErrors(cur, p), fileErrors(next, p); len(b) > len(a) {
		return nil, nil, fmt.Errorf("the patched file has a parse error: %s", b[len(b)-1])
	}
	nrep := fx.audit(next)
	if nrep.Failed {
		return nil, nil, fmt.Errorf("a check failed on the patched file: %s", failedChecks(nrep.Report))
	}
	before := counts(rep.Report.Findings, p, renames)
	after := counts(nrep.Report.Findings, p, renames)
	fixed := map[string]int{}
	for _, pt := range patches {
		for _, f := range pt.Findings {
			fixed[identity(f, renames)]++
		}
	}
	for id, n := range fixed {
		if after[id] > before[id]-n {
			return nil, nil, fmt.Errorf("the finding is still reported (%s)", strings.SplitN(id, "\x00", 2)[0])
		}
	}
	for _, f := range nrep.Report.Findings {
		if f.File != p || brings[f.Check] {
			continue
		}
		if id := identity(f, renames); after[id] > before[id] {
			return nil, nil, fmt.Errorf("it brings a new finding: %s: %s", f.Check, f.Message)
		}
	}
	for _, pt := range patches {
		if pt.Verify != nil {
			if err := pt.Verify(nf); err != nil {
				return nil, nil, err
			}
		}
	}
	return next, nrep, nil
}

// identity names a finding for comparing audits before and after a patch: its check, file and
// key (or message), with the patch's renames made (longest text first).
func identity(f audit.Finding, renames map[string]string) string {
	k := f.Key
	if k == "" {
		k = f.Message
	}
	if len(renames) > 0 {
		from := make([]string, 0, len(renames))
		for r := range renames {
			from = append(from, r)
		}
		slices.SortFunc(from, func(a, b string) int { return len(b) - len(a) })
		var pairs []string
		for _, r := range from {
			pairs = append(pairs, r, renames[r])
		}
		k = strings.NewReplacer(pairs...).Replace(k)
	}
	return f.Check + "\x00" + f.File + "\x00" + k
}

func counts(fs []audit.Finding, p string, renames map[string]string) map[string]int {
	m := map[string]int{}
	for _, f := range fs {
		if f.File == p {
			m[identity(f, renames)]++
		}
	}
	return m
}

func fileErrors(t *audit.Target, p string) []string {
	var out []string
	for _, e := range t.Errors {
		if e.File == p {
			out = append(out, e.Message)
		}
	}
	return out
}

// withSource is a copy of target t whose file p has the source src; every file is parsed anew,
// so that audits of the copy share nothing with t.
func withSource(t *audit.Target, p string, src []byte) *audit.Target {
	n := &audit.Target{Kind: t.Kind, Name: t.Name, Ref: t.Ref, Config: t.Config, RootDir: t.RootDir, Repo: t.Repo}
	for _, e := range t.Errors {
		if e.File != p && strings.HasPrefix(e.Message, "not audited") {
			n.Errors = append(n.Errors, e)
		}
	}
	for _, f := range t.Files {
		s := f.Source
		if f.Path == p {
			s = src
		}
		n.AddSource(f.Path, s)
		if f.Path != p {
			continue
		}
		// AddSource guesses the kind from the path; a single-file target may be a workflow
		// whose name does not say so.
		if nf := n.File(p); nf != nil && nf.Kind != f.Kind {
			n.Files = slices.DeleteFunc(n.Files, func(x *audit.File) bool { return x == nf })
		}
	}
	return n
}

func sortOutcomes(os []Outcome) {
	slices.SortStableFunc(os, func(a, b Outcome) int {
		if c := strings.Compare(a.Finding.File, b.Finding.File); c != 0 {
			return c
		}
		if a.Finding.Line != b.Finding.Line {
			return a.Finding.Line - b.Finding.Line
		}
		if a.Finding.Column != b.Finding.Column {
			return a.Finding.Column - b.Finding.Column
		}
		return strings.Compare(a.Finding.Check, b.Finding.Check)
	})
}
