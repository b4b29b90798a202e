package checks

import (
	"bytes"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// uiScriptImages reports the images that run: scripts start or pull by name (docker run, docker
// pull, docker create, also podman and "docker container run"/"docker image pull") without a
// digest. The command line is read as pcCommandsAt splits it; an option this list does not know
// makes the image unknown, and the command is left alone rather than guessed at, as is an image
// given by a variable or an expression. Only the lines of uiCommandLines (where a docker or
// podman command with one of those subcommands may be) are split.
func uiScriptImages(pass *audit.Pass, file *audit.File) {
	var tags []int // uiTags, once an image needs them
	// The scripts as the checks after this one read them too (shellScriptsOf): one walk of the
	// steps for all.
	for _, sc := range shellScriptsOf(file) {
		// The word scan (which download-then-run and unpinned-tools read too) finds docker and
		// podman where uiCommandLines may: in a few scripts out of twenty.
		if !sc.Words().Images {
			continue
		}
		s, run := sc.Ref, sc.Run
		for _, pc := range uiCommands(sc.Text) {
			sub, image := uiCommandImage(uiJoinPlaceholders(pc.words))
			if image == "" {
				continue
			}
			// The cheap tests first: most images are not built here.
			ref := parseImage(image)
			if ref.Pinned() || ref.Name == "" {
				continue
			}
			if tags == nil {
				tags = uiTags(file.Source)
			}
			if uiBuiltHere(file.Source, tags, image) || uiBuiltInJob(s, image) {
				continue
			}
			f := pass.Reportf(file, pcLocate(file, run, pc.line), "%s runs %q with image %q, which %s", s.Label(), pc.words[0]+" "+sub, image, ref.Problem())
			// One level below a job's own container: the script may pin by other means (a digest
			// in a variable, a pull it verifies) that a command line does not show.
			f.Severity = audit.Low
			if ref.Severity() == audit.High {
				f.Severity = audit.Medium
			}
			f.Confidence = audit.MediumConfidence
			if uiJobBuildsImages(s) {
				f.Confidence = audit.LowConfidence // it may run an image the job built under that name
			}
			f.Key = s.Label() + " " + sub + " " + ref.Name
		}
	}
}

// uiCommands returns the commands of uiCommandLines, as pcCommandsAt splits them.
func uiCommands(script string) []pcCmd {
	var out []pcCmd
	for _, line := range uiCommandLines(script) {
		out = append(out, pcCommandsAt(line)...)
	}
	return out
}

// uiValueFlags are the options of docker run/create/pull that take a value as the next word.
var uiValueFlags = map[string]bool{
	"-e": true, "--env": true, "--env-file": true, "-v": true, "--volume": true, "--volumes-from": true, "-p": true,
	"--publish": true, "-w": true, "--workdir": true, "-u": true, "--user": true, "--name": true, "--network": true,
	"--net": true, "--entrypoint": true, "-h": true, "--hostname": true, "--mount": true, "--platform": true,
	"-l": true, "--label": true, "--label-file": true, "--add-host": true, "--cpus": true, "-m": true, "--memory": true,
	"--shm-size": true, "--ulimit": true, "--device": true, "--cap-add": true, "--cap-drop": true,
	"--security-opt": true, "--tmpfs": true, "--pull": true, "--restart": true, "--log-driver": true, "--log-opt": true,
	"--gpus": true, "--ipc": true, "--pid": true, "--runtime": true, "--cidfile": true, "--dns": true, "--expose": true,
	"--group-add": true, "--stop-signal": true, "--stop-timeout": true, "--memory-swap": true, "--cpuset-cpus": true,
	"--network-alias": true, "--ip": true, "--uts": true, "--userns": true, "--isolation": true, "--health-cmd": true,
	"--cgroupns": true, "--sysctl": true, "-a": true, "--attach": true,
}

// uiBoolFlags are the options of those commands that take no value.
var uiBoolFlags = map[string]bool{
	"-d": true, "--detach": true, "-i": true, "--interactive": true, "-t": true, "--tty": true, "-it": true, "-ti": true,
	"--rm": true, "--privileged": true, "--init": true, "-q": true, "--quiet": true, "-P": true, "--publish-all": true,
	"--read-only": true, "--all-tags": true, "--no-healthcheck": true, "--disable-content-trust": true,
}

// uiCommandImage returns the subcommand and the image a docker or podman command line names, or
// "" when it names none or cannot be read for sure.
func uiCommandImage(words []string) (sub, image string) {
	if len(words) < 3 {
		return "", ""
	}
	tool := words[0]
	if i := strings.LastIndexByte(tool, '/'); i >= 0 {
		tool = tool[i+1:]
	}
	if tool != "docker" && tool != "podman" {
		return "", ""
	}
	args := words[1:]
	if (args[0] == "container" || args[0] == "image") && len(args) > 1 {
		args = args[1:]
	}
	sub = args[0]
	if sub != "run" && sub != "pull" && sub != "create" {
		return "", ""
	}
	for i := 1; i < len(args); i++ {
		w := args[i]
		switch {
		case !strings.HasPrefix(w, "-"):
			w = strings.Trim(w, `"'`)
			if !uiImageWord(w) {
				return "", "" // a variable, an expression, a substitution, a cut word
			}
			return sub, w
		case strings.HasPrefix(w, "--") && strings.Contains(w, "="):
		case uiBoolFlags[w]:
		case uiValueFlags[w]:
			i++
		default:
			return "", "" // an option not known here: its value could be taken for the image
		}
	}
	return "", ""
}

// uiImageWord reports whether w can be an image reference as written: only the characters of
// one, not ending in ":" or "@" (the rest would come from a substitution).
func uiImageWord(w string) bool {
	if w == "" || strings.HasSuffix(w, ":") || strings.HasSuffix(w, "@") {
		return false
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("._/:@-", c) >= 0) {
			return false
		}
	}
	return true
}

