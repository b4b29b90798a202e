package orgtest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
)

// GitHub's limits (docs: "Rate limits and node limits for the GraphQL API").
const (
	maxNodes = 500000
	maxFirst = 100
)

// obj is a resolved GraphQL object: __typename and its fields; a field may be a func of its arguments.
type obj map[string]any

type resolverFunc func(args map[string]any) any

type gqlErr struct {
	Type    string `json:"type,omitempty"`
	Message string `json:"message"`
	Path    []any  `json:"path,omitempty"`
}

type evalState struct {
	s      *Server
	vars   map[string]any
	doc    *ast.QueryDocument
	errors []gqlErr
	text   int // blob text bytes served
}

func (s *Server) graphql(w http.ResponseWriter, r *http.Request) {
	s.rateHeaders(w, "graphql")
	var req struct {
		Query     string         `json:"query"`
		Variables map[string]any `json:"variables"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"message": "Problems parsing JSON"})
		return
	}
	doc, err := Validate(req.Query)
	if err != nil {
		writeJSON(w, http.StatusOK, map[string]any{"errors": []gqlErr{{Message: err.Error()}}})
		return
	}
	if len(doc.Operations) != 1 {
		writeJSON(w, http.StatusOK, map[string]any{"errors": []gqlErr{{Message: "one operation per request"}}})
		return
	}
	op := doc.Operations[0]
	vars := req.Variables
	if vars == nil {
		vars = map[string]any{}
	}
	// Static analysis: GitHub's node limit, first/last bounds and cost, before anything runs.
	nodes, calls, perr := s.analyze(op.SelectionSet, doc, vars, 1)
	if perr != nil {
		writeJSON(w, http.StatusOK, map[string]any{"errors": []gqlErr{*perr}})
		return
	}
	if nodes > maxNodes {
		writeJSON(w, http.StatusOK, map[string]any{"errors": []gqlErr{{Type: "MAX_NODE_LIMIT_EXCEEDED",
			Message: fmt.Sprintf("This query requests up to %d possible nodes which exceeds the maximum limit of %d.", nodes, maxNodes)}}})
		return
	}
	cost := max(1, (calls+50)/100)
	s.mu.Lock()
	if time.Now().After(s.reset) {
		s.points, s.reset = s.o.Points, time.Now().Add(time.Hour)
	}
	if s.points < cost {
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]any{"errors": []gqlErr{{Type: "RATE_LIMITED", Message: "API rate limit exceeded"}}})
		return
	}
	s.points -= cost
	remaining, reset := s.points, s.reset
	s.mu.Unlock()
	s.MaxNodes.Store(max(s.MaxNodes.Load(), int64(nodes)))
	s.MaxCost.Store(max(s.MaxCost.Load(), int64(cost)))

	st := &evalState{s: s, vars: vars, doc: doc}
	root := obj{
		"__typename": "Query",
		"rateLimit": obj{"__typename": "RateLimit", "cost": cost, "remaining": remaining, "limit": s.o.Points,
			"resetAt": reset.UTC().Format(time.RFC3339), "nodeCount": nodes, "used": s.o.Points - remaining},
		"repositoryOwner": resolverFunc(func(a map[string]any) any {
			if !strings.EqualFold(fmt.Sprint(a["login"]), s.o.Org) {
				return nil
			}
			return s.orgObj()
		}),
		"repository": resolverFunc(func(a map[string]any) any {
			rp := s.repoByName(fmt.Sprint(a["owner"]), fmt.Sprint(a["name"]))
			if rp == nil {
				return nil
			}
			return s.repoObj(rp)
		}),
	}
	data := st.selectOn(root, op.SelectionSet, nil)
	// A repository that does not exist: null with a NOT_FOUND error at its path.
	for _, sel := range op.SelectionSet {
		if f, ok := sel.(*ast.Field); ok && f.Name == "repository" && data[f.Alias] == nil {
			a := f.ArgumentMap(vars)
			st.errors = append(st.errors, gqlErr{Type: "NOT_FOUND", Path: []any{f.Alias},
				Message: fmt.Sprintf("Could not resolve to a Repository with the name '%s/%s'.", a["owner"], a["name"])})
		}
	}
	if st.text > s.o.MaxAnswerBytes {
		s.TooLarge.Add(1)
		w.WriteHeader(http.StatusBadGateway)
		fmt.Fprint(w, `{"message": "We couldn't respond to your request in time. Sorry about that. Please try resubmitting your request and contact us if the problem persists."}`)
		return
	}
	out := map[string]any{"data": data}
	if len(st.errors) > 0 {
		out["errors"] = st.errors
	}
	writeJSON(w, http.StatusOK, out)
}

// analyze counts the nodes a query may return and the connection calls it makes (GitHub's
// cost: calls / 100), refusing a connection without first/last or with more than 100.
func (s *Server) analyze(set ast.SelectionSet, doc *ast.QueryDocument, vars map[string]any, mult int) (nodes, calls int, e *gqlErr) {
	for _, sel := range set {
		var sub ast.SelectionSet
		m := mult
		switch x := sel.(type) {
		case *ast.Field:
			sub = x.SelectionSet
			if x.Definition != nil && strings.HasSuffix(x.Definition.Type.Name(), "Connection") {
				a := x.ArgumentMap(vars)
				n := 0
				for _, k := range []string{"first", "last"} {
					if v, ok := a[k]; ok && v != nil {
						n = toInt(v)
						if n < 0 || n > maxFirst {
							return 0, 0, &gqlErr{Type: "EXCESSIVE_PAGINATION", Message: fmt.Sprintf("Requesting %d records on the `%s` connection exceeds the `%s` limit of %d records.", n, x.Name, k, maxFirst)}
						}
					}
				}
				if n == 0 {
					return 0, 0, &gqlErr{Type: "MISSING_PAGINATION_BOUNDARIES", Message: fmt.Sprintf("You must provide a `first` or `last` value to properly paginate the `%s` connection.", x.Name)}
				}
				calls += mult
				m = mult * n
				nodes += m
			}
		case *ast.InlineFragment:
			sub = x.SelectionSet
		case *ast.FragmentSpread:
			sub = doc.Fragments.ForName(x.Name).SelectionSet
		}
		n, c, err := s.analyze(sub, doc, vars, m)
		if err != nil {
			return 0, 0, err
		}
		nodes += n
		calls += c
	}
	return nodes, calls, nil
}

func toInt(v any) int {
	switch n := v.(type) {
	case int:
		return n
	case int64:
		return int(n)
	case float64:
		return int(n)
	case json.Number:
		i, _ := n.Int64()
		return int(i)
	case string:
		i, _ := strconv.Atoi(n)
		return i
	}
	return 0
}

// selectOn evaluates a selection set on an object.
func (st *evalState) selectOn(o obj, set ast.SelectionSet, path []any) map[string]any {
	out := map[string]any{}
	st.collect(o, set, path, out)
	return out
}

func (st *evalState) collect(o obj, set ast.SelectionSet, path []any, out map[string]any) {
	typ, _ := o["__typename"].(string)
	for _, sel := range set {
		switch x := sel.(type) {
		case *ast.Field:
			if !st.included(x.Directives) {
				continue
			}
			var v any
			if x.Name == "__typename" {
				v = typ
			} else {
				v = o[x.Name]
				if fn, ok := v.(resolverFunc); ok {
					v = fn(x.ArgumentMap(st.vars))
				}
			}
			out[x.Alias] = st.value(v, x.SelectionSet, append(slices.Clone(path), x.Alias))
		case *ast.InlineFragment:
			if st.matches(typ, x.TypeCondition) {
				st.collect(o, x.SelectionSet, path, out)
			}
		case *ast.FragmentSpread:
			f := st.doc.Fragments.ForName(x.Name)
			if st.matches(typ, f.TypeCondition) {
				st.collect(o, f.SelectionSet, path, out)
			}
		}
	}
}

func (st *evalState) included(ds ast.DirectiveList) bool {
	if d := ds.ForName("include"); d != nil {
		if b, ok := d.ArgumentMap(st.vars)["if"].(bool); ok && !b {
			return false
		}
	}
	if d := ds.ForName("skip"); d != nil {
		if b, ok := d.ArgumentMap(st.vars)["if"].(bool); ok && b {
			return false
		}
	}
	return true
}

func (st *evalState) matches(typ, cond string) bool {
	if cond == "" || cond == typ {
		return true
	}
	sch, _ := Schema()
	for _, d := range sch.PossibleTypes[cond] {
		if d.Name == typ {
			return true
		}
	}
	return false
}

func (st *evalState) value(v any, set ast.SelectionSet, path []any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case obj:
		if len(set) == 0 {
			return nil
		}
		return st.selectOn(x, set, path)
	case []obj:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = st.selectOn(e, set, append(slices.Clone(path), i))
		}
		return out
	case blobText:
		st.text += len(x)
		return string(x)
	}
	return v
}

// blobText is a blob's text, counted towards the answer's weight.
type blobText string

func cursor(i int) string {
	return base64.StdEncoding.EncodeToString([]byte("cursor:" + strconv.Itoa(i)))
}

func fromCursor(a any) int {
	s, _ := a.(string)
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return 0
	}
	i, _ := strconv.Atoi(strings.TrimPrefix(string(b), "cursor:"))
	return i
}

// page slices n items from the after cursor.
func page(n int, a map[string]any) (from, to int) {
	first := toInt(a["first"])
	from = 0
	if a["after"] != nil {
		from = fromCursor(a["after"])
	}
	to = min(n, from+first)
	return min(from, n), to
}

func connection(total, from, to int, nodes []obj) obj {
	end := ""
	if to > from {
		end = cursor(to)
	}
	return obj{"__typename": "Connection", "totalCount": total, "nodes": nodes,
		"pageInfo": obj{"__typename": "PageInfo", "hasNextPage": to < total, "endCursor": end}}
}

func (s *Server) orgObj() obj {
	return obj{"__typename": "Organization", "login": s.o.Org,
		"repositories": resolverFunc(func(a map[string]any) any {
			from, to := page(s.o.Repos, a)
			nodes := make([]obj, 0, to-from)
			for i := from; i < to; i++ {
				nodes = append(nodes, s.repoObj(s.Repo(i)))
			}
			return connection(s.o.Repos, from, to, nodes)
		})}
}

func (s *Server) repoObj(rp *Repo) obj {
	o := obj{"__typename": "Repository", "name": rp.Name, "nameWithOwner": s.o.Org + "/" + rp.Name,
		"isArchived": rp.Archived, "isFork": rp.Fork, "isPrivate": rp.Visibility != "PUBLIC", "isEmpty": rp.Empty,
		"visibility": rp.Visibility, "viewerCanAdminister": true}
	if rp.DefaultBranch != "" {
		o["defaultBranchRef"] = s.refObj(rp, rp.DefaultBranch)
	}
	o["repositoryTopics"] = resolverFunc(func(a map[string]any) any {
		from, to := page(len(rp.Topics), a)
		var nodes []obj
		for _, t := range rp.Topics[from:to] {
			nodes = append(nodes, obj{"__typename": "RepositoryTopic", "topic": obj{"__typename": "Topic", "name": t}})
		}
		return connection(len(rp.Topics), from, to, nodes)
	})
	o["object"] = resolverFunc(func(a map[string]any) any {
		expr := fmt.Sprint(a["expression"])
		p, ok := strings.CutPrefix(expr, "HEAD:")
		if !ok || rp.Empty {
			return nil
		}
		return s.gitObject(rp, strings.Trim(p, "/"))
	})
	o["refs"] = resolverFunc(func(a map[string]any) any {
		from, to := page(len(rp.Branches), a)
		var nodes []obj
		for _, b := range rp.Branches[from:to] {
			nodes = append(nodes, s.refObj(rp, b))
		}
		return connection(len(rp.Branches), from, to, nodes)
	})
	o["ref"] = resolverFunc(func(a map[string]any) any {
		b := strings.TrimPrefix(fmt.Sprint(a["qualifiedName"]), "refs/heads/")
		if !slices.Contains(rp.Branches, b) {
			return nil
		}
		return s.refObj(rp, b)
	})
	return o
}

// gitObject is the blob or tree at p ("" is the root), or nil.
func (s *Server) gitObject(rp *Repo, p string) any {
	if c, ok := rp.Files[p]; ok {
		return s.blobObj(rp, p, c)
	}
	files, dirs := rp.entries(p)
	if len(files) == 0 && len(dirs) == 0 {
		return nil
	}
	var entries []obj
	for _, d := range dirs {
		full := strings.TrimPrefix(p+"/"+d, "/")
		entries = append(entries, obj{"__typename": "TreeEntry", "name": d, "type": "tree", "path": full,
			"object": s.gitObject(rp, full)})
	}
	for _, f := range files {
		full := strings.TrimPrefix(p+"/"+f, "/")
		entries = append(entries, obj{"__typename": "TreeEntry", "name": f, "type": "blob", "path": full,
			"object": s.blobObj(rp, full, rp.Files[full])})
	}
	slices.SortFunc(entries, func(a, b obj) int { return strings.Compare(a["name"].(string), b["name"].(string)) })
	return obj{"__typename": "Tree", "entries": entries}
}

func (s *Server) blobObj(rp *Repo, p, content string) obj {
	sha := blobSHA(content)
	s.blobs.Store(sha, content)
	o := obj{"__typename": "Blob", "oid": sha, "byteSize": len(content), "isBinary": false, "isTruncated": false,
		"text": blobText(content)}
	switch {
	case rp.Binary[p]:
		o["isBinary"], o["text"] = true, nil
	case rp.Truncated[p]:
		o["isTruncated"], o["text"] = true, blobText(content[:min(len(content), 100)])
	}
	return o
}

func (s *Server) refObj(rp *Repo, branch string) obj {
	o := obj{"__typename": "Ref", "name": branch, "prefix": "refs/heads/"}
	def := branch == rp.DefaultBranch
	if def && rp.Classic {
		o["branchProtectionRule"] = obj{"__typename": "BranchProtectionRule", "allowsForcePushes": false, "allowsDeletions": false,
			"requiresApprovingReviews": true, "requiredApprovingReviewCount": 1, "requiresCodeOwnerReviews": rp.Index%8 == 0,
			"dismissesStaleReviews": true, "requiresStatusChecks": true, "isAdminEnforced": false, "requireLastPushApproval": false}
	}
	o["rules"] = resolverFunc(func(a map[string]any) any {
		var nodes []obj
		if def && rp.Ruleset {
			rs := obj{"__typename": "RepositoryRuleset", "name": "main protection", "databaseId": 42}
			nodes = append(nodes,
				obj{"__typename": "RepositoryRule", "type": "NON_FAST_FORWARD", "repositoryRuleset": rs},
				obj{"__typename": "RepositoryRule", "type": "PULL_REQUEST", "repositoryRuleset": rs,
					"parameters": obj{"__typename": "PullRequestParameters", "requiredApprovingReviewCount": 2, "requireCodeOwnerReview": true,
						"dismissStaleReviewsOnPush": true, "requireLastPushApproval": true}})
		}
		from, to := page(len(nodes), a)
		return connection(len(nodes), from, to, nodes[from:to])
	})
	return o
}
