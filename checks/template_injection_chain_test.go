package checks

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// TestTiChainMayReadSource checks sinkExprs, which tells a plain chain's placeholder by
// chainMayReadSource, against sinkExprsRef, which scans every placeholder with mayReadSource,
// at every step of the fixtures, the corpus and random workflows whose run: scripts read
// random chains (names of every context in any case, literals, names beyond ASCII, blanks,
// and bytes that make a placeholder other than a chain).
func TestTiChainMayReadSource(t *testing.T) {
	files := tiTestFiles(t, tiRandomChainFiles(300, 40))
	checked, chains := 0, 0
	tiEachSink(files, func(sc tiScope, sink tiSink) {
		plain := sc
		plain.resolved = nil
		got, want := sc.sinkExprs(sink.value, nil), plain.sinkExprsRef(sink.value)
		if len(got) != len(want) {
			t.Fatalf("%s: sinkExprs keeps %d placeholders of %q, the scan %d", sc.file.Path, len(got), sink.value.Value, len(want))
		}
		for i, g := range got {
			w := want[i]
			if g.Raw != w.Raw || g.Offset != w.Offset || g.Text != w.Text || g.path != w.path ||
				g.Line != w.Line || g.Col != w.Col || (g.Node == nil) != (w.Node == nil) {
				t.Fatalf("%s: sinkExprs gives %+v, the scan %+v", sc.file.Path, g, w)
			}
			if g.path != "" {
				chains++
			}
			checked++
		}
	})
	t.Logf("%d placeholders kept, %d of them plain chains", checked, chains)
	if checked < 5000 || chains < 2000 {
		t.Errorf("only %d placeholders kept, %d of them plain chains", checked, chains)
	}
}

// sinkExprsRef is sinkExprs with mayReadSource's scan of every placeholder, plain chains too.
func (sc tiScope) sinkExprsRef(s *actionlint.String) []tiSinkExpr {
	v := s.Value
	var out []tiSinkExpr
	for off := 0; ; {
		start, end, ok := tiNextPlaceholder(v, off)
		if start < 0 {
			break
		}
		if !ok {
			return sc.sinkExprsParsed(s, nil)
		}
		off = end + 2
		if sc.mayReadSource(v[start+3:]) {
			out = append(out, tiSinkExpr{Expr: audit.Expr{Raw: v[start:off], Offset: start}})
		}
	}
	for i := range out {
		e := &out[i]
		if text, ok := tiPlainChain(e.Raw[3 : len(e.Raw)-2]); ok {
			e.Text, e.path = text, toLower(text)
			continue
		}
		if es := sc.file.Exprs(&actionlint.String{Value: e.Raw}); len(es) == 1 {
			e.Text, e.Node = es[0].Text, es[0].Node
		}
	}
	tiLocate(sc.file, s, out)
	return out
}

// tiRandomChainFiles returns n workflows whose steps read random chains, perStep placeholders
// a run: script, where the workflow's, the job's and the steps' env:, a matrix, step outputs,
// job outputs and inputs give the chains' contexts something to resolve to.
func tiRandomChainFiles(n, perStep int) []*audit.File {
	r := rand.New(rand.NewPCG(61, 62))
	roots := []string{"github", "GitHub", "GITHUB", "env", "Env", "matrix", "MATRIX", "inputs", "secrets",
		"vars", "runner", "job", "strategy", "steps", "needs", "true", "null", "False", "foo", "_x", "a-b",
		"\u212ab", "github\u017f", "1x", "-x", "sec\u017frets"}
	props := []string{"event", "Event", "head_ref", "HEAD_REF", "ref", "sha", "issue", "title", "body",
		"pull_request", "head", "A", "B", "C", "W", "m", "M", "k", "br", "outputs", "current_branch",
		"o", "x", "result", "outcome", "j", "i", "*", "0", "a-b", "x-", "_", "\u212a"}
	blanks := []string{"", "", " ", "  ", "\t", " \n            "}
	odd := []string{"(", ")", "[0]", "['a']", "}", "'", "==", "||", "&&", "!", "1", ".", " . "}
	var tg audit.Target
	tg.Kind, tg.Name = "dir", "t"
	var b strings.Builder
	for k := range n {
		b.Reset()
		b.WriteString(`on:
  pull_request_target:
  workflow_dispatch:
    inputs:
      i: {type: string}
      b: {type: boolean}
env:
  W: ${{ github.event.pull_request.title }}
  C: constant
jobs:
  j:
    runs-on: ubuntu-latest
    outputs:
      o: ${{ steps.br.outputs.current_branch }}
      x: plain
    steps:
      - id: br
        uses: tj-actions/branch-names@v8
  a:
    needs: j
    runs-on: ubuntu-latest
    strategy:
      matrix:
        m: ["${{ github.head_ref }}", x]
        k: [a, b]
    env:
      A: ${{ github.event.issue.body }}
      B: ${{ secrets.TOKEN }}
    steps:
      - id: br
        uses: tj-actions/branch-names@v8
`)
		for st := range 3 {
			if st == 1 {
				b.WriteString("      - env:\n          A: safe\n          M: ${{ matrix.m }}\n        run: |\n")
			} else {
				b.WriteString("      - run: |\n")
			}
			for range perStep {
				b.WriteString("          echo ${{")
				b.WriteString(blanks[r.IntN(len(blanks))])
				b.WriteString(roots[r.IntN(len(roots))])
				for p := r.IntN(4); p > 0; p-- {
					b.WriteString(".")
					b.WriteString(props[r.IntN(len(props))])
				}
				if r.IntN(8) == 0 {
					b.WriteString(odd[r.IntN(len(odd))])
				}
				b.WriteString(blanks[r.IntN(len(blanks))])
				b.WriteString("}}\n")
			}
		}
		tg.AddSource(fmt.Sprintf(".github/workflows/r%d.yml", k), []byte(b.String()))
	}
	var files []*audit.File
	for _, f := range tg.Files {
		if f.Workflow != nil {
			files = append(files, f)
		}
	}
	return files
}
