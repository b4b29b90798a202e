package checks

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

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

// hcMayAssignEq is a cheap test before the regexps: a line that hcAssign or hcFlag can report
// assigns with "=" to a name with a credential's ending, or has a credential flag (which
// script finds with hcFlagFrom).
func hcMayAssignEq(line string) bool {
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
		// Every ending ends with one of these letters, in any case.
		if end == 0 {
			continue
		}
		switch line[end-1] | 0x20 {
		case 'n', 't', 'd', 's', 'y', 'e', 'l', 'h':
		default:
			continue
		}
		for _, w := range hcAssignEnds {
			if end >= len(w) && strings.EqualFold(line[end-len(w):end], w) {
				return true
			}
		}
	}
}

// script audits the assignments and command-line flags of a run: script.
// Only the lines that hold "=" or a credential flag ("-pass", "-token", "-api", "-secret") can
// be reported: they are found with byte searches over the whole script, in order.
func (s *hcScan) script(run *actionlint.String) {
	v := run.Value
	eq, dash := -2, -2 // the next "=" and credential flag at or after off; -1 when there is none
	for off := 0; off < len(v); {
		if eq != -1 && eq < off {
			eq = hcIndexFrom(v, off, '=')
		}
		if dash != -1 && dash < off {
			dash = hcFlagFrom(v, off)
		}
		i := eq
		if i < 0 || dash >= 0 && dash < i {
			i = dash
		}
		if i < 0 {
			break
		}
		ls := strings.LastIndexByte(v[:i], '\n') + 1
		le := len(v)
		if j := strings.IndexByte(v[i:], '\n'); j >= 0 {
			le = i + j
		}
		line := v[ls:le]
		off = le + 1
		t := strings.TrimSpace(line)
		// dash is the first credential flag at or after the line's start.
		if !(dash >= 0 && dash < le || hcMayAssignEq(line)) || strings.HasPrefix(t, "#") || !hcMayAssign(t) {
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

// hcIndexFrom is the index of the first c in v at or after off, or -1.
func hcIndexFrom(v string, off int, c byte) int {
	if i := strings.IndexByte(v[off:], c); i >= 0 {
		return off + i
	}
	return -1
}

// hcFlagFrom is the index of the first "-" followed by "pass", "token", "api" or "secret" in v
// at or after off, or -1.
func hcFlagFrom(v string, off int) int {
	for {
		i := hcIndexFrom(v, off, '-')
		if i < 0 {
			return -1
		}
		r := v[i+1:]
		if strings.HasPrefix(r, "pass") || strings.HasPrefix(r, "token") || strings.HasPrefix(r, "api") || strings.HasPrefix(r, "secret") {
			return i
		}
		off = i + 1
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
