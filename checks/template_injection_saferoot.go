package checks

import (
	"strings"
	"unicode/utf8"
)

// tiSafeRoot reports whether a context read, its name then the text after it, is never
// attacker-controlled: secrets, vars, runner, job, strategy, and github but for its fields
// event and head_ref, in any case (strings.EqualFold).
//
// It is called for every read of every placeholder scanned: the name is matched with the one
// safe name of its length, byte by byte folded through a table, instead of a strings.EqualFold
// per safe name, each a loop of branches on the bytes. A name beyond ASCII may still fold to one
// of them (the Kelvin sign to k, the long s to s), with another length: it goes to
// strings.EqualFold as before.
func tiSafeRoot(name, rest string) bool {
	if n := len(name); n < len(tiSafeNames) {
		if w := tiSafeNames[n]; w != "" && asciiFoldAt(name, 0, w) {
			return true
		}
		if n == len("github") && asciiFoldAt(name, 0, "github") {
			return tiSafeGitHubField(rest)
		}
	}
	for i := 0; i < len(name); i++ {
		if name[i] >= utf8.RuneSelf {
			return tiSafeRootFold(name, rest)
		}
	}
	return false
}

// tiSafeNames are the contexts that are never attacker-controlled, at the index of their
// length; github is read by its field.
var tiSafeNames = [...]string{3: "job", 4: "vars", 6: "runner", 7: "secrets", 8: "strategy"}

// tiSafeRootFold is tiSafeRoot for a name beyond ASCII, with strings.EqualFold.
func tiSafeRootFold(name, rest string) bool {
	for _, safe := range []string{"secrets", "vars", "runner", "job", "strategy"} {
		if strings.EqualFold(name, safe) {
			return true
		}
	}
	return strings.EqualFold(name, "github") && tiSafeGitHubField(rest)
}

// tiSafeGitHubField reports whether the text after "github" reads a field of it that is never
// attacker-controlled: any but event and head_ref, in any case. The field's bytes are ASCII
// (obfIdentByte), for which asciiFoldAt is strings.EqualFold.
func tiSafeGitHubField(rest string) bool {
	if !strings.HasPrefix(rest, ".") {
		return false
	}
	rest = strings.TrimLeft(rest[1:], " \t\n\r")
	j := 0
	for j < len(rest) && tiIsNameByte(rest[j]) {
		j++
	}
	switch field := rest[:j]; len(field) {
	case 0:
		return false
	case 5:
		return !asciiFoldAt(field, 0, "event")
	case 8:
		return !asciiFoldAt(field, 0, "head_ref")
	}
	return true
}
