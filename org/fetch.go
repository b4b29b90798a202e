package org

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/rampart-sec/rampart/audit"
)

type blobJSON struct {
	Oid         string  `json:"oid"`
	ByteSize    int64   `json:"byteSize"`
	IsBinary    bool    `json:"isBinary"`
	IsTruncated bool    `json:"isTruncated"`
	Text        *string `json:"text"`
}

type treeJSON struct {
	Entries []struct {
		Name   string    `json:"name"`
		Type   string    `json:"type"`
		Object *blobJSON `json:"object"`
	} `json:"entries"`
}

type refsJSON struct {
	TotalCount int `json:"totalCount"`
	PageInfo   struct {
		HasNextPage bool   `json:"hasNextPage"`
		EndCursor   string `json:"endCursor"`
	} `json:"pageInfo"`
	Nodes []struct {
		Name string `json:"name"`
	} `json:"nodes"`
}

type protJSON struct {
	Name                 string `json:"name"`
	BranchProtectionRule *struct {
		AllowsForcePushes            bool `json:"allowsForcePushes"`
		AllowsDeletions              bool `json:"allowsDeletions"`
		RequiresApprovingReviews     bool `json:"requiresApprovingReviews"`
		RequiredApprovingReviewCount int  `json:"requiredApprovingReviewCount"`
		RequiresCodeOwnerReviews     bool `json:"requiresCodeOwnerReviews"`
		DismissesStaleReviews        bool `json:"dismissesStaleReviews"`
		RequiresStatusChecks         bool `json:"requiresStatusChecks"`
		IsAdminEnforced              bool `json:"isAdminEnforced"`
		RequireLastPushApproval      bool `json:"requireLastPushApproval"`
	} `json:"branchProtectionRule"`
	Rules *struct {
		Nodes []struct {
			Type              string `json:"type"`
			RepositoryRuleset *struct {
				Name       string `json:"name"`
				DatabaseID int64  `json:"databaseId"`
			} `json:"repositoryRuleset"`
			Parameters *struct {
				RequiredApprovingReviewCount int  `json:"requiredApprovingReviewCount"`
				RequireCodeOwnerReview       bool `json:"requireCodeOwnerReview"`
				DismissStaleReviewsOnPush    bool `json:"dismissStaleReviewsOnPush"`
				RequireLastPushApproval      bool `json:"requireLastPushApproval"`
			} `json:"parameters"`
		} `json:"nodes"`
	} `json:"rules"`
}

type repoJSON struct {
	NameWithOwner string    `json:"nameWithOwner"`
	WF            *treeJSON `json:"wf"`
	GH            *treeJSON `json:"gh"`
	Act           *blobJSON `json:"act"`
	Acta          *blobJSON `json:"acta"`
	Docker        *blobJSON `json:"docker"`
	Cfg           *blobJSON `json:"cfg"`
	Cfga          *blobJSON `json:"cfga"`
	Lacts         *struct {
		Entries []struct {
			Name   string `json:"name"`
			Type   string `json:"type"`
			Object *struct {
				Entries []struct {
					Name string `json:"name"`
					Type string `json:"type"`
				} `json:"entries"`
			} `json:"object"`
		} `json:"entries"`
	} `json:"lacts"`
	// With settings.
	ViewerCanAdminister bool      `json:"viewerCanAdminister"`
	Co                  *blobJSON `json:"co"`
	Codocs              *blobJSON `json:"codocs"`
	DefaultBranchRef    *protJSON `json:"defaultBranchRef"`
	Refs                *refsJSON `json:"refs"`
}

// fetched is one repository's files (and settings answers), ready to audit.
type fetched struct {
	repo   listedRepo
	target *audit.Target
	set    *settingsData
	// err, when set, fails the repository.
	err error
}

