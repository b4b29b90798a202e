package fix

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/rampart-sec/rampart/audit"
	"go.yaml.in/yaml/v4"
)

// PinMap is a Resolver read from a file, for offline runs and tests: for each repository, its
// tags and the commits they point at.
//
//	actions/checkout:
//	  v4: 11bd71901bbe5b1630ceea73d27597364c9af683
//	  v4.2.2: 11bd71901bbe5b1630ceea73d27597364c9af683
type PinMap map[string]map[string]string

// LoadPinMap reads a pin map file (YAML or JSON).
func LoadPinMap(path string) (PinMap, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the pin map: %w", err)
	}
	var m PinMap
	if err := yaml.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: the pin map must map owner/repo to tags and commit SHAs: %v", path, err)
	}
	out := PinMap{}
	for repo, tags := range m {
		for tag, sha := range tags {
			if !fullSHA.MatchString(sha) {
				return nil, fmt.Errorf("%s: %s@%s: %q is not a full commit SHA", path, repo, tag, sha)
			}
		}
		out[strings.ToLower(repo)] = tags
	}
	return out, nil
}

// Refs lists the tags the map holds for owner/name; a repository it does not name has none.
func (m PinMap) Refs(_ context.Context, owner, name string) (*audit.Refs, error) {
	r := &audit.Refs{}
	for tag, sha := range m[strings.ToLower(owner+"/"+name)] {
		r.Tags = append(r.Tags, audit.GitRef{Name: tag, SHA: strings.ToLower(sha)})
	}
	slices.SortFunc(r.Tags, func(a, b audit.GitRef) int { return strings.Compare(a.Name, b.Name) })
	return r, nil
}

var (
	fullSHA  = regexp.MustCompile(`^[0-9a-fA-F]{40}$`)
	usesRe   = regexp.MustCompile(`^([A-Za-z0-9][A-Za-z0-9-]*)/([A-Za-z0-9._-]+)(/[^@]*)?@(\S+)$`)
	versionC = regexp.MustCompile(`^v?\d+(\.\d+)*$`)
)

// fixPins replaces a uses: tag with the commit it points at, keeping the most specific tag at
// that commit in a comment: owner/repo@v4 becomes owner/repo@<sha> # v4.2.2. Branches are left
// alone (pinning one freezes it silently), and nothing is guessed: without a resolver nothing
// is pinned.
func fixPins(c *planCtx, fs []audit.Finding) ([]Patch, []Outcome) {
	var patches []Patch
	var skips []Outcome
	skip := func(f audit.Finding, why string) {
		skips = append(skips, Outcome{Finding: f, Status: "skipped", Note: why})
	}
	for _, f := range fs {
		if c.fx.Resolver == nil {
			skip(f, "offline: pinning needs the GitHub API (or --pin-map)")
			continue
		}
		off := c.file.Offset(f.Line, f.Column)
		if off < 0 {
			skip(f, "the uses: value could not be found in the source")
			continue
		}
		line := c.file.Line(f.Line)
		lineStart := c.file.Offset(f.Line, 1)
		rest := line[off-lineStart:]
		quote := ""
		if strings.HasPrefix(rest, `"`) || strings.HasPrefix(rest, "'") {
			quote = rest[:1]
			rest = rest[1:]
		}
		end := strings.IndexAny(rest, " \t"+quote)
		if quote == "" && end < 0 {
			end = len(rest)
		}
		if end < 0 {
			skip(f, "the uses: value could not be read from the source")
			continue
		}
		value := rest[:end]
		m := usesRe.FindStringSubmatch(value)
		if m == nil {
			skip(f, "only owner/repo[/path]@ref is pinned")
			continue
		}
		owner, repo, ref := m[1], m[2], m[4]
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		refs, err := c.fx.Resolver.Refs(ctx, owner, repo)
		cancel()
		if err != nil {
			skip(f, fmt.Sprintf("cannot list the tags of %s/%s: %v", owner, repo, err))
			continue
		}
		sha, label := resolveTag(refs, ref)
		if sha == "" {
			why := fmt.Sprintf("%q is not a tag of %s/%s", ref, owner, repo)
			for _, b := range refs.Branches {
				if b.Name == ref {
					why = fmt.Sprintf("%q is a branch of %s/%s; pin it to a release by hand", ref, owner, repo)
				}
			}
			skip(f, why)
			continue
		}
		valStart := off + len(quote)
		refStart := valStart + len(value) - len(ref)
		valEnd := valStart + len(value)
		edits := []Edit{{Start: refStart, End: valEnd, Text: sha}}
		after := rest[end:]
		if quote != "" {
			after = after[1:]
			valEnd++
		}
		trail := strings.TrimLeft(after, " \t")
		comment := " # " + label
		switch {
		case trail == "":
			edits = append(edits, Edit{Start: valEnd, End: valEnd, Text: comment})
		case strings.HasPrefix(trail, "#"):
			// keep the comment that is there, after the version
			edits = append(edits, Edit{Start: valEnd, End: valEnd, Text: comment})
		default:
			skip(f, "the uses: line has more than a value and a comment")
			continue
		}
		newValue := value[:len(value)-len(ref)] + sha
		patches = append(patches, Patch{Check: f.Check, Findings: []audit.Finding{f}, Edits: edits,
			Summary: fmt.Sprintf("pin %s to %s (%s)", value, sha, label),
			Renames: map[string]string{newValue: m[1] + "/" + m[2] + m[3] + "@…", value: m[1] + "/" + m[2] + m[3] + "@…"}, Brings: []string{"dependabot-missing-actions"}})
	}
	return patches, skips
}

// resolveTag finds the commit of tag ref and the most specific tag at that commit that refines
// it (v4 at the commit of v4.2.2 gives v4.2.2); "" when ref is not a tag.
func resolveTag(refs *audit.Refs, ref string) (sha, label string) {
	for _, t := range refs.Tags {
		if t.Name == ref {
			sha = strings.ToLower(t.SHA)
		}
	}
	if !fullSHA.MatchString(sha) {
		return "", ""
	}
	label = ref
	for _, t := range refs.Tags {
		if !strings.EqualFold(t.SHA, sha) || !versionC.MatchString(t.Name) || !strings.HasPrefix(t.Name, ref+".") {
			continue
		}
		if strings.Count(t.Name, ".") > strings.Count(label, ".") || strings.Count(t.Name, ".") == strings.Count(label, ".") && t.Name > label {
			label = t.Name
		}
	}
	return sha, label
}
