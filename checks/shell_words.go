package checks

import (
	"encoding/binary"
	"math/bits"
	"runtime"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// shellWords is what one pass over a script's raw text finds for the checks that look for
// commands in it (download-then-run, unpinned-tools) before they parse it: the places of the
// words they start from, whether quotes may join the pieces of a word (so that a word of the
// parse is not a word of the text), and whether the text may hold what dtrPwshRe needs; and,
// for cache-poisoning and use-trusted-publishing, the publishing words it holds. It is computed
// once per script (see Words), with no copy of the text.
type shellWords struct {
	// Anchors are the words of shellAnchorKind, in text order, each found where a word may
	// start (after a byte of shellBound or at the start) and ending where a word may end;
	// and the joins (saJoin): the quotes (each the first of a run of quotes, $' $" openers and
	// line continuations) that have a byte of shellJoinTable right before and after them, as
	// in c"url" or it's: the shell joins what is on either side into one word. A word of the
	// parse whose last path element is made of shellJoinTable bytes is in the text as it is,
	// unless it is one of the words the joins make (see Joined).
	Anchors []shellAnchor
	// PwshExec: iex before the end or a byte that is not regexp's \w, or invoke-exp (found by
	// their x), or scriptblock]:: (found by its "]::"), ASCII letters in any case; every match of
	// dtrPwshRe holds one, or a letter of OddFold: K (Kelvin, U+212A) or ſ (long s, U+017F), see
	// shellOddFold.
	PwshExec, OddFold bool
	// FieldsSpace: a byte that strings.Fields splits at and shellBound lacks: \v, \f or a
	// Unicode space (found by its first two bytes). Without one, a word that strings.Fields
	// makes of the text (quotes trimmed) is one that an anchor may start (see utPwshSubMaybe).
	FieldsSpace bool
	// Images: docker or podman where a word may start (at the start or after a byte that is
	// not shellWordByte), found by "do" and "po": every line of uiCommandLines holds one.
	Images bool
	// Publish holds the words of pcGateWords that the text holds, as pcGate finds them (in any
	// ASCII case, anywhere); each is found by a pair of its letters (see shellPublishAt).
	Publish pcWords
	// The answers, read at pairs the scan stops at anyway or at rare ones, of three searches
	// that each read the whole of every script before: GitAuth, artipacked's git command that
	// needs the persisted credential (artipUsesGitCommand, found by its "gi"); GitHubName,
	// "GITHUB_" or "github." (github-env's first filter, found by "GI" and "gi"); Unsecure,
	// insecure-commands' ACTIONS_ALLOW_UNSECURE_COMMANDS (icName, found by its "W_" after a
	// byte of shellJoinTable).
	GitAuth, GitHubName, Unsecure bool
}

type shellAnchor struct {
	Kind shellAnchorKind
	Off  int32
}

type shellAnchorKind uint8

const (
	saDownload shellAnchorKind = iota + 1 // curl, wget, fetch, http, https
	saInstall                             // install
	saBinstall                            // binstall
	saTool                                // tool
	saGlobal                              // global
	saUpgrade                             // upgrade
	saRun                                 // run
	saAdd                                 // add
	saI                                   // i
	saJoin                                // a join (see shellWords.Anchors)
)

// Words returns the script's shellWords, scanning its text the first time.
func (s *shellScript) Words() *shellWords {
	if !s.scanned {
		s.scanned = true
		shellScanWords(&s.words, s.Text)
	}
	return &s.words
}

// shellBound marks the bytes after which an anchor may start: blanks, the shell's operators,
// quotes and '/' (a command's name is the last element of its path).
var shellBound = func() (t [256]bool) {
	for _, c := range " \t\r\n;&|()<>`\"'/" {
		t[c] = true
	}
	return t
}()

// shellEndBound marks the bytes before which a word may end (after trailing slashes, which
// path.Base drops from a command's name).
var shellEndBound = func() (t [256]bool) {
	for _, c := range " \t\r\n;&|()<>`\"'" {
		t[c] = true
	}
	return t
}()

// shellJoinTable marks the bytes that quotes may join into one word that Split must see:
// letters, digits, '_', '-' and '.' (the words and file extensions the checks look for).
var shellJoinTable = func() (t [256]bool) {
	for i := range t {
		c := byte(i)
		t[i] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.'
	}
	return t
}()

// The states of shellScanWords: the class of the byte before the place it tests, as a bit.
const (
	shellAfterBound uint8 = 1 << iota // after a byte of shellBound, or at the start
	shellAfterJoin                    // after a byte of shellJoinTable but e and E
	shellAfterE                       // after e or E
	shellAfterOther
	// shellScanMaskWord is the bit of shellScanPair for the first two letters of a word of
	// pcMaskWords, in any ASCII case, which pcPublishMask reads and no state lets through.
	shellScanMaskWord

	shellAfterAny = shellAfterBound | shellAfterJoin | shellAfterE | shellAfterOther

	// shellScanClass is shellScanPair's three high bits: the state after the pair's first
	// byte (its shellScanBit) but shellAfterBound, shifted there; none for shellAfterBound.
	// shellScanWords reads the state before each place off the pair before it, with no second
	// table load per place.
	shellScanClassShift = 4
	shellScanClass      = (shellAfterAny &^ shellAfterBound) << shellScanClassShift
)

// shellScanPair says, at c|next<<8, after which states (a bit of each) the byte c followed by
// next makes shellScanWords look closer: where a word starts, the first two bytes of the
// anchors and i before a byte that may end a word; after e or E, x and X before a byte that is
// not regexp's \w (iex) or before p or P (invoke-expression); after a byte that is not shellWordByte, do and po (docker, podman);
// ']' before ':' (scriptblock]::); gi, GI and, after a byte of shellJoinTable, W_ (see
// shellWords.GitAuth); the first two bytes of K (Kelvin) and
// ſ; \v and \f, and the first two bytes of the Unicode spaces (FieldsSpace); after a byte of shellJoinTable, a quote before a byte that a word may go on with, and '$'
// before a quote ($' and $" openers); after any byte, the pairs that shellPublishAt starts
// from (shellScanPubPairs, in any ASCII case); and shellScanMaskWord at the pairs that
// pcPublishMask starts from. The pairs are exact: hit does not see a byte
// that cannot matter (a mask of 64 bits per byte, b&63 for a byte b, made it look at ten
// thousand more bytes per corpus pass, a quote before '\n' as one before 'J'). One load of it
// per byte (of a table whose used part is small) is the fastest test that we know of.
var shellScanPair = func() *[1 << 16]uint8 {
	var t [1 << 16]uint8
	pair := func(c, next byte, states uint8) { t[int(c)|int(next)<<8] |= states }
	for _, w := range []string{"curl", "wget", "fetch", "http", "install", "binstall", "tool", "global", "upgrade", "run", "add"} {
		pair(w[0], w[1], shellAfterBound)
	}
	for next := range 256 {
		c := byte(next)
		if shellEndBound[c] || c == '/' { // the word i
			pair('i', c, shellAfterBound)
		}
		if !shellIdentTable[c] || c|0x20 == 'p' { // iex as a \w word, or invoke-expression (see hit)
			pair('x', c, shellAfterE)
			pair('X', c, shellAfterE)
		}
		if shellJoinTable[c] || c == '"' || c == '\\' || c == '$' || c == '\'' {
			pair('"', c, shellAfterJoin|shellAfterE)
			pair('\'', c, shellAfterJoin|shellAfterE)
		}
	}
	pair('$', '"', shellAfterJoin|shellAfterE)
	pair('$', '\'', shellAfterJoin|shellAfterE)
	pair('d', 'o', shellAfterBound|shellAfterOther)
	pair('p', 'o', shellAfterBound|shellAfterOther)
	pair(']', ':', shellAfterAny)
	pair('g', 'i', shellAfterAny)
	pair('G', 'I', shellAfterAny)
	pair('W', '_', shellAfterJoin)
	pair(0xe2, 0x84, shellAfterAny)
	pair(0xc5, 0xbf, shellAfterAny)
	for next := range 256 {
		pair('\v', byte(next), shellAfterAny)
		pair('\f', byte(next), shellAfterAny)
	}
	// The first two bytes of the Unicode spaces: U+0085, U+00A0, U+1680, U+2000 to U+200A,
	// U+2028, U+2029, U+202F, U+205F, U+3000.
	for _, p := range [][2]byte{{0xc2, 0x85}, {0xc2, 0xa0}, {0xe1, 0x9a}, {0xe2, 0x80}, {0xe2, 0x81}, {0xe3, 0x80}} {
		pair(p[0], p[1], shellAfterAny)
	}
	for _, ws := range pcMaskWords {
		for _, w := range ws {
			for _, c := range []byte{w.word[0], w.word[0] - 'a' + 'A'} {
				for _, next := range []byte{w.word[1], w.word[1] - 'a' + 'A'} {
					pair(c, next, shellScanMaskWord)
				}
			}
		}
	}
	for _, p := range shellScanPubPairs {
		for _, c := range []byte{p[0], p[0] - 'a' + 'A'} {
			for _, next := range []byte{p[1], p[1] - 'a' + 'A'} {
				pair(c, next, shellAfterAny)
			}
		}
	}
	var class [256]uint8
	for c := range class {
		class[c] = shellScanBit[c] &^ shellAfterBound << shellScanClassShift
	}
	for next := range 256 {
		row := t[next<<8 : next<<8+256]
		for c := 0; c < 256; c += 8 {
			binary.LittleEndian.PutUint64(row[c:], binary.LittleEndian.Uint64(row[c:])|binary.LittleEndian.Uint64(class[c:]))
		}
	}
	return &t
}()

// shellPairLoads says whether the scan may read a pair as one uint16 at any offset: the machine
// puts its first byte low, as the index of shellScanPair wants, and loads a uint16 at an odd
// address (amd64, 386 and arm64 do; mipsle and others trap or trap to the kernel on it).
var shellPairLoads = binary.NativeEndian.Uint16([]byte{1, 0}) == 1 &&
	(runtime.GOARCH == "amd64" || runtime.GOARCH == "386" || runtime.GOARCH == "arm64")

// shellScanPubPairs are the pairs of letters that shellPublishAt starts from: pu, oa, oy and el.
var shellScanPubPairs = []string{"pu", "oa", "oy", "el"}

// shellScanBit is the state after each byte.
var shellScanBit = func() (t [256]uint8) {
	for i := range t {
		switch {
		case shellBound[i]:
			t[i] = shellAfterBound
		case i == 'e' || i == 'E':
			t[i] = shellAfterE
		case shellJoinTable[i]:
			t[i] = shellAfterJoin
		default:
			t[i] = shellAfterOther
		}
	}
	return t
}()

// shellScanStart is shellScanBit's value after a byte of shellBound (and at the start).
const shellScanStart = shellAfterBound

// shellScanLast says, for each state and byte, whether the byte makes shellScanWords look
// closer as the last byte of the text: whether some pair that it starts does (those of
// shellPublishAt aside: none of its words ends with the first byte of its pair).
var shellScanLast = func() (t [shellAfterAny + 1][256]bool) {
	for next := range 256 {
		for c := range 256 {
			states := shellScanPair[c|next<<8] & shellAfterAny
			if states == 0 || slices.Contains(shellScanPubPairs, string([]byte{byte(c) | 0x20, byte(next) | 0x20})) {
				continue
			}
			for st := range t {
				if uint8(st)&states != 0 {
					t[st][c] = true
				}
			}
		}
	}
	return t
}()

// shellScanWords computes a script's shellWords in w.
//
// It tests eight places at a time, with no branch: the pair test of shellScanPair of each
// place, with the state before it, goes to a byte of a word m, whose bytes that are not zero
// are the places to look at closer. That takes about half the instructions of a test and a
// branch per place. The state before each place comes from the pair before it, whose
// shellScanClass bits say it for all eight at once (a few operations on the word): a load of
// shellScanBit per place and its AND took 2.3 M more instructions per corpus pass (14.9 M).
// Each pair is read as one uint16 (the index of shellScanPair, c|next<<8 where shellPairLoads
// allows it: elsewhere the scan goes a byte at a time), with no bounds check: a pair made of two
// byte loads, shifts and ORs took 2.7 M more.
func shellScanWords(w *shellWords, text string) {
	if len(text) == 0 {
		return
	}
	const lo = 0x0101010101010101
	pair, bit := shellScanPair, &shellScanBit
	base := unsafe.Pointer(unsafe.StringData(text))
	state := uint8(shellScanStart)
	end := len(text) // the end of the eight-place steps
	if !shellPairLoads {
		end = 0
	}
	i := 0
	for ; i+9 <= end; i += 8 {
		at := unsafe.Add(base, i) // text[i : i+9]: i+8 < len(text)
		p := uint64(pair[*(*uint16)(at)]) | uint64(pair[*(*uint16)(unsafe.Add(at, 1))])<<8 |
			uint64(pair[*(*uint16)(unsafe.Add(at, 2))])<<16 | uint64(pair[*(*uint16)(unsafe.Add(at, 3))])<<24 |
			uint64(pair[*(*uint16)(unsafe.Add(at, 4))])<<32 | uint64(pair[*(*uint16)(unsafe.Add(at, 5))])<<40 |
			uint64(pair[*(*uint16)(unsafe.Add(at, 6))])<<48 | uint64(pair[*(*uint16)(unsafe.Add(at, 7))])<<56
		// The state after each byte: its shellScanClass bits, or shellAfterBound for none (the
		// byte's bits plus 15 carry to its 16 bit if one is set).
		class := p >> shellScanClassShift & (uint64(shellScanClass>>shellScanClassShift) * lo)
		after := class | ((class+15*lo)>>4&lo ^ lo)
		m := p & (after<<8 | uint64(state))
		for m != 0 {
			k := bits.TrailingZeros64(m) &^ 7
			start := state == shellScanStart
			if k > 0 {
				start = uint8(after>>(k-8))&shellAfterBound != 0
			}
			w.hit(text, i+k/8, start)
			m &^= 0xff << k
		}
		state = uint8(after >> 56)
	}
	for ; i+1 < len(text); i++ {
		c := text[i]
		if pair[uint16(c)|uint16(text[i+1])<<8]&state != 0 {
			w.hit(text, i, state == shellScanStart)
		}
		state = bit[c]
	}
	// The last byte, with nothing after it.
	if shellScanLast[state][text[i]] {
		w.hit(text, i, state == shellScanStart)
	}
}

// hit looks at text[i], which shellScanMask marks; start says whether a word may start there.
func (w *shellWords) hit(text string, i int, start bool) {
	switch c := text[i]; c {
	case 'x', 'X':
		// text[i-1] is e or E (see shellScanMask). dtrPwshRe wants iex before a \b (the end, or
		// a byte that is not \w: "exit", "export" and "next" are most of the x after an e),
		// and invoke-expression's x before a p.
		next := byte(' ')
		if i+1 < len(text) {
			next = text[i+1]
		}
		if !w.PwshExec && i >= 2 && (shellFoldTable[text[i-2]] == 'i' && !shellIdentTable[next] ||
			text[i-2] == '-' && next|0x20 == 'p' && i >= 8 && strings.EqualFold(text[i-8:i], "invoke-e")) {
			w.PwshExec = true
		}
		return
	case ']':
		if !w.PwshExec && strings.HasPrefix(text[i+1:], "::") && i >= 11 && strings.EqualFold(text[i-11:i], "scriptblock") {
			w.PwshExec = true
		}
		return
	case 0xe2:
		w.OddFold = w.OddFold || strings.HasPrefix(text[i:], "\u212a")
		w.FieldsSpace = w.FieldsSpace || shellFieldsSpaceAt(text, i)
		return
	case '\v', '\f', 0xc2, 0xe1, 0xe3:
		w.FieldsSpace = w.FieldsSpace || shellFieldsSpaceAt(text, i)
		return
	case 0xc5:
		w.OddFold = w.OddFold || strings.HasPrefix(text[i:], "\u017f")
		return
	case '"', '\'':
		if shellJoinsAt(text, i) {
			w.join(text, i)
		}
		return
	case '$': // followed by a quote (see shellScanMask)
		if i+1 < len(text) && shellJoinsAt(text, i+1) {
			w.join(text, i+1)
		}
		return
	case 'g':
		if i+1 == len(text) || text[i+1] != 'i' {
			break // a word of shellAnchorAt (global)
		}
		// Most are github's (in expressions and URLs): artipGitCommandAt is asked only after
		// "git" and a byte of regexp's \s, as its pattern wants.
		if i+3 < len(text) && text[i+2] == 't' {
			if c := text[i+3]; c == 'h' {
				w.GitHubName = w.GitHubName || strings.HasPrefix(text[i+4:], "ub.")
			} else if !w.GitAuth && artipSpace(c) {
				w.GitAuth = artipGitCommandAt(text, i)
			}
		}
		return
	case 'G':
		w.GitHubName = w.GitHubName || strings.HasPrefix(text[i:], "GITHUB_")
		return
	case 'W':
		w.Unsecure = w.Unsecure || i >= 12 && strings.HasPrefix(text[i-12:], icName)
		return
	case 'd': // before o (see shellScanPair)
		w.Images = w.Images || shellImagesAt(text, i, "docker")
		return
	case 'p', 'P', 'o', 'O', 'e', 'E': // a pair of shellPublishAt, or po (see shellScanPair)
		if c == 'p' && !w.Images && shellImagesAt(text, i, "podman") {
			w.Images = true
			return
		}
		w.Publish |= shellPublishAt(text, i)
		return
	}
	if !start {
		return
	}
	if k := shellAnchorAt(text, i); k != 0 {
		w.Anchors = append(w.Anchors, shellAnchor{k, int32(i)})
	}
}

// shellFieldsSpaceAt reports whether the character at text[i] is one that strings.Fields
// splits at.
func shellFieldsSpaceAt(text string, i int) bool {
	r, _ := utf8.DecodeRuneInString(text[i:])
	return unicode.IsSpace(r)
}

// shellImagesAt reports whether the word name starts at text[i] as uiCommandLines finds it.
func shellImagesAt(text string, i int, name string) bool {
	return strings.HasPrefix(text[i:], name) && (i == 0 || !shellWordByte(text[i-1]))
}

// shellPublishAt returns the words of pcGateWords that hold the pair of letters at text[i] (in
// any ASCII case) in its place: pu starts publish and push, oa is at 3 in upload, oy at 4 in
// deploy and el at 1 in release.
func shellPublishAt(text string, i int) pcWords {
	var m pcWords
	switch text[i] | 0x20 {
	case 'p':
		if pcFoldAt(text, i, "publish") {
			m |= pcwPublish
		}
		if pcFoldAt(text, i, "push") {
			m |= pcwPush
		}
	case 'o':
		if i >= 3 && pcFoldAt(text, i-3, "upload") {
			m |= pcwUpload
		}
		if i >= 4 && pcFoldAt(text, i-4, "deploy") {
			m |= pcwDeploy
		}
	case 'e':
		if i >= 1 && pcFoldAt(text, i-1, "release") {
			m |= pcwRelease
		}
	}
	return m
}

// join records the join at text[i], unless the word it makes holds the last one recorded.
func (w *shellWords) join(text string, i int) {
	for k := len(w.Anchors) - 1; k >= 0; k-- {
		if w.Anchors[k].Kind == saJoin {
			if int(w.Anchors[k].Off) >= shellJoinedStart(text, i) {
				return
			}
			break
		}
	}
	w.Anchors = append(w.Anchors, shellAnchor{saJoin, int32(i)})
}

// Joined reports whether one of the words that the joins make (see shellJoined) is one that
// matters to the caller.
func (w *shellWords) Joined(text string, matters func(word string) bool) bool {
	for _, a := range w.Anchors {
		if a.Kind == saJoin && matters(shellJoined(text, int(a.Off))) {
			return true
		}
	}
	return false
}

// shellJoinedStart returns the start of the run of bytes that are not shellDelim (line
// continuations included) around text[i].
func shellJoinedStart(text string, i int) int {
	for i > 0 && (!shellDelim[text[i-1]] || text[i-1] == '\n' && i >= 2 && text[i-2] == '\\') {
		i--
	}
	return i
}

// shellJoined returns the word that a join at text[i] makes, as far as the raw text tells: the
// run of bytes around it that are not shellDelim (line continuations included), with its
// quotes, $' and $" openers and line continuations removed. Quoted blanks may make the word
// of the parse longer, but its last path element is there.
func shellJoined(text string, i int) string {
	s, e := shellJoinedStart(text, i), i
	for e < len(text) && (!shellDelim[text[e]] || text[e] == '\n' && text[e-1] == '\\') {
		e++
	}
	return shellUnquoteWord(strings.ReplaceAll(text[s:e], "\\\n", ""))
}

// shellJoinsAt reports whether the quote at text[i], which follows a byte of a word, is
// followed (after more quotes, $' or $" openers and line continuations) by one: the shell
// then joins what is on either side into one word.
func shellJoinsAt(text string, i int) bool {
	k := i - 1
	if text[k] == '$' {
		k--
	}
	if k < 0 || !shellJoinTable[text[k]] {
		return false
	}
	j := i
	for j < len(text) {
		switch c := text[j]; {
		case c == '"' || c == '\'':
			j++
		case c == '$' && j+1 < len(text) && (text[j+1] == '"' || text[j+1] == '\''):
			j++
		case c == '\\' && j+1 < len(text) && text[j+1] == '\n':
			j += 2
		default:
			return shellJoinTable[c]
		}
	}
	return false
}

// shellAnchorAt returns the kind of the anchor that starts at text[i], 0 for none.
func shellAnchorAt(text string, i int) shellAnchorKind {
	rest := text[i:]
	var k shellAnchorKind
	n := 0
	switch rest[0] {
	case 'c':
		if strings.HasPrefix(rest, "curl") {
			k, n = saDownload, 4
		}
	case 'w':
		if strings.HasPrefix(rest, "wget") {
			k, n = saDownload, 4
		}
	case 'f':
		if strings.HasPrefix(rest, "fetch") {
			k, n = saDownload, 5
		}
	case 'h':
		if strings.HasPrefix(rest, "https") {
			k, n = saDownload, 5
		} else if strings.HasPrefix(rest, "http") {
			k, n = saDownload, 4
		}
	case 'i':
		if strings.HasPrefix(rest, "install") {
			k, n = saInstall, 7
		} else {
			k, n = saI, 1
		}
	case 'b':
		if strings.HasPrefix(rest, "binstall") {
			k, n = saBinstall, 8
		}
	case 't':
		if strings.HasPrefix(rest, "tool") {
			k, n = saTool, 4
		}
	case 'g':
		if strings.HasPrefix(rest, "global") {
			k, n = saGlobal, 6
		}
	case 'u':
		if strings.HasPrefix(rest, "upgrade") {
			k, n = saUpgrade, 7
		}
	case 'r':
		if strings.HasPrefix(rest, "run") {
			k, n = saRun, 3
		}
	case 'a':
		if strings.HasPrefix(rest, "add") {
			k, n = saAdd, 3
		}
	}
	if k == 0 || !shellWordEnds(text, i+n) {
		return 0
	}
	return k
}

// shellWordEnds reports whether a word may end at text[j]: slashes, then the end of the text
// or a byte of shellEndBound.
func shellWordEnds(text string, j int) bool {
	for j < len(text) && text[j] == '/' {
		j++
	}
	return j == len(text) || shellEndBound[text[j]]
}
