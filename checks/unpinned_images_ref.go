package checks

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// imageRef is a parsed container image reference: [registry/]name[:tag][@digest].
type imageRef struct {
	Name   string
	Tag    string
	Digest string
}

var imageDigest = regexp.MustCompile(`^[a-z0-9]+([+._-][a-z0-9]+)*:[0-9a-fA-F]{32,}$`)

// parseImage parses an image reference, with or without a docker:// prefix.
func parseImage(s string) imageRef {
	s = strings.TrimPrefix(strings.TrimSpace(s), "docker://")
	var r imageRef
	if i := strings.Index(s, "@"); i >= 0 {
		s, r.Digest = s[:i], s[i+1:]
	}
	if i := strings.LastIndex(s, ":"); i > strings.LastIndex(s, "/") {
		s, r.Tag = s[:i], s[i+1:]
	}
	r.Name = s
	return r
}

// Pinned reports whether the reference names its content by digest.
func (r imageRef) Pinned() bool { return imageDigest.MatchString(r.Digest) }

// Floating reports whether the reference has no tag or a tag that moves with every build
// ("latest", "main", "edge"...).
func (r imageRef) Floating() bool {
	t := strings.ToLower(r.Tag)
	return t == "" || branchNames[t] || floatingTags[t]
}

// floatingTags are image tags that, like branches, move with every build.
var floatingTags = map[string]bool{"rolling": true, "testing": true, "sid": true, "lts": true, "current": true}

// Problem says what is wrong with an unpinned reference, to follow the image in a message.
func (r imageRef) Problem() string { return r.problemWhen("runs", "when the job starts") }

// problemWhen is Problem with the verb and moment of the image's use ("is built on", "when the image is built").
func (r imageRef) problemWhen(verb, when string) string {
	switch {
	case r.Digest != "":
		return "has a malformed digest " + strconv.Quote(r.Digest) + " instead of @sha256:<64 hex>"
	case r.Tag == "":
		return "has no tag nor digest: it " + verb + " whatever \"latest\" is " + when
	case r.Floating():
		return "is pinned to the moving tag " + strconv.Quote(r.Tag) + ", not to a @sha256: digest"
	}
	return "is pinned to tag " + strconv.Quote(r.Tag) + ", not to a @sha256: digest"
}

// Severity is high for an image without a tag or at latest, medium for any other tag.
func (r imageRef) Severity() audit.Severity {
	if r.Floating() && r.Digest == "" {
		return audit.High
	}
	return audit.Medium
}

// matrixValue is one value a matrix gives an image expression.
type matrixValue struct {
	path, value string
	pos         *actionlint.Pos
}

// matrixImages expands an image written as exactly "${{ matrix.NAME }}" (or "${{ matrix.NAME || 'x' }}")
// into the values the job's matrix gives NAME (its row and its include entries, and the fallback). ok is false when any value is not a
// plain string known before the run.
func matrixImages(file *audit.File, job *actionlint.Job, v string) (out []matrixValue, ok bool) {
	if job == nil || job.Strategy == nil || job.Strategy.Matrix == nil || job.Strategy.Matrix.Expression != nil {
		return nil, false
	}
	exprs := file.Exprs(&actionlint.String{Value: v})
	if len(exprs) != 1 || exprs[0].Raw != v || exprs[0].Node == nil {
		return nil, false
	}
	// ${{ matrix.NAME || 'fallback' }}: the fallback applies to the combinations without NAME (an
	// empty one means no image: no container or service is started).
	node := exprs[0].Node
	var fallback *actionlint.StringNode
	if or, isOr := node.(*actionlint.LogicalOpNode); isOr && or.Kind == actionlint.LogicalOpNodeKindOr {
		if lit, isLit := or.Right.(*actionlint.StringNode); isLit {
			node, fallback = or.Left, lit
		}
	}
	path, isPath := audit.ExprPath(node)
	key, isMatrix := strings.CutPrefix(path, "matrix.")
	if !isPath || !isMatrix || strings.ContainsAny(key, ".*") {
		return nil, false
	}
	seen := map[string]bool{}
	if fallback != nil && fallback.Value != "" {
		seen[fallback.Value] = true
		out = append(out, matrixValue{path: path, value: fallback.Value})
	}
	add := func(rv actionlint.RawYAMLValue) bool {
		s, isStr := rv.(*actionlint.RawYAMLString)
		if !isStr || strings.Contains(s.Value, "${{") {
			return false
		}
		if !seen[s.Value] {
			seen[s.Value] = true
			out = append(out, matrixValue{path: path, value: s.Value, pos: s.Pos()})
		}
		return true
	}
	m, found := job.Strategy.Matrix, false
	if row := m.Rows[key]; row != nil {
		if row.Expression != nil {
			return nil, false
		}
		for _, rv := range row.Values {
			if !add(rv) {
				return nil, false
			}
		}
		found = true
	}
	if m.Include != nil {
		if m.Include.Expression != nil {
			return nil, false
		}
		for _, c := range m.Include.Combinations {
			if c.Expression != nil {
				return nil, false
			}
			if a := c.Assigns[key]; a != nil {
				if !add(a.Value) {
					return nil, false
				}
				found = true
			}
		}
	}
	return out, found
}

// dfStagePattern reports whether an image with unknown parts (binaries-$TARGETOS) can only name
// earlier stages: with each unknown part read as a wildcard, it matches one of them.
func dfStagePattern(v string, stages map[string]bool) bool {
	if !strings.Contains(v, dfUnset) || len(stages) == 0 {
		return false
	}
	parts := strings.Split(strings.ToLower(v), dfUnset)
	if strings.Join(parts, "") == "" {
		return false // nothing but unknowns: it may name any image
	}
	for i := range parts {
		parts[i] = regexp.QuoteMeta(parts[i])
	}
	re, err := regexp.Compile(`^` + strings.Join(parts, `[a-z0-9._-]*`) + `$`)
	if err != nil {
		return false
	}
	for st := range stages {
		if re.MatchString(st) {
			return true
		}
	}
	return false
}

// dfUsesUnset reports whether the image uses, without a ${NAME:-default} fallback, a variable that
// no global ARG declares (BuildKit expands it to "").
func dfUsesUnset(raw string, unmatched map[string]struct{}) bool {
	for n := range unmatched {
		q := regexp.QuoteMeta(n)
		if regexp.MustCompile(`\$(\{` + q + `\}|` + q + `\b)`).MatchString(raw) {
			return true
		}
	}
	return false
}

// dfPos finds the image as a word of the instruction's lines; the instruction's first column otherwise.
func dfPos(file *audit.File, img dfImage) *actionlint.Pos {
	for l := img.line; l < img.line+20 && l <= file.LineCount(); l++ {
		text := file.Line(l)
		for off := 0; off < len(text); {
			i := strings.Index(text[off:], img.raw)
			if i < 0 {
				break
			}
			start, end := off+i, off+i+len(img.raw)
			before := start > 0 && strings.ContainsRune(" \t=", rune(text[start-1]))
			after := end == len(text) || strings.ContainsRune(" \t,\\", rune(text[end]))
			if before && after {
				return audit.At(l, start+1)
			}
			off = start + 1
		}
	}
	return audit.At(img.line, 1)
}