// uiJoinPlaceholders joins the words a "${{ ... }}" placeholder was split into, so that it stays
// one word (an option's value, or an image the check then leaves alone).
func uiJoinPlaceholders(words []string) []string {
	out := make([]string, 0, len(words))
	for i := 0; i < len(words); i++ {
		w := words[i]
		for strings.Count(w, "${{") > strings.Count(w, "}}") && i+1 < len(words) {
			i++
			w += " " + words[i]
		}
		out = append(out, w)
	}
	return out
}

// uiBuiltHere reports whether the file tags an image of that name itself (docker build -t NAME,
// --tag NAME), so that running it by name starts what the workflow just built. tags are the
// file's uiTags.
func uiBuiltHere(src []byte, tags []int, image string) bool {
	name := image
	if i := strings.IndexByte(name, '@'); i >= 0 {
		name = name[:i]
	}
	for _, t := range tags {
		if bytes.HasPrefix(src[t:], []byte(name)) {
			return true
		}
	}
	return false
}

// uiTags returns where a name that the file tags may start: right after each "-t ", "-t=",
// "--tag ", "--tag=", "-t \"", "--tag \"" and "tags: " of the source. One pass for the file,
// not one for each image (all hold "-t" but "tags: ").
func uiTags(src []byte) []int {
	tags := []int{}
	for off := 0; ; {
		i := bytes.Index(src[off:], []byte("-t"))
		if i < 0 {
			break
		}
		i += off
		off = i + 1
		for _, p := range []string{"-t ", "-t=", "-t \""} {
			if bytes.HasPrefix(src[i:], []byte(p)) {
				tags = append(tags, i+len(p))
			}
		}
		if i > 0 && src[i-1] == '-' {
			for _, p := range []string{"--tag ", "--tag=", "--tag \""} {
				if bytes.HasPrefix(src[i-1:], []byte(p)) {
					tags = append(tags, i-1+len(p))
				}
			}
		}
	}
	for off := 0; ; {
		i := bytes.Index(src[off:], []byte("tags: "))
		if i < 0 {
			break
		}
		i += off
		off = i + 1
		tags = append(tags, i+len("tags: "))
	}
	return tags
}

// uiJobSteps are the steps of a step's job (or composite action).
func uiJobSteps(s audit.StepRef) []*actionlint.Step {
	if s.Job != nil {
		return s.Job.Steps
	}
	return nil
}

// uiBuiltInJob reports whether another step of the job names the image in a build: a line of a
// run: script that holds the image and the word "build" (./docker/build.sh --tag x img:local), or
// docker/build-push-action with the image in its tags.
func uiBuiltInJob(s audit.StepRef, image string) bool {
	for _, st := range uiJobSteps(s) {
		if st == s.Step {
			continue
		}
		switch e := st.Exec.(type) {
		case *actionlint.ExecRun:
			if e.Run == nil || !strings.Contains(e.Run.Value, image) {
				continue
			}
			for line := range strings.Lines(e.Run.Value) {
				if strings.Contains(line, image) && strings.Contains(line, "build") && !strings.Contains(line, image+"@") {
					return true
				}
			}
		case *actionlint.ExecAction:
			if tags, node := pcInput(e, "tags"); node != nil && strings.Contains(tags, image) {
				return true
			}
		}
	}
	return false
}

// uiJobBuildsImages reports whether the job builds container images at all (docker build, buildx,
// podman build, an image build script, docker/build-push-action or bake-action).
func uiJobBuildsImages(s audit.StepRef) bool {
	for _, st := range uiJobSteps(s) {
		switch e := st.Exec.(type) {
		case *actionlint.ExecRun:
			if e.Run == nil {
				continue
			}
			v := e.Run.Value
			if strings.Contains(v, "docker build") || strings.Contains(v, "buildx") || strings.Contains(v, "podman build") ||
				strings.Contains(v, "build:docker") || strings.Contains(v, "--load") {
				return true
			}
		case *actionlint.ExecAction:
			if e.Uses != nil {
				u := strings.ToLower(e.Uses.Value)
				if strings.HasPrefix(u, "docker/build-push-action") || strings.HasPrefix(u, "docker/bake-action") {
					return true
				}
			}
		}
	}
	return false
}
