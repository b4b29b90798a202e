package fix

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
	"go.yaml.in/yaml/v4"
)

// sink is a step's code string: a run: script or github-script's script input.
type sink struct {
	ref   audit.StepRef
	value *actionlint.String
	js    bool
	node  stepNode
	vnode *yaml.Node // the value's YAML node
}

// stepSinks finds the code strings of the file's steps in both trees.
func stepSinksOf(c *planCtx) []sink {
	var out []sink
	for _, ref := range c.file.Steps() {
		if r := ref.Run(); r != nil && r.Run != nil && r.Run.Pos != nil {
			if s, v, ok := c.doc.stepWith("run", r.Run.Pos.Line, r.Run.Pos.Col); ok {
				out = append(out, sink{ref: ref, value: r.Run, node: s, vnode: v})
			}
			continue
		}
		u := ref.Uses()
		if u == nil || u.Uses == nil {
			continue
		}
		name, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(u.Uses.Value)), "@")
		if name != "actions/github-script" {
			continue
		}
		in := u.Inputs["script"]
		if in == nil || in.Value == nil || in.Value.Pos == nil {
			continue
		}
		for _, s := range c.doc.steps() {
			_, with := mapGet(s.node, "with")
			if _, v := mapGet(with, "script"); v != nil && v.Line == in.Value.Pos.Line && v.Column == in.Value.Pos.Col {
				out = append(out, sink{ref: ref, value: in.Value, js: true, node: s, vnode: v})
			}
		}
	}
	return out
}

// fixInjection moves flagged ${{ }} placeholders of run: scripts (bash and sh) and github-script
// scripts into the step's env:, and reads the variable in their place.
func fixInjection(c *planCtx, fs []audit.Finding) ([]Patch, []Outcome) {
	var patches []Patch
	var skips []Outcome
	done := map[int]bool{}
	for _, sk := range stepSinksOf(c) {
		exprs := c.file.Exprs(sk.value)
		var mine []int // indexes of flagged placeholders
		var mineF []audit.Finding
		for i, e := range exprs {
			for j, f := range fs {
				if !done[j] && f.Line == e.Line && f.Column == e.Col {
					done[j] = true
					mine = append(mine, i)
					mineF = append(mineF, f)
					break
				}
			}
		}
		if len(mine) == 0 {
			continue
		}
		p, sk2 := planStep(c, sk, exprs, mine, mineF)
		skips = append(skips, sk2...)
		if p != nil {
			patches = append(patches, *p)
		}
	}
	for j, f := range fs {
		if !done[j] {
			skips = append(skips, Outcome{Finding: f, Status: "skipped", Note: "only run: scripts and actions/github-script's script: are rewritten"})
		}
	}
	return patches, skips
}

