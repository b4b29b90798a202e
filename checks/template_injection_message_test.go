package checks

import (
	"strconv"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// TestTiWriteQuoted checks that the quoting shortcut writes what strconv.Quote returns.
func TestTiWriteQuoted(t *testing.T) {
	for _, s := range []string{"", "TITLE", "PR_BODY", "a-b.c", `say "hi"`, `back\slash`, "tab\there", "é", "\x7f", "~ !"} {
		for _, prefix := range []string{"", "$"} {
			var b strings.Builder
			tiWriteQuoted(&b, prefix, s)
			if want := strconv.Quote(prefix + s); b.String() != want {
				t.Errorf("tiWriteQuoted(%q, %q) = %s, want %s", prefix, s, b.String(), want)
			}
		}
	}
}

// TestTiWhere checks that tiWhere names a step as its label and its job's quoted ID do.
func TestTiWhere(t *testing.T) {
	str := func(v string) *actionlint.String { return &actionlint.String{Value: v} }
	steps := []*actionlint.Step{
		{Name: str("Greet")}, {Name: str(`say "hi"`)}, {Name: str(""), ID: str("build")}, {ID: str("é")},
		{Exec: &actionlint.ExecAction{Uses: str("actions/github-script@v7")}}, {Exec: &actionlint.ExecAction{}},
		{Exec: &actionlint.ExecRun{}}, {},
	}
	jobs := []*actionlint.Job{nil, {}, {ID: str("test")}, {ID: str("a\tb")}}
	for i, st := range steps {
		for _, job := range jobs {
			ref := audit.StepRef{Job: job, Index: i, Step: st}
			want := ref.Label() + " of this composite action"
			if job != nil && job.ID != nil {
				want = ref.Label() + " in job " + strconv.Quote(job.ID.Value)
			}
			if got := tiWhere(ref); got != want {
				t.Errorf("tiWhere(step %d) = %s, want %s", i, got, want)
			}
		}
	}
}

// TestTiUpperIdentTo checks that the name is tiUpperIdent's of the parts joined by "_".
func TestTiUpperIdentTo(t *testing.T) {
	cases := [][]string{{}, {"title"}, {"pr", "title"}, {"head-ref", "x.y"}, {"_a_", "-"}, {"--", "__"}, {"a-_b", "C9"},
		{"é", "x"}, {strings.Repeat("long", 20), "name"}}
	for _, parts := range cases {
		want := tiUpperIdent(strings.Join(parts, "_"))
		got, ok := tiUpperIdentTo(nil, parts)
		if ascii := tiASCII(strings.Join(parts, "")); ok != ascii || ok && string(got) != want {
			t.Errorf("tiUpperIdentTo(%q) = %q, %v; want %q, %v", parts, got, ok, want, ascii)
		}
	}
}
