package checks

import (
	"fmt"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

func (s *hcScan) job(j *actionlint.Job) {
	s.svc = nil
	if j.Services != nil {
		for _, svc := range j.Services.Value {
			if svc != nil && svc.Container != nil && svc.Container.Env != nil {
				for _, v := range svc.Container.Env.Vars {
					if v != nil && v.Name != nil && v.Value != nil {
						if _, pw := hcCredentialName(v.Name.Value); pw {
							if s.svc == nil {
								s.svc = map[string]bool{}
							}
							s.svc[strings.TrimSpace(v.Value.Value)] = true
						}
					}
				}
			}
		}
	}
	s.env(j.Env, "env", false)
	for _, st := range j.Steps {
		if st != nil {
			s.env(st.Env, "env", false)
		}
	}
	s.svc = nil
	if wc := j.WorkflowCall; wc != nil {
		for _, in := range wc.Inputs {
			if in != nil && in.Name != nil {
				s.assign(in.Name.Value, in.Value, "input", false)
			}
		}
	}
	if c := j.Container; c != nil {
		s.container(c, j, false, "")
		s.env(c.Env, "container env", false)
	}
	if j.Services != nil {
		for name, svc := range j.Services.Value {
			if svc != nil && svc.Container != nil {
				s.container(svc.Container, j, true, name)
				s.env(svc.Container.Env, "service env", true)
			}
		}
	}
}

// container reports a literal registry password of job j's container, or of its service named service.
func (s *hcScan) container(c *actionlint.Container, j *actionlint.Job, isService bool, service string) {
	cr := c.Credentials
	if cr == nil || cr.Password == nil || strings.Contains(cr.Password.Value, "${{") || strings.TrimSpace(cr.Password.Value) == "" {
		return
	}
	what := fmt.Sprintf("job %q container", j.ID.Value)
	if isService {
		what = fmt.Sprintf("job %q service %q", j.ID.Value, service)
	}
	v := cr.Password.Value
	s.report(cr.Password.Pos, v, "%s registry password is written in the workflow (%q)", what, hcRedact(v, ""))
}

func (s *hcScan) env(env *actionlint.Env, where string, service bool) {
	if env == nil {
		return
	}
	// The map's keys are the names in lower case: a name that cannot be a credential's is
	// dismissed without reading its node.
	for k, v := range env.Vars {
		if hcMayBeCredentialKey(k) && v != nil && v.Name != nil {
			s.assign(v.Name.Value, v.Value, where, service)
		}
	}
}

// assign audits a literal value given to a name: an env var, an input.
func (s *hcScan) assign(name string, val *actionlint.String, where string, service bool) {
	if val == nil || val.Pos == nil {
		return
	}
	if !hcMayBeCredentialName(name) {
		return
	}
	cred, password := hcCredentialName(name)
	if !cred || s.hit[val.Pos.Line] || strings.Contains(val.Value, "${{") {
		return
	}
	v := strings.TrimSpace(val.Value)
	if hcPlaceholder(v) || strings.ContainsAny(v, " \n") {
		return
	}
	switch {
	case password && s.svc[v]:
		f := s.report(val.Pos, v, "%s %q repeats the literal password of a service container (%q)", where, name, hcRedact(v, ""))
		f.Severity, f.Confidence = audit.Low, audit.LowConfidence
	case service && password:
		f := s.report(val.Pos, v, "%s %q of a service container sets a literal password (%q)", where, name, hcRedact(v, ""))
		f.Severity, f.Confidence = audit.Low, audit.LowConfidence
	case hcRandom(v):
		f := s.report(val.Pos, v, "%s %q is set to a literal that looks like a credential (%q)", where, name, hcRedact(v, ""))
		f.Confidence = audit.MediumConfidence
	case password && len(v) >= 6:
		f := s.report(val.Pos, v, "%s %q is set to a literal password (%q)", where, name, hcRedact(v, ""))
		f.Severity, f.Confidence = audit.Medium, audit.LowConfidence
	}
}

// report records a finding at pos for the secret value v.
func (s *hcScan) report(pos *actionlint.Pos, v, format string, args ...any) *audit.Finding {
	f := s.pass.Reportf(s.file, pos, format, args...)
	f.Key = fmt.Sprintf("%s %s", f.Message, hcHash(v))
	if pos != nil {
		if s.hit == nil {
			s.hit = map[int]bool{}
		}
		s.hit[pos.Line] = true
	}
	return f
}

// hcMayBeCredentialName is a quick look at the last byte of a name before hcCredentialName: every
// name it accepts ends, once trailing separators and spaces are dropped, with a word that ends in
// N, T, D, S, Y, E, L or H in any case. A last byte that is a separator, a space or not ASCII is
// left to hcCredentialName.
func hcMayBeCredentialName(name string) bool {
	if name == "" {
		return false
	}
	switch c := name[len(name)-1]; c | 0x20 {
	case 'n', 't', 'd', 's', 'y', 'e', 'l', 'h':
		return true
	default:
		return c >= 0x80 || c == '_' || c == '-' || c == '.' || c <= ' '
	}
}
