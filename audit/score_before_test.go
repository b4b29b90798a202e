package audit

import (
	"cmp"
	"fmt"
	"math"
	"math/rand"
	"slices"
	"strings"
	"testing"
)

func TestPrefixKeyOrder(t *testing.T) {
	r := rand.New(rand.NewSource(4))
	word := func() string {
		b := make([]byte, r.Intn(11))
		for i := range b {
			b[i] = "\x00ab9\xff"[r.Intn(5)]
		}
		return string(b)
	}
	for range 20000 {
		a, b := word(), word()
		if k := cmp.Compare(prefixKey(a), prefixKey(b)); k != 0 && k != strings.Compare(a, b) {
			t.Fatalf("prefixKey orders %q and %q wrongly", a, b)
		}
	}
}

// TestPrefixKeyIsBytewise holds prefixKey's one load for eight bytes or more to the byte loop,
// on strings of every length up to twelve and of every byte at each place.
func TestPrefixKeyIsBytewise(t *testing.T) {
	r := rand.New(rand.NewSource(11))
	for range 20000 {
		b := make([]byte, r.Intn(13))
		for i := range b {
			b[i] = byte(r.Intn(256))
		}
		if got, want := prefixKey(string(b)), prefixKeyBytewise(string(b)); got != want {
			t.Fatalf("prefixKey(%q) = %#x, want %#x", b, got, want)
		}
	}
}

// ScoreBefore is scoreBefore for the corpus test, which is outside the package (it runs the checks).
var ScoreBefore = scoreBefore

// scoreBefore is Score as it was written first, with a map of slices per category and check
// (visited in order of check, where the map left it to chance): the reference for Score.
func scoreBefore(findings []Finding, known map[Category]bool) ScoreResult {
	res := ScoreResult{Points: make([]float64, len(findings))}
	type item struct {
		idx  int
		cost float64
	}
	groups := map[Category]map[string][]item{}
	for i, f := range findings {
		if !f.Counts() {
			continue
		}
		cost := Penalties[f.Severity] * ConfidenceFactors[f.Confidence]
		if cost == 0 {
			continue
		}
		if groups[f.Category] == nil {
			groups[f.Category] = map[string][]item{}
		}
		groups[f.Category][f.Check] = append(groups[f.Category][f.Check], item{i, cost})
	}
	var weightSum, weighted float64
	rawPoints := make([]float64, len(findings))
	for _, c := range Categories {
		cs := CategoryScore{ID: c.ID, Title: c.Title, Weight: c.Weight, Known: known[c.ID]}
		deduction := 0.0
		checks := make([]string, 0, len(groups[c.ID]))
		for check := range groups[c.ID] {
			checks = append(checks, check)
		}
		slices.Sort(checks)
		for _, check := range checks {
			items := groups[c.ID][check]
			slices.SortFunc(items, func(a, b item) int {
				if r := cmp.Compare(b.cost, a.cost); r != 0 {
					return r
				}
				return cmp.Compare(findings[a.idx].Fingerprint, findings[b.idx].Fingerprint)
			})
			for k, it := range items {
				p := it.cost / float64(k+1)
				rawPoints[it.idx] = p
				deduction += p
				cs.Findings++
			}
		}
		scale := 1.0
		if deduction > 100 {
			scale = 100 / deduction
			deduction = 100
		}
		cs.Score = int(math.Round(100 - deduction))
		if cs.Known {
			weightSum += c.Weight
			weighted += c.Weight * (100 - deduction)
			for _, items := range groups[c.ID] {
				for _, it := range items {
					rawPoints[it.idx] *= scale * c.Weight
				}
			}
		} else {
			cs.Score = 0
			for _, items := range groups[c.ID] {
				for _, it := range items {
					rawPoints[it.idx] = 0
				}
			}
		}
		res.Categories = append(res.Categories, cs)
	}
	if weightSum == 0 {
		res.Score = 100
	} else {
		res.Score = int(math.Round(weighted / weightSum))
		for i := range rawPoints {
			res.Points[i] = math.Round(rawPoints[i]/weightSum*100) / 100
		}
	}
	res.Grade = Grade(res.Score)
	return res
}

