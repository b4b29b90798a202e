package action

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/rampart-sec/rampart/audit"
	"github.com/rampart-sec/rampart/checks"
	"go.yaml.in/yaml/v4"
)

// stage is one FROM ... AS name of a Dockerfile, with its instructions.
type stage struct {
	base, name string
	cmds       []*parser.Node
}

// parseStages reads a Dockerfile's stages with BuildKit's parser.
func parseStages(t *testing.T, src string) []stage {
	t.Helper()
	res, err := parser.Parse(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	var out []stage
	for _, n := range res.AST.Children {
		var args []string
		for a := n.Next; a != nil; a = a.Next {
			args = append(args, a.Value)
		}
		if strings.EqualFold(n.Value, "from") {
			s := stage{base: args[0]}
			if len(args) == 3 && strings.EqualFold(args[1], "as") {
				s.name = args[2]
			}
			out = append(out, s)
			continue
		}
		if len(out) == 0 {
			t.Fatalf("line %d: %s before the first FROM", n.StartLine, n.Value)
		}
		out[len(out)-1].cmds = append(out[len(out)-1].cmds, n)
	}
	return out
}

func nodeArgs(n *parser.Node) []string {
	var args []string
	for a := n.Next; a != nil; a = a.Next {
		args = append(args, a.Value)
	}
	return args
}

// last returns the arguments of a stage's last instruction of a kind, and whether it is in exec (JSON) form.
func (s stage) last(kind string) ([]string, bool) {
	var args []string
	exec := false
	for _, n := range s.cmds {
		if strings.EqualFold(n.Value, kind) {
			args, exec = nodeArgs(n), n.Attributes["json"]
		}
	}
	return args, exec
}

// There is no Docker engine here: the Dockerfile is checked through BuildKit's own parser.
func TestDockerfile(t *testing.T) {
	src, err := os.ReadFile("../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	stages := parseStages(t, string(src))
	names := make([]string, len(stages))
	for i, s := range stages {
		names[i] = s.name
	}
	if !slices.Equal(names, []string{"build", "cli", "action"}) {
		t.Fatalf("stages %q, want build, cli, action (the last is what action.yml builds)", names)
	}
	digest := regexp.MustCompile(`^[a-z0-9./-]+(:[\w.-]+)?@sha256:[0-9a-f]{64}$`)
	for _, s := range stages {
		if s.base == "cli" {
			continue // an earlier stage
		}
		if !digest.MatchString(s.base) {
			t.Errorf("stage %s: base image %q is not pinned by digest", s.name, s.base)
		}
	}
	if !strings.HasPrefix(stages[0].base, "golang:1.26@sha256:") {
		t.Errorf("builder %q, want golang:1.26@sha256:...", stages[0].base)
	}
	if !strings.Contains(stages[1].base, "distroless/static") {
		t.Errorf("runtime base %q, want distroless static", stages[1].base)
	}
	var build string
	for _, n := range stages[0].cmds {
		if strings.EqualFold(n.Value, "run") {
			build += strings.Join(nodeArgs(n), " ") + "\n"
		}
	}
	for _, want := range []string{"CGO_ENABLED=0 go build", "-trimpath", "-ldflags=", "-X github.com/rampart-sec/rampart/cli.Version=${VERSION}"} {
		if !strings.Contains(build, want) {
			t.Errorf("the build step lacks %q:\n%s", want, build)
		}
	}
	// The standalone image runs as distroless' non-root user.
	if u, _ := stages[1].last("user"); !slices.Equal(u, []string{"65532:65532"}) {
		t.Errorf("cli stage USER %q, want 65532:65532 (non-root)", u)
	}
	if e, exec := stages[1].last("entrypoint"); !exec || !slices.Equal(e, []string{"/usr/local/bin/rampart"}) {
		t.Errorf("cli ENTRYPOINT %q (exec form %v)", e, exec)
	}
	// The action's stage is the cli image back as root, as GitHub requires of Docker actions
	// (the runner's workspace and file-command files are not writable by uid 65532).
	if u, _ := stages[2].last("user"); !slices.Equal(u, []string{"0:0"}) {
		t.Errorf("action stage USER %q, want 0:0", u)
	}
	if e, exec := stages[2].last("entrypoint"); !exec || !slices.Equal(e, []string{"/usr/local/bin/rampart", "action"}) {
		t.Errorf("action ENTRYPOINT %q (exec form %v), want [/usr/local/bin/rampart action]", e, exec)
	}
	for _, s := range stages[1:] {
		for _, n := range s.cmds {
			if strings.EqualFold(n.Value, "run") {
				t.Errorf("stage %s runs a command: the runtime image has no shell", s.name)
			}
		}
	}
}

// rampart's own checks pass on its Dockerfile and action.yml.
func TestOwnFilesPassOwnChecks(t *testing.T) {
	tg := &audit.Target{Kind: "dir", Name: "rampart"}
	for _, p := range []string{"Dockerfile", "action.yml", ".github/workflows/rampart.yml"} {
		b, err := os.ReadFile("../" + p)
		if err != nil {
			t.Fatal(err)
		}
		tg.AddSource(p, b)
	}
	eng := &audit.Engine{Checks: checks.All(), Version: "test"}
	rep := eng.Audit([]*audit.Target{tg}, audit.AuditOptions{MinSeverity: audit.Info, MinConfidence: audit.MediumConfidence,
		OfflineReason: "offline test", Now: time.Now(), Persona: "regular"}).Report
	for _, f := range rep.Findings {
		switch {
		case !f.Counts():
		case f.Check == "dependabot-missing-actions":
			// The repository's dependabot.yml is not among these files.
			t.Logf("%s:%d: %s %s: %s", f.File, f.Line, f.Severity, f.Check, f.Message)
		default:
			t.Errorf("%s:%d: %s %s: %s", f.File, f.Line, f.Severity, f.Check, f.Message)
		}
	}
	for _, e := range rep.Errors {
		t.Errorf("%s: %s", e.File, e.Message)
	}
	if rep.Score != 100 {
		t.Errorf("score %d, want 100", rep.Score)
	}
}

// action.yml declares exactly the inputs ReadEnv reads and the outputs the action writes, as SPEC.md names them.
func TestActionYAML(t *testing.T) {
	b, err := os.ReadFile("../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var meta struct {
		Name     string
		Branding map[string]string
		Inputs   map[string]struct {
			Description string
			Required    bool
			Default     *string
		}
		Outputs map[string]struct{ Description string }
		Runs    struct {
			Using, Image, Entrypoint string
			Args                     []string
		}
	}
	if err := yaml.Unmarshal(b, &meta); err != nil {
		t.Fatal(err)
	}
	if meta.Runs.Using != "docker" || meta.Runs.Image != "Dockerfile" || len(meta.Runs.Args) != 0 || meta.Runs.Entrypoint != "" {
		t.Errorf("runs %+v: want a Docker action built from Dockerfile, whose entrypoint is `rampart action`", meta.Runs)
	}
	if meta.Branding["icon"] == "" || meta.Branding["color"] == "" {
		t.Error("no branding")
	}
	defaults := map[string]string{"token": "${{ github.token }}", "path": ".", "config": "", "fail-on": "", "min-score": "",
		"comment": "auto", "sarif-file": "rampart.sarif", "format": "text", "online": "true"}
	for name, def := range defaults {
		in, ok := meta.Inputs[name]
		switch {
		case !ok:
			t.Errorf("input %s missing", name)
		case in.Description == "" || in.Required:
			t.Errorf("input %s: want a description and required: false", name)
		case in.Default == nil || *in.Default != def:
			t.Errorf("input %s: default %v, want %q", name, in.Default, def)
		}
	}
	if len(meta.Inputs) != len(defaults) {
		t.Errorf("%d inputs, want %d", len(meta.Inputs), len(defaults))
	}
	for _, name := range []string{"score", "grade", "findings", "new-findings", "report-file", "sarif-file"} {
		if meta.Outputs[name].Description == "" {
			t.Errorf("output %s missing or undescribed", name)
		}
	}
	if len(meta.Outputs) != 6 {
		t.Errorf("%d outputs, want 6", len(meta.Outputs))
	}
	// The defaults, as the runner passes them, read back as the documented behaviour.
	env := map[string]string{}
	for name, def := range defaults {
		env["INPUT_"+strings.ToUpper(name)] = def
	}
	env["INPUT_TOKEN"] = "x"
	e, err := ReadEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if e.Inputs.MinScore != -1 || e.Inputs.FailOn != "" || !e.Inputs.Online || e.Inputs.Comment != "auto" {
		t.Errorf("defaults read as %+v", e.Inputs)
	}
}
