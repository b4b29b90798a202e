package audit

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/rhysd/actionlint"
)

var stringType = reflect.TypeFor[*actionlint.String]()

// reflectStrings finds every *actionlint.String below v by reflection: the oracle for Strings.
func reflectStrings(v reflect.Value, out map[*actionlint.String]bool) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return
		}
		if v.Type() == stringType {
			if s := v.Interface().(*actionlint.String); s.Pos != nil {
				out[s] = true
			}
			return
		}
		reflectStrings(v.Elem(), out)
	case reflect.Interface:
		if !v.IsNil() {
			reflectStrings(v.Elem(), out)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				reflectStrings(v.Field(i), out)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			reflectStrings(v.Index(i), out)
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			reflectStrings(it.Value(), out)
		}
	}
}

// TestStringsMissesNoField compares the field-by-field walk with a walk by reflection over the
// corpus (when present) and the test's own files.
func TestStringsMissesNoField(t *testing.T) {
	dirs, _ := filepath.Glob("../../shared/corpus/real/*__*")
	root := t.TempDir()
	write(t, root, ".github/workflows/all.yml", `name: n
run-name: r ${{ github.actor }}
on:
  push: {branches: [main], tags: [v*], paths: [a]}
  schedule: [{cron: "0 0 * * *"}]
  workflow_dispatch: {inputs: {x: {description: d, default: v, type: choice, options: [v, w], required: true}}}
  workflow_call:
    inputs: {y: {type: string, default: z, description: d, required: false}}
    secrets: {s: {description: d, required: true}}
    outputs: {o: {description: d, value: "${{ jobs.a.outputs.o }}"}}
  repository_dispatch: {types: [t]}
permissions: {contents: read}
env: {A: b}
defaults: {run: {shell: bash, working-directory: w}}
concurrency: {group: g, cancel-in-progress: true}
jobs:
  a:
    name: n
    needs: [b]
    if: true
    runs-on: {group: g, labels: [l]}
    permissions: read-all
    environment: {name: e, url: u}
    concurrency: g
    outputs: {o: v}
    env: {C: d}
    defaults: {run: {shell: sh}}
    timeout-minutes: ${{ 1 }}
    strategy: {matrix: {x: [1], include: [{x: 2}]}, fail-fast: false, max-parallel: 2}
    continue-on-error: ${{ false }}
    container: {image: i, credentials: {username: u, password: p}, env: {E: f}, ports: [1], volumes: [v], options: o}
    services: {s: {image: i}}
    steps:
      - {id: i, if: c, name: n, run: r, shell: bash, working-directory: w, env: {F: g}, continue-on-error: true, timeout-minutes: 1}
      - {uses: a/b@c, with: {k: v, entrypoint: e, args: x}}
  b:
    uses: o/r/.github/workflows/w.yml@v1
    with: {i: v}
    secrets: {s: v}
`)
	dirs = append(dirs, root)
	checked := 0
	for _, d := range dirs {
		tg, err := LoadDir(d, LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range tg.Files {
			var v reflect.Value
			switch {
			case f.Workflow != nil:
				v = reflect.ValueOf(f.Workflow)
			case f.Action != nil:
				v = reflect.ValueOf(f.Action)
			default:
				continue
			}
			want := map[*actionlint.String]bool{}
			reflectStrings(v, want)
			got := map[*actionlint.String]bool{}
			for _, r := range f.Strings() {
				got[r.S] = true
			}
			for s := range want {
				if !got[s] {
					t.Errorf("%s:%d:%d: Strings misses %q", f.Path, s.Pos.Line, s.Pos.Col, s.Value)
				}
			}
			checked++
		}
	}
	if _, err := os.Stat("../../shared/corpus/real"); err == nil && checked < 1000 {
		t.Errorf("checked only %d files", checked)
	}
}

// TestVisitStrings checks VisitStrings on the corpus: with a keep that accepts every line range it
// visits the strings of File.Strings with their jobs and steps; with one that accepts nothing it
// visits nothing (but in a file with anchors, where it visits everything); and with one that
// accepts only the line of a string, it visits that string (the pruning never skips a string
// standing on an accepted line).
func TestVisitStrings(t *testing.T) {
	dirs, _ := filepath.Glob("../../shared/corpus/real/*__*")
	if len(dirs) == 0 {
		t.Skip("corpus not found")
	}
	for _, d := range dirs {
		tg, err := LoadDir(d, LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range tg.Workflows() {
			want := map[*actionlint.String]StringRef{}
			for _, r := range f.Strings() {
				want[r.S] = r
			}
			got := map[*actionlint.String]StringRef{}
			f.VisitStrings(func(int, int) bool { return true }, func(r StringRef) { got[r.S] = r })
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: VisitStrings visits %d strings, File.Strings has %d", f.Path, len(got), len(want))
			}
			n := 0
			f.VisitStrings(func(int, int) bool { return false }, func(StringRef) { n++ })
			if n != 0 && !mayHaveAnchors(f.Source) {
				t.Errorf("%s: a keep that accepts nothing visited %d strings", f.Path, n)
			}
			for s := range want {
				line, seen := s.Pos.Line, false
				f.VisitStrings(func(first, last int) bool { return first <= line && (last < 0 || line <= last) },
					func(r StringRef) { seen = seen || r.S == s })
				if !seen {
					t.Errorf("%s:%d:%d: a keep that accepts line %d skips %q", f.Path, line, s.Pos.Col, line, s.Value)
				}
			}
		}
	}
}