var shellWord = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*`)

var envRef = regexp.MustCompile(`^env\.([A-Za-z_][A-Za-z0-9_]*)$`)

// interp matches commands that would read a quoted value as code again.
var interp = regexp.MustCompile(`\beval\b|\b(ba|z|da)?sh\s+-c\b|\bpython[0-9.]*\s+-c\b|\b(node|ruby|perl|deno)\s+-e\b|\bpwsh\b|\bpowershell\b|\bssh\b|\|\s*(ba|z)?sh\b|\bsource\b|\bdocker\s+exec\b|\bkubectl\s+exec\b|\bjq\b|\bawk\b|\bsed\b`)

// planStep builds the patch of one step: env entries and the replacements in its script.
func planStep(c *planCtx, sk sink, exprs []audit.Expr, mine []int, fs []audit.Finding) (*Patch, []Outcome) {
	skip := func(why string, f ...audit.Finding) []Outcome {
		var out []Outcome
		for _, x := range f {
			out = append(out, Outcome{Finding: x, Status: "skipped", Note: why})
		}
		return out
	}
	if !sk.js {
		if sh := shellOf(c, sk.ref); sh != "" {
			return nil, skip(fmt.Sprintf("the step runs %s; only bash and sh scripts are rewritten", sh), fs...)
		}
	}
	style := sk.vnode.Style
	if style&yaml.FlowStyle != 0 || sk.vnode.Kind != yaml.ScalarNode {
		return nil, skip("the script is not a plain, quoted or block scalar", fs...)
	}
	spans := make([]span, len(exprs))
	for i, e := range exprs {
		spans[i] = span{e.Offset, len(e.Raw)}
	}
	var quotes map[int]quoting
	if sk.js {
		quotes = jsQuoting(sk.value.Value, spans)
	} else {
		quotes = shellQuoting(sk.value.Value, spans)
	}
	env := stepEnv(sk.node.node)
	taken := takenNames(c, sk)
	type use struct {
		expr    audit.Expr
		name    string
		replace string
		f       audit.Finding
		// wide is true when the replacement takes the string's quotes too ('${{ x }}' becomes
		// process.env.X rather than '' + process.env.X + '').
		wide bool
	}
	var uses []use
	var skips []Outcome
	named := map[string]string{} // normalised expression -> variable
	var newVars, newFlow []string
	for k, i := range mine {
		e, f := exprs[i], fs[k]
		q := quotes[e.Offset]
		line := lineAround(sk.value.Value, e.Offset)
		if strings.Contains(e.Raw, "\n") || !strings.HasSuffix(e.Raw, "}}") {
			skips = append(skips, skip("the placeholder spans lines or does not parse", f)...)
			continue
		}
		name := ""
		if m := envRef.FindStringSubmatch(e.Text); m != nil {
			name = m[1]
		} else if strings.Contains(strings.ToLower(e.Text), "env.") {
			skips = append(skips, skip("the expression reads env, which the step's own env: cannot see; move it by hand", f)...)
			continue
		}
		if name == "" {
			norm := strings.Join(strings.Fields(e.Text), " ")
			if n, ok := named[norm]; ok {
				name = n
			} else if n, ok := env[norm]; ok {
				name, named[norm] = n, n
			} else {
				name = freshName(deriveName(e.Node), taken)
				taken[name] = true
				named[norm] = name
				newVars = append(newVars, name+": "+yamlScalar("${{ "+e.Text+" }}", false))
				newFlow = append(newFlow, name+": "+yamlScalar("${{ "+e.Text+" }}", true))
			}
		}
		var repl string
		switch {
		case sk.js:
			switch q {
			case qJSSingle:
				repl = "' + process.env." + name + " + '"
			case qJSDouble:
				repl = `" + process.env.` + name + ` + "`
			case qJSTmpl:
				repl = "${process.env." + name + "}"
			case qComment:
				repl = "process.env." + name
			case qCode:
				if isToJSON(e.Node) {
					repl = "JSON.parse(process.env." + name + ")"
				}
			}
			if repl == "" {
				skips = append(skips, skip("the placeholder stands in JavaScript code, not in a string; rewrite it by hand", f)...)
				continue
			}
		default:
			switch q {
			case qCode:
				repl = `"${` + name + `}"`
			case qDouble, qComment:
				repl = "${" + name + "}"
			case qSingle:
				skips = append(skips, skip("the placeholder is inside single quotes, often code for another program (jq, python -c); rewrite it by hand", f)...)
				continue
			default:
				skips = append(skips, skip("the placeholder is inside a heredoc, backticks, ${...} or $((...)); rewrite it by hand", f)...)
				continue
			}
			if q != qComment && interp.MatchString(line) {
				skips = append(skips, skip(fmt.Sprintf("the line hands the value to %q, which would still read it as code; rewrite it by hand", interp.FindString(line)), f)...)
				continue
			}
		}
		if style == 0 && e.Offset == 0 && strings.HasPrefix(repl, `"`) {
			skips = append(skips, skip("the script is a plain scalar that would start with a quote; quote it by hand", f)...)
			continue
		}
		wide := false
		if (q == qJSSingle || q == qJSDouble) && style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
			v, qc := sk.value.Value, "'"
			if q == qJSDouble {
				qc = `"`
			}
			if e.Offset > 0 && strings.HasPrefix(v[e.Offset-1:], qc+e.Raw+qc) {
				wide, repl = true, "process.env."+name
			}
		}
		uses = append(uses, use{expr: e, name: name, replace: repl, f: f, wide: wide})
	}
	if len(uses) == 0 {
		return nil, skips
	}
	// Drop variables no kept replacement reads (their placeholder was skipped).
	read := map[string]bool{}
	for _, u := range uses {
		read[u.name] = true
	}
	unread := func(v string) bool { n, _, _ := strings.Cut(v, ":"); return !read[n] }
	newVars, newFlow = slices.DeleteFunc(newVars, unread), slices.DeleteFunc(newFlow, unread)

	var edits []Edit
	want := sk.value.Value
	for k := len(uses) - 1; k >= 0; k-- {
		u := uses[k]
		off := c.file.Offset(u.expr.Line, u.expr.Col)
		if off < 0 || off+len(u.expr.Raw) > len(c.file.Source) || string(c.file.Source[off:off+len(u.expr.Raw)]) != u.expr.Raw {
			skips = append(skips, skip("the placeholder is not written verbatim in the source", u.f)...)
			uses = slices.Delete(uses, k, k+1)
			continue
		}
		start, end, vs, ve := off, off+len(u.expr.Raw), u.expr.Offset, u.expr.Offset+len(u.expr.Raw)
		if u.wide {
			start, end, vs, ve = start-1, end+1, vs-1, ve+1
		}
		edits = append(edits, Edit{Start: start, End: end, Text: yamlEscape(u.replace, style)})
		want = want[:vs] + u.replace + want[ve:]
	}
	if len(uses) == 0 {
		return nil, skips
	}
	if len(newVars) > 0 {
		after := "uses"
		if !sk.js {
			after = "" // a new env: goes before run:, or after the step's last entry
		}
		e, why := envEdit(c.doc, sk, newVars, newFlow, after)
		if why != "" {
			var fs []audit.Finding
			for _, u := range uses {
				fs = append(fs, u.f)
			}
			return nil, append(skips, skip("cannot add the step's env: "+why, fs...)...)
		}
		edits = append(edits, e)
	}
	var fixed []audit.Finding
	names := map[string]bool{}
	for _, u := range uses {
		fixed = append(fixed, u.f)
		names[u.name] = true
	}
	js := sk.js
	return &Patch{
		Check: "template-injection", Findings: fixed, Edits: edits,
		Summary: fmt.Sprintf("move %d placeholder(s) of %s into env: (%s)", len(uses), sk.ref.Label(), strings.Join(sortedKeys(names), ", ")),
		Verify: func(nf *audit.File) error {
			for _, ref := range nf.Steps() {
				var got *actionlint.String
				if js {
					if u := ref.Uses(); u != nil && u.Inputs["script"] != nil {
						got = u.Inputs["script"].Value
					}
				} else if r := ref.Run(); r != nil {
					got = r.Run
				}
				if got == nil || got.Pos == nil || got.Value != want {
					continue
				}
				return nil
			}
			return fmt.Errorf("the rewritten script does not read as intended")
		},
	}, skips
}

