package checks

import (
	"fmt"

	"github.com/rampart-sec/rampart/audit"
	"go.yaml.in/yaml/v4"
)

// dbDefaultCooldownDays is the shortest cooldown accepted without configuration, zizmor's default.
const dbDefaultCooldownDays = 7

// DependabotCooldown flags Dependabot update entries that propose a version the day it is published.
var DependabotCooldown = &audit.Check{
	ID:          "dependabot-cooldown",
	Title:       "Dependabot updates without a cooldown",
	Severity:    audit.Medium,
	Confidence:  audit.HighConfidence,
	Category:    audit.CategorySupplyChain,
	ExamplePath: ".github/dependabot.yml",
	Doc: `Without a ` + "`cooldown:`" + `, Dependabot opens a pull request for a new version as soon as it is published, and a
busy team (or an auto-merge workflow) merges it within hours. That is exactly the window in which
hijacked releases live: the tj-actions/changed-files tags repointed at a secret-dumping commit
(CVE-2025-30066), the npm packages of the September 2025 debug/chalk compromise and the Shai-Hulud worm
were all caught and pulled within hours to a few days. A cooldown makes Dependabot wait until a
version is some days old, so that others' scanners and incident reports get there first; security
updates for known vulnerabilities are not delayed by it.

Each ` + "`updates:`" + ` entry is checked: no ` + "`cooldown:`" + ` (reported at its ` + "`package-ecosystem`" + `), a cooldown
without ` + "`default-days`" + ` (which then defaults to 0) or whose ` + "`exclude:`" + ` lists ` + "`\"*\"`" + `, and, with lower
severity, a ` + "`default-days`" + ` shorter than the minimum: 7 days, as zizmor asks, or
` + "`checks: {dependabot-cooldown: {days: N}}`" + ` in the config (1 to 90).`,
	Bad: `version: 2
updates:
  - package-ecosystem: github-actions
    directory: /
    schedule:
      interval: weekly
  - package-ecosystem: npm
    directory: /
    schedule:
      interval: daily
    cooldown:
      default-days: 1
`,
	Good: `version: 2
updates:
  - package-ecosystem: github-actions
    directory: /
    schedule:
      interval: weekly
    cooldown:
      default-days: 7
  - package-ecosystem: npm
    directory: /
    schedule:
      interval: daily
    cooldown:
      default-days: 7
      semver-major-days: 14
`,
	Fix: `Add ` + "`cooldown: {default-days: 7}`" + ` (or more) to every entry of ` + "`updates:`" + `.

` + "`semver-major-days`" + `, ` + "`semver-minor-days`" + ` and ` + "`semver-patch-days`" + ` can lengthen the wait per kind of update
for ecosystems with semantic versions (not ` + "`github-actions`" + `, which takes only ` + "`default-days`" + `);
` + "`include:`" + `/` + "`exclude:`" + ` narrow the cooldown to some dependencies. Security updates are not delayed.`,
	References: []string{
		"https://docs.github.com/en/code-security/dependabot/working-with-dependabot/dependabot-options-reference#cooldown-",
		"https://docs.zizmor.sh/audits/#dependabot-cooldown",
		"https://blog.yossarian.net/2025/11/21/We-should-all-be-using-dependency-cooldowns",
		"https://www.cve.org/CVERecord?id=CVE-2025-30066",
	},
	Equivalents: map[string]string{"zizmor": "dependabot-cooldown"},
	ValidateSettings: func(settings map[string]any) error {
		_, err := dbCooldownDays(settings)
		return err
	},
	Run: runDependabotCooldown,
}

// dbCooldownDays reads the check's days setting: the shortest cooldown accepted.
func dbCooldownDays(settings map[string]any) (int, error) {
	for k := range settings {
		if k != "days" {
			return 0, fmt.Errorf("unknown option %q (the option is days: the shortest cooldown accepted, 1 to 90)", k)
		}
	}
	raw, ok := settings["days"]
	if !ok || raw == nil {
		return dbDefaultCooldownDays, nil
	}
	var days int
	switch v := raw.(type) {
	case int:
		days = v
	case int64:
		days = int(v)
	case uint64:
		days = int(min(v, 1000))
	case float64:
		if v != float64(int(v)) {
			return 0, fmt.Errorf("days: %v is not a whole number of days", v)
		}
		days = int(v)
	default:
		return 0, fmt.Errorf("days: %q is not a number of days (1 to 90)", fmt.Sprint(raw))
	}
	if days < 1 || days > 90 {
		return 0, fmt.Errorf("days: %d is out of range: Dependabot accepts 1 to 90", days)
	}
	return days, nil
}

func runDependabotCooldown(pass *audit.Pass) error {
	minDays, err := dbCooldownDays(pass.Settings)
	if err != nil {
		return err
	}
	file := pass.Target.Dependabot()
	for _, u := range dbUpdates(file) {
		ck, cd := dbGet(u.Node, "cooldown")
		if ck == nil || cd == nil || cd.Kind != yaml.MappingNode || len(cd.Content) == 0 {
			pos, what := dbPos(u.EcosystemNode), "has no cooldown"
			if ck != nil {
				pos, what = dbPos(ck), "has an empty or malformed cooldown"
			}
			f := pass.Reportf(file, pos, "%s %s: Dependabot proposes new versions the day they are published", u.Label(), what)
			f.Key = u.Key("no cooldown")
			continue
		}
		if _, ex := dbGet(cd, "exclude"); ex != nil && ex.Kind == yaml.SequenceNode {
			for _, e := range ex.Content {
				if e = dbDeref(e); e.Kind == yaml.ScalarNode && e.Value == "*" {
					f := pass.Reportf(file, dbPos(e), "%s excludes every dependency (%q) from its cooldown", u.Label(), e.Value)
					f.Key = u.Key("cooldown excludes all")
				}
			}
		}
		dk, dv := dbGet(cd, "default-days")
		if dk == nil {
			f := pass.Reportf(file, dbPos(ck), "%s has a cooldown without default-days, which then defaults to 0 days", u.Label())
			f.Key = u.Key("no default-days")
			continue
		}
		days, ok := dbInt(dv)
		if !ok || days >= minDays {
			continue
		}
		if days <= 0 {
			f := pass.Reportf(file, dbPos(dv), "%s sets default-days to %d: no cooldown", u.Label(), days)
			f.Key = u.Key("no default-days")
			continue
		}
		f := pass.Reportf(file, dbPos(dv), "%s has a cooldown of %d days (default-days), shorter than the %d days asked for", u.Label(), days, minDays)
		f.Severity, f.Confidence = audit.Low, audit.MediumConfidence
		f.Key = u.Key("short cooldown")
	}
	return nil
}
