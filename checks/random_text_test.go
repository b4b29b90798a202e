package checks

import "math/rand/v2"

// randomText is a random text of fewer than maxLen bytes of alphabet, for the tests that hold a
// fast path to the plain logic on the bytes that matter to it.
func randomText(rng *rand.Rand, alphabet string, maxLen int) []byte {
	b := make([]byte, rng.IntN(maxLen))
	for i := range b {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return b
}