// envEdit adds the new variables to the step's env:, creating it before run: when the run: key
// starts its own line, else at the end of the step.
func envEdit(d *doc, sk sink, entries, flow []string, after string) (Edit, string) {
	k, _ := mapGet(sk.node.node, "env")
	if k == nil && !sk.js {
		rk, _ := mapGet(sk.node.node, "run")
		if rk != nil && d.onOwnLine(rk) && block(sk.node.node) {
			ind := strings.Repeat(" ", rk.Column-1)
			lines := []string{ind + "env:"}
			for _, b := range entries {
				lines = append(lines, ind+strings.Repeat(" ", d.unit)+b)
			}
			line := rk.Line
			for line > 1 && strings.HasPrefix(strings.TrimSpace(d.file.Line(line-1)), "#") {
				if ind2, _ := d.indentOf(line - 1); ind2 != rk.Column-1 {
					break
				}
				line--
			}
			return d.insertBeforeLine(line, lines...), ""
		}
	}
	return d.setIn(sk.node.node, "env", entries, flow, after)
}

// stepEnv maps the normalised expression of each ${{ }}-only env entry of the step to its name.
func stepEnv(step *yaml.Node) map[string]string {
	out := map[string]string{}
	_, env := mapGet(step, "env")
	if env == nil || env.Kind != yaml.MappingNode {
		return out
	}
	for i := 0; i+1 < len(env.Content); i += 2 {
		v := strings.TrimSpace(env.Content[i+1].Value)
		if strings.HasPrefix(v, "${{") && strings.HasSuffix(v, "}}") && strings.Count(v, "${{") == 1 {
			out[strings.Join(strings.Fields(v[3:len(v)-2]), " ")] = env.Content[i].Value
		}
	}
	return out
}

