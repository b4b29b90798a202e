package audit

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/rhysd/actionlint"
)

// Pass is what a check sees when it runs: the target's parsed files, the check's settings,
// and the means to report findings. It is the check's until its Run returns: the engine then
// hands it to the target's next check.
type Pass struct {
	Check  *Check
	Target *Target
	// Settings are the check's options from the config file (checks.<id>), such as unpinned-uses' policy.
	Settings map[string]any
	// Config is the whole config, for checks that read global lists (allow-actions).
	Config *Config
	// Online is the GitHub API; nil when offline or without a token (online checks do not run then).
	Online *Online

	// findings are the target's findings so far, this pass's from index first on: the engine
	// hands each pass of a target the same growing slice (and the rest of the last pass's slab,
	// which a worker carries on to its next target), so that a target's findings are gathered
	// without a slice per check.
	findings    []*Finding
	first       int
	slab        []Finding // room for the next findings
	unknown     []string
	remediation string // the first paragraph of the check's Fix, computed once
	url         string // the check's documentation link, computed once
}

// Unknown records that the check could not learn something (the token cannot read a setting).
// A check that reports nothing but unknowns is listed as skipped with these reasons and costs no
// points; unknown is never a finding.
func (p *Pass) Unknown(format string, args ...any) {
	p.unknown = append(p.unknown, fmt.Sprintf(format, args...))
}

// Reportf reports a finding at pos in file with the check's default severity, confidence,
// remediation and URL; the caller may change the returned finding's fields.
func (p *Pass) Reportf(file *File, pos *actionlint.Pos, format string, args ...any) *Finding {
	msg := format
	if len(args) > 0 {
		msg = formatMessage(format, args)
	}
	// Findings are carved from blocks that grow with the count (1, 1, 2, 4... up to 64), so a
	// target with many findings makes few allocations and one with a single finding wastes little;
	// the rest of a target's last block serves the worker's next target. A block takes all of the
	// allocator's size class (64 findings would leave 1.5 KB of 16 KB unused): slices.Grow rounds
	// the capacity up to it, and a new block's room is zero.
	if len(p.slab) == 0 {
		b := slices.Grow([]Finding(nil), min(64, max(1, len(p.findings))))
		p.slab = b[:cap(b)]
	}
	// A slab's findings are handed out once and are zero: setting the fields one by one spares
	// copying a whole Finding (with a write barrier for each of its pointers while the GC runs).
	f := &p.slab[0]
	p.slab = p.slab[1:]
	f.Check = p.Check.ID
	f.Severity = p.Check.Severity
	f.Confidence = p.Check.Confidence
	f.Category = p.Check.Category
	f.File = file.Path
	f.Message = msg
	f.Remediation = p.remediationText()
	f.URL = p.urlText()
	if pos != nil {
		f.Line, f.Column = pos.Line, pos.Col
	}
	if f.Line < 1 {
		f.Line = 1
	}
	if f.Column < 1 {
		f.Column = 1
	}
	f.EndLine = f.Line
	p.findings = append(p.findings, f)
	return f
}

func (p *Pass) urlText() string {
	if p.url == "" {
		p.url = p.Check.URL()
	}
	return p.url
}

func (p *Pass) remediationText() string {
	if p.remediation == "" {
		p.remediation = firstParagraph(p.Check.Fix)
	}
	return p.remediation
}

// At is a position for Reportf from a line and column.
func At(line, col int) *actionlint.Pos { return &actionlint.Pos{Line: line, Col: col} }

// Findings returns what the pass reported so far.
func (p *Pass) Findings() []*Finding { return p.findings[p.first:] }

func firstParagraph(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.Index(s, "\n\n"); i >= 0 {
		s = s[:i]
	}
	return strings.Join(strings.Fields(s), " ")
}

// formatMessage is fmt.Sprintf(format, args...) for what checks' messages use: %s, %v and %q of
// strings, %d and %v of ints, and %%. It writes the message with one allocation ("%s" of one
// string needs none) instead of going through fmt's reflection. Any other verb, a flag, a width,
// another argument type or a count of arguments that does not match goes to fmt.Sprintf, so the
// text is always exactly Sprintf's.
func formatMessage(format string, args []any) string {
	if format == "%s" && len(args) == 1 {
		if s, ok := args[0].(string); ok {
			return s
		}
	}
	b := make([]byte, 0, 256)
	n := 0 // arguments used
	for rest := format; rest != ""; {
		i := strings.IndexByte(rest, '%')
		if i < 0 {
			b = append(b, rest...)
			break
		}
		b = append(b, rest[:i]...)
		if i+1 == len(rest) {
			return fmt.Sprintf(format, args...)
		}
		verb := rest[i+1]
		rest = rest[i+2:]
		if verb == '%' {
			b = append(b, '%')
			continue
		}
		if n == len(args) {
			return fmt.Sprintf(format, args...)
		}
		switch a := args[n].(type) {
		case string:
			switch verb {
			case 's', 'v':
				b = append(b, a...)
			case 'q':
				b = appendQuote(b, a)
			default:
				return fmt.Sprintf(format, args...)
			}
		case int:
			if verb != 'd' && verb != 'v' {
				return fmt.Sprintf(format, args...)
			}
			b = strconv.AppendInt(b, int64(a), 10)
		default:
			return fmt.Sprintf(format, args...)
		}
		n++
	}
	if n != len(args) {
		return fmt.Sprintf(format, args...)
	}
	return string(b)
}

// appendQuote is strconv.AppendQuote, which decodes and tests each rune (~2,000 instructions for
// a step's command in a message): a string of printable ASCII with no '"' or '\\' in it is only
// put between quotes.
func appendQuote(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c > '~' || c == '"' || c == '\\' {
			return strconv.AppendQuote(b, s)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
