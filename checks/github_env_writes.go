package checks

import (
	"regexp"
	"slices"
	"strings"

	"github.com/rampart-sec/rampart/audit"
)

// ghenvWrite is one write to an environment file and the taint of what it writes.
type ghenvWrite struct {
	target string // GITHUB_ENV, GITHUB_PATH, GITHUB_OUTPUT
	offset int
	taint  ghenvTaint
	// named is true when the command writes one NAME=value line whose name is a constant
	// (echo "NAME=$value"): a value without newlines then sets only that variable.
	named bool
}

var ghenvNamedRe = regexp.MustCompile(`^["']?[A-Za-z_][A-Za-z0-9_]*=`)

// ghenvNamed reports whether c is an echo or printf whose text starts with a constant NAME=.
func ghenvNamed(c *shellCmd) bool {
	if n := c.Name(); n != "echo" && n != "printf" {
		return false
	}
	for _, a := range c.Argv()[1:] {
		if strings.HasPrefix(a.Text, "-") {
			continue
		}
		return ghenvNamedRe.MatchString(a.Text)
	}
	return false
}

var ghenvHeadRe = regexp.MustCompile(`(?i)head|refs/pull|merge_commit|\.sha\b`)

// ghenvTarget names the environment file a word points at, "" for none.
func ghenvTarget(s *shellScript, w *shellWord) string {
	for _, name := range []string{"GITHUB_ENV", "GITHUB_PATH", "GITHUB_OUTPUT"} {
		if slices.Contains(w.Params, name) {
			return name
		}
	}
	for _, e := range s.ExprsIn(w.Offset, w.End) {
		switch strings.ToLower(e.Text) {
		case "github.env", "env.github_env":
			return "GITHUB_ENV"
		case "github.path", "env.github_path":
			return "GITHUB_PATH"
		}
	}
	return ""
}

// ghenvWrites finds the script's writes to environment files, following its variables in order.
func ghenvWrites(fl *ghenvFlow) []ghenvWrite {
	s := fl.s
	if !s.shellPosix() {
		return ghenvLineWrites(fl)
	}
	for _, c := range s.Cmds() {
		if c.Outer != nil {
			fl.inner[c.Outer] = append(fl.inner[c.Outer], c)
		}
	}
	var out []ghenvWrite
	for _, c := range s.Cmds() {
		if len(c.Assigns) > 0 && (len(c.Args) == 0 || c.Decl != "") {
			t := fl.cmd(c)
			for _, a := range c.Assigns {
				if a.Value != nil {
					fl.vars[a.Name] = t
				}
			}
			continue
		}
		for _, r := range c.Redirs {
			if r.Target == nil || !strings.HasPrefix(r.Op, ">") && !strings.HasPrefix(r.Op, "&>") {
				continue
			}
			if target := ghenvTarget(s, r.Target); target != "" {
				fl.validate(c.Offset)
				out = append(out, ghenvWrite{target: target, offset: c.Offset, taint: fl.cmd(c), named: ghenvNamed(c)})
			}
		}
		if c.Name() == "tee" {
			for _, a := range c.Argv()[1:] {
				if target := ghenvTarget(s, a); target != "" {
					fl.validate(c.Offset)
					out = append(out, ghenvWrite{target: target, offset: c.Offset, taint: fl.cmd(c)})
				}
			}
		}
	}
	return out
}

var (
	ghenvPwshWriteRe = regexp.MustCompile(`(?i)(>|out-file|add-content|set-content|tee-object|appendalltext|writealltext)[^\n]*\$\{?env:(GITHUB_ENV|GITHUB_PATH|GITHUB_OUTPUT)\b`)
	ghenvCmdWriteRe  = regexp.MustCompile(`(?i)>[^\n]*%(GITHUB_ENV|GITHUB_PATH|GITHUB_OUTPUT)%`)
	ghenvPwshVarRe   = regexp.MustCompile(`(?i)\$\{?(env:)?([A-Za-z_][A-Za-z0-9_]*)|%([A-Za-z_][A-Za-z0-9_]*)%`)
)

// ghenvLineWrites finds writes in PowerShell and cmd scripts, line by line.
func ghenvLineWrites(fl *ghenvFlow) []ghenvWrite {
	s := fl.s
	re := ghenvPwshWriteRe
	if s.Shell == "cmd" {
		re = ghenvCmdWriteRe
	} else if s.Shell != "pwsh" {
		return nil
	}
	var out []ghenvWrite
	lines := s.lines()
	for i, start := range lines {
		end := len(s.Text)
		if i+1 < len(lines) {
			end = lines[i+1]
		}
		line := s.Text[start:end]
		m := re.FindStringSubmatchIndex(line)
		if m == nil {
			continue
		}
		target := strings.ToUpper(line[m[len(m)-2]:m[len(m)-1]])
		t := ghenvTaint{}
		for _, e := range s.ExprsIn(start, end) {
			t = t.max(fl.expr(e.Node, 0))
		}
		for _, v := range ghenvPwshVarRe.FindAllStringSubmatch(line, -1) {
			name := v[2] + v[3]
			switch {
			case strings.EqualFold(name, target), v[1] == "" && v[3] == "" && ghenvPwshConst[strings.ToLower(name)]:
			case v[1] != "" || v[3] != "":
				t = t.max(fl.param(name))
			default:
				t = t.max(ghenvTaint{level: ghenvUnknown, what: "$" + name, conf: audit.LowConfidence})
			}
		}
		lead := len(line) - len(strings.TrimLeft(line, " \t"))
		out = append(out, ghenvWrite{target: target, offset: start + lead, taint: t})
	}
	return out
}

var ghenvPwshConst = map[string]bool{"true": true, "false": true, "null": true, "pwd": true, "home": true}
