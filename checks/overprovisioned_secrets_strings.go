package checks

import (
	"slices"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

// secwWalk finds the strings of a workflow that hold the placeholders which may read secrets
// (tiPlaceholders.secrets), without visiting every string of the file: File.VisitStrings visits
// the workflow-level strings, and those of the jobs and steps whose source lines hold such a
// placeholder. A placeholder belongs to the visited string that starts last at or before it:
// strings do not overlap in the source, and every string of a job or step lies between its
// position and the next one's.
type secwWalk struct {
	cands []tiPos
	// best[i] is the string that starts last among those visited that start after cands[i-1]
	// and at or before cands[i].
	best []secwBest
	// tie is set when two strings start at the same place (which File.Strings never holds).
	tie bool
}

type secwBest struct {
	s   *actionlint.String
	job *actionlint.Job
	// key is the candidate's position (secwKey), for secwFirstAtOrAfter.
	key int64
}

// secwPruned is secwIndex's search for an exact file (tiPlaceholders.exact): the strings that
// hold a placeholder which may read secrets, with their jobs, in source order. ok is false when
// the walk cannot tell.
func secwPruned(file *audit.File, cands []tiPos) (refs []audit.StringRef, ok bool) {
	w := &secwWalk{cands: cands, best: make([]secwBest, len(cands))}
	for i, c := range cands {
		w.best[i].key = secwKey(int(c.line), int(c.col))
	}
	file.VisitStrings(w.candsIn, func(r audit.StringRef) { w.one(r.S, r.Job) })
	if w.tie {
		return nil, false
	}
	// At most one string per candidate: sized for them, the list is made once.
	refs = make([]audit.StringRef, 0, len(w.best))
	var prev secwBest
	for i := range w.best {
		b := w.best[i]
		if b.s == nil {
			b = prev
		}
		prev = b
		if b.s == nil || len(refs) > 0 && refs[len(refs)-1].S == b.s {
			continue
		}
		refs = append(refs, audit.StringRef{S: b.s, Job: b.job})
	}
	// Strings were found in order of their candidates, which is their order in the source
	// unless a later candidate fell back on an earlier string; order them as File.Strings does.
	slices.SortStableFunc(refs, func(a, b audit.StringRef) int {
		return (a.S.Pos.Line<<20 | a.S.Pos.Col) - (b.S.Pos.Line<<20 | b.S.Pos.Col)
	})
	refs = slices.CompactFunc(refs, func(a, b audit.StringRef) bool { return a.S == b.S })
	return refs, true
}

// candsIn reports whether a candidate starts on a line from first to last (inclusive; last < 0
// means to the end of the file).
func (w *secwWalk) candsIn(first, last int) bool {
	lo := secwFirstAtOrAfter(w.best, secwKey(first, 0))
	return lo < len(w.cands) && (last < 0 || int(w.cands[lo].line) <= last)
}

func (w *secwWalk) one(s *actionlint.String, job *actionlint.Job) {
	line, col := s.Pos.Line, s.Pos.Col
	// The first candidate at or after the string's start.
	lo := secwFirstAtOrAfter(w.best, secwKey(line, col))
	if lo == len(w.cands) {
		return
	}
	b := &w.best[lo]
	switch {
	case b.s == nil:
	case b.s.Pos.Line == line && b.s.Pos.Col == col:
		if b.s != s {
			w.tie = true
		}
		return
	case b.s.Pos.Line > line || b.s.Pos.Line == line && b.s.Pos.Col > col:
		return
	}
	b.s, b.job = s, job
}

// secwKey orders source positions: line, then column (both non-negative, below 2^31).
func secwKey(line, col int) int64 { return int64(line)<<32 | int64(col) }

// secwFirstAtOrAfter returns the index of the first of the candidates, ascending, whose key is
// at least k, len(bs) when none is. Its steps move the base without a branch on the keys: a
// binary search that branches mispredicts about every other step, and the walk makes one per
// string it visits.
func secwFirstAtOrAfter(bs []secwBest, k int64) int {
	if len(bs) == 0 {
		return 0
	}
	// key-k is negative, its sign bit a mask of all ones, when key < k (keys and k are
	// non-negative: no overflow). Go compiles a comparison here to a branch.
	base, n := 0, len(bs)
	for n > 1 {
		half := n / 2
		base += half & int((bs[base+half].key-k)>>63)
		n -= half
	}
	return base - int((bs[base].key-k)>>63)
}
