package checks

import "github.com/rampart-sec/rampart/audit"

type pcMasksKey struct{}

// pcMasks returns pcPublishMaskOf of each step's run: script, indexed as file.Steps() has the
// steps (0 for a uses: step). It is computed once per file: cache-poisoning and
// use-trusted-publishing both ask for it, and the scan of every script is their main cost.
func pcMasks(file *audit.File) []pcWords {
	return file.Memo(pcMasksKey{}, func() any {
		steps := file.Steps()
		out := make([]pcWords, len(steps))
		for k, s := range steps {
			if r := s.Run(); r != nil && r.Run != nil {
				out[k] = pcPublishMaskOf(r.Run.Value)
			}
		}
		return out
	}).([]pcWords)
}

// pcMayPublishLine reports whether a line of a script (continuations joined) may hold a command
// that pcPublishWords recognises: each has a word of pcGateWords in any ASCII case (goreleaser's
// name holds "release"), unless a non-ASCII letter lower-cases or folds to an ASCII one.
func pcMayPublishLine(line string) bool {
	if pcGate(line) != 0 {
		return true
	}
	for i := 0; i < len(line); i++ {
		if line[i] >= 0x80 {
			return true
		}
	}
	return false
}
