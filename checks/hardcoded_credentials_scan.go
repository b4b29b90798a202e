package checks

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// formats scans every line of the file, comments included, for credentials of a known shape.
// The regexps run only on the lines that hold one of their literal anchors; one pass over the
// file (hcCandidates) finds those lines.
func (s *hcScan) formats(lines []int) {
	f := s.file
	for _, start := range lines {
		l, _ := f.PosAt(start)
		line := hcLineAt(f.Source, start)
		for _, fm := range hcFormats {
			if !hcLineHasAny(line, fm.anchors) {
				continue
			}
			for _, m := range fm.re.FindAllStringIndex(line, -1) {
				tok := line[m[0]:m[1]]
				if hcFormatPlaceholder(tok) {
					continue
				}
				col := utf8.RuneCountInString(line[:m[0]]) + 1
				s.report(audit.At(l, col), tok, "%s (%q) is written in the file", fm.what, hcRedact(tok, fm.prefix))
			}
		}
		if !strings.Contains(line, "PRIVATE KEY") {
			continue
		}
		if m := hcPrivateKey.FindStringIndex(line); m != nil && !s.hit[l] {
			after := line[m[1]:]
			if i := strings.Index(after, `\n`); i >= 0 {
				after = after[i+2:]
			}
			if hcKeyBody.MatchString(after) || hcKeyBody.MatchString(f.Line(l+1)) {
				col := utf8.RuneCountInString(line[:m[0]]) + 1
				s.report(audit.At(l, col), line[m[0]:], "private key (%q) is written in the file", "-----BEGIN …")
			}
		}
	}
}

// hcLineAt returns the line that starts at byte offset start, without its line break, as File.Line does.
func hcLineAt(src []byte, start int) string {
	end := bytes.IndexByte(src[start:], '\n')
	if end < 0 {
		end = len(src)
	} else {
		end += start
	}
	return string(bytes.TrimRight(src[start:end], "\r"))
}

// hcAnchorAt is a literal to look for where a trigger byte is found: the literal starts back bytes before it.
type hcAnchorAt struct {
	lit  string
	back int
}

// hcTrigger is a byte that is rare in workflows, with the anchors that hold it.
type hcTrigger struct {
	b       byte
	anchors []hcAnchorAt
}

// hcTriggers give each anchor of hcFormats (and "PRIVATE KEY") a byte of it that is rare in
// workflow files, so that a few vectorized byte searches over the file find every anchor.
var hcTriggers = func() []hcTrigger {
	var out []hcTrigger
	add := func(lit string, b byte) {
		for i := range out {
			if out[i].b == b {
				out[i].anchors = append(out[i].anchors, hcAnchorAt{lit, strings.IndexByte(lit, b)})
				return
			}
		}
		out = append(out, hcTrigger{b, []hcAnchorAt{{lit, strings.IndexByte(lit, b)}}})
	}
	all := []string{"PRIVATE KEY"}
	for _, fm := range hcFormats {
		all = append(all, fm.anchors...)
	}
	for _, a := range all {
		// Few triggers, each a pass over the file: "A" (AWS, Google, PyPI, private keys), "k", "x", "_".
		for _, b := range []byte("Axk_") {
			if strings.IndexByte(a, b) >= 0 {
				add(a, b)
				break
			}
		}
		if !strings.ContainsAny(a, "Axk_") {
			add(a, a[0])
		}
	}
	return out
}()

// hcCandidates returns the start offsets of the lines that hold an anchor of a credential format
// (or "PRIVATE KEY"), and of those that hold "@" after "://" (a URL with credentials), in order.
func hcCandidates(src []byte) (formats, urls []int) {
	for _, t := range hcTriggers {
		for off := 0; ; {
			i := bytes.IndexByte(src[off:], t.b)
			if i < 0 {
				break
			}
			i += off
			off = i + 1
			for _, a := range t.anchors {
				at := i - a.back
				if at < 0 || at+len(a.lit) > len(src) || string(src[at:at+len(a.lit)]) != a.lit {
					continue
				}
				formats = append(formats, bytes.LastIndexByte(src[:at], '\n')+1)
				break
			}
		}
	}
	if len(formats) > 1 {
		slices.Sort(formats)
		formats = slices.Compact(formats)
	}
	last := -1
	for off := 0; ; {
		i := bytes.IndexByte(src[off:], '@')
		if i < 0 {
			break
		}
		i += off
		off = i + 1
		if start := bytes.LastIndexByte(src[:i], '\n') + 1; start != last && bytes.Contains(src[start:i], []byte("://")) {
			urls, last = append(urls, start), start
		}
	}
	return formats, urls
}

