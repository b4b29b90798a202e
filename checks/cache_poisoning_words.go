package checks

// pcWords are words of a script, in any ASCII case, that pcPublishWords and utpTokenOnly look for.
type pcWords uint32

const (
	pcwPublish pcWords = 1 << iota
	pcwPush
	pcwUpload
	pcwDeploy
	pcwRelease
	pcwTwine
	pcwGem
	pcwDocker
	pcwPodman
	pcwDotnet
	pcwNuget
	pcwMvn
	pcwGh
	pcwGoreleaser
	pcwSemanticRelease
)

// pcMaskWords are the words pcPublishMask looks for, by their first letter; where two share a
// letter, the first that matches is taken. A whole word must end where it does: gh is a program's
// name, not the start of github.
var pcMaskWords = func() (t [256][]pcMaskWord) {
	for _, w := range []pcMaskWord{
		{"publish", pcwPublish, false}, {"push", pcwPush, false}, {"podman", pcwPodman, false},
		{"upload", pcwUpload, false},
		{"deploy", pcwDeploy, false}, {"docker", pcwDocker, false}, {"dotnet", pcwDotnet, false},
		{"release", pcwRelease, false},
		{"twine", pcwTwine, false},
		{"gem", pcwGem, false}, {"goreleaser", pcwGoreleaser, false}, {"gh", pcwGh, true},
		{"semantic-release", pcwSemanticRelease, false},
		{"nuget", pcwNuget, false},
		{"mvn", pcwMvn, false},
	} {
		t[w.word[0]] = append(t[w.word[0]], w)
	}
	return t
}()

type pcMaskWord struct {
	word  string // lower-case ASCII
	bit   pcWords
	whole bool
}

// pcPublishMask returns the pcWords that a script holds, in any ASCII case, anywhere (inside
// other words too). Every word of a command is a piece of the script's text, so a command that
// pcPublishWords recognises needs both its program's name and its keyword among them.
func pcPublishMask(script string) pcWords {
	var m pcWords
	for i := 0; i+1 < len(script); i++ {
		// Most bytes start no word: the first two letters dismiss them with two table reads.
		if pcMaskSecond[script[i]]>>(script[i+1]&0x1f)&1 == 0 {
			continue
		}
		for _, w := range pcMaskWords[script[i]|0x20] {
			if pcFoldAt(script, i, w.word) {
				if end := i + len(w.word); !w.whole || end == len(script) || !shellWordByte(script[end]) {
					m |= w.bit
				}
				break
			}
		}
	}
	return m
}

// pcMaskSecond has, for each byte, a bit for the low five bits of each second letter of the
// pcMaskWords that start with it in any ASCII case (a letter's upper and lower case share them);
// a byte outside the table's words has none.
var pcMaskSecond = func() (t [256]uint32) {
	for c, ws := range pcMaskWords {
		for _, w := range ws {
			bit := uint32(1) << (w.word[1] & 0x1f)
			t[c] |= bit
			if c >= 'a' && c <= 'z' {
				t[c-'a'+'A'] |= bit
			}
		}
	}
	return t
}()

// mayPublish reports whether a script with these words may hold a command that pcPublishWords
// recognises: "publish" (npm, yarn, pnpm, bun, uv, hatch, pdm, poetry, flit, cargo, gradle,
// vsce, ovsx, changeset, lerna), "push" with gem, docker, podman, dotnet or nuget, "upload" with
// twine, "deploy" with mvn, or "release" with goreleaser, semantic-release or gh.
func (m pcWords) mayPublish() bool {
	return m&pcwPublish != 0 || m&pcwRelease != 0 && m&(pcwGh|pcwGoreleaser|pcwSemanticRelease) != 0 ||
		m&pcwPush != 0 && m&(pcwGem|pcwDocker|pcwPodman|pcwDotnet|pcwNuget) != 0 ||
		m&pcwUpload != 0 && m&pcwTwine != 0 || m&pcwDeploy != 0 && m&pcwMvn != 0
}

// mayPublishToRegistry reports whether a script with these words may hold a command that
// pcPublishWords gives a registry other than through semantic-release, changeset or lerna:
// "publish", gem push, twine upload.
func (m pcWords) mayPublishToRegistry() bool {
	return m&pcwPublish != 0 || m&pcwPush != 0 && m&(pcwGem|pcwDotnet|pcwNuget) != 0 || m&pcwUpload != 0 && m&pcwTwine != 0
}

// pcFoldAt reports whether s holds word (lower-case ASCII) at i, in any case.
func pcFoldAt(s string, i int, word string) bool {
	if i+len(word) > len(s) {
		return false
	}
	for k := 0; k < len(word); k++ {
		if s[i+k]|0x20 != word[k] {
			return false
		}
	}
	return true
}
