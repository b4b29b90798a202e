package checks

import (
	"regexp"
	"testing"

	"github.com/rampart-sec/rampart/audit"
)

// TestJobsKey holds jobsKey to the line-by-line regular expression it replaces.
func TestJobsKey(t *testing.T) {
	re := regexp.MustCompile(`^["']?jobs["']?\s*:`)
	for _, src := range []string{
		"on: push\njobs:\n  a: {}\n", "on: push\r\njobs :\r\n", "\"jobs\": {}\n", "'jobs' :\n", "  jobs:\n", "xjobs:\njobs:\n",
		"# jobs:\njobs\n:\njobs\t:\n", "jobs", "jobs\r\n:", "jobs \r:\n", "\"\"jobs:\n", "on:\n  x: jobs:\njobs:", "",
	} {
		f := &audit.File{Source: []byte(src)}
		want := 1
		for i := 1; i <= f.LineCount(); i++ {
			if re.MatchString(f.Line(i)) {
				want = i
				break
			}
		}
		if got, _ := jobsKey(f); got != want {
			t.Errorf("jobsKey(%q) = %d, want %d", src, got, want)
		}
	}
}
