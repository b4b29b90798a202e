package audit

import (
	"cmp"
	"math"
	"slices"
	"strings"
)

// CategoryInfo is a score category's title and weight.
type CategoryInfo struct {
	ID     Category
	Title  string
	Weight float64
}

// Categories are the score's categories in display order, with their weights.
var Categories = []CategoryInfo{
	{CategoryInjection, "Script and expression injection", 0.25},
	{CategoryTriggers, "Dangerous triggers and privileged workflows", 0.20},
	{CategoryPermissions, "Token permissions", 0.20},
	{CategorySupplyChain, "Pinned dependencies and supply chain", 0.20},
	{CategoryCredentials, "Credentials and secrets", 0.10},
	{CategoryHygiene, "Workflow hygiene", 0.05},
	{CategorySettings, "Repository settings", 0.15},
}

// Penalties are the points one finding costs its category at high confidence.
var Penalties = map[Severity]float64{Critical: 50, High: 25, Medium: 10, Low: 3, Info: 0}

// ConfidenceFactors scale a finding's penalty by how sure the check is.
var ConfidenceFactors = map[Confidence]float64{HighConfidence: 1, MediumConfidence: 0.6, LowConfidence: 0.3}

// ScoreResult is the score and how it was reached.
type ScoreResult struct {
	Score      int
	Grade      string
	Categories []CategoryScore
	// Points is what each finding (by index in the input) costs the overall score.
	Points []float64
}

