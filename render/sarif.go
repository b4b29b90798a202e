package render

import (
	"encoding/json"
	"io"
	"slices"
	"strings"

	"github.com/rampart-sec/rampart/audit"
)

// SARIF 2.1.0, the subset code scanning reads: hand-written structs, fields in the order the
// specification lists them, so the output is deterministic.

const (
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifVersion = "2.1.0"
	srcRoot      = "%SRCROOT%"
	// repoLevelURI is where findings about the repository rather than a file are placed.
	repoLevelURI = ".github"
	// InformationURI is rampart's home page.
	InformationURI = "https://github.com/rampart-sec/rampart"
	// FingerprintKey names rampart's fingerprint in partialFingerprints; code scanning matches
	// results across runs by it. It is versioned so a change of the fingerprint can be told apart.
	FingerprintKey = "rampart/v1"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	// VersionControlProvenance says which repository and revision were audited, when known.
	VersionControlProvenance []sarifVCS          `json:"versionControlProvenance,omitempty"`
	Results                  []sarifResult       `json:"results"`
	ColumnKind               string              `json:"columnKind"`
	Properties               *sarifRunProperties `json:"properties,omitempty"`
}

type sarifVCS struct {
	RepositoryURI string            `json:"repositoryUri"`
	RevisionID    string            `json:"revisionId,omitempty"`
	Branch        string            `json:"branch,omitempty"`
	MappedTo      sarifArtifactBase `json:"mappedTo"`
}

type sarifArtifactBase struct {
	URIBaseID string `json:"uriBaseId"`
}

type sarifRunProperties struct {
	Score int    `json:"score"`
	Grade string `json:"grade"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string              `json:"id"`
	Name                 string              `json:"name,omitempty"`
	ShortDescription     *sarifMessage       `json:"shortDescription,omitempty"`
	FullDescription      *sarifMessage       `json:"fullDescription,omitempty"`
	DefaultConfiguration sarifRuleConfig     `json:"defaultConfiguration"`
	HelpURI              string              `json:"helpUri,omitempty"`
	Help                 *sarifMessage       `json:"help,omitempty"`
	Properties           sarifRuleProperties `json:"properties"`
}

type sarifRuleConfig struct {
	Level string `json:"level"`
}

type sarifRuleProperties struct {
	Tags             []string `json:"tags"`
	Precision        string   `json:"precision"`
	SecuritySeverity string   `json:"security-severity"`
	ProblemSeverity  string   `json:"problem.severity"`
}

type sarifMessage struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifResult struct {
	RuleID              string                `json:"ruleId"`
	RuleIndex           int                   `json:"ruleIndex"`
	Level               string                `json:"level"`
	Message             sarifMessage          `json:"message"`
	Locations           []sarifLocation       `json:"locations,omitempty"`
	PartialFingerprints map[string]string     `json:"partialFingerprints,omitempty"`
	RelatedLocations    []sarifLocation       `json:"relatedLocations,omitempty"`
	Suppressions        []sarifSuppression    `json:"suppressions,omitempty"`
	Properties          sarifResultProperties `json:"properties"`
}

type sarifResultProperties struct {
	Severity    string  `json:"severity"`
	Confidence  string  `json:"confidence"`
	Category    string  `json:"category"`
	Remediation string  `json:"remediation,omitempty"`
	Points      float64 `json:"points"`
}

type sarifLocation struct {
	ID               *int                   `json:"id,omitempty"`
	PhysicalLocation *sarifPhysicalLocation `json:"physicalLocation,omitempty"`
	Message          *sarifMessage          `json:"message,omitempty"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region,omitempty"`
}

