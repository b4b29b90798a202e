package audit

import (
	"cmp"
	"math"
	"slices"
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
		for _, items := range groups[c.ID] {
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
