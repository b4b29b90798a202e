package checks

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
)

// TestTiActionName checks tiActionName against tiActionNameRef, its former loop over the bytes,
// on the uses: values of the corpus's and the test files' steps and on random values of
// owners, paths, refs, upper case and characters beyond ASCII.
func TestTiActionName(t *testing.T) {
	files := secwTestFiles(t)
	t.Run("corpus", func(t *testing.T) {
		for _, tg := range corpusTargets(t) {
			files = append(files, tg.Files...)
		}
	})
	var values []string
	for _, f := range files {
		for _, ref := range f.Steps() {
			if a, ok := ref.Step.Exec.(*actionlint.ExecAction); ok && a.Uses != nil {
				values = append(values, a.Uses.Value)
			}
		}
	}
	if len(values) == 0 {
		t.Error("no uses: value among the files")
	}
	words := []string{"a", "B", "/", "@", "v1", "é", "İ", "K", "\xff", ".", "actions", "Owner"}
	r := rand.New(rand.NewPCG(15, 16))
	var b []byte
	for range 200000 {
		b = tiRandomText(r, b, words, 10)
		values = append(values, string(b))
	}
	for _, uses := range values {
		if got, want := tiActionName(uses), tiActionNameRef(uses); got != want {
			t.Errorf("tiActionName(%q) = %q, want %q", uses, got, want)
		}
	}
}

// tiActionNameRef is tiActionName as a loop over the bytes, which lower-cases a value with other
// than ASCII before its "@" as a whole first.
func tiActionNameRef(uses string) string {
	cut, slashes, upper := len(uses), 0, false
scan:
	for i := 0; i < len(uses); i++ {
		switch c := uses[i]; {
		case c >= 0x80:
			name, _, _ := strings.Cut(strings.ToLower(uses), "@")
			if parts := strings.Split(name, "/"); len(parts) > 2 {
				name = parts[0] + "/" + parts[1]
			}
			return name
		case c == '@':
			cut = min(cut, i)
			break scan
		case c == '/':
			if slashes++; slashes == 2 {
				cut = min(cut, i)
			}
		case 'A' <= c && c <= 'Z' && i < cut:
			upper = true
		}
	}
	if upper {
		return strings.ToLower(uses[:cut])
	}
	return uses[:cut]
}
