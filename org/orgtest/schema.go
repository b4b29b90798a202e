package orgtest

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

// SchemaPath is GitHub's published GraphQL schema in the repository (testdata/org/schema).
func SchemaPath() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "org", "schema", "schema.graphql")
}

var schemaOnce struct {
	sync.Once
	s   *ast.Schema
	err error
}

// Schema loads GitHub's GraphQL schema once. The published file defines a few fields twice
// (EnterpriseOwnerInfo.repositoryDeployKeySetting in @octokit/graphql-schema 15.26.1), which
// gqlparser refuses: the later copies are dropped before validation.
func Schema() (*ast.Schema, error) {
	schemaOnce.Do(func() {
		b, err := os.ReadFile(SchemaPath())
		if err != nil {
			schemaOnce.err = err
			return
		}
		doc, perr := parser.ParseSchemas(validator.Prelude, &ast.Source{Name: "schema.graphql", Input: string(b)})
		if perr != nil {
			schemaOnce.err = perr
			return
		}
		for _, d := range doc.Definitions {
			d.Fields = dedupe(d.Fields)
		}
		for _, d := range doc.Extensions {
			d.Fields = dedupe(d.Fields)
		}
		s, verr := validator.ValidateSchemaDocument(doc)
		if verr != nil {
			schemaOnce.err = verr
			return
		}
		schemaOnce.s = s
	})
	return schemaOnce.s, schemaOnce.err
}

func dedupe(fs ast.FieldList) ast.FieldList {
	seen := map[string]bool{}
	out := fs[:0]
	for _, f := range fs {
		if seen[f.Name] {
			continue
		}
		seen[f.Name] = true
		out = append(out, f)
	}
	return out
}

// Validate parses and validates a query against GitHub's schema.
func Validate(query string) (*ast.QueryDocument, error) {
	s, err := Schema()
	if err != nil {
		return nil, fmt.Errorf("cannot load the schema: %w", err)
	}
	doc, errs := gqlparser.LoadQueryWithRules(s, query, nil)
	if len(errs) > 0 {
		return nil, gqlerror.List(errs)
	}
	return doc, nil
}
