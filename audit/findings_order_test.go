package audit

import (
	"fmt"
	"math/rand"
	"slices"
	"strconv"
	"testing"
)

// The tests here hold the faster ways of ordering and formatting findings to the plain ones they
// replace: the results must be the same, to the byte.

func randomPlaced(r *rand.Rand, n int) []*Finding {
	fs := make([]*Finding, n)
	for i := range fs {
		fs[i] = &Finding{File: fmt.Sprintf("f%d", r.Intn(3)), Line: 1 + r.Intn(6), Column: 1 + r.Intn(2),
			Check: fmt.Sprintf("c%d", r.Intn(3)), Message: fmt.Sprintf("m%d", r.Intn(3))}
	}
	// Checks report in runs of ascending places, as they do.
	for lo := 0; lo < n; {
		hi := min(n, lo+1+r.Intn(8))
		slices.SortStableFunc(fs[lo:hi], comparePlace)
		lo = hi
	}
	return fs
}

func TestSortByPlaceIsTheStableSort(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for range 2000 {
		fs := randomPlaced(r, r.Intn(70))
		if r.Intn(4) == 0 {
			r.Shuffle(len(fs), func(i, j int) { fs[i], fs[j] = fs[j], fs[i] })
		}
		want := slices.Clone(fs)
		slices.SortStableFunc(want, comparePlace)
		sortByPlace(fs)
		if !slices.Equal(fs, want) {
			t.Fatalf("sortByPlace differs from the stable sort")
		}
	}
}

func TestSortWithinPlacesIsTheFullSort(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	for range 2000 {
		fs := dropRepeats(func() []*Finding {
			fs := randomPlaced(r, r.Intn(70))
			slices.SortStableFunc(fs, comparePlace)
			return fs
		}())
		want := slices.Clone(fs)
		slices.SortFunc(want, compareFindings)
		sortWithinPlaces(fs)
		if !slices.Equal(fs, want) {
			t.Fatalf("sortWithinPlaces differs from the sort by compareFindings")
		}
	}
}

// TestMergeRunsIsSortFindings: targets' sorted findings in any order, apart or interleaved, with
// or without equal findings (one folder audited twice), come out as SortFindings orders them.
func TestMergeRunsIsSortFindings(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	for range 2000 {
		var runs [][]*Finding
		var all []*Finding
		for range r.Intn(5) {
			run := randomPlaced(r, r.Intn(20))
			prefix := fmt.Sprintf("t%d/", r.Intn(4))
			if r.Intn(3) == 0 {
				prefix = "" // interleaves with other runs
			}
			for _, f := range run {
				f.File = prefix + f.File
				f.Fingerprint = fmt.Sprint(r.Intn(1000)) // tells apart findings that compare equal
			}
			slices.SortStableFunc(run, comparePlace)
			run = dropRepeats(run)
			sortWithinPlaces(run)
			runs = append(runs, run)
			all = append(all, run...)
		}
		want := make([]Finding, len(all))
		for i, f := range all {
			want[i] = *f
		}
		SortFindings(want)
		got := mergeRuns(runs, len(all), nil)
		if len(got) != len(want) {
			t.Fatalf("mergeRuns gave %d findings, want %d", len(got), len(want))
		}
		for i := range want {
			if g, w := fmt.Sprintf("%+v", got[i]), fmt.Sprintf("%+v", want[i]); g != w {
				t.Fatalf("finding %d: %s, want %s", i, g, w)
			}
		}
	}
}

