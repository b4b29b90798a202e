package audit

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Engine runs checks over targets and builds the report.
type Engine struct {
	Checks  []*Check
	Version string
	// Timed, when set, is told how long each check ran on each target (for profiling).
	Timed func(check string, d time.Duration)
}

// AuditOptions are one audit's settings.
type AuditOptions struct {
	// Config, when set (--config), applies to every target instead of each target's own.
	Config        *Config
	MinSeverity   Severity
	MinConfidence Confidence
	// Online is false when API-backed checks cannot run; OfflineReason says why.
	Online        bool
	OfflineReason string
	// Now is the audit's date (exception expiry); time.Now when zero.
	Now time.Time
	// Persona ("regular", "pedantic", "auditor") selects which checks run; "" runs every check.
	Persona string
	// OnlineFor gives each target its API access; nil when offline.
	OnlineFor func(*Target) *Online
}

// Result is the report with what the command needs beyond it.
type Result struct {
	Report *Report
	// Failed is true when a check itself failed: the audit is incomplete.
	Failed bool
}

// checkOutcome is what became of one check on one target: it ran, or was skipped and why, or
// both (it ran but could not learn everything).
type checkOutcome struct {
	ran, skipped bool
	why          string
}

type targetResult struct {
	info  TargetInfo
	stats Stats
	// findings are sorted (compareFindings) and point into the target's own blocks: they are
	// copied once, into the report.
	findings   []*Finding
	exceptions []ExceptionStatus
	errors     []FileError
	checks     []checkOutcome // by index in Engine.Checks
	failed     bool
}

// Audit runs every check over every target, processes the findings, scores them and returns the report.
func (e *Engine) Audit(targets []*Target, opts AuditOptions) *Result {
	loaders := make([]TargetLoader, len(targets))
	for i, t := range targets {
		loaders[i] = func() (*Target, error) { return t, nil }
	}
	res, _ := e.audit(loaders, opts, false)
	return res
}

// TargetLoader loads one target when the engine is ready to audit it.
type TargetLoader func() (*Target, error)

// AuditStream loads and audits targets a few at a time, releasing each target's parsed files as
// soon as it is audited, so that memory stays flat however many targets there are. A loader's
// error stops the audit and is returned.
func (e *Engine) AuditStream(loaders []TargetLoader, opts AuditOptions) (*Result, error) {
	return e.audit(loaders, opts, true)
}

