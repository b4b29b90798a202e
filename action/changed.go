package action

import (
	"context"
	"strconv"
	"strings"

	gh "github.com/google/go-github/v93/github"
)

// maxFilePages bounds the listing of a pull request's files (GitHub lists at most 3,000).
const maxFilePages = 30

// Changed maps a file (repository-relative) to the lines the pull request adds or changes in it.
// A file present with a nil set was changed but its patch was not given (too large): every line counts.
type Changed map[string]map[int]bool

// Has reports whether line of file is changed by the pull request.
func (c Changed) Has(file string, line int) bool {
	lines, ok := c[file]
	if !ok {
		return false
	}
	return lines == nil || lines[line]
}

// ChangedLines lists the pull request's files and the head lines their patches add.
func ChangedLines(ctx context.Context, rest *gh.Client, owner, repo string, number int) (Changed, error) {
	out := Changed{}
	opts := &gh.ListOptions{PerPage: 100}
	for page := 0; page < maxFilePages; page++ {
		files, resp, err := rest.PullRequests.ListFiles(ctx, owner, repo, number, opts)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			if f.GetStatus() == "removed" {
				continue
			}
			if f.Patch == nil {
				out[f.GetFilename()] = nil
				continue
			}
			out[f.GetFilename()] = AddedLines(f.GetPatch())
		}
		if resp == nil || resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	return out, nil
}

// AddedLines returns the new-file line numbers that a unified diff's hunks add.
func AddedLines(patch string) map[int]bool {
	lines := map[int]bool{}
	n := 0
	for l := range strings.SplitSeq(patch, "\n") {
		switch {
		case strings.HasPrefix(l, "@@"):
			// @@ -a,b +c,d @@
			n = 0
			if i := strings.Index(l, " +"); i >= 0 {
				rest := l[i+2:]
				if j := strings.IndexAny(rest, ", "); j >= 0 {
					rest = rest[:j]
				}
				if v, err := strconv.Atoi(rest); err == nil {
					n = v
				}
			}
		case n == 0:
		case strings.HasPrefix(l, "+"):
			lines[n] = true
			n++
		case strings.HasPrefix(l, "-"), strings.HasPrefix(l, `\`):
		default:
			n++
		}
	}
	return lines
}
