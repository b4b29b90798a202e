package checks

import "math/bits"

// ghenvMaybe reports whether a script whose marks are m may write to an environment file
// (writes), and to GITHUB_ENV or GITHUB_PATH (env), so that scripts that do not are never
// parsed. A write names $GITHUB_ENV, ${{ github.env }}, $env:GITHUB_PATH, %GITHUB_OUTPUT%...
func ghenvMaybe(m ghenvMark) (writes, env bool) {
	return m&(ghenvmOutput|ghenvmEnv) != 0, m&ghenvmEnv != 0
}

// ghenvMark is a token that ghenvMaybe, ghenvMaySource or ghenvMayAttack needs (in lower
// case) and the script holds, as ghenvJoined had it: the script folded (see shellScript.Folded)
// with its line continuations removed, since one may split a variable's name
// ($GITHUB_\<newline>ENV).
type ghenvMark uint8

const (
	ghenvmOutput    ghenvMark = 1 << iota // github_output
	ghenvmEnv                             // github_env, github_path, github.env, github.path
	ghenvmHeadRef                         // github_head_ref
	ghenvmEventPath                       // github_event_path
	ghenvmExpr                            // ${{
)

// ghenvMarks finds the tokens of ghenvMark in a script's text as ghenvJoined had it (ASCII
// letters in lower case, quotes and line continuations removed), with no copy of the text.
//
// Every token starts with '$' or a g (either case), one byte in about thirty of the scripts
// that get here: it tests eight bytes at a time, with no branch, for those two (a byte ORed
// with 0x20 is 0x24 for '$' and 0x04, 0x67 for g and G), and looks closer only there. A test
// and a branch per byte took twice the instructions (3.5 M per corpus pass, against 1.8 M).
func ghenvMarks(text string) ghenvMark {
	const lo = 0x0101010101010101
	var m ghenvMark
	i := 0
	for ; i+8 <= len(text); i += 8 {
		b := text[i : i+8]
		x := uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
			uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
		y := x | 0x20*lo
		for hits := pcZeroBytes(y^'$'*lo) | pcZeroBytes(y^'g'*lo); hits != 0; hits &= hits - 1 {
			m |= ghenvMarkAt(text, i+bits.TrailingZeros64(hits)/8, m)
		}
	}
	for ; i < len(text); i++ {
		if c := text[i] | 0x20; c == '$' || c == 'g' {
			m |= ghenvMarkAt(text, i, m)
		}
	}
	return m
}

// ghenvMarkAt returns the marks, of those that m lacks, of the token that starts at text[i].
func ghenvMarkAt(text string, i int, m ghenvMark) ghenvMark {
	// Most are not followed by the token's second byte (nor by a quote or backslash, which
	// may start what ghenvSkip skips): '$' by a letter or '(', g by r or e.
	if i+1 == len(text) {
		return 0
	}
	if c := shellFoldTable[text[i+1]]; c != '{' && c != 'i' && c != '"' && c != '\'' && c != '\\' {
		return 0
	}
	switch text[i] {
	case '$':
		if _, ok := ghenvTokenEnd(text, i, "${{"); ok {
			return ghenvmExpr
		}
	case 'g', 'G':
		j, ok := ghenvTokenEnd(text, i, "github")
		if !ok {
			return 0
		}
		j = ghenvSkip(text, j)
		if j >= len(text) || text[j] != '_' && text[j] != '.' {
			return 0
		}
		sep := text[j]
		j = ghenvSkip(text, j+1)
		if j >= len(text) {
			return 0
		}
		var rests [2]struct {
			rest string
			mark ghenvMark
		}
		switch shellFoldTable[text[j]] {
		case 'o':
			rests[0].rest, rests[0].mark = "output", ghenvmOutput
		case 'p':
			rests[0].rest, rests[0].mark = "path", ghenvmEnv
		case 'e':
			rests[0].rest, rests[0].mark = "env", ghenvmEnv
			rests[1].rest, rests[1].mark = "event_path", ghenvmEventPath
		case 'h':
			rests[0].rest, rests[0].mark = "head_ref", ghenvmHeadRef
		}
		var got ghenvMark
		for _, r := range rests {
			if r.rest == "" || m&r.mark != 0 || sep == '.' && r.mark != ghenvmEnv {
				continue
			}
			if _, ok := ghenvTokenEnd(text, j, r.rest); ok {
				got |= r.mark
			}
		}
		return got
	}
	return 0
}

// ghenvTokenEnd reports whether token (lower case) starts at text[i] as ghenvJoined had it
// (ASCII letters in any case; quotes and line continuations between its bytes), and where it ends.
func ghenvTokenEnd(text string, i int, token string) (int, bool) {
	for k := 0; k < len(token); k++ {
		if k > 0 {
			i = ghenvSkip(text, i)
		}
		if i >= len(text) || shellFoldTable[text[i]] != token[k] {
			return i, false
		}
		i++
	}
	return i, true
}

// ghenvSkip returns the index of the first byte from text[j] on that ghenvJoined kept: it
// removes quotes, then each backslash followed by a newline.
func ghenvSkip(text string, j int) int {
	for j < len(text) {
		switch text[j] {
		case '"', '\'':
			j++
			continue
		case '\\':
			k := j + 1
			for k < len(text) && (text[k] == '"' || text[k] == '\'') {
				k++
			}
			if k < len(text) && text[k] == '\n' {
				j = k + 1
				continue
			}
		}
		break
	}
	return j
}
