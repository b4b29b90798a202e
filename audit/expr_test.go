package audit

import "testing"

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