// Score computes the score of a set of findings. It is a pure function:
//
//   - A finding that counts costs its category penalty(severity) × factor(confidence).
//   - Within one check and category, findings are ranked by cost (ties by fingerprint) and the
//     k-th costs 1/k of its own cost, so twenty copies of one mistake weigh less than twenty
//     different mistakes, and yet each copy costs something. A category's deductions are capped at 100.
//   - The overall score is the weighted mean of the categories that are known; a category is
//     unknown when none of its checks could run (known[c] false), and it then has no weight.
//
// Adding a finding never raises the score and removing one never lowers it; the result does
// not depend on the order of findings.
func Score(findings []Finding, known map[Category]bool) ScoreResult {
	// res.Points holds each finding's cost until its points replace it: no array of its own.
	res := ScoreResult{Points: make([]float64, len(findings))}
	points := res.Points
	// The findings that cost something are grouped by category and check without a slice per
	// group: a first pass numbers the groups and counts their findings, a second places each
	// finding in its group's stretch of one array.
	type groupKey struct {
		category Category
		check    string
	}
	type group struct {
		category   Category
		check      string
		start, end int  // its stretch of items
		scored     bool // its category is one of Categories
	}
	// An item's key orders it as rank does as far as the key tells: the rank of its cost among the
	// table's costs (most costly first) in the top byte, then the fingerprint's first seven bytes.
	// One comparison of numbers decides most pairs, where cost and fingerprint took two.
	type item struct {
		key uint64
		idx int
	}
	// The cost of each severity at each confidence is looked up in the maps once, not twice for
	// each finding (a map lookup is a call and often a mispredicted branch).
	var costs [Critical + 1][HighConfidence + 1]float64
	distinct := make([]float64, 0, len(costs)*len(costs[0]))
	for s := range costs {
		for c := range costs[s] {
			costs[s][c] = Penalties[Severity(s)] * ConfidenceFactors[Confidence(c)]
			distinct = append(distinct, costs[s][c])
		}
	}
	slices.SortFunc(distinct, func(a, b float64) int { return cmp.Compare(b, a) })
	distinct = slices.Compact(distinct)
	var ranks [Critical + 1][HighConfidence + 1]uint64
	for s := range costs {
		for c := range costs[s] {
			r := slices.Index(distinct, costs[s][c])
			if r < 0 {
				r = 0xff // a NaN, equal to nothing: last, where cmp.Compare puts it
			}
			ranks[s][c] = uint64(r) << 56
		}
	}
	// A cost from outside the table (an odd severity or confidence) has no rank: the keys are
	// then all zero and rank compares costs and fingerprints itself.
	keyed := true
	// A look along the groups (about twenty a corpus pass) instead of the map was tried: 0.29 M
	// fewer instructions a corpus pass but 2.2 K more mispredictions (callgrind), for more code.
	ids := map[groupKey]int{}
	var groups []group
	last := -1                          // the group of the last finding that costs something
	gid := make([]int32, len(findings)) // group of each finding, -1 for those that cost nothing
	for i := range findings {
		f := &findings[i]
		gid[i] = -1
		if !f.Counts() {
			continue
		}
		var cost float64
		if uint(f.Severity) < uint(len(costs)) && uint(f.Confidence) < uint(len(costs[0])) {
			cost = costs[f.Severity][f.Confidence]
		} else {
			cost = Penalties[f.Severity] * ConfidenceFactors[f.Confidence]
			keyed = keyed && cost == 0
		}
		if cost == 0 {
			continue
		}
		points[i] = cost
		// Neighbours in report order are often of one check (half of the corpus's findings).
		g := last
		if g < 0 || groups[g].check != f.Check || groups[g].category != f.Category {
			k := groupKey{f.Category, f.Check}
			var ok bool
			if g, ok = ids[k]; !ok {
				g = len(groups)
				ids[k] = g
				groups = append(groups, group{category: f.Category, check: f.Check})
			}
			last = g
		}
		gid[i] = int32(g)
		groups[g].end++ // the count, for now
	}
	n := 0
	for g := range groups {
		count := groups[g].end
		groups[g].start, groups[g].end = n, n
		n += count
	}
	items := make([]item, n)
	for i, g := range gid {
		if g < 0 {
			continue
		}
		it := item{idx: i}
		if keyed {
			f := &findings[i]
			it.key = ranks[f.Severity][f.Confidence] | prefixKey(f.Fingerprint)>>8
		}
		items[groups[g].end] = it
		groups[g].end++
	}
	// Within a group the findings are ranked by cost, most costly first, ties by fingerprint. The
	// findings come in report order, often already ranked (one check at one cost): the sort is
	// skipped then. It is skipped only when no two are equal (the same folder audited twice), for
	// the sort may reorder those. Where the keys differ, rank answers as the comparison of costs
	// and then fingerprints would; so the sort moves the findings exactly as that comparison would,
	// equal ones too.
	rank := func(a, b item) int {
		if a.key != b.key {
			if a.key < b.key {
				return -1
			}
			return 1
		}
		if r := cmp.Compare(points[b.idx], points[a.idx]); r != 0 {
			return r
		}
		return strings.Compare(findings[a.idx].Fingerprint, findings[b.idx].Fingerprint)
	}
	for _, g := range groups {
		in := items[g.start:g.end]
		ranked := true
		for i := 1; i < len(in) && ranked; i++ {
			ranked = rank(in[i-1], in[i]) < 0
		}
		if !ranked {
			slices.SortFunc(in, rank)
		}
	}
	// A category's deduction is summed in order of check, so that not even its last bit depends
	// on the order of the findings (a sum at .5 decides the rounding).
	slices.SortFunc(groups, func(a, b group) int { return strings.Compare(a.check, b.check) })
	var weightSum, weighted float64
	for _, c := range Categories {
		cs := CategoryScore{ID: c.ID, Title: c.Title, Weight: c.Weight, Known: known[c.ID]}
		deduction := 0.0
		for gi := range groups {
			g := &groups[gi]
			if g.category != c.ID {
				continue
			}
			g.scored = true
			for k, it := range items[g.start:g.end] {
				p := points[it.idx] / float64(k+1)
				points[it.idx] = p
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
		for _, g := range groups {
			if g.category != c.ID {
				continue
			}
			for _, it := range items[g.start:g.end] {
				if cs.Known {
					points[it.idx] *= scale * c.Weight
				} else {
					points[it.idx] = 0
				}
			}
		}
		if cs.Known {
			weightSum += c.Weight
			weighted += c.Weight * (100 - deduction)
		} else {
			cs.Score = 0
		}
		res.Categories = append(res.Categories, cs)
	}
	// A finding of a category that is not in Categories gets no points.
	for _, g := range groups {
		if !g.scored {
			for _, it := range items[g.start:g.end] {
				points[it.idx] = 0
			}
		}
	}
	if weightSum == 0 {
		res.Score = 100 // and no category is known: every finding's points are zero
	} else {
		res.Score = int(math.Round(weighted / weightSum))
		for i := range points {
			points[i] = math.Round(points[i]/weightSum*100) / 100
		}
	}
	res.Grade = Grade(res.Score)
	return res
}

// prefixKey packs a string's first eight bytes (zeros after its end) into a number whose order
// is theirs: where two keys differ, so do the strings, in the same order.
func prefixKey(s string) uint64 {
	if len(s) >= 8 { // a fingerprint: one load, where the loop mispredicted about once a call
		return uint64(s[0])<<56 | uint64(s[1])<<48 | uint64(s[2])<<40 | uint64(s[3])<<32 |
			uint64(s[4])<<24 | uint64(s[5])<<16 | uint64(s[6])<<8 | uint64(s[7])
	}
	return prefixKeyBytewise(s)
}

// prefixKeyBytewise is prefixKey a byte at a time, for strings shorter than eight bytes.
func prefixKeyBytewise(s string) uint64 {
	var k uint64
	for i := range 8 {
		k <<= 8
		if i < len(s) {
			k |= uint64(s[i])
		}
	}
	return k
}

// Grade maps a score to a letter: A 90+, B 80+, C 70+, D 60+, F below.
func Grade(score int) string {
	switch {
	case score >= 90:
		return "A"
	case score >= 80:
		return "B"
	case score >= 70:
		return "C"
	case score >= 60:
		return "D"
	}
	return "F"
}