func (e *Engine) audit(loaders []TargetLoader, opts AuditOptions, release bool) (*Result, error) {
	start := time.Now()
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	zizmor := map[string]bool{}
	// Each check's remediation and link, which every finding carries, are worked out once.
	texts := make([][2]string, len(e.Checks)) // by index in e.Checks
	for i, c := range e.Checks {
		if c.Equivalents["zizmor"] == c.ID {
			zizmor[c.ID] = true
		}
		texts[i] = [2]string{firstParagraph(c.Fix), c.URL()}
	}
	results := make([]targetResult, len(loaders))
	errs := make([]error, len(loaders))
	// GOMAXPROCS workers take the targets in turn, each with its own expression cache (see
	// exprCache), so caches are shared across targets but never by two at once. A worker lives for
	// the whole audit: its stack, grown once by the YAML parser's recursion, serves every target
	// after the first (a goroutine per target grew a fresh stack each time: ~1.5 ms per corpus pass).
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(loaders)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cache := exprCache{}
			// The rest of a target's last block of findings serves the next target (see Pass.Reportf),
			// and so does the rest of the block its list of findings was in (see findingList).
			var slab []Finding
			var list findingList
			for {
				i := int(next.Add(1) - 1)
				if i >= len(loaders) {
					return
				}
				t, err := loaders[i]()
				if err != nil {
					errs[i] = err
					continue
				}
				for _, f := range t.Files {
					f.exprCache = cache
				}
				results[i] = e.auditTarget(t, opts, zizmor, texts, &slab, &list)
				for _, f := range t.Files {
					f.exprCache = nil
				}
				if release {
					t.Files = nil
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}

	rep := &Report{Schema: ReportSchema, Tool: Tool{Name: "rampart", Version: e.Version},
		Findings: []Finding{}, Skipped: []Skipped{}, Errors: []FileError{}}
	infos := make([]TargetInfo, len(results))
	for i, r := range results {
		infos[i] = r.info
	}
	rep.Target = targetInfo(infos)
	// Whether each check ran on some target, and why it was skipped (the last target's reason),
	// by index in e.Checks; the categories known are worked out from the former once.
	ran := make([]bool, len(e.Checks))
	skipped := make([]checkOutcome, len(e.Checks))
	res := &Result{Report: rep}
	multi := len(results) > 1
	total := 0
	for _, r := range results {
		total += len(r.findings)
	}
	runs := make([][]*Finding, len(results))
	// Paths in the report are joined to their target's name when there are several targets.
	var paths []targetPath
	if multi {
		paths = make([]targetPath, len(results))
		for i, r := range results {
			paths[i] = newTargetPath(r.info.Name)
		}
	}
	for i, r := range results {
		prefix := func(p string) string {
			if !multi {
				return p
			}
			return paths[i].join(p)
		}
		runs[i] = r.findings
		for _, fe := range r.errors {
			fe.File = prefix(fe.File)
			rep.Errors = append(rep.Errors, fe)
		}
		for _, x := range r.exceptions {
			x.Path = prefix(x.Path)
			rep.Exceptions = append(rep.Exceptions, x)
		}
		for j := range e.Checks {
			ran[j] = ran[j] || r.checks[j].ran
			if r.checks[j].skipped {
				skipped[j] = r.checks[j]
			}
		}
		res.Failed = res.Failed || r.failed
		rep.Stats.Files += r.stats.Files
		rep.Stats.Workflows += r.stats.Workflows
		rep.Stats.Actions += r.stats.Actions
		rep.Stats.Dependabot += r.stats.Dependabot
		rep.Stats.Dockerfiles += r.stats.Dockerfiles
	}
	known := map[Category]bool{}
	for j, c := range e.Checks {
		if ran[j] {
			known[c.Category] = true
		}
		if skip := skipped[j]; skip.skipped {
			rep.Skipped = append(rep.Skipped, Skipped{Check: c.ID, Reason: skip.why})
		}
	}
	// The findings' paths are joined to their target's name as they are copied into the report.
	var file func(run int, p string) string
	if multi {
		file = func(run int, p string) string { return paths[run].join(p) }
	}
	rep.Findings = mergeRuns(runs, total, file)
	sr := Score(rep.Findings, known)
	rep.Score, rep.Grade, rep.Categories = sr.Score, sr.Grade, sr.Categories
	for i := range rep.Findings {
		rep.Findings[i].Points = sr.Points[i]
	}
	rep.Stats.DurationMS = int(time.Since(start).Milliseconds())
	return res, nil
}

// mergeRuns copies the targets' findings, each target's sorted by compareFindings, into one
// slice in the order of SortFindings over all of them. file, when set, gives a finding's path (and
// those of its related places) in the report from its target's index and its own; it is applied
// to the copies, and once to each related place. Targets' paths seldom interleave (each has its
// own folder), so the runs, ordered by their first finding, usually just follow one another: a
// check of the joined order, made as the findings are copied, with no equal neighbours, proves it
// is the one order. Otherwise the findings are sorted as SortFindings does, from the targets'
// order, which gives the same result also for findings that compare equal (one folder audited twice).
func mergeRuns(runs [][]*Finding, total int, file func(run int, p string) string) []Finding {
	order := make([]int, 0, len(runs))
	for i, run := range runs {
		if len(run) > 0 {
			order = append(order, i)
		}
	}
	if file != nil && len(order) > 1 {
		firsts := make([]Finding, len(runs))
		for _, i := range order {
			f := &firsts[i]
			f.File, f.Line, f.Column = file(i, runs[i][0].File), runs[i][0].Line, runs[i][0].Column
			f.Check, f.Message = runs[i][0].Check, runs[i][0].Message
		}
		slices.SortFunc(order, func(i, j int) int { return compareFindings(&firsts[i], &firsts[j]) })
	} else {
		slices.SortFunc(order, func(i, j int) int { return compareFindings(runs[i][0], runs[j][0]) })
	}
	out := make([]Finding, total)
	starts := make([]int, len(runs)) // where each run's copies start in out
	k := 0
	strict := true
	for _, i := range order {
		starts[i] = k
		for _, f := range runs[i] {
			d := &out[k]
			*d = *f
			if file != nil {
				d.File = file(i, d.File)
				for j := range d.Related {
					d.Related[j].File = file(i, d.Related[j].File)
				}
			}
			if k > 0 && strict {
				strict = compareFindings(&out[k-1], d) < 0
			}
			k++
		}
	}
	if strict {
		return out
	}
	all := make([]*Finding, 0, total)
	for i, run := range runs {
		for j := range run {
			all = append(all, &out[starts[i]+j])
		}
	}
	if !slices.IsSortedFunc(all, compareFindings) {
		slices.SortFunc(all, compareFindings)
	}
	sorted := make([]Finding, total)
	for i, f := range all {
		sorted[i] = *f
	}
	return sorted
}

// targetStats counts a target's files by kind.
func targetStats(t *Target) Stats {
	var s Stats
	for _, f := range t.Files {
		s.Files++
		switch f.Kind {
		case KindWorkflow:
			s.Workflows++
		case KindAction:
			s.Actions++
		case KindDependabot:
			s.Dependabot++
		case KindDockerfile:
			s.Dockerfiles++
		}
	}
	s.Files += unauditedFiles(t)
	return s
}

// unauditedFiles counts files listed in errors that were not audited at all.
func unauditedFiles(t *Target) int {
	if len(t.Errors) == 0 {
		return 0
	}
	seen := map[string]bool{}
	for _, f := range t.Files {
		seen[f.Path] = true
	}
	n := 0
	for _, fe := range t.Errors {
		if fe.File != "" && !seen[fe.File] && strings.HasPrefix(fe.Message, "not audited") {
			seen[fe.File] = true
			n++
		}
	}
	return n
}

func (e *Engine) auditTarget(t *Target, opts AuditOptions, zizmor map[string]bool, texts [][2]string, slab *[]Finding, list *findingList) targetResult {
	r := targetResult{checks: make([]checkOutcome, len(e.Checks)),
		info: TargetInfo{Kind: t.Kind, Name: t.Name, Ref: t.Ref}, stats: targetStats(t)}
	cfg := opts.Config
	if cfg == nil {
		cfg = t.Config
	}
	r.errors = append(r.errors, t.Errors...)
	// The passes share one slice of findings and the worker's supply of Finding blocks (see Pass.Reportf).
	raw := list.take()
	// One Pass serves each check in turn (a check keeps none after its Run): ~2,800 allocations
	// of 160 bytes a corpus pass were one a check and target.
	pass := new(Pass)
	for i, c := range e.Checks {
		cc := cfg.CheckSettings(c.ID)
		if cc.Disable {
			r.checks[i] = checkOutcome{skipped: true, why: "disabled in the config"}
			continue
		}
		if opts.Persona != "" && PersonaRank(c.Persona) > PersonaRank(opts.Persona) {
			continue
		}
		if c.Online && !opts.Online {
			r.checks[i] = checkOutcome{skipped: true, why: opts.OfflineReason}
			continue
		}
		*pass = Pass{Check: c, Target: t, Settings: cc.Settings, Config: cfg, remediation: texts[i][0], url: texts[i][1],
			findings: raw, first: len(raw), slab: *slab}
		if c.Online && opts.OnlineFor != nil {
			pass.Online = opts.OnlineFor(t)
		}
		var began time.Time
		if e.Timed != nil {
			began = time.Now()
		}
		err := runCheck(c, pass)
		if e.Timed != nil {
			e.Timed(c.ID, time.Since(began))
		}
		*slab = pass.slab
		if err != nil {
			r.failed = true
			r.errors = append(r.errors, FileError{Message: fmt.Sprintf("check %s failed: %v", c.ID, err)})
			continue
		}
		raw = pass.findings
		if len(pass.unknown) > 0 {
			if len(pass.Findings()) == 0 {
				r.checks[i] = checkOutcome{skipped: true, why: "unknown: " + strings.Join(pass.unknown, "; ")}
				continue
			}
			r.checks[i] = checkOutcome{skipped: true, why: "partly unknown: " + strings.Join(pass.unknown, "; ")}
		}
		r.checks[i].ran = true
	}
	raw = list.keep(raw)
	r.findings, r.exceptions = process(t, raw, ProcessOptions{Config: cfg, MinSeverity: opts.MinSeverity,
		MinConfidence: opts.MinConfidence, Now: opts.Now, ZizmorIDs: zizmor})
	return r
}

// runCheck runs one check, turning a panic into an error that names it.
func runCheck(c *Check, p *Pass) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panic: %v (this is a bug in rampart; please report it)", v)
			if os.Getenv("RAMPART_DEBUG") != "" {
				os.Stderr.Write(debug.Stack())
			}
		}
	}()
	return c.Run(p)
}

func targetInfo(ts []TargetInfo) TargetInfo {
	if len(ts) == 1 {
		return ts[0]
	}
	names := make([]string, len(ts))
	kind := ""
	for i, t := range ts {
		names[i] = t.Name
		if kind == "" || kind == t.Kind {
			kind = t.Kind
		} else {
			kind = "multi"
		}
	}
	return TargetInfo{Kind: kind, Name: strings.Join(names, " ")}
}

func filepathToSlash(p string) string { return strings.ReplaceAll(p, "\\", "/") }
