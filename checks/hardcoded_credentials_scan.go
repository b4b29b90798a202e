package checks

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/rampart-sec/rampart/audit"
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
