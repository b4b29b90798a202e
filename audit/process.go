package audit

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bmatcuk/doublestar/v4"
)

// ProcessOptions are the settings of processing: suppression, remaps, filters.
type ProcessOptions struct {
	Config        *Config
	MinSeverity   Severity
	MinConfidence Confidence
	// Now is today's date for exception expiry.
	Now time.Time
	// ZizmorIDs are the check ids that are also zizmor's, for `# zizmor: ignore[...]`.
	ZizmorIDs map[string]bool
}

var ignoreComment = regexp.MustCompile(`#\s*(rampart|zizmor)\s*:\s*ignore\[([^\]]*)\](.*)$`)

// Process turns raw findings of one target into the report's findings, all in one place:
// severity remaps, fingerprints, inline ignores, config exceptions, filters, de-duplication
// and sorting. It returns the findings and the status of each config exception; the raw
// findings are changed in place (severity, fingerprint, suppression).
func Process(t *Target, raw []*Finding, opts ProcessOptions) ([]Finding, []ExceptionStatus) {
	cfg := opts.Config
	// The findings are worked on through pointers (a Finding is a large struct: sorting pointers
	// moves eight bytes each) and copied into the result once, in the final order. The raw
	// findings are the engine's own (their passes are over), so they are changed in place.
	kept := make([]*Finding, 0, len(raw))
	for _, f := range raw {
		if cc := cfg.CheckSettings(f.Check); cc.Severity != nil {
			f.Severity = *cc.Severity
		}
		if f.Severity < opts.MinSeverity || f.Confidence < opts.MinConfidence {
			continue
		}
		kept = append(kept, f)
	}
	// In order of place (stably: the checks' order at one place), repeats of a finding (same
	// check, place and message) stand together with the others at that place; the first is kept.
	slices.SortStableFunc(kept, comparePlace)
	kept = dropRepeats(kept)
	files := fileLookup{t: t}
	fingerprint(&files, kept)
	statuses := make([]ExceptionStatus, 0)
	if cfg != nil {
		for i := range cfg.Exceptions {
			e := &cfg.Exceptions[i]
			statuses = append(statuses, ExceptionStatus{Check: e.Check, Path: e.Path, Reason: e.Reason, Expires: e.Expires, Status: "unused"})
		}
	}
	for _, f := range kept {
		if s := inlineSuppression(files.get(f.File), f, opts.ZizmorIDs); s != nil {
			f.Suppressed, f.Suppression = true, s
			continue
		}
		if cfg == nil {
			continue
		}
		for j := range cfg.Exceptions {
			e := &cfg.Exceptions[j]
			if !e.matches(f) {
				continue
			}
			statuses[j].Matched++
			if e.Expired(opts.Now) {
				statuses[j].Status = "expired"
				continue
			}
			statuses[j].Status = "applied"
			f.Suppressed = true
			f.Suppression = &Suppression{Kind: "config", Reason: e.Reason, Expires: e.Expires}
			break
		}
	}
	for j := range statuses {
		if cfg != nil && statuses[j].Matched == 0 && cfg.Exceptions[j].Expired(opts.Now) {
			statuses[j].Status = "expired"
		}
	}
	slices.SortFunc(kept, compareFindings)
	out := make([]Finding, len(kept))
	for i, f := range kept {
		out[i] = *f
	}
	return out, statuses
}

// fileLookup finds a target's file by path, remembering the last one: findings come grouped by file.
type fileLookup struct {
	t    *Target
	last *File
}

func (l *fileLookup) get(path string) *File {
	if l.last != nil && l.last.Path == path {
		return l.last
	}
	if f := l.t.File(path); f != nil {
		l.last = f
		return f
	}
	return nil
}

func (e *Exception) matches(f *Finding) bool {
	if e.Check != "*" && e.Check != f.Check {
		return false
	}
	if e.Path != "" {
		if ok, err := doublestar.Match(e.Path, f.File); err != nil || !ok {
			return false
		}
	}
	return e.Line == 0 || e.Line == f.Line
}

// inlineSuppression looks for an ignore comment naming the finding's check on its line or the line above.
func inlineSuppression(file *File, f *Finding, zizmorIDs map[string]bool) *Suppression {
	if file == nil || !file.hasIgnores() {
		return nil
	}
	for _, n := range []int{f.Line, f.Line - 1} {
		line := file.Line(n)
		if !strings.Contains(line, "ignore[") {
			continue
		}
		m := ignoreComment.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		if m[1] == "zizmor" && !zizmorIDs[f.Check] {
			continue
		}
		for _, id := range strings.Split(m[2], ",") {
			if strings.TrimSpace(id) == f.Check {
				reason := strings.TrimSpace(m[3])
				if reason == "" {
					reason = "(no reason given)"
				}
				return &Suppression{Kind: "inline", Reason: m[1] + ": " + reason}
			}
		}
	}
	return nil
}

// fingerprint gives each finding an id that survives line moves: the check, the file, and the
// check's key or else the text of the finding's line; repeats get an occurrence number, counted
// in the findings' order, which is that of comparePlace.
func fingerprint(files *fileLookup, fs []*Finding) {
	type baseKey struct{ check, file, key string }
	count := make(map[baseKey]int, len(fs))
	var buf []byte
	for _, f := range fs {
		var line []byte
		if f.Key == "" {
			if file := files.get(f.File); file != nil {
				line = bytes.TrimSpace(file.lineBytes(f.Line))
			}
		}
		k := baseKey{f.Check, f.File, f.Key}
		if f.Key == "" {
			k.key = string(line)
		}
		n := count[k]
		count[k] = n + 1
		buf = append(buf[:0], f.Check...)
		buf = append(buf, 0)
		buf = append(buf, f.File...)
		buf = append(buf, 0)
		buf = append(buf, k.key...)
		buf = append(buf, 0)
		buf = strconv.AppendInt(buf, int64(n), 10)
		sum := sha256.Sum256(buf)
		f.Fingerprint = hex.EncodeToString(sum[:12])
	}
}

// comparePlace orders findings by file, line and column.
func comparePlace(a, b *Finding) int {
	return cmp.Or(strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column))
}

// dropRepeats keeps the first of the findings with the same check, place and message, in
// findings ordered by place.
func dropRepeats(fs []*Finding) []*Finding {
	out := fs[:0]
	group := 0 // where the findings at the current place start in out
	for _, f := range fs {
		if len(out) > group && comparePlace(out[group], f) != 0 {
			group = len(out)
		}
		repeat := false
		for _, g := range out[group:] {
			if g.Check == f.Check && g.Message == f.Message {
				repeat = true
				break
			}
		}
		if !repeat {
			out = append(out, f)
		}
	}
	return out
}

// SortFindings sorts by file, line, column, check (and message, for a total order).
func SortFindings(fs []Finding) {
	if slices.IsSortedFunc(fs, func(a, b Finding) int { return compareFindings(&a, &b) }) {
		return
	}
	ptrs := make([]*Finding, len(fs))
	for i := range fs {
		ptrs[i] = &fs[i]
	}
	slices.SortFunc(ptrs, compareFindings)
	sorted := make([]Finding, len(fs))
	for i, f := range ptrs {
		sorted[i] = *f
	}
	copy(fs, sorted)
}

func compareFindings(a, b *Finding) int {
	return cmp.Or(strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column),
		strings.Compare(a.Check, b.Check), strings.Compare(a.Message, b.Message))
}
