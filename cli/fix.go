package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rampart-sec/rampart/checks"
	"github.com/rampart-sec/rampart/fix"
	"github.com/rampart-sec/rampart/render"
)

// FixOptions are the flags of `rampart fix`.
type FixOptions struct {
	Targets    []string
	DryRun     bool
	Only       string
	Offline    bool
	PinMap     string
	ConfigPath string
	Persona    string
	MaxSize    int64
	APIURL     string
}

func runFix(args []string, stdout, stderr io.Writer) (int, error) {
	var o FixOptions
	fs := newFlagSet("rampart fix", stderr)
	fs.BoolVar(&o.DryRun, "dry-run", false, "print a unified diff of the fixes and change nothing")
	fs.StringVar(&o.Only, "only", "", "fix only these checks (`ID,...`): "+strings.Join(fix.Fixable(), ", "))
	fs.BoolVar(&o.Offline, "offline", false, "never call the network; uses: refs are pinned only from --pin-map")
	fs.StringVar(&o.PinMap, "pin-map", "", "pin uses: refs from this YAML `FILE` (owner/repo: {tag: sha}) instead of the GitHub API")
	fs.StringVar(&o.ConfigPath, "config", "", "config `FILE` (default: .github/rampart.yml or rampart.yml in the target)")
	fs.StringVar(&o.Persona, "persona", "regular", "which findings to fix: regular (medium confidence and up), pedantic or auditor (all)")
	fs.Int64Var(&o.MaxSize, "max-file-size", 0, "skip files larger than `BYTES` (default 2 MiB)")
	fs.StringVar(&o.APIURL, "api-url", "", "GitHub API URL (default $GITHUB_API_URL or https://api.github.com)")
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: rampart fix [TARGET...] [flags]\n\nRewrites the workflows and actions of local TARGETs (default .) to fix what can be fixed\nsafely; see docs/fix.md. Exit codes: 0 nothing left to fix, 1 findings of fixable checks remain,\n2 usage error, 3 failure.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	pos, help, err := parseFlags(fs, args)
	if help || err != nil {
		return ExitOK, err
	}
	o.Targets = pos
	return fixRun(o, stdout, stderr)
}

