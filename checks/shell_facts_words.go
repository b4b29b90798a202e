package checks

import "strings"

// shellWordTable marks the bytes of a word for shellHasWord: letters, digits, '_', '.' and '-'.
var shellWordTable = func() (t [256]bool) {
	for i := range t {
		t[i] = shellWordByte(byte(i))
	}
	return t
}()

// shellIdentTable marks the bytes of regexp's \w: letters, digits and '_'.
var shellIdentTable = func() (t [256]bool) {
	for i := range t {
		c := byte(i)
		t[i] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
	}
	return t
}()

// shellVocabLens has, for each first byte, a bit for each length of a word that shellWordKind
// knows; most words of a script are dismissed by it without a comparison.
var shellVocabLens = func() (t [256]uint32) {
	for _, w := range []string{"pipx", "cargo", "gem", "choco", "uv", "dotnet", "yarn", "npm", "pnpm", "bun", "go",
		"install", "binstall", "tool", "global", "upgrade", "i", "add", "run",
		"curl", "wget", "fetch", "http", "https"} {
		t[w[0]] |= 1 << len(w)
	}
	return t
}()

type shellWordKind uint8

const (
	swProgram  shellWordKind = 1 << iota // a program of utMaybe
	swSub                                // a subcommand of utMaybe
	swDownload                           // a downloader of dtrPosixMaybe
)

// shellKindOf classifies a word of the folded text.
func shellKindOf(w []byte) shellWordKind {
	switch string(w) {
	case "pipx", "cargo", "gem", "choco", "uv", "dotnet", "yarn", "npm", "pnpm", "bun", "go":
		return swProgram
	case "install", "binstall", "tool", "global", "upgrade", "i", "add", "run":
		return swSub
	case "curl", "wget", "fetch", "http", "https":
		return swDownload
	}
	return 0
}

// shellPipWord reports whether a word is pip with an optional version (pip3, pip3.12), as
// utFollowed reads it.
func shellPipWord(w []byte) bool {
	if len(w) < 3 || w[0] != 'p' || w[1] != 'i' || w[2] != 'p' {
		return false
	}
	for _, c := range w[3:] {
		if !(c >= '0' && c <= '9' || c == '.') {
			return false
		}
	}
	return true
}

// shellPwshExecMaybe reports whether the text, its ASCII letters in lower case, holds iex or
// invoke-expression (found by their x) or scriptblock]:: (found by its "]::").
func shellPwshExecMaybe(text string) bool {
	for _, x := range []byte{'x', 'X'} {
		for off := 0; ; {
			i := strings.IndexByte(text[off:], x)
			if i < 0 {
				break
			}
			i += off
			off = i + 1
			if i >= 2 && shellFoldTable[text[i-2]] == 'i' && shellFoldTable[text[i-1]] == 'e' ||
				i >= 8 && strings.EqualFold(text[i-8:i], "invoke-e") {
				return true
			}
		}
	}
	for off := 0; ; {
		i := strings.Index(text[off:], "]::")
		if i < 0 {
			return false
		}
		i += off
		off = i + 1
		if i >= 11 && strings.EqualFold(text[i-11:i], "scriptblock") {
			return true
		}
	}
}

// shellPwshToolMaybe reports whether the text holds a name of utPwshCmdRe as a whole \w word
// (regexp's \b on both sides) followed by a blank or a dot, ASCII letters in any case: every
// match of utPwshCmdRe starts with one (none of the names holds k or s, the letters that fold
// to non-ASCII ones).
func shellPwshToolMaybe(text string) bool {
	for i := 0; i < len(text); {
		if !shellIdentTable[text[i]] {
			i++
			continue
		}
		start := i
		for i < len(text) && shellIdentTable[text[i]] {
			i++
		}
		if i < len(text) && i-start <= 7 && strings.IndexByte(". \t\n\r\f", text[i]) >= 0 && shellPwshTool(text[start:i]) {
			return true
		}
	}
	return false
}

// shellPwshTool reports whether a \w word is a name of utPwshCmdRe, ASCII letters compared in
// any case (none of the names holds k or s, the letters that fold to non-ASCII ones).
func shellPwshTool(w string) bool {
	var b [8]byte
	if len(w) > len(b) {
		return false
	}
	for i := 0; i < len(w); i++ {
		b[i] = shellFoldTable[w[i]]
	}
	switch string(b[:len(w)]) {
	case "pip", "pip3", "python", "python3", "py", "npm", "go", "cargo", "gem", "choco", "dotnet", "pipx", "uv":
		return true
	}
	return false
}
