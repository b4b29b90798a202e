package action

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"regexp"
	"strings"
)

// Output is one step output.
type Output struct{ Name, Value string }

var outputName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

// WriteOutputs appends outputs to the GITHUB_OUTPUT file in the runner's multi-line form
// (name<<DELIM, value, DELIM) with a delimiter drawn at random for each value and checked not to
// occur in it, so no value can end its own entry and set another output (go-githubactions uses a
// fixed delimiter). An empty file path writes nothing and says so.
func WriteOutputs(file string, outs []Output) error {
	if file == "" {
		return fmt.Errorf("GITHUB_OUTPUT is not set: the step outputs were not written")
	}
	var b strings.Builder
	for _, o := range outs {
		if !outputName.MatchString(o.Name) {
			return fmt.Errorf("invalid output name %q", o.Name)
		}
		delim, err := delimiter(o.Value)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s<<%s\n%s\n%s\n", o.Name, delim, o.Value, delim)
	}
	return appendFile(file, b.String())
}

// delimiter returns a random delimiter that does not occur in value.
func delimiter(value string) (string, error) {
	for range 8 {
		var r [16]byte
		if _, err := rand.Read(r[:]); err != nil {
			return "", fmt.Errorf("cannot draw an output delimiter: %w", err)
		}
		d := "ghadelimiter_" + hex.EncodeToString(r[:])
		if !strings.Contains(value, d) {
			return d, nil
		}
	}
	return "", fmt.Errorf("cannot find an output delimiter absent from the value")
}

// MaxSummaryBytes is GitHub's cap on one step's summary (1 MiB); over it the summary is not shown.
const MaxSummaryBytes = 1 << 20

// WriteSummary appends markdown to the GITHUB_STEP_SUMMARY file, refusing to take it past
// MaxSummaryBytes with what the step already wrote.
func WriteSummary(file, markdown string) error {
	if file == "" {
		return fmt.Errorf("GITHUB_STEP_SUMMARY is not set: no step summary was written")
	}
	size := int64(0)
	if st, err := os.Stat(file); err == nil {
		size = st.Size()
	}
	if size+int64(len(markdown)) > MaxSummaryBytes {
		return fmt.Errorf("the step summary would be over GitHub's %d-byte cap; not written", MaxSummaryBytes)
	}
	return appendFile(file, markdown)
}

func appendFile(file, s string) error {
	f, err := os.OpenFile(file, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("cannot open %q: %w", file, err)
	}
	if _, err := f.WriteString(s); err != nil {
		f.Close()
		return fmt.Errorf("cannot write %q: %w", file, err)
	}
	return f.Close()
}
