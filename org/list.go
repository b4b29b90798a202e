package org

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"path"
	"slices"
	"strings"
)

// Filters select an owner's repositories.
type Filters struct {
	IncludeArchived bool
	IncludeForks    bool
	// Visibility is "", "public", "private" or "internal".
	Visibility string
	// Topics: a repository must carry every one of them.
	Topics []string
	// Exclude are globs matched against "owner/name" and "name" (path.Match syntax).
	Exclude []string
	// Only, when not nil, limits the scan to these repositories (--repos-from): "name" or "owner/name".
	Only []string
}

// Shard is one part of a scan split across processes: Index in 1..Count.
type Shard struct {
	Index int `json:"index"`
	Count int `json:"count"`
}

// ParseShard reads "I/N" (1 <= I <= N).
func ParseShard(s string) (Shard, error) {
	if s == "" {
		return Shard{Index: 1, Count: 1}, nil
	}
	var sh Shard
	if _, err := fmt.Sscanf(s, "%d/%d", &sh.Index, &sh.Count); err != nil || sh.Count < 1 || sh.Index < 1 || sh.Index > sh.Count ||
		fmt.Sprintf("%d/%d", sh.Index, sh.Count) != s {
		return Shard{}, fmt.Errorf("--shard must be I/N with 1 <= I <= N, such as 1/4, not %q", s)
	}
	return sh, nil
}

// Owns reports whether the shard scans the repository: a stable FNV-1a hash of its lower-cased
// full name, modulo the shard count.
func (s Shard) Owns(full string) bool {
	if s.Count <= 1 {
		return true
	}
	h := fnv.New64a()
	h.Write([]byte(strings.ToLower(full)))
	return int(h.Sum64()%uint64(s.Count)) == s.Index-1
}

// listedRepo is one repository of the listing.
type listedRepo struct {
	FullName      string
	DefaultBranch string
	Archived      bool
	Fork          bool
	Private       bool
	Empty         bool
	Visibility    string // lower case
	Topics        []string
}

type listPage struct {
	RateLimit       rateLimit `json:"rateLimit"`
	RepositoryOwner *struct {
		Typename     string `json:"__typename"`
		Login        string `json:"login"`
		Repositories struct {
			TotalCount int `json:"totalCount"`
			PageInfo   struct {
				HasNextPage bool   `json:"hasNextPage"`
				EndCursor   string `json:"endCursor"`
			} `json:"pageInfo"`
			Nodes []struct {
				NameWithOwner    string `json:"nameWithOwner"`
				IsArchived       bool   `json:"isArchived"`
				IsFork           bool   `json:"isFork"`
				IsPrivate        bool   `json:"isPrivate"`
				IsEmpty          bool   `json:"isEmpty"`
				Visibility       string `json:"visibility"`
				DefaultBranchRef *struct {
					Name string `json:"name"`
				} `json:"defaultBranchRef"`
				RepositoryTopics *struct {
					Nodes []struct {
						Topic struct {
							Name string `json:"name"`
						} `json:"topic"`
					} `json:"nodes"`
				} `json:"repositoryTopics"`
			} `json:"nodes"`
		} `json:"repositories"`
	} `json:"repositoryOwner"`
}

// list pages through the owner's repositories, calling page for each page of up to 100; total
// is the owner's repository count (before filters).
func (s *scanner) list(ctx context.Context, page func(total int, repos []listedRepo) error) error {
	cursor := any(nil)
	topics := len(s.o.Filters.Topics) > 0
	for {
		ans, err := s.gql.do(ctx, listQuery, map[string]any{"login": s.o.Org, "cursor": cursor, "first": 100, "topics": topics})
		if err != nil {
			return fmt.Errorf("cannot list the repositories of %q: %w", s.o.Org, err)
		}
		var p listPage
		if err := decodeData(ans, &p); err != nil {
			return fmt.Errorf("cannot list the repositories of %q: %w", s.o.Org, err)
		}
		if p.RepositoryOwner == nil {
			for _, e := range ans.Errors {
				return fmt.Errorf("cannot list the repositories of %q: %s", s.o.Org, e.Message)
			}
			return fmt.Errorf("no organization or user %q (or the token cannot see it)", s.o.Org)
		}
		rs := p.RepositoryOwner.Repositories
		out := make([]listedRepo, 0, len(rs.Nodes))
		for _, n := range rs.Nodes {
			r := listedRepo{FullName: n.NameWithOwner, Archived: n.IsArchived, Fork: n.IsFork, Private: n.IsPrivate,
				Empty: n.IsEmpty, Visibility: strings.ToLower(n.Visibility)}
			if n.DefaultBranchRef != nil {
				r.DefaultBranch = n.DefaultBranchRef.Name
			}
			if n.RepositoryTopics != nil {
				for _, t := range n.RepositoryTopics.Nodes {
					r.Topics = append(r.Topics, strings.ToLower(t.Topic.Name))
				}
			}
			out = append(out, r)
		}
		if err := page(rs.TotalCount, out); err != nil {
			return err
		}
		if !rs.PageInfo.HasNextPage || rs.PageInfo.EndCursor == "" {
			return nil
		}
		cursor = rs.PageInfo.EndCursor
	}
}

func decodeData(ans *gqlAnswer, v any) error {
	b, err := json.Marshal(ans.Data)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// selected tells whether the filters select a repository: false drops it from the scan (it is
// not listed); a skip reason lists it as skipped.
func (f *Filters) selected(r listedRepo, only map[string]bool) (bool, string) {
	full := strings.ToLower(r.FullName)
	_, name, _ := strings.Cut(full, "/")
	if only != nil && !only[full] {
		return false, ""
	}
	for _, g := range f.Exclude {
		g = strings.ToLower(g)
		if ok, _ := path.Match(g, full); ok {
			return false, ""
		}
		if ok, _ := path.Match(g, name); ok {
			return false, ""
		}
	}
	if f.Visibility != "" && r.Visibility != f.Visibility {
		return false, ""
	}
	for _, t := range f.Topics {
		if !slices.Contains(r.Topics, strings.ToLower(t)) {
			return false, ""
		}
	}
	switch {
	case r.Archived && !f.IncludeArchived:
		return true, "archived (use --include-archived to scan it)"
	case r.Fork && !f.IncludeForks:
		return true, "fork (use --include-forks to scan it)"
	case r.Empty || r.DefaultBranch == "":
		return true, "empty repository (no default branch)"
	}
	return true, ""
}

// onlySet normalises --repos-from names to lower-case "owner/name".
func onlySet(owner string, names []string) map[string]bool {
	if names == nil {
		return nil
	}
	m := map[string]bool{}
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		if !strings.Contains(n, "/") {
			n = owner + "/" + n
		}
		m[strings.ToLower(n)] = true
	}
	return m
}

// ValidateGlobs checks --exclude patterns.
func ValidateGlobs(globs []string) error {
	for _, g := range globs {
		if _, err := path.Match(g, ""); err != nil {
			return fmt.Errorf("--exclude %q: %v", g, err)
		}
	}
	return nil
}