func hcLineHasAny(line string, anchors []string) bool {
	for _, a := range anchors {
		if strings.Contains(line, a) {
			return true
		}
	}
	return false
}

// hcFormatPlaceholder reports whether a well-formed token is a documented example or a filler.
func hcFormatPlaceholder(tok string) bool {
	l := strings.ToLower(tok)
	for _, w := range []string{"example", "xxxx", "fake", "dummy", "placeholder", "0000000", "1234567", "abcdefg", "redacted"} {
		if strings.Contains(l, w) {
			return true
		}
	}
	return hcDistinct(tok) < 8
}

var (
	// hcAssign matches NAME=value in a script (sh export/env, PowerShell $env:NAME = "value").
	hcAssign = regexp.MustCompile(`(?:^|[\s;&|(])(?:export\s+|\$env:)?([A-Za-z_][A-Za-z0-9_]*)\s?=\s?(?:"([^"$` + "`" + `\\]*)"|'([^']*)'|([^\s"'$` + "`" + `;&|)]+))`)
	// hcFlag matches a credential given on a command line: --password value, --token=value.
	hcFlag = regexp.MustCompile(`(?:^|\s)--?(password|passwd|token|api-key|apikey|secret|client-secret|auth-token)[= ](?:"([^"$` + "`" + `\\]*)"|'([^']*)'|([^\s"'$` + "`" + `;&|)]+))`)
)

// hcNameHints are what a credential's name or flag contains (upper-cased): a script line without
// one of them and an "=" or a flag cannot assign a credential, and is not matched against the regexps.
var hcNameHints = []string{"TOKEN", "SECRET", "PASS", "PWD", "KEY", "CREDENTIAL", "AUTH"}

func hcMayAssign(line string) bool {
	if !strings.Contains(line, "=") && !strings.Contains(line, "--") && !strings.Contains(line, " -") {
		return false
	}
	// ASCII lines are searched in place, without regard to case; others are upper-cased.
	for i := 0; i < len(line); i++ {
		var hint string
		switch line[i] &^ 0x20 {
		case 'T':
			hint = "TOKEN"
		case 'S':
			hint = "SECRET"
		case 'P':
			if i+1 < len(line) && line[i+1]&^0x20 == 'W' {
				hint = "PWD"
			} else {
				hint = "PASS"
			}
		case 'K':
			hint = "KEY"
		case 'C':
			hint = "CREDENTIAL"
		case 'A':
			hint = "AUTH"
		default:
			if line[i] >= 0x80 {
				return hcMayAssignSlow(line)
			}
			continue
		}
		if i+len(hint) <= len(line) && strings.EqualFold(line[i:i+len(hint)], hint) {
			return true
		}
	}
	return false
}

func hcMayAssignSlow(line string) bool {
	u := strings.ToUpper(line)
	for _, h := range hcNameHints {
		if strings.Contains(u, h) {
			return true
		}
	}
	return false
}

// hcAssignEnds are the endings (upper-cased) of every name hcCredentialName accepts, once
// trailing underscores are dropped.
var hcAssignEnds = []string{"TOKEN", "SECRET", "PASSWORD", "PASSWD", "PWD", "PASS", "APIKEY", "PASSPHRASE", "CREDENTIAL", "CREDENTIALS", "AUTH", "KEY"}

