package checks

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// artpDl is a step that downloads another run's artifacts.
type artpDl struct {
	what        string
	pos         *actionlint.Pos
	inWorkspace bool
	// dir is the workspace subdirectory the files land in; "" for the workspace itself.
	dir string
}

// artpUse is a later step that runs code next to the artifacts or trusts their content.
type artpUse struct {
	label, what string
	sev         audit.Severity
	conf        audit.Confidence
	pos         *actionlint.Pos
}

var (
	artpGhRunDownloadRe = regexp.MustCompile(`\bgh\s+run\s+download\b[^\n]*`)
	artpDirFlagRe       = regexp.MustCompile(`(?:-D|--dir)[\s=]+(\S+)`)
	artpEnvFileRe       = regexp.MustCompile(`\$\{?(GITHUB_ENV|GITHUB_PATH|GITHUB_OUTPUT)\b|core\.(exportVariable|addPath|setOutput)\(`)
	artpValidatedRe     = regexp.MustCompile(`=~|\^\[0-9\]|\[\[:digit:\]\]|grep\s+-[a-zA-Z]*[qxE]|isdigit|isnumeric|Number\(|parseInt\(`)
	artpReadsFileRe     = regexp.MustCompile(`\bcat\s+[^<\s|&;>]|\$\(\s*<|\bjq\b|\b(head|tail|awk|sed)\s|\bread\b|readFileSync`)
)

// artpDownload says whether a step downloads the artifacts of a run other than this one.
func artpDownload(s audit.StepRef, trigger string) *artpDl {
	if r := s.Run(); r != nil && r.Run != nil {
		// The regexp's literal "download" is searched first: most scripts have none, and the
		// regexp, which starts with \b, would step through the whole script.
		if !strings.Contains(r.Run.Value, "download") {
			return nil
		}
		m := artpGhRunDownloadRe.FindString(r.Run.Value)
		if m == "" {
			return nil
		}
		dl := &artpDl{what: "downloads another run's artifacts (gh run download)", pos: pcLocate(s.File, r.Run, "gh run download"), inWorkspace: true}
		if d := artpDirFlagRe.FindStringSubmatch(m); d != nil {
			dl.inWorkspace, dl.dir = !artpOutside(d[1]), artpSubdir(d[1])
		} else if wd := r.WorkingDirectory; wd != nil {
			dl.inWorkspace, dl.dir = !artpOutside(wd.Value), artpSubdir(wd.Value)
		}
		return dl
	}
	name, _, a, ok := pcUses(s)
	if !ok {
		return nil
	}
	switch name {
	case "actions/download-artifact":
		id, _ := pcInput(a, "run-id")
		if id == "" {
			return nil // this run's own artifacts
		}
		p, _ := pcInput(a, "path")
		return &artpDl{what: fmt.Sprintf("downloads the artifacts of run %s", id), pos: a.Uses.Pos, inWorkspace: !artpOutside(p), dir: artpSubdir(p)}
	case "dawidd6/action-download-artifact":
		p, _ := pcInput(a, "path")
		return &artpDl{what: "downloads another workflow's artifacts (dawidd6/action-download-artifact)", pos: a.Uses.Pos, inWorkspace: !artpOutside(p), dir: artpSubdir(p)}
	case "actions/github-script":
		script, node := pcInput(a, "script")
		if !strings.Contains(script, "downloadArtifact") {
			return nil
		}
		temp := strings.Contains(script, "RUNNER_TEMP") || strings.Contains(script, "runner.temp")
		return &artpDl{what: "downloads another run's artifacts (github-script downloadArtifact)", pos: pcLocate(s.File, node, "downloadArtifact"), inWorkspace: !temp}
	}
	return nil
}

// artpOutside reports whether a download path is outside the workspace (the runner's temp dir, /tmp, home).
func artpOutside(p string) bool {
	p = strings.TrimSpace(strings.Trim(p, `"'`))
	if p == "" {
		return false
	}
	lp := strings.ToLower(strings.ReplaceAll(p, " ", ""))
	if strings.HasPrefix(lp, "${{github.workspace") || strings.HasPrefix(lp, "$github_workspace") || strings.HasPrefix(lp, "${github_workspace") {
		return false
	}
	return strings.HasPrefix(lp, "${{runner.temp") || strings.HasPrefix(lp, "$runner_temp") || strings.HasPrefix(lp, "${runner_temp") ||
		strings.HasPrefix(lp, "/") || strings.HasPrefix(lp, "~") || strings.HasPrefix(lp, "${{runner.tool_cache") || strings.HasPrefix(lp, "..")
}

// artpSubdir returns the workspace subdirectory a relative download path names ("" for the workspace).
func artpSubdir(p string) string {
	p = strings.TrimSpace(strings.Trim(p, `"'`))
	lp := strings.ToLower(strings.ReplaceAll(p, " ", ""))
	for _, ws := range []string{"${{github.workspace}}", "$github_workspace", "${github_workspace}"} {
		if strings.HasPrefix(lp, ws) {
			p = p[len(p)-len(lp)+len(ws):]
		}
	}
	p = strings.Trim(strings.TrimPrefix(strings.TrimLeft(p, "/"), "./"), "/")
	if p == "." || strings.ContainsAny(p, "*$") {
		return ""
	}
	return p
}

