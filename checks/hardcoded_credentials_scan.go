package checks

import (
	"bytes"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// formats scans every line of the file, comments included, for credentials of a known shape.
// A format's regexp runs only on the lines that hold one of its literal anchors, and only when
// the file holds one at all: most files hold none, and the scan then costs a few substring searches.
func (s *hcScan) formats() {
	f := s.file
	var active []hcFormat
	for _, fm := range hcFormats {
		if hcContainsAny(f.Source, fm.anchors) {
			active = append(active, fm)
		}
	}
	keys := bytes.Contains(f.Source, []byte("PRIVATE KEY"))
	if len(active) == 0 && !keys {
		return
	}
	for l := 1; l <= f.LineCount(); l++ {
		line := f.Line(l)
		for _, fm := range active {
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
		if !keys || !strings.Contains(line, "PRIVATE KEY") {
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

func hcContainsAny(src []byte, anchors []string) bool {
	for _, a := range anchors {
		if bytes.Contains(src, []byte(a)) {
			return true
		}
	}
	return false
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
	u := strings.ToUpper(line)
	for _, h := range hcNameHints {
		if strings.Contains(u, h) {
			return true
		}
	}
	return false
}

// script audits the assignments and command-line flags of a run: script.
func (s *hcScan) script(run *actionlint.String) {
	for _, line := range strings.Split(run.Value, "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "#") || !hcMayAssign(t) {
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

// urls scans the file for passwords embedded in URLs to hosts other than the job's services.
func (s *hcScan) urls() {
	f := s.file
	for l := 1; l <= f.LineCount(); l++ {
		if s.hit[l] {
			continue
		}
		line := f.Line(l)
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
