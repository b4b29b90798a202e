package audit

import (
	"fmt"
	"math/rand"
	"testing"
)

func mk(check string, cat Category, sev Severity, conf Confidence, fp string) Finding {
	return Finding{Check: check, Category: cat, Severity: sev, Confidence: conf, Fingerprint: fp}
}

var offlineKnown = map[Category]bool{CategoryInjection: true, CategoryTriggers: true, CategoryPermissions: true,
	CategorySupplyChain: true, CategoryCredentials: true, CategoryHygiene: true}

func TestScoreTable(t *testing.T) {
	cases := []struct {
		name     string
		findings []Finding
		known    map[Category]bool
		want     int
		grade    string
	}{
		{"no findings", nil, offlineKnown, 100, "A"},
		{"nothing known", nil, map[Category]bool{}, 100, "A"},
		{"one info costs nothing", []Finding{mk("a", CategoryHygiene, Info, HighConfidence, "1")}, offlineKnown, 100, "A"},
		// injection weight .25 of 1.0: a high (25) costs 6.25 points.
		{"one high injection", []Finding{mk("template-injection", CategoryInjection, High, HighConfidence, "1")}, offlineKnown, 94, "A"},
		// a critical (50) in triggers, weight .2: 10 points.
		{"one critical trigger", []Finding{mk("dangerous-triggers", CategoryTriggers, Critical, HighConfidence, "1")}, offlineKnown, 90, "A"},
		// medium confidence scales by .6: 25*.6=15 of injection, *.25 = 3.75
		{"medium confidence", []Finding{mk("template-injection", CategoryInjection, High, MediumConfidence, "1")}, offlineKnown, 96, "A"},
		// repeats: 25 + 12.5 + 8.33 = 45.83 in injection => 11.46 points
		{"three repeats decay", []Finding{
			mk("template-injection", CategoryInjection, High, HighConfidence, "1"),
			mk("template-injection", CategoryInjection, High, HighConfidence, "2"),
			mk("template-injection", CategoryInjection, High, HighConfidence, "3"),
		}, offlineKnown, 89, "B"},
		// a category is capped at 100: 3 criticals in triggers = 50+25+16.7 = 91.7; 5 = 114 -> capped: -20 points
		{"category cap", []Finding{
			mk("x", CategoryTriggers, Critical, HighConfidence, "1"), mk("x", CategoryTriggers, Critical, HighConfidence, "2"),
			mk("x", CategoryTriggers, Critical, HighConfidence, "3"), mk("x", CategoryTriggers, Critical, HighConfidence, "4"),
			mk("x", CategoryTriggers, Critical, HighConfidence, "5"), mk("x", CategoryTriggers, Critical, HighConfidence, "6"),
		}, offlineKnown, 80, "B"},
		{"suppressed costs nothing", []Finding{func() Finding {
			f := mk("template-injection", CategoryInjection, Critical, HighConfidence, "1")
			f.Suppressed = true
			return f
		}()}, offlineKnown, 100, "A"},
		// with settings known (online), weights renormalise: 1.15 total
		{"settings known renormalises", []Finding{mk("template-injection", CategoryInjection, High, HighConfidence, "1")},
			func() map[Category]bool {
				m := map[Category]bool{CategorySettings: true}
				for k := range offlineKnown {
					m[k] = true
				}
				return m
			}(), 95, "A"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := Score(c.findings, c.known)
			if r.Score != c.want || r.Grade != c.grade {
				t.Errorf("score %d %s, want %d %s", r.Score, r.Grade, c.want, c.grade)
			}
			// every point lost is traced to a finding
			sum := 0.0
			for _, p := range r.Points {
				sum += p
			}
			if d := float64(100-r.Score) - sum; d > 0.6 || d < -0.6 {
				t.Errorf("points sum %.2f, lost %d", sum, 100-r.Score)
			}
		})
	}
}

func TestGrades(t *testing.T) {
	for s, g := range map[int]string{100: "A", 90: "A", 89: "B", 80: "B", 79: "C", 70: "C", 69: "D", 60: "D", 59: "F", 0: "F"} {
		if Grade(s) != g {
			t.Errorf("Grade(%d) = %s, want %s", s, Grade(s), g)
		}
	}
}

func randomFindings(r *rand.Rand, n int) []Finding {
	cats := []Category{CategoryInjection, CategoryTriggers, CategoryPermissions, CategorySupplyChain, CategoryCredentials, CategoryHygiene}
	var out []Finding
	for i := 0; i < n; i++ {
		out = append(out, mk(fmt.Sprintf("c%d", r.Intn(4)), cats[r.Intn(len(cats))], Severity(r.Intn(5)), Confidence(r.Intn(3)), fmt.Sprint(r.Int())))
	}
	return out
}

// TestScoreMonotoneAndOrderFree: adding a finding never raises the score, and order does not matter.
func TestScoreMonotoneAndOrderFree(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 500; i++ {
		fs := randomFindings(r, r.Intn(40))
		base := Score(fs, offlineKnown).Score
		more := append(append([]Finding(nil), fs...), randomFindings(r, 1)...)
		if s := Score(more, offlineKnown).Score; s > base {
			t.Fatalf("adding a finding raised the score %d -> %d", base, s)
		}
		shuffled := append([]Finding(nil), fs...)
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if s := Score(shuffled, offlineKnown).Score; s != base {
			t.Fatalf("order changed the score %d -> %d", base, s)
		}
	}
}