// takenNames are the names a new variable must not take: env entries of the step, job and
// workflow (or action), and every word of the script.
func takenNames(c *planCtx, sk sink) map[string]bool {
	t := map[string]bool{}
	for _, m := range []*yaml.Node{sk.node.node, sk.node.job, c.doc.root} {
		_, env := mapGet(m, "env")
		if env == nil || env.Kind != yaml.MappingNode {
			continue
		}
		for i := 0; i < len(env.Content); i += 2 {
			t[env.Content[i].Value] = true
		}
	}
	if _, runs := mapGet(c.doc.root, "runs"); runs != nil {
		if _, env := mapGet(runs, "env"); env != nil && env.Kind == yaml.MappingNode {
			for i := 0; i < len(env.Content); i += 2 {
				t[env.Content[i].Value] = true
			}
		}
	}
	// Words of the script outside its placeholders (shell variables it sets or reads).
	script := sk.value.Value
	for _, e := range c.file.Exprs(sk.value) {
		script = strings.Replace(script, e.Raw, " ", 1)
	}
	for _, w := range shellWord.FindAllString(script, -1) {
		t[w] = true
	}
	for _, r := range []string{"PATH", "HOME", "CI", "PWD", "SHELL", "USER", "LANG", "TMPDIR", "IFS", "PS1", "ENV", "BASH_ENV"} {
		t[r] = true
	}
	return t
}

func freshName(base string, taken map[string]bool) string {
	if !taken[base] {
		return base
	}
	for i := 2; ; i++ {
		if n := fmt.Sprintf("%s_%d", base, i); !taken[n] {
			return n
		}
	}
}

// eventPrefixes shorten the objects of github.event in variable names.
var eventPrefixes = map[string]string{
	"pull_request": "PR", "issue": "ISSUE", "comment": "COMMENT", "review": "REVIEW",
	"review_comment": "REVIEW_COMMENT", "discussion": "DISCUSSION", "head_commit": "HEAD_COMMIT",
	"workflow_run": "WORKFLOW_RUN", "release": "RELEASE", "client_payload": "PAYLOAD", "inputs": "INPUT",
}