// hcMayReport is a cheap test before the regexps: a line that hcAssign or hcFlag can report
// assigns with "=" to a name with a credential's ending, or has a credential flag.
func hcMayReport(line string) bool {
	if strings.Contains(line, "-pass") || strings.Contains(line, "-token") || strings.Contains(line, "-api") || strings.Contains(line, "-secret") {
		return true
	}
	for off := 0; ; {
		i := strings.IndexByte(line[off:], '=')
		if i < 0 {
			return false
		}
		end := off + i
		off = end + 1
		if end > 0 && pcSpace(line[end-1]) {
			end--
		}
		for end > 0 && line[end-1] == '_' {
			end--
		}
		for _, w := range hcAssignEnds {
			if end >= len(w) && strings.EqualFold(line[end-len(w):end], w) {
				return true
			}
		}
	}
}

// script audits the assignments and command-line flags of a run: script.
func (s *hcScan) script(run *actionlint.String) {
	for rest := run.Value; rest != ""; {
		line := rest
		if i := strings.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			rest = ""
		}
		t := strings.TrimSpace(line)
		if !hcMayReport(line) || strings.HasPrefix(t, "#") || !hcMayAssign(t) {
			continue
		}
		for _, re := range []*regexp.Regexp{hcAssign, hcFlag} {
			for _, m := range re.FindAllStringSubmatch(line, -1) {
				name, v := m[1], m[2]+m[3]+m[4]
				if re == hcFlag {
					name = "--" + name
				}
				cred, password := hcCredentialName(strings.TrimLeft(name, "-"))
				if !cred || hcPlaceholder(v) {
					continue
				}
				pos := s.locate(run, strings.TrimLeft(m[0], " \t;&|("))
				if pos == nil || s.hit[pos.Line] {
					continue
				}
				switch {
				case hcRandom(v):
					f := s.report(pos, v, "run script sets %q to a literal that looks like a credential (%q)", name, hcRedact(v, ""))
					f.Confidence = audit.MediumConfidence
				case password && len(v) >= 6:
					f := s.report(pos, v, "run script sets %q to a literal password (%q)", name, hcRedact(v, ""))
					f.Severity, f.Confidence = audit.Medium, audit.LowConfidence
				}
			}
		}
	}
}

// locate finds text inside the source of a string value, for a position inside a run: block.
func (s *hcScan) locate(str *actionlint.String, text string) *actionlint.Pos {
	if str.Pos == nil {
		return nil
	}
	f := s.file
	start := f.Offset(str.Pos.Line, str.Pos.Col)
	if start < 0 {
		return str.Pos
	}
	limit := min(len(f.Source), start+len(str.Value)+(strings.Count(str.Value, "\n")+2)*256)
	if i := bytes.Index(f.Source[start:limit], []byte(text)); i >= 0 {
		l, c := f.PosAt(start + i)
		return audit.At(l, c)
	}
	return str.Pos
}

// urls scans the candidate lines (hcCandidates) for passwords embedded in URLs to hosts other
// than the job's services.
func (s *hcScan) urls(lines []int) {
	f := s.file
	for _, start := range lines {
		l, _ := f.PosAt(start)
		if s.hit[l] {
			continue
		}
		line := hcLineAt(f.Source, start)
		if !strings.Contains(line, "://") || !strings.Contains(line, "@") {
			continue
		}
		for _, m := range hcURLCreds.FindAllStringSubmatchIndex(line, -1) {
			pass, host := line[m[4]:m[5]], strings.ToLower(line[m[6]:m[7]])
			if hcPlaceholder(pass) || !strings.Contains(host, ".") || strings.HasPrefix(host, "127.") ||
				host == "0.0.0.0" || strings.HasSuffix(host, ".local") || strings.HasSuffix(host, "localhost") ||
				strings.HasSuffix(host, ".example.com") || strings.HasSuffix(host, ".svc") {
				continue
			}
			col := utf8.RuneCountInString(line[:m[0]]) + 1
			fd := s.report(audit.At(l, col), pass, "URL to %q embeds a password (%q)", host, hcRedact(pass, ""))
			fd.Severity, fd.Confidence = audit.Medium, audit.MediumConfidence
			break
		}
	}
}
