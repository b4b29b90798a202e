package checks

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/audit"
)

// secwTricky are workflows whose placeholders the source places badly, or not at all.
var secwTricky = map[string]string{
	"alias.yml": `on: push
env:
  A: &tok ${{ secrets.ONE }}
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: echo
        env:
          T: *tok
  b:
    runs-on: ubuntu-latest
    env: &envs
      X: ${{ secrets.TWO }}
    steps:
      - run: echo
  c:
    runs-on: ubuntu-latest
    env: *envs
    steps:
      - run: echo
`,
	"escapes.yml": `on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: "echo \x24{{ secrets.ONE }} ${{ \u0073ecrets.TWO }}"
      - run: "echo ${{ sec\
          rets.THREE }} $\
          {{ secrets.FOUR }}"
`,
	"quotes.yml": `on: push
jobs:
  a:
    runs-on: ubuntu-latest
    if: ${{ github.event_name == 'push' }}
    steps:
      - run: 'echo ${{ format(''}}'', secrets.ONE) }} ${{ toJSON(secrets) }}'
      - {run: "${{ secrets.TWO }}", env: {X: "${{ secrets[format('{0}', 'X')] }}"}}
      - run: |
          echo ${{
            secrets.THREE }}
          echo ${{ fromJSON(secrets.FOUR).x }} ${{ SECRETS.five }}
          echo ${{ format('}}{0}', 'x') }} ${{ format('{0}}}', secrets.EIGHT) }}
          echo ${{ 'it''s' }} ${{ format('}}', sEcReTs.NINE) }}
    env:
      ${{ secrets.KEY }}: x
    container:
      image: x
      credentials:
        username: ${{ secrets.USER }}
        password: ${{ secrets.PASS }}
  b:
    uses: ./.github/workflows/x.yml
    secrets:
      s: ${{ secrets.SIX }}
    with:
      w: ${{ secrets.SEVEN
env: {Z: "${{ secrets.LAST }}"}
`,
	"comment.yml": `on: push
# ${{ secrets.NONE }}
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: echo # ${{ secrets.NONE }}
      # ${{ secrets.NONE }}
      - run: echo ${{ secrets.ONE }}
`,
}

// secwTestFiles returns the workflows and actions of the fixtures, the tricky workflows, and the
// corpus (RAMPART_CORPUS) when there is one.
func secwTestFiles(t *testing.T) []*audit.File {
	t.Helper()
	var files []*audit.File
	add := func(path string, src []byte) {
		tg := &audit.Target{Kind: "dir", Name: "t"}
		tg.AddSource(path, src)
		for _, f := range tg.Files {
			if f.Workflow != nil || f.Action != nil {
				files = append(files, f)
			}
		}
	}
	for name, src := range secwTricky {
		add(".github/workflows/"+name, []byte(src))
	}
	err := filepath.WalkDir(filepath.Join("..", "testdata"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(p, ".yml") || strings.HasSuffix(p, ".yaml")) {
			return err
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		name := ".github/workflows/" + filepath.Base(p)
		if strings.HasSuffix(p, "action.yml") || strings.HasSuffix(p, "action.yaml") {
			name = "action.yml"
		}
		add(name, src)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("RAMPART_CORPUS"); dir != "" {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if e.IsDir() {
				tg, err := audit.LoadDir(filepath.Join(dir, e.Name()), audit.LoadOptions{})
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range tg.Files {
					if f.Workflow != nil || f.Action != nil {
						files = append(files, f)
					}
				}
			}
		}
	}
	return files
}

// TestSecwPrunedIndex checks that the pruned walk finds what the walk of every string finds.
func TestSecwPrunedIndex(t *testing.T) {
	exact, pruned := 0, 0
	for _, f := range secwTestFiles(t) {
		ph := tiPlaceholdersOf(f)
		if ph.exact {
			exact++
		}
		want := secwCompute(f, false)
		got := secwCompute(f, true)
		if len(want) > 0 && ph.exact {
			pruned++
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: pruned index\n%+v\nwant\n%+v", f.Path, got, want)
		}
		if _, tricky := secwTricky[strings.TrimPrefix(f.Path, ".github/workflows/")]; tricky && len(want) == 0 {
			t.Errorf("%s: no placeholder found", f.Path)
		}
	}
	t.Logf("exact sources: %d, indexes found by the pruned walk: %d", exact, pruned)
}

// TestTiPlaceholdersExact checks the tricky sources' exactness.
func TestTiPlaceholdersExact(t *testing.T) {
	for name, want := range map[string]bool{"alias.yml": false, "escapes.yml": true, "quotes.yml": true, "comment.yml": true} {
		if got := tiScanPlaceholders(&audit.File{Source: []byte(secwTricky[name])}).exact; got != want {
			t.Errorf("%s: exact = %v, want %v", name, got, want)
		}
	}
	if !tiAliases([]byte("a: &x 1\nb: *x\n")) || tiAliases([]byte("run: a && b; ls *.go 2>&1\n")) {
		t.Error("tiAliases")
	}
}

// TestSecwMentionsBytes compares secwMentionsBytes with secwMentions on the word in every case
// and place, cut at either end, and beside the blocks the scan reads.
func TestSecwMentionsBytes(t *testing.T) {
	pad := strings.Repeat("x c C ", 25)
	for _, word := range []string{"secrets", "SECRETS", "sEcReTs", "secret", "ecrets", "secrecs", "s\x45crets", "s\x05crets"} {
		for n := range 140 {
			for _, src := range []string{pad[:n] + word, word + pad[:n], pad[:n] + word + pad[:n%7]} {
				if got, want := secwMentionsBytes([]byte(src)), secwMentions(src); got != want {
					t.Errorf("secwMentionsBytes(%q) = %v, want %v", src, got, want)
				}
			}
		}
	}
}

// TestSecwFirstAtOrAfter compares the search with a linear scan, on ascending keys of every
// length up to 40 (with repeats) and every key around them.
func TestSecwFirstAtOrAfter(t *testing.T) {
	for n := range 41 {
		bs := make([]secwBest, n)
		for i := range bs {
			bs[i].key = secwKey(1+i/3*2, 1+i%3/2*5) // columns 1, 1, 6
		}
		for line := 0; line <= n+2; line++ {
			for col := 0; col <= 12; col++ {
				k := secwKey(line, col)
				want := 0
				for want < n && bs[want].key < k {
					want++
				}
				if got := secwFirstAtOrAfter(bs, k); got != want {
					t.Fatalf("%d keys, line %d col %d: got %d, want %d", n, line, col, got, want)
				}
			}
		}
	}
}