// fetchBatch reads the files of a batch of repositories with one GraphQL query (two when some
// have local actions), splitting the batch when GitHub finds it too large.
func (s *scanner) fetchBatch(ctx context.Context, batch []listedRepo) []fetched {
	names := make([]string, len(batch))
	for i, r := range batch {
		names[i] = r.FullName
	}
	ans, err := s.gql.do(ctx, filesQuery(names, s.o.Settings), nil)
	if errors.Is(err, errTooBig) && len(batch) > 1 {
		s.shrink(len(batch))
		h := len(batch) / 2
		return append(s.fetchBatch(ctx, batch[:h]), s.fetchBatch(ctx, batch[h:])...)
	}
	out := make([]fetched, len(batch))
	if err != nil {
		for i, r := range batch {
			out[i] = fetched{repo: r, err: fmt.Errorf("cannot read the files: %w", err)}
		}
		return out
	}
	s.grow(len(batch), ans.Size)
	pathErrs := map[string][]gqlError{}
	for _, e := range ans.Errors {
		pathErrs[e.pathHead()] = append(pathErrs[e.pathHead()], e)
	}
	var needActions []int
	actionPaths := make([][]string, len(batch))
	for i, r := range batch {
		alias := fmt.Sprintf("r%d", i)
		raw := ans.Data[alias]
		out[i].repo = r
		if len(raw) == 0 || string(raw) == "null" {
			msg := "repository not found (or the token cannot see it)"
			for _, e := range pathErrs[alias] {
				if len(e.Path) == 1 {
					msg = e.Message
				}
			}
			out[i].err = errors.New(msg)
			continue
		}
		var rj repoJSON
		if err := json.Unmarshal(raw, &rj); err != nil {
			out[i].err = fmt.Errorf("cannot decode the files: %v", err)
			continue
		}
		t := &audit.Target{Kind: "repo", Name: r.FullName, Ref: r.DefaultBranch, Repo: r.FullName}
		files := map[string]*blobJSON{}
		if rj.WF != nil {
			for _, e := range rj.WF.Entries {
				if e.Type == "blob" && checkName(e.Name) == nil && (strings.HasSuffix(e.Name, ".yml") || strings.HasSuffix(e.Name, ".yaml")) {
					files[".github/workflows/"+e.Name] = e.Object
				}
			}
		}
		codeowners := map[string]*blobJSON{}
		if rj.GH != nil {
			for _, e := range rj.GH.Entries {
				if e.Type != "blob" {
					continue
				}
				switch e.Name {
				case "dependabot.yml", "dependabot.yaml", "rampart.yml", "rampart.yaml":
					files[".github/"+e.Name] = e.Object
				case "CODEOWNERS":
					codeowners[".github/CODEOWNERS"] = e.Object
				}
			}
		}
		for p, b := range map[string]*blobJSON{"action.yml": rj.Act, "action.yaml": rj.Acta, "Dockerfile": rj.Docker, "rampart.yml": rj.Cfg, "rampart.yaml": rj.Cfga} {
			if b != nil && b.Oid != "" {
				files[p] = b
			}
		}
		if rj.Lacts != nil {
			for _, d := range rj.Lacts.Entries {
				if d.Type != "tree" || d.Object == nil || checkName(d.Name) != nil {
					continue
				}
				for _, f := range d.Object.Entries {
					if f.Type == "blob" && (f.Name == "action.yml" || f.Name == "action.yaml") {
						actionPaths[i] = append(actionPaths[i], ".github/actions/"+d.Name+"/"+f.Name)
					}
				}
			}
			if len(actionPaths[i]) > 0 {
				needActions = append(needActions, i)
			}
		}
		if err := s.addFiles(ctx, t, files); err != nil {
			out[i].err = err
			continue
		}
		out[i].target = t
		if s.o.Settings {
			codeowners["CODEOWNERS"], codeowners["docs/CODEOWNERS"] = rj.Co, rj.Codocs
			out[i].set, out[i].err = s.settingsFrom(ctx, r, &rj, codeowners, pathErrs[alias])
		}
	}
	if len(needActions) > 0 {
		s.fetchActionFiles(ctx, out, needActions, actionPaths)
	}
	return out
}

