package audit

import (
	"reflect"
	"testing"

	"github.com/rhysd/actionlint"
)

func TestExprPositions(t *testing.T) {
	src := `on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: |
          echo hi
          echo "${{ github.event.issue.title }}" "${{ github.head_ref }}"

          echo ${{ github.event.issue.title }}
      - run: echo "${{ github.head_ref }}"
      - run: >-
          echo a
          ${{ github.event['pull_request'].title }}
      - run: "echo \"x\" ${{ github.actor }}"
`
	tg := &Target{}
	tg.AddSource(".github/workflows/x.yml", []byte(src))
	f := tg.Files[0]
	var got []string
	for _, s := range f.Steps() {
		for _, e := range f.Exprs(s.Run().Run) {
			p, _ := ExprPath(e.Node)
			got = append(got, p+"@"+itoa(e.Line)+":"+itoa(e.Col))
		}
	}
	want := []string{"github.event.issue.title@8:17", "github.head_ref@8:51", "github.event.issue.title@10:16",
		"github.head_ref@11:20", "github.event.pull_request.title@14:11", "github.actor@15:26"}
	if len(got) != len(want) {
		t.Fatalf("got %v want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("expr %d: got %s want %s", i, got[i], want[i])
		}
	}
}

// TestParsePropertyChain compares the fast path with actionlint's parser on chains and on what
// it must leave to the parser.
func TestParsePropertyChain(t *testing.T) {
	for _, key := range []string{
		" github.event.issue.title }}", "github.head_ref}}", "\tsteps.my-step.outputs.value\n}}",
		" GITHUB.Event.Pull_Request.HEAD.ref }}", " needs.build.outputs.*.name }}", " matrix.os }}",
		" github.event.commits.*.message }}", " _x.y-z.a1 }}", " github.true }}",
	} {
		got := parsePropertyChain(key)
		if got == nil {
			t.Errorf("%q: fast path declined a property chain", key)
			continue
		}
		l := actionlint.NewExprLexer(key)
		want, err := actionlint.NewExprParser().Parse(l)
		if err != nil {
			t.Fatalf("%q: actionlint: %v", key, err)
		}
		gp, _ := ExprPath(got)
		wp, _ := ExprPath(want)
		if gp != wp || reflect.TypeOf(got) != reflect.TypeOf(want) {
			t.Errorf("%q: fast path %T %q, actionlint %T %q", key, got, gp, want, wp)
		}
	}
	for _, key := range []string{
		" true }}", " null }}", " false }}", " 1 }}", " github.event.x == 'a' }}", " a.b[0] }}",
		" fromJSON(x) }}", " a. b }}", " a.b }} }}", " a.1b }}", " a.b", " -a }}", " a.b }}x", " !a }}",
	} {
		if got := parsePropertyChain(key); got != nil {
			t.Errorf("%q: fast path took what the parser must handle", key)
		}
	}
}
