package org

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Every GraphQL query rampart org sends is built in this file, so that one test
// (schema_test.go) can validate them all against GitHub's published schema.

// rateLimitFields is asked in every query: the answer's cost and what is left of the hour's points.
const rateLimitFields = `rateLimit { cost remaining resetAt limit nodeCount }`

// listQuery lists an owner's (organization or user) repositories, a page of up to 100.
const listQuery = `query ListRepositories($login: String!, $cursor: String, $first: Int!, $topics: Boolean!) {
  ` + rateLimitFields + `
  repositoryOwner(login: $login) {
    __typename
    login
    repositories(first: $first, after: $cursor, ownerAffiliations: [OWNER], orderBy: {field: NAME, direction: ASC}) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        nameWithOwner
        isArchived
        isFork
        isPrivate
        isEmpty
        visibility
        defaultBranchRef { name }
        repositoryTopics(first: 20) @include(if: $topics) { nodes { topic { name } } }
      }
    }
  }
}`

// blobFragment is what rampart reads of a file.
const blobFragment = `fragment B on GitObject { ... on Blob { oid byteSize isBinary isTruncated text } }`

// protectionFragment is a branch's classic protection rule and the ruleset rules that apply to it.
const protectionFragment = `fragment P on Ref {
  name
  branchProtectionRule {
    allowsForcePushes allowsDeletions requiresApprovingReviews requiredApprovingReviewCount
    requiresCodeOwnerReviews dismissesStaleReviews requiresStatusChecks isAdminEnforced requireLastPushApproval
  }
  rules(first: 50) {
    nodes {
      type
      repositoryRuleset { name databaseId }
      parameters {
        ... on PullRequestParameters { requiredApprovingReviewCount requireCodeOwnerReview dismissStaleReviewsOnPush requireLastPushApproval }
      }
    }
  }
}`

// filesFragment reads a repository's pipeline files: the workflows and the .github folder with
// their text, the root's action.yml, Dockerfile and config file, and the names of the local
// actions under .github/actions/*/ (their action.yml are read by actionFilesQuery).
const filesFragment = `fragment F on Repository {
  wf: object(expression: "HEAD:.github/workflows") { ... on Tree { entries { name type object { ...B } } } }
  gh: object(expression: "HEAD:.github") { ... on Tree { entries { name type object { ...B } } } }
  act: object(expression: "HEAD:action.yml") { ...B }
  acta: object(expression: "HEAD:action.yaml") { ...B }
  docker: object(expression: "HEAD:Dockerfile") { ...B }
  cfg: object(expression: "HEAD:rampart.yml") { ...B }
  cfga: object(expression: "HEAD:rampart.yaml") { ...B }
  lacts: object(expression: "HEAD:.github/actions") { ... on Tree { entries { name type object { ... on Tree { entries { name type } } } } } }
}`

// settingsFragment reads, with --settings, what the settings checks need beyond the files: the
// default branch's protection, the branch names (first page) and the other CODEOWNERS places.
const settingsFragment = `fragment S on Repository {
  viewerCanAdminister
  co: object(expression: "HEAD:CODEOWNERS") { ...B }
  codocs: object(expression: "HEAD:docs/CODEOWNERS") { ...B }
  defaultBranchRef { ...P }
  refs(refPrefix: "refs/heads/", first: 100, orderBy: {field: ALPHABETICAL, direction: ASC}) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { name }
  }
}`

// gqlString is a GraphQL string literal (GraphQL strings escape as JSON's do).
func gqlString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// filesQuery reads the files (and, with settings, the settings) of many repositories at once,
// one alias per repository: r0, r1, ...
func filesQuery(repos []string, settings bool) string {
	var b strings.Builder
	b.WriteString("query BatchFiles {\n  " + rateLimitFields + "\n")
	spread := "...F"
	if settings {
		spread = "...F ...S"
	}
	for i, full := range repos {
		owner, name, _ := strings.Cut(full, "/")
		fmt.Fprintf(&b, "  r%d: repository(owner: %s, name: %s) { nameWithOwner %s }\n", i, gqlString(owner), gqlString(name), spread)
	}
	b.WriteString("}\n" + filesFragment + "\n" + blobFragment + "\n")
	if settings {
		b.WriteString(settingsFragment + "\n" + protectionFragment + "\n")
	}
	return b.String()
}

// actionFilesQuery reads files by path from many repositories: alias rI for the repository, fJ
// for each file.
func actionFilesQuery(repos []string, files [][]string) string {
	var b strings.Builder
	b.WriteString("query BatchActionFiles {\n  " + rateLimitFields + "\n")
	for i, full := range repos {
		owner, name, _ := strings.Cut(full, "/")
		fmt.Fprintf(&b, "  r%d: repository(owner: %s, name: %s) {", i, gqlString(owner), gqlString(name))
		for j, p := range files[i] {
			fmt.Fprintf(&b, " f%d: object(expression: %s) { ...B }", j, gqlString("HEAD:"+p))
		}
		b.WriteString(" }\n")
	}
	b.WriteString("}\n" + blobFragment + "\n")
	return b.String()
}

// branchQuery reads one branch's protection (a release branch beyond the default one).
const branchQuery = `query BranchProtection($owner: String!, $name: String!, $ref: String!) {
  ` + rateLimitFields + `
  repository(owner: $owner, name: $name) { ref(qualifiedName: $ref) { ...P } }
}
` + protectionFragment

// branchesQuery pages through a repository's branch names past the first hundred.
const branchesQuery = `query BranchNames($owner: String!, $name: String!, $cursor: String) {
  ` + rateLimitFields + `
  repository(owner: $owner, name: $name) {
    refs(refPrefix: "refs/heads/", first: 100, after: $cursor, orderBy: {field: ALPHABETICAL, direction: ASC}) {
      pageInfo { hasNextPage endCursor }
      nodes { name }
    }
  }
}`

// ExampleQueries returns one instance of every query rampart org sends, with its variables, for
// schema validation.
func ExampleQueries() map[string]string {
	return map[string]string{
		"list":          listQuery,
		"files":         filesQuery([]string{"acme/app", "acme/lib"}, false),
		"files+setting": filesQuery([]string{"acme/app", "acme/lib"}, true),
		"action-files":  actionFilesQuery([]string{"acme/app"}, [][]string{{".github/actions/build/action.yml", ".github/actions/x/action.yaml"}}),
		"branch":        branchQuery,
		"branches":      branchesQuery,
	}
}