type sarifArtifactLocation struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
	EndLine     int `json:"endLine,omitempty"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Status        string `json:"status"`
	Justification string `json:"justification,omitempty"`
}

type sarifInvocation struct {
	ExecutionSuccessful            bool                `json:"executionSuccessful"`
	ToolExecutionNotifications     []sarifNotification `json:"toolExecutionNotifications,omitempty"`
	ToolConfigurationNotifications []sarifNotification `json:"toolConfigurationNotifications,omitempty"`
}

type sarifNotification struct {
	Locations      []sarifLocation `json:"locations,omitempty"`
	Message        sarifMessage    `json:"message"`
	Level          string          `json:"level"`
	AssociatedRule *sarifRuleRef   `json:"associatedRule,omitempty"`
}

type sarifRuleRef struct {
	ID    string `json:"id"`
	Index int    `json:"index"`
}

// SecuritySeverity is the security-severity code scanning reads from a rule (a number as a
// string): above 9.0 shows as critical, 7.0 to 8.9 high, 4.0 to 6.9 medium, 3.9 or less low.
// Code scanning has no informational band; info is the bottom of the low band.
var SecuritySeverity = map[audit.Severity]string{
	audit.Critical: "9.5", audit.High: "8.0", audit.Medium: "5.5", audit.Low: "3.0", audit.Info: "1.0",
}

// sarifLevel maps a severity to a SARIF level.
func sarifLevel(s audit.Severity) string {
	switch {
	case s >= audit.High:
		return "error"
	case s == audit.Medium:
		return "warning"
	}
	return "note"
}

// writeSARIF writes one SARIF 2.1.0 run: the registry's checks as rules, the findings as
// results (suppressed ones with their suppression), files that could not be audited as
// tool execution notifications and skipped checks as tool configuration notifications.
func writeSARIF(w io.Writer, rep *audit.Report, opts Options) error {
	rules, index := sarifRules(rep, opts.Checks)
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{Name: "rampart", Version: rep.Tool.Version,
			InformationURI: InformationURI, Rules: rules}},
		Invocations: []sarifInvocation{sarifInvocationOf(rep, opts, index)},
		Results:     []sarifResult{},
		ColumnKind:  "unicodeCodePoints",
		Properties:  &sarifRunProperties{Score: rep.Score, Grade: rep.Grade},
	}
	if vcs := sarifProvenance(opts); vcs != nil {
		run.VersionControlProvenance = []sarifVCS{*vcs}
	}
	for _, f := range sortedFindings(rep.Findings) {
		run.Results = append(run.Results, sarifResultOf(f, index[f.Check]))
	}
	b, err := json.MarshalIndent(sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}}, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(BreakCommands(b), '\n'))
	return err
}

// sarifRules makes one rule per check of the registry, in its order, then one for each check
// id that findings or skipped entries name but the registry lacks (sorted), so every ruleIndex
// is valid. A rule's severity is the check's default, raised to the most severe of its
// findings (a config remap changes every finding of a check alike).
func sarifRules(rep *audit.Report, checks []*audit.Check) ([]sarifRule, map[string]int) {
	worst := map[string]audit.Severity{}
	for _, f := range rep.Findings {
		if s, ok := worst[f.Check]; !ok || f.Severity > s {
			worst[f.Check] = f.Severity
		}
	}
	rules := []sarifRule{}
	index := map[string]int{}
	add := func(r sarifRule) {
		if _, dup := index[r.ID]; dup {
			return
		}
		index[r.ID] = len(rules)
		rules = append(rules, r)
	}
	for _, c := range checks {
		if c == nil {
			continue
		}
		sev := c.Severity
		if s, ok := worst[c.ID]; ok {
			sev = s
		}
		r := sarifRule{
			ID:                   c.ID,
			Name:                 ruleName(c.ID),
			DefaultConfiguration: sarifRuleConfig{Level: sarifLevel(sev)},
			HelpURI:              c.URL(),
			Properties:           ruleProperties(c.Category, sev, c.Confidence),
		}
		if c.Title != "" {
			r.ShortDescription = &sarifMessage{Text: c.Title}
		}
		if d := firstParagraph(c.Doc); d != "" {
			r.FullDescription = &sarifMessage{Text: d}
		} else if c.Title != "" {
			r.FullDescription = &sarifMessage{Text: c.Title}
		}
		md := c.Markdown()
		text := strings.TrimSpace(c.Doc)
		if fix := strings.TrimSpace(c.Fix); fix != "" {
			text += "\n\nFix: " + fix
		}
		text = strings.TrimSpace(text)
		if text == "" {
			text = c.Title
		}
		if text != "" {
			r.Help = &sarifMessage{Text: text, Markdown: md}
		}
		add(r)
	}
	var extra []string
	seen := map[string]audit.Finding{}
	for _, f := range rep.Findings {
		if _, ok := index[f.Check]; !ok {
			if _, ok := seen[f.Check]; !ok {
				seen[f.Check] = f
				extra = append(extra, f.Check)
			}
		}
	}
	for _, s := range rep.Skipped {
		if _, ok := index[s.Check]; !ok {
			if _, ok := seen[s.Check]; !ok {
				seen[s.Check] = audit.Finding{Check: s.Check, Severity: audit.Info, Confidence: audit.HighConfidence}
				extra = append(extra, s.Check)
			}
		}
	}
	slices.Sort(extra)
	for _, id := range extra {
		f := seen[id]
		sev := f.Severity
		if s, ok := worst[id]; ok {
			sev = s
		}
		add(sarifRule{
			ID:                   id,
			Name:                 ruleName(id),
			ShortDescription:     &sarifMessage{Text: id},
			FullDescription:      &sarifMessage{Text: id},
			DefaultConfiguration: sarifRuleConfig{Level: sarifLevel(sev)},
			HelpURI:              audit.DocsBase + "#" + id,
			Help: &sarifMessage{Text: "See " + audit.DocsBase + "#" + id + ".",
				Markdown: "See [the documentation of " + id + "](" + audit.DocsBase + "#" + id + ")."},
			Properties: ruleProperties(f.Category, sev, f.Confidence),
		})
	}
	return rules, index
}

func ruleProperties(cat audit.Category, sev audit.Severity, conf audit.Confidence) sarifRuleProperties {
	tags := []string{"security"}
	if cat != "" {
		tags = append(tags, string(cat))
	}
	return sarifRuleProperties{
		Tags:             tags,
		Precision:        conf.String(),
		SecuritySeverity: SecuritySeverity[sev],
		ProblemSeverity:  problemSeverity(sev),
	}
}

// problemSeverity is the CodeQL-style problem.severity: error, warning or recommendation.
func problemSeverity(s audit.Severity) string {
	switch {
	case s >= audit.High:
		return "error"
	case s == audit.Medium:
		return "warning"
	}
	return "recommendation"
}

// ruleName turns a kebab-case id into the rule's friendly name: template-injection -> TemplateInjection.
// A one-word id has no name apart from itself, and SARIF wants name and id to differ: "" then.
func ruleName(id string) string {
	if !strings.Contains(id, "-") {
		return ""
	}
	var b strings.Builder
	for _, part := range strings.Split(id, "-") {
		if part == "" {
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// firstParagraph is the text up to the first blank line, on one line.
func firstParagraph(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.Index(s, "\n\n"); i >= 0 {
		s = s[:i]
	}
	return strings.Join(strings.Fields(s), " ")
}

func sarifPhysical(file string, line, col, endLine int) *sarifPhysicalLocation {
	if file == "" {
		return nil
	}
	pl := &sarifPhysicalLocation{ArtifactLocation: sarifArtifactLocation{URI: uriPath(file), URIBaseID: srcRoot}}
	if line > 0 {
		pl.Region = &sarifRegion{StartLine: line}
		if col > 0 {
			pl.Region.StartColumn = col
		}
		if endLine >= line {
			pl.Region.EndLine = endLine
		}
	}
	return pl
}

func sarifResultOf(f audit.Finding, ruleIndex int) sarifResult {
	msg := f.Message
	if msg == "" {
		msg = f.Check
	}
	r := sarifResult{
		RuleID:    f.Check,
		RuleIndex: ruleIndex,
		Level:     sarifLevel(f.Severity),
		Message:   sarifMessage{Text: sarifText(msg)},
		Properties: sarifResultProperties{
			Severity:    f.Severity.String(),
			Confidence:  f.Confidence.String(),
			Category:    string(f.Category),
			Remediation: f.Remediation,
			Points:      f.Points,
		},
	}
	if pl := sarifPhysical(f.File, f.Line, f.Column, f.EndLine); pl != nil {
		r.Locations = []sarifLocation{{PhysicalLocation: pl}}
	} else {
		// A finding about the repository rather than a file (a setting): code scanning needs a
		// location, so it is placed on the .github folder, as Scorecard places such alerts.
		r.Locations = []sarifLocation{{PhysicalLocation: &sarifPhysicalLocation{
			ArtifactLocation: sarifArtifactLocation{URI: repoLevelURI, URIBaseID: srcRoot},
			Region:           &sarifRegion{StartLine: 1}}}}
	}
	if f.Fingerprint != "" {
		r.PartialFingerprints = map[string]string{FingerprintKey: f.Fingerprint}
	}
	for i, rel := range f.Related {
		pl := sarifPhysical(rel.File, rel.Line, rel.Column, rel.EndLine)
		if pl == nil {
			continue
		}
		id := i + 1
		loc := sarifLocation{ID: &id, PhysicalLocation: pl}
		if rel.Note != "" {
			loc.Message = &sarifMessage{Text: sarifText(rel.Note)}
		}
		r.RelatedLocations = append(r.RelatedLocations, loc)
	}
	if f.Suppressed {
		s := sarifSuppression{Kind: "inSource", Status: "accepted"}
		if f.Suppression != nil {
			if f.Suppression.Kind == "config" {
				s.Kind = "external"
			}
			s.Justification = f.Suppression.Reason
			if f.Suppression.Expires != "" {
				s.Justification += " (expires " + f.Suppression.Expires + ")"
			}
		}
		r.Suppressions = []sarifSuppression{s}
	}
	return r
}

func sarifInvocationOf(rep *audit.Report, opts Options, index map[string]int) sarifInvocation {
	inv := sarifInvocation{ExecutionSuccessful: !opts.Failed}
	for _, e := range rep.Errors {
		n := sarifNotification{Message: sarifMessage{Text: sarifText(e.Message)}, Level: "error"}
		if pl := sarifPhysical(e.File, e.Line, e.Column, 0); pl != nil {
			n.Locations = []sarifLocation{{PhysicalLocation: pl}}
		}
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, n)
	}
	for _, s := range rep.Skipped {
		inv.ToolConfigurationNotifications = append(inv.ToolConfigurationNotifications, sarifNotification{
			Message:        sarifMessage{Text: sarifText("check " + s.Check + " skipped: " + s.Reason)},
			Level:          "note",
			AssociatedRule: &sarifRuleRef{ID: s.Check, Index: index[s.Check]},
		})
	}
	return inv
}

// sarifText escapes a plain-text SARIF message. Control characters other than line breaks and
// tabs are shown as visible escapes (as in text output: the message is shown to people), and
// "[" and "]" would otherwise be read as an
// embedded link ("[text](1)" points at a related location, "[text](https://...)" at a page),
// so they are backslash-escaped as SARIF 2.1.0 §3.11.6 says, and a backslash before one is doubled.
func sarifText(s string) string {
	s = cleanText(s, "")
	if !strings.ContainsAny(s, "[]") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '[' || c == ']':
			b.WriteByte('\\')
		case c == '\\' && i+1 < len(s) && (s[i+1] == '[' || s[i+1] == ']'):
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String()
}

// sarifProvenance names the audited repository and revision from the options: Ref is a commit
// when it is 40 hex digits, a branch otherwise.
func sarifProvenance(opts Options) *sarifVCS {
	base := blobURL("x", 0, 0, opts) // validates ServerURL, Repository and Ref
	if base == "" {
		return nil
	}
	v := &sarifVCS{RepositoryURI: strings.TrimRight(opts.ServerURL, "/") + "/" + uriPath(opts.Repository),
		MappedTo: sarifArtifactBase{URIBaseID: srcRoot}}
	if isCommit(opts.Ref) {
		v.RevisionID = opts.Ref
	} else {
		v.Branch = strings.TrimPrefix(opts.Ref, "refs/heads/")
	}
	return v
}

func isCommit(ref string) bool {
	if len(ref) != 40 {
		return false
	}
	for _, c := range ref {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
