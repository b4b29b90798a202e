package checks

import (
	"math/bits"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/bytescan"
)

// hcMayContexts are texts around two bytes b, c and the ":", "=" or "-" after them, for
// TestHCAssignMay and TestHCFlagMay: names before, values after.
var hcMayContexts = [][2]string{
	{"", ""},
	{"env:\n  API_TO", " Qz8Lm3Rt7Vw2Np9Ks4Hj\n"},
	{"run: TOK", "'Qz8Lm3Rt7Vw2Np9Ks4Hj'\n"},
	{"  MY_PASSWO", " hunter2-but-longer\n"},
	{"  \\", "\"x\"\n"},
	{"  API_KEY\\", " \"Qz8Lm3Rt7Vw2Np9Ks4Hj\"\n"},
	{"  \"X_SECRE", "\": Qz8Lm3Rt7Vw2Np9Ks4Hj\n"},
	{"  DB_PASS", " \n    hunter2-but-longer\n"},
}

// TestHCAssignMay checks that hcAssignAt returns false wherever hcAssignMay does, for every
// three bytes before a ":" or "=" (every third byte before the pairs that the second and last
// bytes let through alone), in every context of hcMayContexts, and at every ":" and "=" of the
// corpus.
func TestHCAssignMay(t *testing.T) {
	// And the start of each word of hcAssignEnds, whose last three bytes are a, b and c.
	contexts := hcMayContexts
	for _, w := range hcAssignEnds {
		contexts = append(contexts, [2]string{"env:\n  X_" + w[:len(w)-3], " Qz8Lm3Rt7Vw2Np9Ks4Hj\n"},
			[2]string{"run: " + strings.ToLower(w[:len(w)-3]), "'Qz8Lm3Rt7Vw2Np9Ks4Hj'\n"})
	}
	for _, ctx := range contexts {
		for _, op := range []byte(":=") {
			for b := range 256 {
				for c := range 256 {
					// Every a after the pairs that only a may dismiss; a few after the others.
					as := []byte{0, 'K', 'k', '\\', ' ', 0xc5}
					if e := hcEndPairs[c]; e>>((b|0x20)&63)&1 != 0 && e != ^uint64(0) {
						as = make([]byte, 256)
						for a := range as {
							as[a] = byte(a)
						}
					}
					for _, a := range as {
						src := []byte(ctx[0] + string([]byte{byte(a), byte(b), byte(c), op}) + ctx[1])
						i := len(ctx[0]) + 3
						for _, action := range []bool{false, true} {
							if !hcAssignMay(byte(a), byte(b), byte(c)) && hcAssignAt(src, i, action) {
								t.Fatalf("hcAssignMay dismisses %q at %d, which hcAssignAt accepts", src, i)
							}
						}
					}
				}
			}
		}
	}
	hcEachCorpusHit(t, func(src []byte, i int) {
		if (src[i] == ':' || src[i] == '=') && i >= 3 && !hcAssignMay(src[i-3], src[i-2], src[i-1]) {
			for _, action := range []bool{false, true} {
				if hcAssignAt(src, i, action) {
					t.Fatalf("hcAssignMay dismisses %q, which hcAssignAt accepts", hcTestLineAt(src, i))
				}
			}
		}
	})
}

// TestHCFlagMay checks that hcFlagAt returns false wherever hcFlagMay does, for every pair of
// bytes after a "-" or "--", in every context of hcMayContexts, and at every "-" of the corpus.
func TestHCFlagMay(t *testing.T) {
	for _, ctx := range hcMayContexts {
		for _, dash := range []string{"-", "--"} {
			for b := range 256 {
				for c := range 256 {
					for _, rest := range []string{"", "ssword ", "ken ", "i-key ", "ikey ", "th-token ", "cret ", "ient-secret ", "sswd "} {
						src := []byte(ctx[0] + " " + dash + string([]byte{byte(b), byte(c)}) + rest + "Qz8Lm3Rt7Vw2Np9Ks4Hj" + ctx[1])
						i := len(ctx[0]) + 1
						if !hcFlagMay(src, i) && hcFlagAt(src, i, false) {
							t.Fatalf("hcFlagMay dismisses %q at %d, which hcFlagAt accepts", src, i)
						}
					}
				}
			}
		}
	}
	hcEachCorpusHit(t, func(src []byte, i int) {
		if src[i] == '-' && !hcFlagMay(src, i) && hcFlagAt(src, i, false) {
			t.Fatalf("hcFlagMay dismisses %q, which hcFlagAt accepts", hcTestLineAt(src, i))
		}
	})
}

// hcEachCorpusHit calls f at every byte of hcTriggerSet in the corpus's workflows and actions.
func hcEachCorpusHit(t *testing.T, f func(src []byte, i int)) {
	for _, tg := range corpusTargets(t) {
		for _, file := range tg.Files {
			if file.Workflow == nil && file.Action == nil {
				continue
			}
			src := file.Source
			var sc bytescan.Scanner
			for sc.Reset(hcTriggerSet, src); sc.Next(); {
				for m := sc.Hits; m != 0; m &= m - 1 {
					f(src, sc.Base+bits.TrailingZeros64(m))
				}
			}
		}
	}
}