// artpTools run code of the directory they run in.
var artpTools = map[string]bool{
	"npm": true, "npx": true, "yarn": true, "pnpm": true, "bun": true, "node": true, "deno": true, "make": true,
	"pip": true, "pip3": true, "python": true, "python3": true, "pytest": true, "tox": true, "nox": true, "poetry": true,
	"uv": true, "go": true, "cargo": true, "mvn": true, "gradle": true, "bundle": true, "rake": true, "ruby": true,
	"dotnet": true, "composer": true, "php": true, "terraform": true, "bash": true, "sh": true, "source": true, ".": true,
	"pre-commit": true, "tsc": true, "lerna": true, "nx": true, "turbo": true, "sbt": true, "perl": true, "just": true,
}

// artpUses says whether a later step runs code in the workspace (when the artifacts are there) or
// writes file content to the environment, outputs or path.
func artpUses(s audit.StepRef, dl *artpDl) *artpUse {
	inWorkspace := dl.inWorkspace
	label := s.Label()
	if r := s.Run(); r != nil && r.Run != nil {
		script := r.Run.Value
		if m := artpEnvFileMatch(script); m != nil && artpReadsFileRe.MatchString(script) {
			file := m[1]
			if file == "" {
				file = "GITHUB_OUTPUT"
			}
			u := &artpUse{label: label, what: "writes file content to " + file, sev: audit.High, conf: audit.MediumConfidence, pos: pcLocate(s.File, r.Run, m[0])}
			if file == "GITHUB_OUTPUT" || artpValidatedRe.MatchString(script) {
				u.sev, u.conf = audit.Low, audit.LowConfidence
				if file != "GITHUB_OUTPUT" {
					u.what += " after checking it"
				}
			}
			return u
		}
		if !inWorkspace || r.WorkingDirectory != nil && artpOutside(r.WorkingDirectory.Value) {
			return nil
		}
		if wd := r.WorkingDirectory; wd != nil && dl.dir != "" && artpUnder(wd.Value, dl.dir) {
			dl = &artpDl{inWorkspace: true}
		}
		inDir := dl.dir == ""
		for _, c := range pcCommandsAt(script) {
			w := c.words
			tool := strings.ToLower(w[0])
			if tool == "cd" || tool == "pushd" {
				if len(w) > 1 && artpOutside(w[1]) {
					return nil
				}
				inDir = dl.dir == "" || len(w) > 1 && artpUnder(w[1], dl.dir)
				continue
			}
			if !inDir && !artpMentions(w, dl.dir) {
				continue
			}
			if tool == "docker" && (len(w) < 2 || w[1] != "build" && w[1] != "run" && w[1] != "compose") || tool == "go" && (len(w) < 2 || w[1] == "version" || w[1] == "env") {
				continue
			}
			if artpTools[tool] || strings.HasPrefix(tool, "./") {
				where := "the workspace"
				if dl.dir != "" {
					where = fmt.Sprintf("%q", dl.dir)
				}
				return &artpUse{label: label, what: fmt.Sprintf("runs code in %s (%s)", where, artpShow(w)), sev: audit.High, conf: audit.MediumConfidence, pos: pcLocate(s.File, r.Run, c.line)}
			}
		}
		return nil
	}
	a := s.Uses()
	if a == nil || a.Uses == nil {
		return nil
	}
	if v := strings.TrimSpace(a.Uses.Value); strings.HasPrefix(v, "./") && inWorkspace && (dl.dir == "" || artpUnder(v, dl.dir)) {
		return &artpUse{label: label, what: fmt.Sprintf("runs local action %q from the workspace", v), sev: audit.High, conf: audit.MediumConfidence, pos: a.Uses.Pos}
	}
	if name, _, _, ok := pcUses(s); ok && name == "actions/github-script" {
		script, node := pcInput(a, "script")
		if m := artpEnvFileMatch(script); m != nil && m[2] != "setOutput" && m[2] != "" && strings.Contains(script, "readFileSync") {
			return &artpUse{label: label, what: "writes file content to the environment (core." + m[2] + ")", sev: audit.High, conf: audit.MediumConfidence, pos: pcLocate(s.File, node, m[0])}
		}
	}
	return nil
}

// artpEnvFileMatch is artpEnvFileRe.FindStringSubmatch(script), skipped for the scripts that hold
// neither "GITHUB_" nor "core." (most), which it cannot match.
func artpEnvFileMatch(script string) []string {
	if !strings.Contains(script, "GITHUB_") && !strings.Contains(script, "core.") {
		return nil
	}
	return artpEnvFileRe.FindStringSubmatch(script)
}

// artpUnder reports whether a path is dir or lies below it.
func artpUnder(p, dir string) bool {
	p = artpSubdir(p)
	return p == dir || strings.HasPrefix(p, dir+"/")
}

// artpMentions reports whether a command names a file below dir.
func artpMentions(words []string, dir string) bool {
	for _, w := range words {
		if artpUnder(w, dir) {
			return true
		}
	}
	return false
}

// artpShow shows the first words of a command, up to a redirection.
func artpShow(w []string) string {
	var out []string
	for _, x := range w {
		if len(out) == 3 || strings.ContainsAny(x, "<>") {
			break
		}
		out = append(out, x)
	}
	return strings.Join(out, " ")
}
