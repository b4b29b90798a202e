package checks

import "strings"

// artipKind is what a uses: value names, as far as artipacked cares, or (artipRun, which
// artipKinds sets) that a step runs a script.
type artipKind uint8

const (
	artipOther    artipKind = iota
	artipCheckout           // actions/checkout
	artipUpload             // actions/upload-artifact
	artipRun                // a run: script (shellScriptsOf has it)
)

// The eight-byte pieces of the two names (artipFoldWord), the first byte lowest.
var (
	artipActionsW, artipActionsM   = artipFoldWord("actions/")
	artipCheckoutW, artipCheckoutM = artipFoldWord("checkout")
	artipUploadW, artipUploadM     = artipFoldWord("upload-a")
	artipArtifactW, artipArtifactM = artipFoldWord("artifact") // upload-artifact's last eight bytes
)

// artipFoldWord returns eight bytes of lower-case ASCII as lowerLoad reads them, and the mask
// that has 0x20 at each letter: x|mask == word holds when each byte of x is the word's byte,
// or, at a letter, its upper case.
func artipFoldWord(w string) (word, mask uint64) {
	for i := 7; i >= 0; i-- {
		m := uint64(0)
		if 'a' <= w[i] && w[i] <= 'z' {
			m = 0x20
		}
		word, mask = word<<8|uint64(w[i]), mask<<8|m
	}
	return word, mask
}

// artipKindOf tells whether a uses: value names actions/checkout or actions/upload-artifact (any
// ref, no subdirectory): strings.EqualFold of the trimmed value's name before its "@" and each.
//
// It compares eight bytes at a time with the names' pieces, letters in either case: an ASCII
// byte that differs is a difference for strings.EqualFold too (only characters beyond ASCII fold
// onto ASCII letters: "K" onto k, "ſ" onto s), and a value shorter than a name cannot fold onto
// it (such a character is longer than its ASCII letter). A byte compare loop (artipIs) left the
// loop at a different byte for each action, a misprediction in about one call of two; and each
// step's value was compared again for each checkout before it. What a difference does not decide
// (a blank at the start, a byte beyond ASCII, a ref not right after the name) is left to the
// trim, cut and strings.EqualFold (artipKindSlow).
func artipKindOf(uses string) artipKind {
	const hi = 0x8080808080808080
	if len(uses) < len("actions/checkout") {
		return artipOther
	}
	if x := lowerLoad(uses[:8]); x|artipActionsM != artipActionsW {
		if x&hi != 0 || uses[0] <= ' ' {
			return artipKindSlow(uses)
		}
		return artipOther
	}
	switch y := lowerLoad(uses[8:16]); {
	case y|artipCheckoutM == artipCheckoutW:
		if len(uses) == 16 || uses[16] == '@' {
			return artipCheckout
		}
	case y|artipUploadM == artipUploadW:
		if n := len("actions/upload-artifact"); len(uses) >= n && lowerLoad(uses[n-8:n])|artipArtifactM == artipArtifactW &&
			(len(uses) == n || uses[n] == '@') {
			return artipUpload
		}
	case y&hi == 0:
		return artipOther
	}
	return artipKindSlow(uses)
}

// artipKindSlow is artipKindOf by the trim, cut and strings.EqualFold.
func artipKindSlow(uses string) artipKind {
	name, _, _ := strings.Cut(strings.TrimSpace(uses), "@")
	switch {
	case strings.EqualFold(name, "actions/checkout"):
		return artipCheckout
	case strings.EqualFold(name, "actions/upload-artifact"):
		return artipUpload
	}
	return artipOther
}