func fixRun(o FixOptions, stdout, stderr io.Writer) (int, error) {
	only := map[string]bool{}
	if o.Only != "" {
		for _, id := range strings.Split(o.Only, ",") {
			id = strings.TrimSpace(id)
			if !slices.Contains(fix.Fixable(), id) {
				return ExitUsage, usageError{fmt.Sprintf("--only: %q is not a fixable check; fixable: %s", id, strings.Join(fix.Fixable(), ", "))}
			}
			only[id] = true
		}
	}
	if err := oneOf("persona", o.Persona, audit.Personas...); err != nil {
		return ExitUsage, err
	}
	minConf := audit.MediumConfidence
	if o.Persona != "regular" {
		minConf = audit.LowConfidence
	}
	known := checks.IDs()
	var global *audit.Config
	if o.ConfigPath != "" {
		var err error
		if global, err = audit.LoadConfig(o.ConfigPath, known); err != nil {
			return ExitUsage, usageError{err.Error()}
		}
		if err := audit.ValidateConfig(global, checks.All()); err != nil {
			return ExitUsage, usageError{fmt.Sprintf("%s: %v", o.ConfigPath, err)}
		}
	}
	var resolver fix.Resolver
	if o.PinMap != "" {
		pm, err := fix.LoadPinMap(o.PinMap)
		if err != nil {
			return ExitUsage, usageError{err.Error()}
		}
		resolver = pm
	}
	if len(o.Targets) == 0 {
		o.Targets = []string{"."}
	}
	for _, name := range o.Targets {
		if _, err := os.Stat(name); err != nil && remoteTarget.MatchString(name) && !filepath.IsAbs(name) {
			return ExitUsage, usageError{fmt.Sprintf("%q: rampart fix rewrites local files; clone the repository and fix the checkout", name)}
		}
	}
	so := ScanOptions{Offline: o.Offline, APIURL: o.APIURL, ConfigPath: o.ConfigPath}
	sess, why, err := startOnline(so)
	if err != nil {
		return ExitUsage, err
	}
	if resolver == nil && sess != nil {
		resolver = sess.actions
	}
	var targets []*audit.Target
	files := 0
	for _, name := range o.Targets {
		t, err := loadTarget(name, so, o.MaxSize, known, nil)
		if err != nil {
			return ExitUsage, err
		}
		files += len(t.Files) + len(t.Errors)
		targets = append(targets, t)
	}
	if files == 0 {
		return ExitNoAudit, auditError{fmt.Sprintf("no workflow, action.yml or dependabot.yml found in %q", o.Targets)}
	}
	online := sess != nil && sess.checks
	var onlineFor func(*audit.Target) *audit.Online
	if online {
		onlineFor = sess.onlineFor
	}
	fx := &fix.Fixer{Checks: checks.All(), Only: only, Persona: o.Persona, MinConfidence: minConf, Resolver: resolver,
		Options: audit.AuditOptions{Config: global, Online: online, OfflineReason: why, Now: time.Now(), OnlineFor: onlineFor}}
	summary := stdout
	if o.DryRun {
		summary = stderr
	}
	code := ExitOK
	nFixed, nLeft, nFiles := 0, 0, 0
	var failures []string
	for _, t := range targets {
		res, err := fx.Fix(t)
		if err != nil {
			return ExitNoAudit, auditError{fmt.Sprintf("%s: %v", t.Name, err)}
		}
		show := func(p string) string { return displayPath(t.RootDir, p) }
		for _, c := range res.Changes {
			if o.DryRun {
				c.Path = show(c.Path)
				if err := writeDiff(stdout, c, diffForDisplay(stdout)); err != nil {
					return ExitNoAudit, err
				}
			}
		}
		if !o.DryRun && len(res.Changes) > 0 {
			for _, err := range fix.Write(t.RootDir, res.Changes) {
				failures = append(failures, err.Error())
			}
		}
		nFiles += len(res.Changes)
		for _, oc := range res.Outcomes {
			f := oc.Finding
			verb := "fixed"
			switch oc.Status {
			case "fixed":
				nFixed++
				if o.DryRun {
					verb = "would fix"
				}
			case "dropped":
				verb = "not fixed (patch dropped)"
			default:
				verb = "not fixed"
			}
			fmt.Fprintf(summary, "%s:%d:%d: %s %s: %s\n", render.TerminalLine(show(f.File)), f.Line, f.Column, verb, f.Check, render.TerminalLine(oc.Note))
		}
		nLeft += len(res.Remaining)
	}
	for _, f := range failures {
		fmt.Fprintf(stderr, "rampart: %s\n", render.TerminalLine(f))
	}
	verb := "changed"
	if o.DryRun {
		verb = "would change"
	}
	fmt.Fprintf(summary, "rampart fix: %d finding(s) fixed, %d left, %d file(s) %s\n", nFixed, nLeft, nFiles, verb)
	switch {
	case len(failures) > 0:
		return ExitNoAudit, auditError{fmt.Sprintf("%d file(s) could not be written", len(failures))}
	case nLeft > 0:
		code = ExitFail
	}
	return code, nil
}

// displayPath names a target file relative to the working directory, with / separators, so
// that the diff applies with `git apply` or `patch -p1` from there.
func displayPath(rootDir, p string) string {
	abs := filepath.Join(rootDir, filepath.FromSlash(p))
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, abs); err == nil && !strings.HasPrefix(rel, "..") {
			return filepath.ToSlash(rel)
		}
	}
	return filepath.ToSlash(abs)
}

// diffForDisplay reports whether a --dry-run diff written to w is read by a person rather than
// kept as a patch: a terminal, or the job log when rampart runs in GitHub Actions with its output
// not redirected to a file. The audited files' lines are then escaped (see writeDiff).
func diffForDisplay(w io.Writer) bool {
	if isTerminal(w) {
		return true
	}
	if os.Getenv("GITHUB_ACTIONS") != "true" {
		return false
	}
	f, ok := w.(*os.File)
	if !ok {
		return true
	}
	st, err := f.Stat()
	return err != nil || !st.Mode().IsRegular()
}

// writeDiff writes the change's unified diff; for display, each line is made safe for a terminal
// or a job log (control characters shown escaped, workflow commands broken), since the lines come
// from the audited repository. A patch kept in a file or a pipe gets the raw lines.
func writeDiff(w io.Writer, c fix.Change, display bool) error {
	if !display {
		return fix.WriteDiff(w, c)
	}
	var buf bytes.Buffer
	if err := fix.WriteDiff(&buf, c); err != nil {
		return err
	}
	for _, line := range strings.SplitAfter(buf.String(), "\n") {
		if line == "" {
			continue
		}
		if _, err := io.WriteString(w, render.TerminalLine(strings.TrimSuffix(line, "\n"))+"\n"); err != nil {
			return err
		}
	}
	return nil
}
