package audit

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.yaml.in/yaml/v4"
)

// Config is the config file (.github/rampart.yml, rampart.yml, or --config).
type Config struct {
	// Path is where the config was read from; "" for the defaults.
	Path          string                 `yaml:"-"`
	FailOn        *Severity              `yaml:"fail-on"`
	MinScore      *int                   `yaml:"min-score"`
	MinSeverity   *Severity              `yaml:"min-severity"`
	MinConfidence *Confidence            `yaml:"min-confidence"`
	MaxFileSize   int64                  `yaml:"max-file-size"`
	Checks        map[string]CheckConfig `yaml:"checks"`
	Exceptions    []Exception            `yaml:"exceptions"`
	AllowActions  []string               `yaml:"allow-actions"`
	DenyActions   []string               `yaml:"deny-actions"`
	Extra         map[string]any         `yaml:",inline"`
}

// CheckConfig is one entry of the config's checks: section.
type CheckConfig struct {
	Disable  bool      `yaml:"disable"`
	Severity *Severity `yaml:"severity"`
	// Settings are the check's own options (policy: for unpinned-uses).
	Settings map[string]any `yaml:",inline"`
}

// Exception is a recorded decision to accept a finding: every entry has a reason, and may expire.
type Exception struct {
	Check   string `yaml:"check"`
	Path    string `yaml:"path"`
	Line    int    `yaml:"line"`
	Reason  string `yaml:"reason"`
	Expires string `yaml:"expires"`

	expires time.Time
	line    int // where the exception is written in the config
}

// ConfigFileNames are where a target's config is looked for, in order.
var ConfigFileNames = []string{".github/rampart.yml", ".github/rampart.yaml", "rampart.yml", "rampart.yaml"}

// FindConfig returns the path of the config file in a target root, or "". The file is looked
// up through an os.Root: a config that is a symlink, or that is reached through a symlinked
// directory leading out of the target (.github -> /elsewhere), is not used.
func FindConfig(root string) string {
	r, err := os.OpenRoot(root)
	if err != nil {
		return ""
	}
	defer r.Close()
	for _, name := range ConfigFileNames {
		if st, err := r.Lstat(filepath.FromSlash(name)); err == nil && st.Mode().IsRegular() {
			return filepath.Join(root, filepath.FromSlash(name))
		}
	}
	return ""
}

// maxConfigSize caps the config file.
const maxConfigSize = 1 << 20

// LoadConfig reads and validates a config file. knownChecks, when given, are the valid check ids.
// It reads at most maxConfigSize bytes (a --config of /dev/zero or a huge file is an error, not
// a full memory).
func LoadConfig(path string, knownChecks map[string]bool) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read config: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxConfigSize+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read config: %w", err)
	}
	if len(b) > maxConfigSize {
		return nil, fmt.Errorf("%s: config file is larger than 1 MiB", path)
	}
	c, err := ParseConfig(b, knownChecks)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	c.Path = path
	return c, nil
}

// ParseConfig parses and validates config file contents.
func ParseConfig(b []byte, knownChecks map[string]bool) (*Config, error) {
	c := &Config{}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("invalid YAML: %w", err)
	}
	if len(doc.Content) == 0 {
		return c, nil
	}
	if n := aliasExpansion(&doc, maxAliasNodes); n > maxAliasNodes {
		return nil, errors.New("YAML aliases expand too far")
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil {
		return nil, fmt.Errorf("invalid config: %w", err)
	}
	if len(c.Extra) > 0 {
		for k := range c.Extra {
			return nil, fmt.Errorf("unknown key %q (known: fail-on, min-score, min-severity, min-confidence, max-file-size, checks, exceptions, allow-actions, deny-actions)", k)
		}
	}
	for id := range c.Checks {
		if knownChecks != nil && !knownChecks[id] {
			return nil, fmt.Errorf("checks: unknown check %q (see `rampart checks`)", id)
		}
	}
	lines := exceptionLines(&doc)
	for i := range c.Exceptions {
		e := &c.Exceptions[i]
		if i < len(lines) {
			e.line = lines[i]
		}
		where := fmt.Sprintf("exceptions[%d] (line %d)", i, e.line)
		if e.Check == "" {
			return nil, fmt.Errorf("%s: \"check\" is required (a check id, or \"*\")", where)
		}
		if e.Check != "*" && knownChecks != nil && !knownChecks[e.Check] {
			return nil, fmt.Errorf("%s: unknown check %q", where, e.Check)
		}
		if strings.TrimSpace(e.Reason) == "" {
			return nil, fmt.Errorf("%s: \"reason\" is required: an exception is a recorded decision", where)
		}
		if e.Expires != "" {
			t, err := time.Parse("2006-01-02", e.Expires)
			if err != nil {
				return nil, fmt.Errorf("%s: \"expires\" must be a date like 2027-06-30, not %q", where, e.Expires)
			}
			e.expires = t
		}
	}
	if c.MinScore != nil && (*c.MinScore < 0 || *c.MinScore > 100) {
		return nil, fmt.Errorf("min-score must be between 0 and 100, not %d", *c.MinScore)
	}
	if c.MaxFileSize < 0 {
		return nil, fmt.Errorf("max-file-size must be positive")
	}
	return c, nil
}

func exceptionLines(doc *yaml.Node) []int {
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "exceptions" && root.Content[i+1].Kind == yaml.SequenceNode {
			var out []int
			for _, n := range root.Content[i+1].Content {
				out = append(out, n.Line)
			}
			return out
		}
	}
	return nil
}

// Expired reports whether the exception's expiry date has passed on day now.
func (e *Exception) Expired(now time.Time) bool {
	if e.expires.IsZero() {
		return false
	}
	y, m, d := now.Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return today.After(e.expires)
}

// CheckSettings returns the config of one check (zero value when none).
func (c *Config) CheckSettings(id string) CheckConfig {
	if c == nil {
		return CheckConfig{}
	}
	return c.Checks[id]
}
