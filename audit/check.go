package audit

import (
	"fmt"
	"regexp"
	"strings"
)

// Category groups checks for scoring; each category has a weight in the score.
type Category string

// The categories of the score. Their weights live in score.go.
const (
	CategoryInjection   Category = "injection"
	CategoryTriggers    Category = "dangerous-workflows"
	CategoryPermissions Category = "permissions"
	CategorySupplyChain Category = "supply-chain"
	CategoryCredentials Category = "credentials"
	CategoryHygiene     Category = "hygiene"
	CategorySettings    Category = "repository-settings"
)

// Check is one audit: its metadata and documentation inline, and the function that runs it.
// A Check is a value, in the manner of go/analysis's Analyzer; checks/all.go lists them.
type Check struct {
	// ID is the check's kebab-case id, zizmor's where zizmor audits the same hazard.
	ID string
	// Title is a one-line summary.
	Title string
	// Severity is the default severity of the check's findings; a finding may say otherwise.
	Severity Severity
	// Confidence is the default confidence of the check's findings.
	Confidence Confidence
	// Category is the score category the check counts towards.
	Category Category
	// Online is true for checks that need the GitHub API.
	Online bool
	// Persona is the least thorough persona that runs the check: "" or "regular" for every
	// run, "pedantic" for code-quality hazards, "auditor" for findings that need a human to weigh them.
	Persona string
	// Fixable is true when `rampart fix` can repair the check's findings.
	Fixable bool
	// Doc says why the hazard matters, in markdown.
	Doc string
	// Bad is a workflow (or action.yml) that the check flags; the docs show it and a test audits it.
	Bad string
	// Good is the fixed version of Bad; a test asserts the check is silent on it.
	Good string
	// BadFile and GoodFile name the path the examples are audited as (default .github/workflows/example.yml).
	ExamplePath string
	// ExampleConfig is the config file the Bad and Good examples are audited with, for checks
	// that do nothing without one (forbidden-uses); the docs show it too.
	ExampleConfig string
	// Fix says how to remedy a finding, in markdown; it is also each finding's default remediation.
	Fix string
	// References are links for further reading.
	References []string
	// Equivalents names the matching rule of peer tools: keys "zizmor", "scorecard", "poutine", "actionlint".
	Equivalents map[string]string
	// ValidateSettings, when set, checks the check's options from the config file (checks.<id>),
	// so that a bad option is a configuration error (exit 2) rather than a failed check.
	ValidateSettings func(settings map[string]any) error
	// Run audits the target behind the pass and reports findings with pass.Report.
	// Its error means only that the check itself failed.
	Run func(*Pass) error
}

// Personas, from least to most thorough (--persona).
var Personas = []string{"regular", "pedantic", "auditor"}

// PersonaRank orders personas; an unknown name ranks as regular.
func PersonaRank(p string) int {
	switch p {
	case "pedantic":
		return 1
	case "auditor":
		return 2
	}
	return 0
}

// DocsBase is where the generated check documentation lives.
const DocsBase = "https://github.com/rampart-sec/rampart/blob/main/docs/checks.md"

// URL is the link to the check's documentation.
func (c *Check) URL() string { return DocsBase + "#" + c.ID }

// ExampleFile is the path the Bad and Good examples are audited as.
func (c *Check) ExampleFile() string {
	if c.ExamplePath != "" {
		return c.ExamplePath
	}
	return ".github/workflows/example.yml"
}

// Markdown is the check's full documentation: why, bad and good examples, fix and references.
func (c *Check) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n", strings.TrimSpace(c.Doc))
	fmt.Fprintf(&b, "Default severity: **%s**, confidence: **%s**, category: `%s`", c.Severity, c.Confidence, c.Category)
	if c.Online {
		b.WriteString(", needs the GitHub API")
	}
	b.WriteString(".\n\n")
	if c.ExampleConfig != "" {
		fmt.Fprintf(&b, "With this config (`.github/rampart.yml`):\n\n```yaml\n%s\n```\n\n", strings.TrimRight(c.ExampleConfig, "\n"))
	}
	if c.Bad != "" {
		fmt.Fprintf(&b, "Flagged:\n\n```yaml\n%s\n```\n\n", strings.TrimRight(c.Bad, "\n"))
	}
	if c.Good != "" {
		fmt.Fprintf(&b, "Fixed:\n\n```yaml\n%s\n```\n\n", strings.TrimRight(c.Good, "\n"))
	}
	if c.Fix != "" {
		fmt.Fprintf(&b, "**Fix.** %s\n\n", strings.TrimSpace(c.Fix))
	}
	if eq := c.equivalentsLine(); eq != "" {
		fmt.Fprintf(&b, "Same hazard in other tools: %s.\n\n", eq)
	}
	if len(c.References) > 0 {
		b.WriteString("References:\n\n")
		for _, r := range c.References {
			fmt.Fprintf(&b, "- <%s>\n", r)
		}
		b.WriteString("\n")
	}
	return strings.TrimRight(b.String(), "\n") + "\n"
}

func (c *Check) equivalentsLine() string {
	var parts []string
	for _, tool := range []string{"zizmor", "scorecard", "poutine", "actionlint", "legitify"} {
		if id, ok := c.Equivalents[tool]; ok && id != "" {
			parts = append(parts, fmt.Sprintf("%s `%s`", tool, id))
		}
	}
	return strings.Join(parts, ", ")
}

// ValidateConfig checks the config's per-check options with each check's ValidateSettings.
func ValidateConfig(cfg *Config, checks []*Check) error {
	if cfg == nil {
		return nil
	}
	for _, c := range checks {
		cc, ok := cfg.Checks[c.ID]
		if !ok || c.ValidateSettings == nil {
			continue
		}
		if err := c.ValidateSettings(cc.Settings); err != nil {
			return fmt.Errorf("checks.%s: %w", c.ID, err)
		}
	}
	return nil
}

var kebab = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)

// Validate reports what is missing or malformed in a check's metadata.
func (c *Check) Validate() error {
	var problems []string
	if !kebab.MatchString(c.ID) {
		problems = append(problems, fmt.Sprintf("id %q is not kebab-case", c.ID))
	}
	if c.Title == "" || c.Doc == "" || c.Fix == "" {
		problems = append(problems, "title, doc and fix are required")
	}
	if c.Category == "" || c.Run == nil {
		problems = append(problems, "category and run are required")
	}
	if c.Bad == "" || c.Good == "" {
		problems = append(problems, "bad and good examples are required")
	}
	if len(problems) > 0 {
		return fmt.Errorf("check %q: %s", c.ID, strings.Join(problems, "; "))
	}
	return nil
}
