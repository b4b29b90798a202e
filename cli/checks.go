package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rampart-sec/rampart/checks"
)

type checkJSON struct {
	ID          string            `json:"id"`
	Title       string            `json:"title"`
	Severity    audit.Severity    `json:"severity"`
	Confidence  audit.Confidence  `json:"confidence"`
	Category    audit.Category    `json:"category"`
	Online      bool              `json:"online"`
	Fixable     bool              `json:"fixable"`
	Doc         string            `json:"doc"`
	URL         string            `json:"url"`
	Equivalents map[string]string `json:"equivalents"`
}

func runChecks(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("rampart checks", stderr)
	format := fs.String("format", "text", "output format: text|json")
	if _, err := parseInterspersed(fs, args); err != nil {
		return usageError{err.Error()}
	}
	if err := oneOf("format", *format, "text", "json"); err != nil {
		return err
	}
	all := checks.All()
	if *format == "json" {
		out := make([]checkJSON, 0, len(all))
		for _, c := range all {
			eq := c.Equivalents
			if eq == nil {
				eq = map[string]string{}
			}
			out = append(out, checkJSON{c.ID, c.Title, c.Severity, c.Confidence, c.Category, c.Online, c.Fixable, c.Markdown(), c.URL(), eq})
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSEVERITY\tCATEGORY\tTITLE")
	for _, c := range all {
		title := c.Title
		if c.Online {
			title += " (online)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.ID, c.Severity, c.Category, title)
	}
	tw.Flush()
	fmt.Fprintf(stdout, "\n%d checks. 'rampart explain ID' shows one in full; 'rampart explain score' explains the score.\n", len(all))
	return nil
}

func runExplain(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("rampart explain", stderr)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return usageError{err.Error()}
	}
	if len(pos) != 1 {
		return usageError{"usage: rampart explain ID|score"}
	}
	if pos[0] == "score" {
		fmt.Fprint(stdout, audit.ScoreDoc())
		return nil
	}
	c := checks.ByID(pos[0])
	if c == nil {
		var ids []string
		for _, c := range checks.All() {
			ids = append(ids, c.ID)
		}
		return usageError{fmt.Sprintf("no check %q; the checks are: %s, and \"score\"", pos[0], strings.Join(ids, ", "))}
	}
	fmt.Fprintf(stdout, "# %s: %s\n\n%s", c.ID, c.Title, c.Markdown())
	return nil
}
