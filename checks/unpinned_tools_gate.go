package checks

import (
	"path"
	"strings"
)

// utMay reports whether utCheck may find an install in a POSIX script whose words w were read
// with no quote joining a word that it looks for (see utJoinMatters), so that the scripts (nearly
// all) that cannot hold one are never parsed. Every install that utCheck knows is a program's
// name (in any case, after wrappers) directly followed by its subcommand (argv[1]): pip, pipx,
// npm, pnpm, bun, go, cargo, gem or choco then install; cargo binstall; npm, pnpm or bun add or
// i; go run; uv or dotnet tool; yarn global; choco upgrade. pip is also argv[1] of uv and
// argv[2] of python -m, so it need not be a command's name. npm, pnpm and bun installs count
// only with -g, --global or --location global, go's with a module's @version.
func utMay(s *shellScript, w *shellWords) bool {
	for _, a := range w.Anchors {
		if a.Kind != saDownload && a.Kind != saJoin && utInstallAt(s.Text, int(a.Off), a.Kind) {
			return true
		}
	}
	return false
}

// utJoinMatters reports whether a word that quotes join (see shellWords.Joined) may be one
// that utMay looks for in the raw text: a program's name (in any case) or a subcommand.
func utJoinMatters(word string) bool {
	switch word {
	case "install", "binstall", "tool", "global", "upgrade", "run", "add", "i":
		return true
	}
	switch name := toLower(path.Base(word)); name {
	case "pipx", "npm", "pnpm", "bun", "go", "cargo", "gem", "choco", "uv", "dotnet", "yarn":
		return true
	default:
		return utPipName(name)
	}
}

// utInstallAt reports whether the subcommand anchor at text[i] may follow a program of its own.
func utInstallAt(text string, i int, k shellAnchorKind) bool {
	s, e, sep := shellPrevWord(text, shellWordStart(text, i))
	switch {
	case sep:
		return e > 0 && (text[e-1] == '<' || text[e-1] == '>')
	case shellRedirTarget(text, s):
		return true // a redirection may come between the program and its subcommand
	}
	name := toLower(path.Base(shellUnquoteWord(text[s:e])))
	var ok bool
	switch k {
	case saInstall:
		switch name {
		case "pipx", "npm", "pnpm", "bun", "go", "cargo", "gem", "choco":
			ok = true
		default:
			if utPipName(name) {
				return true
			}
		}
	case saBinstall:
		ok = name == "cargo"
	case saAdd, saI:
		ok = name == "npm" || name == "pnpm" || name == "bun"
	case saRun:
		ok = name == "go"
	case saTool:
		ok = name == "uv" || name == "dotnet"
	case saGlobal:
		ok = name == "yarn"
	case saUpgrade:
		ok = name == "choco"
	}
	if !ok {
		return false
	}
	switch name {
	case "npm", "pnpm", "bun":
		// Only a global install: -g, --global or --location global, after the subcommand.
		if rest := text[i:]; !strings.Contains(rest, "-g") && !strings.Contains(rest, "--location") {
			return false
		}
	case "go":
		// Only a module at a version (PKG@latest), after the subcommand.
		if strings.IndexByte(text[i:], '@') < 0 {
			return false
		}
	}
	may, _ := shellCmdAt(text, s)
	return may
}

// utNoneAt reports, for a script that utMay lets through, whether its installs surely hold no
// finding, so that it needs no parse: each is a program's name and its subcommand at the start
// of a simple line (see shellSimpleWords), and utCheck finds nothing in the command made of that
// line's words. The words that the parse would give such a command, if it is one, are these
// (a wrapper or python -m before the program leaves utCheck's verdict as it is), and every
// finding of the script is in such a command; when a line is not that simple, the script is parsed.
func utNoneAt(s *shellScript, w *shellWords) bool {
	text := s.Text
	for _, a := range w.Anchors {
		if a.Kind == saDownload || a.Kind == saJoin || !utInstallAt(text, int(a.Off), a.Kind) {
			continue
		}
		ps, _, sep := shellPrevWord(text, shellWordStart(text, int(a.Off)))
		if sep || shellRedirTarget(text, ps) {
			return false
		}
		words, ok := shellSimpleWords(text, ps)
		if !ok {
			return false
		}
		args := make([]shellWord, len(words))
		c := &shellCmd{Args: make([]*shellWord, len(words))}
		for k, t := range words {
			args[k] = shellWord{Text: t, Literal: true}
			c.Args[k] = &args[k]
		}
		if len(utCheck(c)) > 0 {
			return false
		}
	}
	return true
}
