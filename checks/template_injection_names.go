package checks

// tiNameClass classes the bytes of context names for the loops of template-injection that read
// them a byte at a time (tiPlainChain, safeChain, tiSafeGitHubField, tiEnvRef): one table load
// a byte, where obfIdentByte and tiLetter compare the byte with a row of ranges, each compare a
// branch that the mix of lower- and upper-case letters, digits, "_" and "-" of names sends one
// way or the other (about 20,000 mispredictions a corpus pass).
var tiNameClass = func() (t [256]uint8) {
	for c := range 256 {
		if obfIdentByte(byte(c)) {
			t[c] |= tiNameByte
		}
		if tiLetter(byte(c)) || c == '_' {
			t[c] |= tiNameStart
		}
	}
	return t
}()

const (
	tiNameByte  = 1 << iota // a byte of a name: letter, digit, "_" or "-" (obfIdentByte)
	tiNameStart             // a name's first byte: letter or "_"
)

// tiIsNameByte is obfIdentByte, from tiNameClass.
func tiIsNameByte(c byte) bool { return tiNameClass[c]&tiNameByte != 0 }

// tiIsNameStart reports whether c may start a name: a letter or "_".
func tiIsNameStart(c byte) bool { return tiNameClass[c]&tiNameStart != 0 }

// tiUpperByte is, for tiUpperIdentTo, each of A-Z, 0-9 and _ in upper case, and 0 for the
// other bytes: one load and one branch a byte, where the compares took a branch a range.
var tiUpperByte = func() (t [256]byte) {
	for c := range 256 {
		switch b := byte(c); {
		case b >= 'a' && b <= 'z':
			t[c] = b - ('a' - 'A')
		case b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '_':
			t[c] = b
		}
	}
	return t
}()

// tiPropsEnd returns the end of the properties at the start of rest (.NAME any number of
// times), and false when a dot there is followed by no name. They are read in one loop
// (tiChainRun, from after a name's byte), where a loop a name mispredicts each one's end.
func tiPropsEnd(rest string) (int, bool) {
	if rest == "" || rest[0] != '.' {
		return 0, true
	}
	n, st := tiChainRun(rest, 0)
	return n, st != tiChainBad<<8 && st&(tiChainWant<<8) == 0
}
