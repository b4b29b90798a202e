package checks

import (
	"bytes"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// writeScopeSeverity is how much a write scope granted to every job of a workflow matters.
// Unknown scopes are medium.
var writeScopeSeverity = map[string]audit.Severity{
	"actions":             audit.High, // cancel and re-run workflows, write caches
	"attestations":        audit.Medium,
	"checks":              audit.Low,
	"contents":            audit.High, // push commits, move tags, create releases
	"deployments":         audit.High,
	"discussions":         audit.Medium,
	"id-token":            audit.High, // mint OIDC tokens for cloud providers
	"issues":              audit.Medium,
	"models":              audit.Low,
	"packages":            audit.High, // publish packages and images
	"pages":               audit.High,
	"pull-requests":       audit.High, // approve and edit pull requests
	"repository-projects": audit.Medium,
	"security-events":     audit.Medium, // dismiss code scanning alerts
	"statuses":            audit.Low,
}

// lower is sev one level down when down is true (broad permissions of a reusable workflow are
// capped by its caller's).
func lower(sev audit.Severity, down bool) audit.Severity {
	if down && sev > audit.Info {
		return sev - 1
	}
	return sev
}

// reusableOnly reports whether a workflow runs only through workflow_call.
func reusableOnly(w *actionlint.Workflow) bool {
	for _, e := range w.On {
		if _, ok := e.(*actionlint.WorkflowCallEvent); !ok {
			return false
		}
	}
	return len(w.On) > 0
}

// jobsKey finds the line of the top-level jobs: key, as the first line that matches
// ^["']?jobs["']?\s*: (found from each "jobs" of the source, without splitting it into lines).
func jobsKey(file *audit.File) (line, col int) {
	src := file.Source
	for off := 0; ; {
		i := bytes.Index(src[off:], []byte("jobs"))
		if i < 0 {
			return 1, 1
		}
		i += off
		off = i + 1
		ls := bytes.LastIndexByte(src[:i], '\n') + 1
		if i-ls > 1 || i-ls == 1 && src[ls] != '"' && src[ls] != '\'' {
			continue
		}
		j := i + len("jobs")
		if j < len(src) && (src[j] == '"' || src[j] == '\'') {
			j++
		}
		for j < len(src) && (src[j] == ' ' || src[j] == '\t' || src[j] == '\r' || src[j] == '\f') {
			j++
		}
		if j < len(src) && src[j] == ':' {
			return bytes.Count(src[:ls], []byte("\n")) + 1, 1
		}
	}
}

func inheritors(file *audit.File, jobs []*actionlint.Job, grant string) []audit.Location {
	var out []audit.Location
	for _, j := range jobs {
		if len(out) == 10 {
			break
		}
		if j.ID != nil && j.ID.Pos != nil {
			out = append(out, audit.Location{File: file.Path, Line: j.ID.Pos.Line, Column: j.ID.Pos.Col, EndLine: j.ID.Pos.Line, Note: "job " + j.ID.Value + " inherits " + grant})
		}
	}
	return out
}
