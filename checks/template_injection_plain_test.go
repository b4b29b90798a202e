package checks

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// TestTiPlainRead checks tiPlainRead against tiPlainReadRef, its former reading name by name, at
// every "${{" of the test files and of the corpus, and on random texts made of the bytes that
// matter to it.
func TestTiPlainRead(t *testing.T) {
	checked := 0
	check := func(text []byte) {
		t.Helper()
		checked++
		if got, want := tiPlainRead(text), tiPlainReadRef(text); got != want {
			t.Errorf("tiPlainRead(%q) = %+v, want %+v", text, got, want)
		}
	}
	kinds := map[tiPlainKind]int{}
	tiEachOpening(t, func(src []byte, off int) {
		check(src[off:])
		kinds[tiPlainReadRef(src[off:]).kind]++
	})
	for k := tiNotPlain; k <= tiPlainMatrixRead; k++ {
		if kinds[k] == 0 {
			t.Errorf("no placeholder of kind %d among the sources", k)
		}
	}
	words := []string{" ", "\t", ".", "}}", "}", "-", "_", "0", "9", "a", "Z", "(", "'", "\n", "\x7f", "\xc3",
		"github", "GitHub", "event", "Event", "head_ref", "HEAD_REF", "head", "secrets", "SeCrEtS", "secret",
		"strategy", "vars", "VARS", "runner", "job", "jobs", "matrix", "Matrix", "env", "inputs", "x"}
	r := rand.New(rand.NewPCG(1, 2))
	var b []byte
	for range 200000 {
		b = tiRandomText(r, b, words, 9)
		check(b)
	}
	t.Logf("%d texts checked", checked)
}

// tiEachOpening calls visit at each "${{" of the corpus (when it is there) and of the test files,
// with the source and the offset after the "${{"; it returns how many sources it read.
func tiEachOpening(t *testing.T, visit func(src []byte, off int)) int {
	srcs := corpusSourcesIfAny(t)
	for _, f := range secwTestFiles(t) {
		srcs = append(srcs, f.Source)
	}
	for _, src := range srcs {
		for off := 0; ; {
			i := bytes.Index(src[off:], []byte("${{"))
			if i < 0 {
				break
			}
			off += i + 3
			visit(src, off)
		}
	}
	return len(srcs)
}

// corpusSourcesIfAny is corpusSources, or none when the corpus is not there.
func corpusSourcesIfAny(t *testing.T) (srcs [][]byte) {
	t.Run("corpus", func(t *testing.T) { srcs = corpusSources(t) })
	return srcs
}

// tiPlainReadRef is tiPlainRead as it was first written, a loop per name.
func tiPlainReadRef(text []byte) tiPlain {
	i := 0
	for i < len(text) && (text[i] == ' ' || text[i] == '\t') {
		i++
	}
	root := i
	if i >= len(text) || !tiIsNameStart(text[i]) {
		return tiPlain{}
	}
	for i++; i < len(text) && tiIsNameByte(text[i]); i++ {
	}
	name := text[root:i]
	secrets := len(name) >= 7 && tiMentionsSecrets(name)
	field, fieldEnd := -1, -1
	for i < len(text) && text[i] == '.' {
		i++
		if i >= len(text) || !tiIsNameStart(text[i]) {
			return tiPlain{}
		}
		seg := i
		for i++; i < len(text) && tiIsNameByte(text[i]); i++ {
		}
		if field < 0 {
			field, fieldEnd = seg, i
		}
		if !secrets && i-seg >= 7 {
			secrets = tiMentionsSecrets(text[seg:i])
		}
	}
	for i < len(text) && (text[i] == ' ' || text[i] == '\t') {
		i++
	}
	if i+1 >= len(text) || text[i] != '}' || text[i+1] != '}' {
		return tiPlain{}
	}
	read := tiPlain{kind: tiPlainOtherRead, secrets: secrets}
	safe := false
	switch len(name) { // one comparison per length: this runs for every placeholder of the corpus
	case 3:
		safe = tiFold(name, "job")
	case 4:
		safe = tiFold(name, "vars")
	case 7:
		safe = tiFold(name, "secrets")
	case 8:
		safe = tiFold(name, "strategy")
	case 6:
		switch {
		case tiFold(name, "runner"):
			safe = true
		case tiFold(name, "matrix"):
			read.kind = tiPlainMatrixRead
		case tiFold(name, "github") && field >= 0:
			f := text[field:fieldEnd]
			safe = !tiFold(f, "event") && !tiFold(f, "head_ref")
		}
	}
	if safe {
		read.kind = tiPlainSafeRead
	}
	return read
}

// tiRandomText is fewer than max of the words, drawn at random and joined, in b's array.
func tiRandomText(r *rand.Rand, b []byte, words []string, max int) []byte {
	b = b[:0]
	for n := r.IntN(max); n > 0; n-- {
		b = append(b, words[r.IntN(len(words))]...)
	}
	return b
}
