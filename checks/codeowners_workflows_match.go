package checks

import (
	"regexp"
	"strings"
)

// coRule is one line of a CODEOWNERS file.
type coRule struct {
	line    int
	pattern string
	owners  []string
	re      *regexp.Regexp
}

// coParse reads a CODEOWNERS file. Blank lines and comments are skipped, and so are lines whose
// pattern GitHub does not support ("!" negation, "[...]" ranges): GitHub ignores them too.
func coParse(src string) []coRule {
	var rules []coRule
	for i, line := range strings.Split(src, "\n") {
		line = strings.TrimSpace(strings.TrimSuffix(line, "\r"))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := coFields(line)
		if len(fields) == 0 {
			continue
		}
		pat := fields[0]
		if strings.HasPrefix(pat, "!") || strings.ContainsAny(pat, "[]") {
			continue
		}
		var owners []string
		for _, o := range fields[1:] {
			if strings.HasPrefix(o, "#") {
				break
			}
			owners = append(owners, o)
		}
		rules = append(rules, coRule{line: i + 1, pattern: pat, owners: owners, re: coCompile(pat)})
	}
	return rules
}

// coFields splits a line on blanks, keeping "\ " and "\#" escapes inside the pattern.
func coFields(line string) []string {
	var out []string
	var cur strings.Builder
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '\\' && i+1 < len(line):
			i++
			cur.WriteByte(line[i])
		case c == ' ' || c == '\t':
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteByte(c)
		}
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

// coCompile turns a CODEOWNERS pattern into a regexp over slash-separated paths from the root,
// following gitignore as GitHub documents it: a leading or inner "/" anchors the pattern at the
// root, otherwise it matches at any depth; "*" and "?" do not cross "/", "**" does; a pattern
// that names a directory covers everything below it, except that "dir/*" covers only the
// directory's own files.
func coCompile(pat string) *regexp.Regexp {
	dirOnly := strings.HasSuffix(pat, "/")
	p := strings.TrimRight(pat, "/")
	anchored := strings.Contains(p, "/")
	p = strings.TrimPrefix(p, "/")
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		switch {
		case strings.HasPrefix(p[i:], "**/"):
			b.WriteString(`(?:.*/)?`)
			i += 2
		case strings.HasPrefix(p[i:], "**"):
			b.WriteString(`.*`)
			i++
		case p[i] == '*':
			b.WriteString(`[^/]*`)
		case p[i] == '?':
			b.WriteString(`[^/]`)
		default:
			b.WriteString(regexp.QuoteMeta(p[i : i+1]))
		}
	}
	prefix := `^`
	if !anchored {
		prefix = `^(?:.*/)?`
	}
	suffix := `(?:/.*)?$`
	switch {
	case dirOnly:
		suffix = `/.*$`
	case anchored && p[strings.LastIndex(p, "/")+1:] == "*":
		suffix = `$`
	}
	re, err := regexp.Compile(prefix + b.String() + suffix)
	if err != nil {
		return regexp.MustCompile(`^\x00$`)
	}
	return re
}

// coOwner returns the rule that decides who owns path: the last one that matches, or nil.
func coOwner(rules []coRule, path string) *coRule {
	for i := len(rules) - 1; i >= 0; i-- {
		if rules[i].re.MatchString(path) {
			return &rules[i]
		}
	}
	return nil
}
