package cli

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rampart-sec/rampart/checks"
	"github.com/rampart-sec/rampart/render"
)

// ScanOptions are the flags of `rampart scan`.
type ScanOptions struct {
	Targets       []string
	Format        string
	Output        string
	ConfigPath    string
	Offline       bool
	FailOn        string
	MinScore      int
	Baseline      string
	MinSeverity   string
	MinConfidence string
	MaxFileSize   int64
	APIURL        string
	Color         string
	Persona       string
	Online        OnlineOptions

	failOnSet, minScoreSet bool
}

func scanFlags(fs *flag.FlagSet, o *ScanOptions) {
	fs.StringVar(&o.Format, "format", "text", "output format: text|json|sarif|markdown|github")
	fs.StringVar(&o.Output, "output", "", "write the report to `FILE` instead of stdout")
	fs.StringVar(&o.ConfigPath, "config", "", "config `FILE` (default: .github/rampart.yml or rampart.yml in the target)")
	fs.BoolVar(&o.Offline, "offline", false, "never call the network; API-backed checks are skipped")
	fs.StringVar(&o.FailOn, "fail-on", "high", "exit 1 on a finding at or above this severity: none|info|low|medium|high|critical")
	fs.IntVar(&o.MinScore, "min-score", 0, "exit 1 when the score is below `N`")
	fs.StringVar(&o.Baseline, "baseline", "", "earlier JSON `REPORT`: mark findings new or existing, give the score change; --fail-on counts new findings only")
	fs.StringVar(&o.MinSeverity, "min-severity", "info", "leave out findings below this severity")
	fs.StringVar(&o.MinConfidence, "min-confidence", "", "leave out findings below this confidence: low|medium|high (default: the persona's)")
	fs.StringVar(&o.Persona, "persona", "regular", "how much to show: regular (medium confidence and up), pedantic (all confidences, code-quality checks), auditor (everything)")
	fs.Int64Var(&o.MaxFileSize, "max-file-size", 0, "skip files larger than `BYTES` (default 2 MiB), listing them in errors")
	fs.StringVar(&o.APIURL, "api-url", "", "GitHub API URL (default $GITHUB_API_URL or https://api.github.com)")
	onlineFlags(fs, &o.Online)
	fs.StringVar(&o.Color, "color", "auto", "colour in text output: auto|always|never (auto: on a terminal, unless NO_COLOR is set)")
}

func runScan(args []string, stdout, stderr io.Writer) (int, error) {
	var o ScanOptions
	fs := newFlagSet("rampart scan", stderr)
	scanFlags(fs, &o)
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: rampart scan [TARGET...] [flags]\n\nTARGET is a directory (default .), a workflow or action.yml file, or owner/repo[@ref].\n\nFlags:\n")
		fs.PrintDefaults()
	}
	pos, help, err := parseFlags(fs, args)
	if help || err != nil {
		return ExitOK, err
	}
	o.Targets = pos
	o.failOnSet, o.minScoreSet = flagWasSet(fs, "fail-on"), flagWasSet(fs, "min-score")
	return scan(o, stdout)
}

