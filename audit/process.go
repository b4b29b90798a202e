package audit

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"time"
	"unsafe"

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

// Process turns raw findings of one target into the report's findings, all in one place:
// severity remaps, fingerprints, inline ignores, config exceptions, filters, de-duplication
// and sorting. It returns the findings and the status of each config exception; the raw
// findings are changed in place (severity, fingerprint, suppression).
func Process(t *Target, raw []*Finding, opts ProcessOptions) ([]Finding, []ExceptionStatus) {
	kept, statuses := process(t, slices.Clone(raw), opts)
	out := make([]Finding, len(kept))
	for i, f := range kept {
		out[i] = *f
	}
	return out, statuses
}

// process is Process without the copy: it reorders and shortens raw itself and returns the
// kept findings, sorted by compareFindings, as a prefix of it. The engine keeps working on these
// pointers (a Finding is a large struct: sorting pointers moves eight bytes each) and copies the
// findings once, into the report.
func process(t *Target, raw []*Finding, opts ProcessOptions) ([]*Finding, []ExceptionStatus) {
	cfg := opts.Config
	// Only a config can change severities; without one a finding's check settings are empty.
	remap := cfg != nil && len(cfg.Checks) > 0
	kept := raw[:0]
	for _, f := range raw {
		if remap {
			if cc := cfg.CheckSettings(f.Check); cc.Severity != nil {
				f.Severity = *cc.Severity
			}
		}
		if f.Severity < opts.MinSeverity || f.Confidence < opts.MinConfidence {
			continue
		}
		kept = append(kept, f)
	}
	// In order of place (stably: the checks' order at one place), repeats of a finding (same
	// check, place and message) stand together with the others at that place; the first is kept.
	sortByPlace(kept)
	kept = dropRepeats(kept)
	files := fileLookup{t: t}
	statuses := make([]ExceptionStatus, 0)
	var exceptions []Exception
	if cfg != nil {
		exceptions = cfg.Exceptions
		for i := range exceptions {
			e := &exceptions[i]
			statuses = append(statuses, ExceptionStatus{Check: e.Check, Path: e.Path, Reason: e.Reason, Expires: e.Expires, Status: "unused"})
		}
	}
	// One pass over the findings, a file at a time (they are grouped by file): fingerprints,
	// then inline ignores and config exceptions.
	var fp fingerprinter
	fp.init(len(kept))
	for start := 0; start < len(kept); {
		end := start + 1
		for end < len(kept) && kept[end].File == kept[start].File {
			end++
		}
		file := files.get(kept[start].File)
		group := kept[start:end]
		fp.file(file, group)
		// A file with no ignore comment (most) needs no look at its findings' lines. One search
		// of the whole file for the marker's rare '[' costs less than looking at each finding's
		// two lines (which was done while the search went from the marker's common 'i').
		ignores := file != nil && file.hasIgnores()
		for _, f := range group {
			if ignores {
				if s := inlineSuppression(file, f, opts.ZizmorIDs); s != nil {
					f.Suppressed, f.Suppression = true, s
					continue
				}
			}
			for j := range exceptions {
				e := &exceptions[j]
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
		start = end
	}
	fp.finish(kept)
	for j := range statuses {
		if statuses[j].Matched == 0 && exceptions[j].Expired(opts.Now) {
			statuses[j].Status = "expired"
		}
	}
	sortWithinPlaces(kept)
	return kept, statuses
}

// sortByPlace is slices.SortStableFunc(fs, comparePlace), whose result is the only stable order,
// worked out by merging the ascending runs the findings come in: each check reports in the order
// of its files and their lines, so a target's findings are a few runs, one or more per check.
func sortByPlace(fs []*Finding) {
	bounds := []int{0} // where each run starts, and the end
	for i := 1; i < len(fs); i++ {
		if comparePlace(fs[i-1], fs[i]) > 0 {
			bounds = append(bounds, i)
		}
	}
	bounds = append(bounds, len(fs))
	if len(bounds) <= 2 {
		return
	}
	src, dst := fs, make([]*Finding, len(fs))
	for len(bounds) > 2 {
		// Merge runs in pairs; the new bounds overwrite the old ones, behind where they are read.
		n := 0
		for i := 0; i+1 < len(bounds); i += 2 {
			lo := bounds[i]
			if i+2 < len(bounds) {
				mergeByPlace(dst[lo:bounds[i+2]], src[lo:bounds[i+1]], src[bounds[i+1]:bounds[i+2]])
			} else {
				copy(dst[lo:], src[lo:bounds[i+1]])
			}
			bounds[n] = lo
			n++
		}
		bounds[n] = len(fs)
		bounds = bounds[:n+1]
		src, dst = dst, src
	}
	if &src[0] != &fs[0] {
		copy(fs, src)
	}
}

// mergeByPlace merges two runs in order of place into out, the first run's first on a tie, as a
// stable sort would.
func mergeByPlace(out, a, b []*Finding) {
	i, j := 0, 0
	for k := range out {
		if j == len(b) || (i < len(a) && comparePlace(a[i], b[j]) <= 0) {
			out[k] = a[i]
			i++
		} else {
			out[k] = b[j]
			j++
		}
	}
}

// sortWithinPlaces finishes the order of compareFindings on findings already in order of place:
// only the findings at one place (seldom more than a few) are left to order by check and message.
// No two of them are equal (dropRepeats kept one of each), so the order is the one any sort by
// compareFindings gives.
func sortWithinPlaces(fs []*Finding) {
	for start := 0; start < len(fs); {
		end := start + 1
		for end < len(fs) && samePlace(fs[start], fs[end]) {
			end++
		}
		if end-start > 1 {
			slices.SortFunc(fs[start:end], compareFindings)
		}
		start = end
	}
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
	if file == nil {
		return nil
	}
	for _, n := range []int{f.Line, f.Line - 1} {
		line := file.lineBytes(n)
		if !bytes.Contains(line, ignoreMarker) {
			continue
		}
		tool, ids, rest, ok := parseIgnore(line)
		if !ok {
			continue
		}
		if tool == "zizmor" && !zizmorIDs[f.Check] {
			continue
		}
		for _, id := range strings.Split(string(ids), ",") {
			if strings.TrimSpace(id) == f.Check {
				reason := strings.TrimSpace(string(rest))
				if reason == "" {
					reason = "(no reason given)"
				}
				return &Suppression{Kind: "inline", Reason: tool + ": " + reason}
			}
		}
	}
	return nil
}

var ignoreMarker = []byte("ignore[")

// parseIgnore finds an ignore comment in a line (which has no line break) as the regular
// expression `#\s*(rampart|zizmor)\s*:\s*ignore\[([^\]]*)\](.*)$` would (its submatches are
// tool, ids and rest), written out: the expression took ~13,000 instructions a line, ~1 M a
// corpus pass. The match starts at the first '#' from which the rest follows: "\s*", "rampart"
// or "zizmor", "\s*:\s*ignore[", the ids up to the first ']', and the rest of the line.
func parseIgnore(line []byte) (tool string, ids, rest []byte, ok bool) {
	for i := 0; ; {
		j := bytes.IndexByte(line[i:], '#')
		if j < 0 {
			return "", nil, nil, false
		}
		i += j + 1
		k := skipRESpace(line, i)
		switch {
		case bytes.HasPrefix(line[k:], []byte("rampart")):
			tool = "rampart"
		case bytes.HasPrefix(line[k:], []byte("zizmor")):
			tool = "zizmor"
		default:
			continue
		}
		k = skipRESpace(line, k+len(tool))
		if k == len(line) || line[k] != ':' {
			continue
		}
		k = skipRESpace(line, k+1)
		if !bytes.HasPrefix(line[k:], ignoreMarker) {
			continue
		}
		k += len(ignoreMarker)
		end := bytes.IndexByte(line[k:], ']')
		if end < 0 {
			continue
		}
		return tool, line[k : k+end], line[k+end+1:], true
	}
}

// skipRESpace skips the bytes of "\s" (RE2's: tab, line feed, form feed, carriage return and
// space) from line[i] on.
func skipRESpace(line []byte, i int) int {
	for i < len(line) {
		switch line[i] {
		case '\t', '\n', '\f', '\r', ' ':
			i++
		default:
			return i
		}
	}
	return i
}

// fingerprinter gives each finding an id that survives line moves: the check, the file, and the
// check's key or else the text of the finding's line; repeats get an occurrence number, counted
// in the findings' order, which is that of comparePlace. Findings come grouped by file, so
// repeats are counted within a file's findings: by looking back over them when they are few
// (a file has about six; two map operations a finding cost ~3 M instructions a corpus pass and
// the maps 0.4 MB), by a map when they are many.
type fingerprinter struct {
	seen  []fingerprintKey       // the check and key or line of the current file's findings so far
	count map[fingerprintKey]int // repeats of the files with many findings, made when first needed
	files int                    // the files given so far; the current one's number
	// The fingerprints are written side by side into one string and handed out as slices of it:
	// one allocation for the target instead of one per finding.
	hexes strings.Builder
	buf   []byte
}

// fingerprintKey is what repeats are counted by: the file, by its number (the findings come
// grouped by file; looking back, always the current one), the check and the key or line.
type fingerprintKey struct {
	file       int
	check, key string
}

const fingerprintSize = 2 * 12

// fingerprintLookBack is the most findings of a file whose repeats are counted by looking back:
// 2,016 comparisons for 64 findings, about the cost of their map operations.
const fingerprintLookBack = 64

// init makes room for n fingerprints.
func (fp *fingerprinter) init(n int) {
	fp.seen = make([]fingerprintKey, 0, min(n, fingerprintLookBack))
	fp.buf = make([]byte, 0, 256)
	fp.hexes.Grow(fingerprintSize * n)
}

// file fingerprints the findings of one file (nil when the target has no such file).
func (fp *fingerprinter) file(file *File, fs []*Finding) {
	fp.files++
	buf := fp.buf
	fp.seen = fp.seen[:0]
	if len(fs) > fingerprintLookBack && fp.count == nil {
		fp.count = make(map[fingerprintKey]int, len(fs))
	}
	for _, f := range fs {
		key := f.Key
		if key == "" && file != nil {
			// The line's text is looked at in place, not copied: the source does not change
			// during an audit, and the keys are dropped with the fingerprinter.
			if line := bytes.TrimSpace(file.lineBytes(f.Line)); len(line) > 0 {
				key = unsafe.String(&line[0], len(line))
			}
		}
		k := fingerprintKey{fp.files, f.Check, key}
		n := 0
		if len(fs) <= fingerprintLookBack {
			for _, s := range fp.seen {
				if s.key == key && s.check == f.Check {
					n++
				}
			}
			fp.seen = append(fp.seen, k)
		} else {
			n = fp.count[k]
			fp.count[k] = n + 1
		}
		buf = append(buf[:0], f.Check...)
		buf = append(buf, 0)
		buf = append(buf, f.File...)
		buf = append(buf, 0)
		buf = append(buf, key...)
		buf = append(buf, 0)
		buf = strconv.AppendInt(buf, int64(n), 10)
		sum := sha256.Sum256(buf)
		var h [fingerprintSize]byte
		hex.Encode(h[:], sum[:12])
		fp.hexes.Write(h[:])
	}
	fp.buf = buf
}

// finish hands out the fingerprints of fs, all of whose files were given to file in this order.
func (fp *fingerprinter) finish(fs []*Finding) {
	all := fp.hexes.String()
	for i, f := range fs {
		f.Fingerprint = all[i*fingerprintSize : (i+1)*fingerprintSize]
	}
}

// comparePlace orders findings by file, line and column.
func comparePlace(a, b *Finding) int {
	// Early returns rather than cmp.Or, which would work out every comparison first.
	if c := strings.Compare(a.File, b.File); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Line, b.Line); c != 0 {
		return c
	}
	return cmp.Compare(a.Column, b.Column)
}

// samePlace is comparePlace(a, b) == 0 without the order: the numbers, which mostly differ, are
// compared first, and the paths, mostly one string, for equality only.
func samePlace(a, b *Finding) bool {
	return a.Line == b.Line && a.Column == b.Column && a.File == b.File
}

// dropRepeats keeps the first of the findings with the same check, place and message, in
// findings ordered by place.
func dropRepeats(fs []*Finding) []*Finding {
	out := fs[:0]
	group := 0 // where the findings at the current place start in out
	for _, f := range fs {
		if len(out) > group && !samePlace(out[group], f) {
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
	sorted := true
	for i := 1; i < len(fs) && sorted; i++ {
		sorted = compareFindings(&fs[i-1], &fs[i]) <= 0
	}
	if sorted {
		return
	}
	ptrs := make([]*Finding, len(fs))
	for i := range fs {
		ptrs[i] = &fs[i]
	}
	slices.SortFunc(ptrs, compareFindings)
	out := make([]Finding, len(fs))
	for i, f := range ptrs {
		out[i] = *f
	}
	copy(fs, out)
}

func compareFindings(a, b *Finding) int {
	if c := comparePlace(a, b); c != 0 {
		return c
	}
	if c := strings.Compare(a.Check, b.Check); c != 0 {
		return c
	}
	return strings.Compare(a.Message, b.Message)
}
