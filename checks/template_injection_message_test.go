package checks

import (
	"math/rand/v2"
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

// tiUpperIdentPlain is tiUpperIdent by its regular expression, which it takes for non-ASCII text.
func tiUpperIdentPlain(s string) string {
	return strings.Trim(nonIdent.ReplaceAllString(strings.ToUpper(s), "_"), "_")
}

// TestTiUpperIdentTo checks that the name is tiUpperIdentPlain's of the parts joined by "_".
func TestTiUpperIdentTo(t *testing.T) {
	cases := [][]string{{}, {"title"}, {"pr", "title"}, {"head-ref", "x.y"}, {"_a_", "-"}, {"--", "__"}, {"a-_b", "C9"},
		{"é", "x"}, {strings.Repeat("long", 20), "name"}}
	for _, parts := range cases {
		want := tiUpperIdentPlain(strings.Join(parts, "_"))
		got, ok := tiUpperIdentTo(nil, parts)
		if ascii := tiASCII(strings.Join(parts, "")); ok != ascii || ok && string(got) != want {
			t.Errorf("tiUpperIdentTo(%q) = %q, %v; want %q, %v", parts, got, ok, want, ascii)
		}
	}
	// Random parts of name bytes and runs of others (now and then a byte of no ASCII, which
	// fails), appended after a prefix that must stay.
	const alphabet = "aZ9_-. /x_aZ9_-. /x_\xe9"
	rng := rand.New(rand.NewPCG(5, 9))
	for range 20000 {
		parts := make([]string, rng.IntN(4))
		for k := range parts {
			p := make([]byte, rng.IntN(9))
			for i := range p {
				p[i] = alphabet[rng.IntN(len(alphabet))]
			}
			parts[k] = string(p)
		}
		prefix := []byte("KEEP")[:rng.IntN(5)]
		want := tiUpperIdentPlain(strings.Join(parts, "_"))
		got, ok := tiUpperIdentTo(prefix, parts)
		ascii := tiASCII(strings.Join(parts, ""))
		if ok != ascii || ok && string(got) != want || !ok && len(got) != len(prefix) || string(prefix) != "KEEP"[:len(prefix)] {
			t.Fatalf("tiUpperIdentTo(%q, %q) = %q, %v; want %q", prefix, parts, got, ok, want)
		}
	}
}

// TestTiSpell checks tiSpell, whose fast path takes the text's start, against tiSpellSearch on
// the plain reads of the corpus and the test files (the chain, lower-cased, and each of its
// lower-cased starts, in the text as written and in other cases) and on random paths and texts
// with upper-case, non-ASCII and lower-casing characters that change length ("İ") or not ("K").
func TestTiSpell(t *testing.T) {
	check := func(path, text string) {
		t.Helper()
		if got, want := tiSpell(path, text), tiSpellSearch(path, text); got != want {
			t.Errorf("tiSpell(%q, %q) = %q, want %q", path, text, got, want)
		}
	}
	fast := 0
	tiEachOpening(t, func(src []byte, off int) {
		body := string(src[off:min(len(src), off+200)])
		end := strings.Index(body, "}}")
		if end < 0 {
			return
		}
		chain, ok := tiPlainChain(body[:end])
		if !ok {
			return
		}
		path := toLower(chain)
		for _, text := range []string{chain, path, strings.ToUpper(chain), "x " + chain, chain + " || 'İ'"} {
			check(path, text)
			for i := range len(path) {
				if path[i] == '.' {
					check(path[:i], text)
				}
			}
		}
		if strings.HasPrefix(chain, path) {
			fast++
		}
	})
	if fast == 0 {
		t.Error("no text spells its path as it is kept: the fast path is not tested")
	}
	words := []string{"a", "A", "b", ".", "İ", "K", "é", "ab", "Ab", " "}
	r := rand.New(rand.NewPCG(11, 12))
	var p, x []byte
	for range 100000 {
		p = tiRandomText(r, p, words, 4)
		x = tiRandomText(r, x, words, 8)
		check(string(p), string(p)+string(x))
		check(string(p), string(x))
	}
}

// TestTiASCII checks tiASCII against a byte loop on texts of every length up to 20 with one
// byte beyond ASCII at every place, or none.
func TestTiASCII(t *testing.T) {
	for n := range 21 {
		for at := -1; at < n; at++ {
			b := []byte(strings.Repeat("a", n))
			if at >= 0 {
				b[at] = 0x80 | byte(at)
			}
			want := at < 0
			if got := tiASCII(string(b)); got != want {
				t.Errorf("tiASCII(%q) = %v, want %v", b, got, want)
			}
		}
	}
}