// TestMergeRunsJoinsPaths: mergeRuns with a path function orders the findings as if their paths
// had been joined before, and joins each related place's path once.
func TestMergeRunsJoinsPaths(t *testing.T) {
	r := rand.New(rand.NewSource(5))
	for range 2000 {
		var runs [][]*Finding
		var names []string
		var want []Finding
		for i := range r.Intn(5) {
			run := randomPlaced(r, r.Intn(20))
			names = append(names, []string{"t0", "t1", "t2", ""}[r.Intn(4)])
			for _, f := range run {
				f.Fingerprint = fmt.Sprint(r.Intn(1000))
				f.Related = []Location{{File: f.File}}
			}
			slices.SortStableFunc(run, comparePlace)
			run = dropRepeats(run)
			sortWithinPlaces(run)
			runs = append(runs, run)
			for _, f := range run {
				w := *f
				w.File = names[i] + "/" + f.File
				w.Related = []Location{{File: names[i] + "/" + f.Related[0].File}}
				want = append(want, w)
			}
		}
		SortFindings(want)
		got := mergeRuns(runs, len(want), func(run int, p string) string { return names[run] + "/" + p })
		if len(got) != len(want) {
			t.Fatalf("mergeRuns gave %d findings, want %d", len(got), len(want))
		}
		for i := range want {
			if g, w := fmt.Sprintf("%+v", got[i]), fmt.Sprintf("%+v", want[i]); g != w {
				t.Fatalf("finding %d: %s, want %s", i, g, w)
			}
		}
	}
}

func TestFormatMessageIsSprintf(t *testing.T) {
	type stringer string
	cases := []struct {
		format string
		args   []any
	}{
		{"%s", []any{"plain"}},
		{"%s", []any{3}},
		{"%s", []any{stringer("named")}},
		{"%s %q %d %v %v", []any{"a", "b\"\n\x00é", -42, "c", 7}},
		{"100%% of %s", []any{"x"}},
		{"%s and %s", []any{"only one"}},
		{"%s", []any{"one", "two"}},
		{"%q", []any{"\xff invalid utf-8"}},
		{"%-5s|", []any{"w"}},
		{"%5d", []any{3}},
		{"%x", []any{"hex"}},
		{"%d", []any{"not an int"}},
		{"%d", []any{int64(5)}},
		{"trailing %", []any{"x"}},
		{"%é", []any{"x"}},
		{"no verbs", []any{"x"}},
		{"%v", []any{nil}},
		{"%s: %s", []any{"", ""}},
	}
	for _, c := range cases {
		if got, want := formatMessage(c.format, c.args), fmt.Sprintf(c.format, c.args...); got != want {
			t.Errorf("formatMessage(%q, %v) = %q, want %q", c.format, c.args, got, want)
		}
	}
}

// TestSamePlaceIsComparePlace: samePlace says what comparePlace's zero says, on pairs of random
// findings (paths equal as strings but not as pointers among them).
func TestSamePlaceIsComparePlace(t *testing.T) {
	r := rand.New(rand.NewSource(6))
	for range 20000 {
		fs := randomPlaced(r, 2)
		if got, want := samePlace(fs[0], fs[1]), comparePlace(fs[0], fs[1]) == 0; got != want {
			t.Fatalf("samePlace(%+v, %+v) = %v, want %v", *fs[0], *fs[1], got, want)
		}
	}
}

// TestAppendQuoteIsStrconv: appendQuote gives strconv.AppendQuote's text, for every single byte
// and for random strings of plain letters, quotes, backslashes, controls, DEL, multi-byte runes
// and invalid bytes.
func TestAppendQuoteIsStrconv(t *testing.T) {
	check := func(s string) {
		if got, want := string(appendQuote([]byte("x"), s)), string(strconv.AppendQuote([]byte("x"), s)); got != want {
			t.Fatalf("appendQuote(%q) = %s, want %s", s, got, want)
		}
	}
	for c := range 256 {
		check(string([]byte{byte(c)}))
	}
	r := rand.New(rand.NewSource(13))
	pieces := []string{"a", "Z", " ", "~", "$", "{", "\"", "\\", "\n", "\t", "\x00", "\x7f", "é", "\u2028", "\xff", "\U0001F600"}
	for range 20000 {
		var s string
		for range r.Intn(8) {
			s += pieces[r.Intn(len(pieces))]
		}
		check(s)
	}
}