func TestScoreIsScoreBefore(t *testing.T) {
	r := rand.New(rand.NewSource(5))
	for i := range 3000 {
		n := r.Intn(60)
		if i%4 == 1 {
			n = 40 + r.Intn(120)
		}
		fs := randomFindings(r, n)
		for j := range fs {
			fs[j].Suppressed = r.Intn(8) == 0
			if r.Intn(10) == 0 && j > 0 {
				fs[j].Fingerprint = fs[j-1].Fingerprint
			}
			if i%4 == 1 { // many groups: checks in every category
				fs[j].Check = fmt.Sprintf("c%d", r.Intn(20))
			}
		}
		known := offlineKnown
		switch i % 5 {
		case 0:
			known = map[Category]bool{CategoryInjection: true}
		case 2:
			known = map[Category]bool{} // no weight: every finding's points are zero
		}
		scoreAsBefore(t, fs, known)
	}
}

// TestScoreIsScoreBeforeAtOneCost: groups whose findings all cost the same, with hex fingerprints
// (some sharing their first digits, some equal, some not hex), as the engine's are.
func TestScoreIsScoreBeforeAtOneCost(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	for range 3000 {
		fs := make([]Finding, r.Intn(80))
		for j := range fs {
			fp := fmt.Sprintf("%06x%018x", r.Intn(1<<24), r.Int63())
			switch r.Intn(12) {
			case 0:
				if j > 0 {
					fp = fs[j-1].Fingerprint
				}
			case 1:
				if j > 0 && len(fs[j-1].Fingerprint) >= 12 {
					fp = fs[j-1].Fingerprint[:12] + fp[12:]
				}
			case 2:
				fp = "G" + fp[1:]
			case 3:
				fp = fp[:r.Intn(14)]
			}
			fs[j] = mk(fmt.Sprintf("c%d", r.Intn(2)), CategoryInjection, High, HighConfidence, fp)
			fs[j].Suppressed = r.Intn(10) == 0
		}
		scoreAsBefore(t, fs, offlineKnown)
	}
}

// TestScoreIsScoreBeforeOddValues: findings of severities and confidences outside the named ones
// (which Score looks up in the maps, not its table; some given a cost here), of a category outside
// Categories, and runs of one check in several categories (Score remembers the last group).
func TestScoreIsScoreBeforeOddValues(t *testing.T) {
	Penalties[Severity(6)] = 7
	ConfidenceFactors[Confidence(4)] = 0.5
	defer func() {
		delete(Penalties, Severity(6))
		delete(ConfidenceFactors, Confidence(4))
	}()
	testScoreOddValues(t)
	// A table cost that is not a number (a NaN ranks below every cost in the order of cmp.Compare).
	low := Penalties[Low]
	Penalties[Low] = math.NaN()
	defer func() { Penalties[Low] = low }()
	testScoreOddValues(t)
}

func testScoreOddValues(t *testing.T) {
	r := rand.New(rand.NewSource(9))
	cats := []Category{CategoryInjection, CategoryTriggers, CategoryHygiene, Category("other")}
	for range 3000 {
		fs := make([]Finding, r.Intn(50))
		for j := range fs {
			fs[j] = mk(fmt.Sprintf("c%d", r.Intn(2)), cats[r.Intn(len(cats))], Severity(r.Intn(8)-1), Confidence(r.Intn(6)-1), fmt.Sprint(r.Intn(20)))
			fs[j].Suppressed = r.Intn(10) == 0
		}
		scoreAsBefore(t, fs, offlineKnown)
	}
}

// TestScoreIsScoreBeforeAnyBytes: fingerprints of any bytes (high ones, zeros, short ones) that
// share long prefixes, at every cost of the table, where the key's parts must not run into each other.
func TestScoreIsScoreBeforeAnyBytes(t *testing.T) {
	r := rand.New(rand.NewSource(12))
	for range 3000 {
		fs := make([]Finding, r.Intn(60))
		for j := range fs {
			b := make([]byte, r.Intn(12))
			for i := range b {
				b[i] = "\x00\x01\x7f\x80\xfeaf"[r.Intn(7)]
			}
			if j > 0 && r.Intn(3) == 0 {
				prev := fs[r.Intn(j)].Fingerprint
				b = append([]byte(prev[:r.Intn(len(prev)+1)]), b[:r.Intn(len(b)+1)]...)
			}
			fs[j] = mk(fmt.Sprintf("c%d", r.Intn(2)), CategoryInjection, Severity(r.Intn(5)), Confidence(r.Intn(3)), string(b))
		}
		scoreAsBefore(t, fs, offlineKnown)
	}
}

// scoreAsBefore fails t when Score and scoreBefore disagree on fs.
func scoreAsBefore(t *testing.T, fs []Finding, known map[Category]bool) {
	t.Helper()
	if got, want := Score(fs, known), scoreBefore(fs, known); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("Score differs from before:\n got %v\nwant %v", got, want)
	}
}
