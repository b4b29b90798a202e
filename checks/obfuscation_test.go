package checks

import (
	"bytes"
	"math/rand/v2"
	"path"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

var prefilterCases = []string{
	" 'a' }}", " format('{0}', 'x') }}", " fromJSON('\"x\"') }}", " !true }}", " 1 == 1 }}", " 'a'.b }}",
	" format ('x') }}", " ('a') }}", " 0x1F }}", " 1.5e-3 }}", " 'it''s' }}", " null }}", " 'x}}' }}",
	" github.sha }}", " matrix }}", " hashFiles('x') }}", " format('{0}', github.event.x) }}", " a.b-c }}",
	" secrets.X }}", " GitHub . Event . issue.title }}", " github['head_ref'] }}", " github }}",
	" toJSON(github.event) }}", " secrets[github.head_ref] }}", " runner.os == 'Linux' && github.head_ref }}",
	" github.event_name }}", " vars.X || github.head_ref }}", " job.status }}", " github.*.x }}",
}

// TestObfReadsContext checks obfuscation's prefilter against the parser: an expression that
// it skips must not be a constant.
func TestObfReadsContext(t *testing.T) {
	for _, c := range prefilterCases {
		node, err := actionlint.NewExprParser().Parse(actionlint.NewExprLexer(c))
		if obfReadsContext(c) && err == nil && obfConstant(node) {
			t.Errorf("%q: skipped, but it is a constant", c)
		}
	}
}

// TestObfCallsStatus checks obfuscation's look before the parse against the parser: an
// expression that it skips must not be a constant.
func TestObfCallsStatus(t *testing.T) {
	extra := []string{" hashFiles('**/go.sum') }}", " format('{0}', hashFiles('x')) }}", " 'always()' }}",
		" format('always({0})', 'x') }}", " 'it''s always(' }}", " ALWAYS () }}", " toJSON('x') || success() }}",
		" 1 && cancelled() }}", " fromJSON('[\"failure()\"]') }}", " 'x}}' }}"}
	n := 0
	for _, c := range append(extra, prefilterCases...) {
		node, err := actionlint.NewExprParser().Parse(actionlint.NewExprLexer(c))
		if obfCallsStatus([]byte(c)) {
			n++
			if err == nil && obfConstant(node) {
				t.Errorf("%q: skipped, but it is a constant", c)
			}
		}
	}
	if n < 5 {
		t.Errorf("only %d expressions skipped: the look finds no call", n)
	}
}

// TestTISafeExpr checks template-injection's prefilter against the parser: an expression that
// it skips must have no source.
func TestTISafeExpr(t *testing.T) {
	for _, c := range prefilterCases {
		node, err := actionlint.NewExprParser().Parse(actionlint.NewExprLexer(c))
		if tiSafeExpr(c) && err == nil && len(tiScope{}.sources(node)) > 0 {
			t.Errorf("%q: skipped, but it has a source", c)
		}
	}
}

// TestTIScopedPrefilter checks template-injection's scoped prefilter in an empty scope: a value
// that it skips must have no source.
func TestTIScopedPrefilter(t *testing.T) {
	extra := []string{" fromJSON(github.event.x).title }}", " (github.event.x || 'a').body }}", " github.event.issue.title }}",
		" github.event.pull_request.number }}", " matrix.os }}", " inputs.x }}", " env.X }}", " github.event.commits[0].message }}",
		" github.event.pages.*.title }}", " github.event.x .title }}", " github.event.x. title }}", " format(')', github.event.x) }}",
		" fromJSON(github.event.x) .title }}", " fromJSON(github.event.x)[0] }}", " github.event.issue .title }}", " steps.a.outputs.b }}",
		" needs.a.outputs.b }}", " github.event.review.body }}", " github.event.x-y.body }}", " 'a' }} ${{ github.head_ref }}"}
	for _, c := range append(extra, prefilterCases...) {
		node, err := actionlint.NewExprParser().Parse(actionlint.NewExprLexer(c))
		sc := tiScope{file: &audit.File{}}
		if !sc.mayHaveSource("${{"+c) && err == nil && len(sc.sources(node)) > 0 {
			t.Errorf("%q: skipped, but it has a source", c)
		}
	}
}

// TestObfClean checks that the fast path only claims paths that path.Clean leaves as they are:
// crafted ones, every path of up to eight bytes of "a", "." and "/", and the corpus' uses: paths
// (of which it must claim all but a few: its point is to spare them path.Clean).
func TestObfClean(t *testing.T) {
	paths := []string{"a", "a/b", "a/b/c", "/a", "/", "a/", "a//b", "a/./b", "a/../b", "./a", "../a", "a/.", "a/..",
		".", "..", ".a", "a/.b", "a/b.", "a..b/c", "a/b/", "//", "a///", "../../a", "../..", "../.", "..a", "../.a",
		".github/actions/x", "src/.github/x", "/..", "/../a", "../a/../b", "a/.../b", "docker://x"}
	var gen func(p string)
	gen = func(p string) {
		if p != "" {
			paths = append(paths, p)
		}
		if len(p) < 8 {
			for _, c := range []string{"a", ".", "/"} {
				gen(p + c)
			}
		}
	}
	gen("")
	check := func(p string) bool {
		ok := obfClean(p)
		if ok && path.Clean(p) != p {
			t.Errorf("obfClean(%q) = true, but path.Clean gives %q", p, path.Clean(p))
		}
		return ok
	}
	for _, p := range paths {
		check(p)
	}
	n, unsure := 0, 0
	for _, tg := range corpusTargets(t) {
		for _, f := range tg.Files {
			for _, ref := range f.Steps() {
				if a := ref.Uses(); a != nil && a.Uses != nil {
					p, _, _ := strings.Cut(a.Uses.Value, "@")
					p = strings.TrimSuffix(strings.TrimPrefix(p, "./"), "/")
					if p == "" || strings.HasPrefix(p, "docker://") {
						continue
					}
					n++
					if !check(p) {
						unsure++
					}
				}
			}
		}
	}
	if unsure > n/50 {
		t.Errorf("obfClean is unsure of %d of the corpus' %d paths", unsure, n)
	}
}

// TestObfLeadingRead holds obfLeadingRead to obfScanReads, which it spares: it may only claim a
// text whose scan finds a context read. On the corpus' placeholders (of which it must claim most),
// the prefilter cases and random texts of name bytes, blanks, dots, parentheses and quotes.
func TestObfLeadingRead(t *testing.T) {
	var texts [][]byte
	for _, c := range prefilterCases {
		texts = append(texts, []byte(c))
	}
	for _, c := range []string{"", " ", "github.x", " true.x", " null.x", " false.x", " trUe.x", " truex.y", " _a.b", " -a.b",
		" 1a.b", " a-b.c", " a_b", " a (x)", " a.", "\ta.b", "\na.b", " a .b", " a(.b", " a'.b", " {.a", " `.a", " \xe1.a"} {
		texts = append(texts, []byte(c), []byte(c+" }}"), []byte(c+" || github.event.x }}"))
	}
	claimed := 0
	for _, src := range corpusSources(t) {
		for i := 0; ; {
			k := bytes.Index(src[i:], []byte("${{"))
			if k < 0 {
				break
			}
			i += k + 3
			texts = append(texts, src[i:])
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	const alphabet = "aZ_-0. \t\n\v\x00('}{|`\xe1\xfbntrufalse"
	for range 200000 {
		texts = append(texts, randomText(rng, alphabet, 16))
	}
	for _, text := range texts {
		if obfLeadingRead(text) {
			claimed++
			if obfScanReads(text, nil) != obfScanRead {
				t.Errorf("obfLeadingRead(%q) = true, but obfScanReads finds no context read", text)
			}
		}
	}
	if claimed < 10000 {
		t.Errorf("obfLeadingRead claims only %d texts", claimed)
	}
}
