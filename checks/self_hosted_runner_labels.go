package checks

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/rhysd/actionlint"
)

type shrKind int

const (
	shrNone       shrKind = iota
	shrSelfHosted         // the self-hosted label, literally or from the matrix or an expression
	shrGroup              // a runner group: self-hosted or larger GitHub-hosted runners
	shrMaybe              // an expression or custom label that may name a self-hosted runner
)

// shrRunner is what a job's runs-on says about its runner.
type shrRunner struct {
	kind shrKind
	what string
	pos  *actionlint.Pos
}

// shrHosted matches labels of GitHub-hosted runners and of well-known hosted-runner services.
var shrHosted = regexp.MustCompile(`(?i)^(ubuntu|windows|macos|macOS)-|^(ubuntu|windows|macos)-latest|^(blacksmith|namespace-profile|buildjet|warp|depot|ubicloud|nscloud|cirrus-runner|runs-on|codebuild-)[-=/]?`)

func shrClassify(j *actionlint.Job) shrRunner {
	ro := j.RunsOn
	if ro.Group != nil && ro.Group.Value != "" {
		if strings.Contains(ro.Group.Value, "${{") {
			return shrRunner{shrMaybe, fmt.Sprintf("runs in a runner group chosen by an expression (%q), which may hold self-hosted runners", ro.Group.Value), ro.Group.Pos}
		}
		return shrRunner{shrGroup, fmt.Sprintf("runs in runner group %q, which usually holds self-hosted runners", ro.Group.Value), ro.Group.Pos}
	}
	labels := ro.Labels
	if ro.LabelsExpr != nil {
		labels = append([]*actionlint.String{ro.LabelsExpr}, labels...)
	}
	var pos *actionlint.Pos
	var custom []string
	maybe := ""
	for _, l := range labels {
		if l == nil {
			continue
		}
		if pos == nil {
			pos = l.Pos
		}
		v := strings.TrimSpace(l.Value)
		switch {
		case strings.EqualFold(v, "self-hosted"):
			return shrRunner{shrSelfHosted, fmt.Sprintf("runs on a self-hosted runner (%s)", shrQuoteAll(labels)), l.Pos}
		case shrIsHosted(v):
		case strings.Contains(toLower(v), "self-hosted") && !strings.Contains(v, "${{"):
			return shrRunner{shrSelfHosted, fmt.Sprintf("runs on a runner labelled %q, apparently self-hosted", v), l.Pos}
		case strings.Contains(v, "${{"):
			values, known := shrExpand(j, v)
			if slices.ContainsFunc(values, func(s string) bool { return strings.EqualFold(s, "self-hosted") }) {
				return shrRunner{shrSelfHosted, fmt.Sprintf("runs on a runner chosen by %q, which can be self-hosted", v), l.Pos}
			}
			if !known && maybe == "" {
				maybe = v
			}
		default:
			custom = append(custom, v)
		}
	}
	switch {
	case maybe != "":
		return shrRunner{shrMaybe, fmt.Sprintf("runs on a runner chosen by %q, which may be self-hosted", maybe), pos}
	case len(custom) > 0 && len(custom) == len(labels):
		return shrRunner{shrMaybe, fmt.Sprintf("runs on custom runner labels (%s), which may name self-hosted runners", shrQuoteAll(labels)), pos}
	}
	return shrRunner{pos: pos}
}

func shrQuoteAll(labels []*actionlint.String) string {
	var q []string
	for _, l := range labels {
		if l != nil {
			q = append(q, fmt.Sprintf("%q", l.Value))
		}
	}
	return strings.Join(q, ", ")
}

// shrHostedPrefixes are the prefixes shrHosted matches, in lower case.
var shrHostedPrefixes = []string{"ubuntu-", "windows-", "macos-", "blacksmith", "namespace-profile", "buildjet", "warp",
	"depot", "ubicloud", "nscloud", "cirrus-runner", "runs-on", "codebuild-"}

// shrIsHosted is shrHosted.MatchString: an ASCII label is compared with its prefixes without
// regard to case, others are left to the regexp (whose case folding knows more than ASCII).
func shrIsHosted(v string) bool {
	for i := 0; i < len(v); i++ {
		if v[i] >= 0x80 {
			return shrHosted.MatchString(v)
		}
	}
	if v == "" {
		return false
	}
	// The first byte, folded, leaves one or two prefixes to compare (asciiFoldAt is
	// strings.EqualFold on ASCII), where each of the thirteen took a call.
	c := shellFoldTable[v[0]]
	for _, p := range shrHostedPrefixes {
		if p[0] == c && asciiFoldAt(v, 0, p) {
			return true
		}
	}
	return false
}