// deriveName makes a variable name from the first context an expression reads:
// github.event.pull_request.title is PR_TITLE, github.head_ref HEAD_REF, inputs.tag INPUT_TAG,
// steps.meta.outputs.tags META_TAGS.
func deriveName(n actionlint.ExprNode) string {
	path := firstPath(n)
	parts := strings.Split(path, ".")
	parts = slices.DeleteFunc(parts, func(s string) bool { return s == "*" || s == "" })
	switch {
	case len(parts) == 0:
		return "VALUE"
	case len(parts) > 2 && parts[0] == "github" && parts[1] == "event":
		parts = parts[2:]
		if p, ok := eventPrefixes[parts[0]]; ok {
			parts[0] = p
		}
	case parts[0] == "github" && len(parts) > 1:
		parts = parts[1:]
	case parts[0] == "inputs":
		parts[0] = "INPUT"
	case (parts[0] == "steps" || parts[0] == "needs") && len(parts) == 4 && parts[2] == "outputs":
		parts = []string{parts[1], parts[3]}
	}
	name := strings.ToUpper(strings.Join(parts, "_"))
	name = regexp.MustCompile(`[^A-Z0-9]+`).ReplaceAllString(name, "_")
	name = strings.Trim(name, "_")
	switch {
	case name == "":
		return "VALUE"
	case name[0] >= '0' && name[0] <= '9', strings.HasPrefix(name, "GITHUB_"), strings.HasPrefix(name, "RUNNER_"):
		return "X_" + name
	}
	return name
}

// firstPath is the first context property path an expression reads.
func firstPath(n actionlint.ExprNode) string {
	found := ""
	actionlint.VisitExprNode(n, func(node, _ actionlint.ExprNode, entering bool) {
		if found != "" || !entering {
			return
		}
		if p, ok := audit.ExprPath(node); ok && strings.Contains(p, ".") {
			found = p
		}
	})
	if found == "" {
		if p, ok := audit.ExprPath(n); ok {
			return p
		}
	}
	return found
}

func isToJSON(n actionlint.ExprNode) bool {
	f, ok := n.(*actionlint.FuncCallNode)
	return ok && strings.EqualFold(f.Callee, "tojson")
}

// shellOf is "" for a step that runs bash or sh, else the shell (or why it is not known).
func shellOf(c *planCtx, ref audit.StepRef) string {
	sh := ""
	if r := ref.Run(); r != nil && r.Shell != nil {
		sh = r.Shell.Value
	}
	if sh == "" && ref.Job != nil && ref.Job.Defaults != nil && ref.Job.Defaults.Run != nil && ref.Job.Defaults.Run.Shell != nil {
		sh = ref.Job.Defaults.Run.Shell.Value
	}
	if w := c.file.Workflow; sh == "" && w != nil && w.Defaults != nil && w.Defaults.Run != nil && w.Defaults.Run.Shell != nil {
		sh = w.Defaults.Run.Shell.Value
	}
	if sh != "" {
		f := strings.Fields(sh)[0]
		if f == "bash" || f == "sh" || strings.HasSuffix(f, "/bash") || strings.HasSuffix(f, "/sh") {
			return ""
		}
		return strings.Fields(sh)[0]
	}
	if ref.Job == nil {
		return "an unknown shell"
	}
	if ro := ref.Job.RunsOn; ro != nil {
		var labels []string
		for _, l := range ro.Labels {
			labels = append(labels, strings.ToLower(l.Value))
		}
		if ro.LabelsExpr != nil {
			labels = append(labels, ro.LabelsExpr.Value)
		}
		if ro.Group != nil {
			labels = append(labels, "${{ group }}")
		}
		for _, l := range labels {
			if strings.Contains(l, "windows") {
				return "pwsh (the default on Windows)"
			}
			if strings.Contains(l, "${{") {
				return "a shell chosen by an expression in runs-on"
			}
		}
	}
	return ""
}

func lineAround(s string, off int) string {
	start := strings.LastIndexByte(s[:off], '\n') + 1
	end := strings.IndexByte(s[off:], '\n')
	if end < 0 {
		return s[start:]
	}
	return s[start : off+end]
}

// yamlEscape writes text for the inside of a scalar of the given style.
func yamlEscape(s string, style yaml.Style) string {
	switch {
	case style&yaml.DoubleQuotedStyle != 0:
		return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
	case style&yaml.SingleQuotedStyle != 0:
		return strings.ReplaceAll(s, "'", "''")
	}
	return s
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