// fetchActionFiles reads the local actions' action.yml of the repositories that have them.
func (s *scanner) fetchActionFiles(ctx context.Context, out []fetched, idx []int, paths [][]string) {
	var repos []string
	var files [][]string
	for _, i := range idx {
		repos = append(repos, out[i].repo.FullName)
		files = append(files, paths[i])
	}
	ans, err := s.gql.do(ctx, actionFilesQuery(repos, files), nil)
	for k, i := range idx {
		if out[i].err != nil || out[i].target == nil {
			continue
		}
		if err != nil {
			out[i].err = fmt.Errorf("cannot read the local actions: %w", err)
			continue
		}
		var rj map[string]*blobJSON
		if raw := ans.Data[fmt.Sprintf("r%d", k)]; len(raw) > 0 {
			_ = json.Unmarshal(raw, &rj)
		}
		m := map[string]*blobJSON{}
		for j, p := range files[k] {
			if b := rj[fmt.Sprintf("f%d", j)]; b != nil && b.Oid != "" {
				m[p] = b
			}
		}
		if err := s.addFiles(ctx, out[i].target, m); err != nil {
			out[i].err = err
		}
	}
}

// addFiles adds the files to the target in path order: the text GraphQL gave, or the blob
// through REST when GraphQL truncated it or took it for binary. The config file becomes the
// target's config.
func (s *scanner) addFiles(ctx context.Context, t *audit.Target, files map[string]*blobJSON) error {
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	owner, name, _ := strings.Cut(t.Name, "/")
	var cfgPath string
	var cfgSrc []byte
	for _, p := range paths {
		b := files[p]
		if b == nil || b.Oid == "" {
			continue
		}
		if b.ByteSize > audit.DefaultMaxFileSize {
			t.Errors = append(t.Errors, audit.FileError{File: p, Message: fmt.Sprintf("not audited: file is %d bytes, over the %d-byte cap (max-file-size)", b.ByteSize, audit.DefaultMaxFileSize)})
			continue
		}
		var src []byte
		if b.Text != nil && !b.IsTruncated && !b.IsBinary {
			src = []byte(*b.Text)
		} else {
			raw, err := s.blobREST(ctx, owner, name, b.Oid)
			if err != nil {
				return fmt.Errorf("cannot read %s: %w", p, err)
			}
			src = raw
		}
		if slices.Contains(audit.ConfigFileNames, p) {
			if cfgPath == "" || slices.Index(audit.ConfigFileNames, p) < slices.Index(audit.ConfigFileNames, cfgPath) {
				cfgPath, cfgSrc = p, src
			}
			continue
		}
		t.AddSource(p, src)
	}
	if cfgPath != "" {
		cfg, err := audit.ParseConfig(cfgSrc, s.o.KnownChecks)
		if err != nil {
			t.Errors = append(t.Errors, audit.FileError{File: cfgPath, Message: "config not applied: " + err.Error()})
		} else {
			cfg.Path = t.Name + ":" + cfgPath
			t.Config = cfg
		}
	}
	return nil
}

// blobREST reads a blob through REST (GET /repos/{owner}/{repo}/git/blobs/{sha}, raw) and
// checks it against its git object id, so a body cut short is read again rather than audited.
func (s *scanner) blobREST(ctx context.Context, owner, name, sha string) ([]byte, error) {
	var out []byte
	err := s.rest(ctx, "blob "+sha, "contents: read", func() error {
		b, _, err := s.o.Client.REST.Git.GetBlobRaw(ctx, owner, name, sha)
		if err == nil && !gitBlobMatches(b, sha) {
			return errBlobMismatch
		}
		out = b
		return err
	})
	if out == nil && err == nil {
		err = fmt.Errorf("blob %s not found", sha)
	}
	return out, err
}

var errBlobMismatch = errors.New("the blob read does not match its object id (a body cut short)")

// gitBlobMatches reports whether content is the git blob with id sha (SHA-1; a SHA-256
// repository's 64-digit ids are not checked).
func gitBlobMatches(content []byte, sha string) bool {
	if len(sha) != 40 {
		return true
	}
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(content))
	h.Write(content)
	return strings.EqualFold(hex.EncodeToString(h.Sum(nil)), sha)
}

// checkName refuses a path component from the API that is not a plain name.
func checkName(n string) error {
	if n == "" || n == "." || n == ".." || strings.ContainsAny(n, "/\\\x00") || path.Clean(n) != n {
		return fmt.Errorf("bad name %q", n)
	}
	for _, r := range n {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("bad name %q", n)
		}
	}
	return nil
}