// hcTestLineAt is the line that holds src[i].
func hcTestLineAt(src []byte, i int) []byte {
	s, e := i, i
	for s > 0 && src[s-1] != '\n' {
		s--
	}
	for e < len(src) && src[e] != '\n' {
		e++
	}
	return src[s:e]
}

// hcPreDismisses reports whether hcSift dismisses the hit at src[i].
func hcPreDismisses(src []byte, i int) bool {
	return hcSift(src, []int32{int32(i)}) == 0
}

// hcSiftBytes are the bytes of TestHCSift's random texts: triggers and their neighbours.
const hcSiftBytes = ":=-_A\\? akyn/\nſ"

// TestHCSift compares hcSift with hcPre's looks made one hit at a time, at the hits of every
// corpus file and of random texts dense with them (and their prefixes, for the ends).
func TestHCSift(t *testing.T) {
	dismissed := func(src []byte, i int) bool {
		p := &hcPre[hcTriggerOf[src[i]]]
		return i >= hcPreReach && i+hcWindow-hcPreReach <= len(src) &&
			p.t1[src[i+p.o1]]&hcClassBit[src[i+p.o2]]|p.t3[src[i+p.o3]]&hcClassBit[src[i+p.o4]] == 0
	}
	check := func(src []byte) {
		hits := hcTriggerSet.Append(nil, src)
		var want []int32
		for _, h := range hits {
			if !dismissed(src, int(h)) {
				want = append(want, h)
			}
		}
		if got := hits[:hcSift(src, hits)]; !slices.Equal(got, want) {
			t.Fatalf("hcSift keeps %v of %q, want %v", got, src, want)
		}
	}
	for _, src := range corpusSources(t) {
		check(src)
	}
	r := rand.New(rand.NewPCG(5, 6))
	for range 20000 {
		b := make([]byte, r.IntN(100))
		for i := range b {
			b[i] = hcSiftBytes[r.IntN(len(hcSiftBytes))]
		}
		for n := range len(b) {
			check(b[:n])
		}
	}
}

// hcHitMatters reports whether the hit at src[i] matters to hcCandidates: a look at hcNameBytes
// that reports true, a URL with credentials or an anchor.
func hcHitMatters(src []byte, i int) bool {
	for _, action := range []bool{false, true} {
		switch src[i] {
		case ':', '=':
			if hcAssignAt(src, i, action) {
				return true
			}
		case '-':
			if hcFlagAt(src, i, action) {
				return true
			}
		case '\\':
			if hcEscapeAt(src, i, action) {
				return true
			}
		case '?':
			if hcComplexKeyAt(src, i, action) {
				return true
			}
		}
	}
	if src[i] == hcLongS[0] && i+1 < len(src) && src[i+1] == hcLongS[1] {
		return true
	}
	if src[i] == ':' && i+2 < len(src) && src[i+1] == '/' && src[i+2] == '/' && hcURLUserPassAt(src, i+3) {
		return true
	}
	for _, a := range hcTriggers[hcTriggerOf[src[i]]].anchors {
		if at := i - a.back; at >= 0 && at+len(a.lit) <= len(src) && string(src[at:at+len(a.lit)]) == a.lit {
			return true
		}
	}
	return false
}

// TestHCPre checks that hcPre dismisses no hit that matters, at every hit of the corpus and of
// random texts made of anchors, credential names, flags, URLs and YAML.
func TestHCPre(t *testing.T) {
	check := func(src []byte, i int) {
		if hcPreDismisses(src, i) && hcHitMatters(src, i) {
			t.Fatalf("hcPre dismisses the hit at %d of %q", i, src)
		}
	}
	hcEachCorpusHit(t, check)
	pieces := []string{"AKIA", "ASIA", "PRIVATE KEY", "pypi-AgEI", "AIza", "ghp_", "github_pat_", "npm_", "dckr_pat_",
		"sk_live_", "glpat-", "xoxb-", "sk-", "sk-ant-", "https://hooks.slack.com/", "://discord", "https://u:p@h",
		"API_TOKEN", "db_password", "Secret", "KEY", "=", ": ", ":", " ", "\n", "- ", "--password ", "-token ",
		"--api-key ", "\"", "'", "\\x41", "\\t", "\\\n", "? ", "Qz8Lm3Rt7Vw2Np9Ks4Hj", "hunter2-but-longer", "x", "-", "_", "ſ", "ı", "ł"}
	r := rand.New(rand.NewPCG(3, 4))
	for range 100000 {
		var b []byte
		for range r.IntN(10) {
			b = append(b, pieces[r.IntN(len(pieces))]...)
		}
		for i, c := range b {
			if hcTriggerSet.Has(c) {
				check(b, i)
			}
		}
	}
}
