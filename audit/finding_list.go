package audit

// findingList is a worker's room for its targets' lists of findings: each target's list starts in
// the rest of one block of pointers, where appending to a list of its own grew it about six times
// a target (635 times a corpus pass, each a new array and a copy). A target's list stays in the
// block while it fits; one that outgrows it moves to an array of its own, as append does, and
// leaves the block to the next target. The lists are kept until the report is made, so a block is
// never reused, only shared.
type findingList []*Finding

// findingListBlock is a block's room: 8 KB, about twenty of the corpus's targets' lists.
const findingListBlock = 1024

// findingListLeast is the least room left in a block that a target's list starts in: a block with
// less is left for a new one (most targets have fewer findings; a few have several hundred).
const findingListLeast = 128

// take returns an empty list for a target, with the rest of the block (or a new one) as its room.
func (l *findingList) take() []*Finding {
	if cap(*l) < findingListLeast {
		*l = make(findingList, 0, findingListBlock)
	}
	return (*l)[:0]
}

// keep ends a target's list, got from take and appended to: the rest of the block, past a list
// still in it, serves the next target. Nothing appends to a list after this (process reorders
// and shortens it in place).
func (l *findingList) keep(raw []*Finding) []*Finding {
	if cap(raw) == cap(*l) { // else it outgrew the block: append moved it, and the block is untouched
		*l = (*l)[len(raw):len(raw)]
	}
	return raw
}
