package checks

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/shell"
	"github.com/rampart-sec/rampart/audit"
)

// dfUnset stands for a build argument whose value the Dockerfile does not fix: declared without a
// default, or set by the builder (TARGETARCH...). An image that contains it after expansion is unknown.
const dfUnset = "\x00unset\x00"

// dfAutoArgs are the platform arguments BuildKit defines in the global scope.
var dfAutoArgs = []string{"BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT", "TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT"}

// dfEnv is the global build arguments of a Dockerfile, as BuildKit's shell lexer reads them.
type dfEnv map[string]string

func (e dfEnv) Get(k string) (string, bool) { v, ok := e[k]; return v, ok }

func (e dfEnv) Keys() []string {
	keys := make([]string, 0, len(e))
	for k := range e {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// dfImage is one image a Dockerfile pulls: a FROM base, a COPY --from or a RUN --mount from=.
type dfImage struct {
	what  string // "base image", "COPY --from image"...
	stage string // the stage a FROM names with AS, or ""
	raw   string
	line  int
	// matched are the build arguments the image's value came from.
	matched map[string]struct{}
}

// checkDockerfiles reports the images that the target's Dockerfiles pull by tag: FROM lines, as
// Scorecard's Pinned-Dependencies does, and COPY --from / RUN --mount from= images.
func checkDockerfiles(pass *audit.Pass) {
	for _, file := range pass.Target.Dockerfiles() {
		env := dfEnv{}
		argLines := map[string]int{}
		for _, a := range dfAutoArgs {
			env[a] = dfUnset
		}
		stages := map[string]bool{}
		seenFrom := false
		lex := shell.NewLex('\\')
		for _, in := range file.Dockerfile {
			switch in.Cmd {
			case "ARG":
				if !seenFrom {
					dfDeclareArgs(lex, env, argLines, in)
				}
			case "FROM":
				seenFrom = true
				img, ok := dfParseFrom(in)
				if !ok {
					continue
				}
				dfCheckImage(pass, file, lex, env, argLines, stages, img)
				if img.stage != "" {
					stages[strings.ToLower(img.stage)] = true
				}
			case "COPY", "RUN":
				for _, img := range dfFromFlags(in) {
					dfCheckImage(pass, file, lex, env, argLines, stages, img)
				}
			}
		}
	}
}

// dfDeclareArgs records a global ARG instruction: NAME=default, or NAME alone (unknown value).
func dfDeclareArgs(lex *shell.Lex, env dfEnv, argLines map[string]int, in audit.DockerInstruction) {
	for _, tok := range strings.Fields(in.Args) {
		name, val, hasDefault := strings.Cut(tok, "=")
		if name == "" {
			continue
		}
		argLines[name] = in.Line
		if !hasDefault {
			env[name] = dfUnset
			continue
		}
		v, _, err := lex.ProcessWord(val, env)
		if err != nil {
			v = dfUnset
		}
		env[name] = v
	}
}

// dfParseFrom reads "FROM [--platform=...] IMAGE [AS NAME]".
func dfParseFrom(in audit.DockerInstruction) (dfImage, bool) {
	var words []string
	for _, w := range strings.Fields(in.Args) {
		if !strings.HasPrefix(w, "--") {
			words = append(words, w)
		}
	}
	if len(words) == 0 {
		return dfImage{}, false
	}
	img := dfImage{what: "base image", raw: words[0], line: in.Line}
	if len(words) >= 3 && strings.EqualFold(words[1], "AS") {
		img.stage = words[2]
	}
	return img, true
}

// dfFromFlags returns the images of COPY --from=IMAGE and RUN --mount=...,from=IMAGE.
func dfFromFlags(in audit.DockerInstruction) []dfImage {
	var out []dfImage
	for _, w := range strings.Fields(in.Args) {
		if !strings.HasPrefix(w, "--") {
			break
		}
		switch {
		case in.Cmd == "COPY" && strings.HasPrefix(w, "--from="):
			out = append(out, dfImage{what: "COPY --from image", raw: strings.TrimPrefix(w, "--from="), line: in.Line})
		case in.Cmd == "RUN" && strings.HasPrefix(w, "--mount="):
			for _, kv := range strings.Split(strings.TrimPrefix(w, "--mount="), ",") {
				if v, ok := strings.CutPrefix(kv, "from="); ok {
					out = append(out, dfImage{what: "RUN --mount image", raw: v, line: in.Line})
				}
			}
		}
	}
	return out
}

var dfDigitsRe = regexp.MustCompile(`^[0-9]+$`)

// dfCheckImage reports one image unless it is pinned, scratch or an earlier stage.
func dfCheckImage(pass *audit.Pass, file *audit.File, lex *shell.Lex, env dfEnv, argLines map[string]int, stages map[string]bool, img dfImage) {
	label := img.what
	if img.stage != "" {
		label = fmt.Sprintf("stage %q %s", img.stage, img.what)
	}
	skip := func(v string) bool {
		v = strings.ToLower(strings.TrimSpace(v))
		return v == "" || v == "scratch" || stages[v] || img.what != "base image" && dfDigitsRe.MatchString(v)
	}
	if skip(img.raw) {
		return
	}
	value, via := img.raw, ""
	if strings.Contains(img.raw, "$") {
		res, err := lex.ProcessWordWithMatches(img.raw, env)
		if err == nil && dfStagePattern(res.Result, stages) {
			return
		}
		if err != nil || strings.Contains(res.Result, dfUnset) || dfUsesUnset(img.raw, res.Unmatched) {
			f := pass.Reportf(file, dfPos(file, img), "%s %q comes from a build argument and may not be pinned to a @sha256: digest", label, img.raw)
			f.Severity, f.Confidence = audit.Medium, audit.LowConfidence
			f.Key = "dockerfile " + label + " " + img.raw
			return
		}
		if skip(res.Result) {
			return
		}
		value = res.Result
		via = fmt.Sprintf(" (with ARG defaults: %q)", value)
		img.matched = res.Matched
	}
	ref := parseImage(value)
	if ref.Pinned() {
		return
	}
	verb := "uses"
	if img.what == "base image" {
		verb = "builds on"
	}
	f := pass.Reportf(file, dfPos(file, img), "%s %q%s %s", label, img.raw, via, ref.problemWhen(verb, "when the image is built"))
	f.Severity = ref.Severity()
	f.Key = "dockerfile " + label + " " + ref.Name
	names := make([]string, 0, len(img.matched))
	for n := range img.matched {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		if l := argLines[n]; l > 0 {
			f.Related = append(f.Related, audit.Location{File: file.Path, Line: l, Column: 1, EndLine: l, Note: fmt.Sprintf("ARG %s defaults to %q", n, env[n])})
		}
	}
}
