package checks

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
)

// bcMayHoldWords is bcMayHold as first written, on a lower-cased copy.
func bcMayHoldWords(v string) bool {
	if !strings.Contains(v, "==") && !strings.Contains(v, "(") {
		return false
	}
	low := ucLowerASCII(nil, v)
	has := func(w string) bool { return bytes.Contains(low, []byte(w)) }
	bot := has("bot")
	return bot && has("[bot]") || has("actor_id") || has("sender") ||
		(bot || has("renovate")) && (has("startswith") || has("endswith"))
}

// TestBcMayHold compares the one-pass prefilter with the word searches on every condition of
// the fixtures and corpus, and on crafted and random ones.
func TestBcMayHold(t *testing.T) {
	conds := []string{
		"github.actor == 'dependabot[bot]'", "github.actor == 'dependabot[BOT]'", "${{ github.event.sender.id == 1 }}",
		"startsWith(github.actor, 'renovate')", "endsWith(github.actor, 'Bot')", "github.ACTOR_ID == 1",
		"github.actor != 'x[bot]'", "contains(x, '[bot')", "(bot]", "[bot] ==", "== bo", "(renovat", "startswith(", "(SENDER",
		// bcMentions' words at the start and end, across its eight-byte blocks, and in its tail.
		"[bot]==", "x==y([bot]", "1234567([bot]) ==", "12345678==([BoT]", "ACTOR_ID==", "(x)==actor_id", "== github.xactor_id",
		"(1234sender", "(12345sender", "renovate(startsWith", "==xxxxxRENOVATE endswith", "(xxxxxxxrenovat", "a_i == (bo", "(_i", "==ot",
	}
	// Random conditions of the words and their pieces, so that each falls at every place of
	// bcMentions' words and tail.
	pieces := []string{"bot", "BoT", "[bot]", "actor_id", "sender", "renovate", "startsWith(", "endswith", "==", "(", "x", " ", "_", "o", "t", "nd"}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 50000 {
		var b strings.Builder
		for range rng.IntN(7) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		conds = append(conds, b.String())
	}
	for _, f := range secwTestFiles(t) {
		for _, c := range ucConditions(f) {
			conds = append(conds, c.If.Value)
		}
	}
	for _, v := range conds {
		if got, want := bcMayHold(v), bcMayHoldWords(v); got != want {
			t.Errorf("bcMayHold(%q) = %v, want %v", v, got, want)
		}
	}
}