var remoteTarget = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+(@\S+)?$`)

func scan(o ScanOptions, stdout io.Writer) (int, error) {
	if err := oneOf("format", o.Format, render.Formats()...); err != nil {
		return ExitUsage, err
	}
	if err := oneOf("color", o.Color, "auto", "always", "never"); err != nil {
		return ExitUsage, err
	}
	var failOn *audit.Severity
	if o.FailOn != "none" {
		s, err := audit.ParseSeverity(o.FailOn)
		if err != nil {
			return ExitUsage, usageError{"--fail-on: " + err.Error() + " or none"}
		}
		failOn = &s
	}
	minSev, err := audit.ParseSeverity(o.MinSeverity)
	if err != nil {
		return ExitUsage, usageError{"--min-severity: " + err.Error()}
	}
	if err := oneOf("persona", o.Persona, audit.Personas...); err != nil {
		return ExitUsage, err
	}
	minConf := audit.MediumConfidence
	if o.Persona != "regular" {
		minConf = audit.LowConfidence
	}
	if o.MinConfidence != "" {
		if minConf, err = audit.ParseConfidence(o.MinConfidence); err != nil {
			return ExitUsage, usageError{"--min-confidence: " + err.Error()}
		}
	}
	if o.MinScore < 0 || o.MinScore > 100 {
		return ExitUsage, usageError{fmt.Sprintf("--min-score must be between 0 and 100, not %d", o.MinScore)}
	}
	known := checks.IDs()
	var global *audit.Config
	if o.ConfigPath != "" {
		if global, err = audit.LoadConfig(o.ConfigPath, known); err != nil {
			return ExitUsage, usageError{err.Error()}
		}
		if err := audit.ValidateConfig(global, checks.All()); err != nil {
			return ExitUsage, usageError{fmt.Sprintf("%s: %v", o.ConfigPath, err)}
		}
	}
	var base *audit.Report
	if o.Baseline != "" {
		if base, err = audit.LoadReport(o.Baseline); err != nil {
			return ExitUsage, usageError{err.Error()}
		}
	}
	if len(o.Targets) == 0 {
		o.Targets = []string{"."}
	}
	maxSize := o.MaxFileSize
	if maxSize == 0 && global != nil {
		maxSize = global.MaxFileSize
	}
	sess, why, err := startOnline(o)
	if err != nil {
		return ExitUsage, err
	}
	// One target is loaded first, for its config (fail-on, min-score); several are loaded and
	// audited a few at a time, each released once audited, so that memory stays flat.
	var loaders []audit.TargetLoader
	var single *audit.Target
	if len(o.Targets) == 1 {
		if single, err = loadTarget(o.Targets[0], o, maxSize, known, sess); err != nil {
			return ExitUsage, err
		}
		loaders = []audit.TargetLoader{func() (*audit.Target, error) { return single, nil }}
	} else {
		for _, name := range o.Targets {
			loaders = append(loaders, func() (*audit.Target, error) { return loadTarget(name, o, maxSize, known, sess) })
		}
	}
	// Settings from the config: --config, or the only target's own file; flags win.
	cfg := global
	if cfg == nil && single != nil {
		cfg = single.Config
	}
	if cfg != nil {
		if !o.failOnSet && cfg.FailOn != nil {
			failOn = cfg.FailOn
		}
		if !o.minScoreSet && cfg.MinScore != nil {
			o.MinScore = *cfg.MinScore
		}
		if cfg.MinSeverity != nil && o.MinSeverity == "info" {
			minSev = *cfg.MinSeverity
		}
		if cfg.MinConfidence != nil && o.MinConfidence == "" {
			minConf = *cfg.MinConfidence
		}
	}
	online := sess != nil && sess.checks
	var onlineFor func(*audit.Target) *audit.Online
	if online {
		onlineFor = sess.onlineFor
	}
	eng := &audit.Engine{Checks: checks.All(), Version: Version}
	res, err := eng.AuditStream(loaders, audit.AuditOptions{Config: global, MinSeverity: minSev, MinConfidence: minConf,
		Online: online, OfflineReason: why, Now: time.Now(), Persona: o.Persona, OnlineFor: onlineFor})
	if err != nil {
		return ExitNoAudit, err
	}
	rep := res.Report
	if rep.Stats.Files == 0 && !hasFileErrors(rep) {
		return ExitNoAudit, auditError{fmt.Sprintf("no workflow, action.yml, Dockerfile or dependabot.yml found in %q", o.Targets)}
	}
	rep.Stats.APIRequests = sess.requests()
	if base != nil {
		audit.CompareBaseline(rep, base, o.Baseline)
	}
	if err := writeReport(o, rep, res.Failed, stdout); err != nil {
		return ExitNoAudit, err
	}
	if res.Failed {
		return ExitNoAudit, auditError{"a check failed; the report is incomplete (see errors)"}
	}
	return verdict(rep, failOn, o.MinScore), nil
}

func hasFileErrors(rep *audit.Report) bool {
	for _, e := range rep.Errors {
		if e.File != "" {
			return true
		}
	}
	return false
}

// verdict is the exit code of a finished audit: 1 on a counted finding at or above failOn
// (with a baseline, a new one), or a score below minScore.
func verdict(rep *audit.Report, failOn *audit.Severity, minScore int) int {
	if rep.Score < minScore {
		return ExitFail
	}
	if failOn == nil {
		return ExitOK
	}
	for _, f := range rep.Findings {
		if f.Counts() && f.Severity >= *failOn && f.Baseline != "existing" {
			return ExitFail
		}
	}
	return ExitOK
}

func loadTarget(name string, o ScanOptions, maxSize int64, known map[string]bool, sess *onlineSession) (*audit.Target, error) {
	st, err := os.Stat(name)
	if err != nil {
		if remoteTarget.MatchString(name) && !filepath.IsAbs(name) {
			if o.Offline || sess == nil {
				return nil, usageError{fmt.Sprintf("%q is a remote repository, and --offline forbids the network", name)}
			}
			if o.ConfigPath != "" {
				known = nil // --config applies instead of the repository's own
			}
			t, err := sess.fetch(name, maxSize, known)
			if err == nil && o.ConfigPath != "" {
				t.Config = nil
			}
			return t, err
		}
		return nil, auditError{fmt.Sprintf("no such target %q", name)}
	}
	opts := audit.LoadOptions{MaxFileSize: maxSize}
	var t *audit.Target
	if st.IsDir() {
		t, err = audit.LoadDir(name, opts)
	} else {
		t, err = audit.LoadFile(name, opts)
	}
	if err != nil {
		return nil, auditError{err.Error()}
	}
	sess.bindLocal(t, o.Online.Repo)
	if st.IsDir() && o.ConfigPath == "" {
		if p := audit.FindConfig(t.RootDir); p != "" {
			cfg, err := audit.LoadConfig(p, known)
			if err != nil {
				return nil, usageError{err.Error()}
			}
			if err := audit.ValidateConfig(cfg, checks.All()); err != nil {
				return nil, usageError{fmt.Sprintf("%s: %v", p, err)}
			}
			t.Config = cfg
		}
	}
	return t, nil
}

func writeReport(o ScanOptions, rep *audit.Report, failed bool, stdout io.Writer) error {
	color := o.Color == "always"
	if o.Color == "auto" && o.Output == "" && o.Format == "text" {
		color = isTerminal(stdout) && os.Getenv("NO_COLOR") == ""
	}
	var buf bytes.Buffer
	if err := render.Write(&buf, o.Format, rep, render.Options{Color: color, Checks: checks.All(), Failed: failed}); err != nil {
		return fmt.Errorf("cannot render the report: %w", err)
	}
	if o.Output == "" {
		_, err := stdout.Write(buf.Bytes())
		return err
	}
	if err := os.WriteFile(o.Output, buf.Bytes(), 0o644); err != nil {
		return auditError{fmt.Sprintf("cannot write the report: %v", err)}
	}
	return nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
