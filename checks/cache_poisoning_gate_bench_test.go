package checks

import "testing"

// BenchmarkPcGate is pcGate over every script of the corpus.
func BenchmarkPcGate(b *testing.B) {
	var scripts []string
	n := 0
	for _, t := range corpusTargets(b) {
		for _, f := range t.Files {
			for _, s := range f.Steps() {
				if r := s.Run(); r != nil && r.Run != nil {
					scripts = append(scripts, r.Run.Value)
					n += len(r.Run.Value)
				}
			}
		}
	}
	b.SetBytes(int64(n))
	for b.Loop() {
		for _, s := range scripts {
			pcGate(s)
		}
	}
}
