package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand"
	"strings"
	"testing"
)

// plainFingerprints is the fingerprinter written plainly: one map counts the repeats of each
// file, check and key (or trimmed line) over all the files' findings, in order.
func plainFingerprints(files []*File, groups [][]*Finding) []string {
	type key struct {
		file        int
		check, text string
	}
	count := map[key]int{}
	var out []string
	for i, fs := range groups {
		for _, f := range fs {
			k := key{i, f.Check, f.Key}
			if f.Key == "" && files[i] != nil {
				k.text = strings.TrimSpace(files[i].Line(f.Line))
			}
			n := count[k]
			count[k] = n + 1
			sum := sha256.Sum256([]byte(fmt.Sprintf("%s\x00%s\x00%s\x00%d", f.Check, f.File, k.text, n)))
			out = append(out, hex.EncodeToString(sum[:12]))
		}
	}
	return out
}

// TestFingerprinterIsPlain: the fingerprinter (repeats counted by looking back over a file's few
// findings, by a map over many) gives the plain fingerprints, for files of every size around the
// bound, with repeated checks, keys and line texts, and findings of no known file.
func TestFingerprinterIsPlain(t *testing.T) {
	r := rand.New(rand.NewSource(12))
	for range 3000 {
		var files []*File
		var groups [][]*Finding
		var all []*Finding
		for i := range 1 + r.Intn(4) {
			var src strings.Builder
			for range 1 + r.Intn(8) {
				src.WriteString([]string{"  run: a", "run: a  ", "", "x: y", "  # c\r"}[r.Intn(5)] + "\n")
			}
			var file *File
			if r.Intn(6) > 0 {
				file = &File{Path: fmt.Sprintf("f%d.yml", i), Source: []byte(src.String())}
			}
			n := r.Intn(3 * fingerprintLookBack)
			if r.Intn(2) == 0 {
				n = fingerprintLookBack + r.Intn(3) - 1
			}
			fs := make([]*Finding, n)
			for j := range fs {
				fs[j] = &Finding{Check: fmt.Sprintf("c%d", r.Intn(3)), File: fmt.Sprintf("f%d.yml", i), Line: r.Intn(10)}
				if r.Intn(3) == 0 {
					fs[j].Key = fmt.Sprintf("k%d", r.Intn(3))
				}
			}
			files = append(files, file)
			groups = append(groups, fs)
			all = append(all, fs...)
		}
		var fp fingerprinter
		fp.init(len(all))
		for i, fs := range groups {
			fp.file(files[i], fs)
		}
		fp.finish(all)
		want := plainFingerprints(files, groups)
		for i, f := range all {
			if f.Fingerprint != want[i] {
				t.Fatalf("finding %d (%+v): fingerprint %s, want %s", i, *f, f.Fingerprint, want[i])
			}
		}
	}
}
