package org

import (
	"testing"

	"github.com/rampart-sec/rampart/org/orgtest"
)

// TestQueriesMatchGitHubSchema validates every query rampart org sends against GitHub's
// published schema (@octokit/graphql-schema, testdata/org/schema).
func TestQueriesMatchGitHubSchema(t *testing.T) {
	for name, q := range ExampleQueries() {
		if _, err := orgtest.Validate(q); err != nil {
			t.Errorf("%s: %v\n%s", name, err, q)
		}
	}
}
