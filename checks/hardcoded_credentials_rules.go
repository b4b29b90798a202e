package checks

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// hcFormat is a credential with a recognizable shape, after gitleaks' rules.
type hcFormat struct {
	what   string
	prefix string // shown instead of the value; "" shows the first 4 characters
	re     *regexp.Regexp
	// anchors are literals every match contains: the regexp runs only on lines that hold one.
	anchors []string
	// triggers, when set, are literals every match contains that hcCandidates finds with
	// searches it makes anyway (see hcTriggers), where the anchors would need one more.
	triggers []string
}

var hcFormats = []hcFormat{
	{"AWS access key id", "", regexp.MustCompile(`\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b`), []string{"AKIA", "ASIA", "ABIA", "ACCA"}, nil},
	{"GitHub token", "", regexp.MustCompile(`\bgh[pousr]_[A-Za-z0-9]{36,255}\b`), []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_"}, nil},
	{"GitHub fine-grained token", "github_pat_", regexp.MustCompile(`\bgithub_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}\b`), []string{"github_pat_"}, nil},
	{"GitLab token", "glpat-", regexp.MustCompile(`\bglpat-[A-Za-z0-9_-]{20,}\b`), []string{"glpat-"}, nil},
	{"Slack token", "xox", regexp.MustCompile(`\bxox[baprse]-[0-9A-Za-z]{6,}-[0-9A-Za-z-]{6,}`), []string{"xox"}, []string{"xoxb-", "xoxa-", "xoxp-", "xoxr-", "xoxs-", "xoxe-"}},
	{"Slack webhook URL", "https://hooks.slack.com/", regexp.MustCompile(`https://hooks\.slack\.com/(?:services|workflows|triggers)/T[A-Z0-9]{6,}/[A-Z0-9]{6,}/[A-Za-z0-9]{16,}`), []string{"hooks.slack.com"}, []string{"://hooks.slack.com"}},
	{"Discord webhook URL", "https://discord.com/api/webhooks/", regexp.MustCompile(`https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/\d{15,}/[A-Za-z0-9_-]{40,}`), []string{"/api/webhooks/"}, []string{"://discord", "://ptb.discord", "://canary.discord"}},
	{"npm token", "npm_", regexp.MustCompile(`\bnpm_[A-Za-z0-9]{36}\b`), []string{"npm_"}, nil},
	{"PyPI token", "pypi-", regexp.MustCompile(`\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}`), []string{"pypi-AgEI"}, nil},
	{"Docker Hub token", "dckr_pat_", regexp.MustCompile(`\bdckr_pat_[A-Za-z0-9_-]{27,}`), []string{"dckr_pat_"}, nil},
	{"Stripe secret key", "sk_live_", regexp.MustCompile(`\b[sr]k_live_[A-Za-z0-9]{24,}\b`), []string{"k_live_"}, nil},
	{"OpenAI API key", "sk-", regexp.MustCompile(`\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}`), []string{"T3BlbkFJ"}, []string{"sk-"}},
	{"Anthropic API key", "sk-ant-", regexp.MustCompile(`\bsk-ant-(?:api|admin)\d\d-[A-Za-z0-9_-]{80,}`), []string{"sk-ant-"}, nil},
	{"Google API key", "AIza", regexp.MustCompile(`\bAIza[0-9A-Za-z_-]{35}\b`), []string{"AIza"}, nil},
}

// hcPrivateKey matches a private key's armor header.
var hcPrivateKey = regexp.MustCompile(`-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----`)

// hcKeyBody matches a line of base64 key material.
var hcKeyBody = regexp.MustCompile(`^[\s"'|]*[A-Za-z0-9+/=]{40,}[\s"'\\n]*$`)

// hcURLCreds matches credentials embedded in a URL: scheme://user:password@host.
var hcURLCreds = regexp.MustCompile(`\b[a-zA-Z][a-zA-Z0-9+.-]*://([^/\s:@'"]+):([^/\s@'"]+)@([A-Za-z0-9.-]+)`)

// hcPlaceholderWords mark a value as a placeholder, not a credential.
var hcPlaceholderWords = []string{"xxx", "***", "...", "<", ">", "changeme", "change_me", "change-me", "example",
	"placeholder", "dummy", "fake", "sample", "your", "redacted", "replace", "insert", "todo", "test", "mock",
	"notreal", "not-real", "not_real", "invalid", "foobar", "secret", "password", "passwd", "token", "12345", "abcdef", "qwerty"}

// hcDefaultPasswords are passwords of throwaway databases in CI, reported as placeholders.
var hcDefaultPasswords = []string{"postgres", "root", "mysql", "admin", "guest", "pass", "ci", "docker", "user",
	"sa", "oracle", "redis", "rabbitmq", "mongo", "mongodb", "keycloak", "minioadmin", "elastic", "default"}

// hcPlaceholder reports whether a literal is a placeholder or a well-known default, not a secret.
func hcPlaceholder(v string) bool {
	l := strings.ToLower(strings.Trim(v, `'" `))
	if l == "" || strings.ContainsAny(l, "$%{}") {
		return true
	}
	for _, w := range hcPlaceholderWords {
		if strings.Contains(l, w) {
			return true
		}
	}
	for _, d := range hcDefaultPasswords {
		if l == d {
			return true
		}
	}
	return hcDistinct(l) < 5
}

func hcDistinct(s string) int {
	seen := map[rune]bool{}
	for _, r := range s {
		seen[r] = true
	}
	return len(seen)
}

// hcEntropy is the Shannon entropy of s in bits per character.
func hcEntropy(s string) float64 {
	counts := map[rune]int{}
	n := 0
	for _, r := range s {
		counts[r]++
		n++
	}
	e := 0.0
	for _, c := range counts {
		p := float64(c) / float64(n)
		e -= p * math.Log2(p)
	}
	return e
}

// hcRandomMin is the length of the shortest literal hcRandom accepts.
const hcRandomMin = 16

// hcRandom reports whether a literal looks machine-generated: long, one word, mixed letters and
// digits, high entropy, and not a path, URL, version, hash of a commit or a UUID-free identifier.
func hcRandom(v string) bool {
	if len(v) < hcRandomMin || len(v) > 512 || strings.ContainsAny(v, " \t\n/\\:@$%{}()[],;") {
		return false
	}
	var letters, digits int
	for _, r := range v {
		switch {
		case unicode.IsLetter(r):
			letters++
		case unicode.IsDigit(r):
			digits++
		}
	}
	if letters == 0 || digits == 0 || hcPlaceholder(v) {
		return false
	}
	return hcEntropy(v) >= 3.5
}

// hcCredentialSuffixes are last name segments that say a variable holds a credential.
var hcCredentialSuffixes = []string{"TOKEN", "SECRET", "PASSWORD", "PASSWD", "PWD", "PASS", "APIKEY", "PASSPHRASE",
	"CREDENTIAL", "CREDENTIALS", "AUTH"}

// hcKeySuffixes are two-segment endings with KEY that say a variable holds a key.
var hcKeySuffixes = []string{"API", "ACCESS", "SECRET", "PRIVATE", "AUTH", "SIGNING", "ENCRYPTION", "MASTER", "LICENSE", "ADMIN", "SERVICE"}

// hcCredentialName reports whether an env var or input name says it holds a credential;
// password is true for password-like names.
func hcCredentialName(name string) (cred, password bool) {
	cred, password, ok := hcCredentialNameASCII(name)
	if !ok {
		return hcCredentialNameSlow(name)
	}
	return cred, password
}

// hcMayBeCredentialKey reports whether a name may be a credential's: hcCredentialName for
// the last two segments when they are ASCII, true otherwise. The lower-cased keys of env: and
// with: maps give the same answer as their names.
func hcMayBeCredentialKey(k string) bool {
	if !hcMayBeCredentialName(k) {
		return false
	}
	cred, _, ok := hcCredentialNameASCII(k)
	return cred || !ok
}

// hcCredentialNameASCII is hcCredentialName when the last two segments of the name are ASCII;
// ok is false when they are not. It takes the bytes of a source as well as a string.
func hcCredentialNameASCII[T ~string | ~[]byte](name T) (cred, password, ok bool) {
	// strings.TrimSpace trims Unicode spaces too: a name with a non-ASCII end is left to the
	// upper-casing path, which trims them as TrimSpace does.
	end := len(name)
	for end > 0 && hcASCIISpace(name[end-1]) {
		end--
	}
	if end > 0 && name[end-1] >= 0x80 {
		return false, false, false
	}
	start := 0
	for start < end && hcASCIISpace(name[start]) {
		start++
	}
	t := name[start:end]
	// The last two segments between "_", "-" and ".", read in place and compared without regard
	// to case when they are ASCII; others take the upper-casing path.
	var last, prev T
	nseg, e := 0, len(t)
	for i := len(t) - 1; i >= -1 && nseg < 2; i-- {
		if i >= 0 {
			if c := t[i]; c >= 0x80 {
				return false, false, false
			} else if c != '_' && c != '-' && c != '.' {
				continue
			}
		}
		if i+1 < e {
			if nseg == 0 {
				last = t[i+1 : e]
			} else {
				prev = t[i+1 : e]
			}
			nseg++
		}
		e = i
	}
	if nseg == 0 {
		return false, false, true
	}
	// The words of hcCredentialSuffixes by length: one or two comparisons instead of eleven.
	switch len(last) {
	case 3:
		if hcUpperIs(last, "PWD") {
			return true, true, true
		}
		if hcUpperIs(last, "KEY") && nseg > 1 {
			for _, s := range hcKeySuffixes {
				if len(prev) == len(s) && hcUpperIs(prev, s) {
					return true, false, true
				}
			}
		}
		return false, false, true
	case 4:
		if hcUpperIs(last, "PASS") {
			return true, true, true
		}
		return hcUpperIs(last, "AUTH"), false, true
	case 5:
		return hcUpperIs(last, "TOKEN"), false, true
	case 6:
		if hcUpperIs(last, "PASSWD") {
			return true, true, true
		}
		return hcUpperIs(last, "SECRET") || hcUpperIs(last, "APIKEY"), false, true
	case 10:
		if hcUpperIs(last, "PASSPHRASE") {
			return true, true, true
		}
		if hcUpperIs(last, "CREDENTIAL") {
			return true, false, true
		}
	case 11:
		if hcUpperIs(last, "CREDENTIALS") {
			return true, false, true
		}
	}
	pw := len(last) >= 8 && hcUpperIs(last[len(last)-8:], "PASSWORD")
	return pw || len(last) >= 6 && hcUpperIs(last[len(last)-6:], "APIKEY"), pw, true
}

// hcASCIISpace is unicode.IsSpace for ASCII bytes.
func hcASCIISpace(c byte) bool {
	return c == ' ' || c >= '\t' && c <= '\r'
}

// hcUpperIs reports whether s, as long as the upper-case ASCII word w, is w in any case.
func hcUpperIs[T ~string | ~[]byte](s T, w string) bool {
	for i := 0; i < len(w); i++ {
		if s[i]&^0x20 != w[i] {
			return false
		}
	}
	return true
}

// hcCredentialNameSlow is hcCredentialName for any name.
func hcCredentialNameSlow(name string) (cred, password bool) {
	n := strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(strings.TrimSpace(name)))
	segs := strings.FieldsFunc(n, func(r rune) bool { return r == '_' })
	if len(segs) == 0 {
		return false, false
	}
	last := segs[len(segs)-1]
	for _, s := range hcCredentialSuffixes {
		if last == s {
			return true, strings.HasPrefix(s, "PASS") || s == "PWD"
		}
	}
	if last == "KEY" && len(segs) > 1 {
		for _, s := range hcKeySuffixes {
			if segs[len(segs)-2] == s {
				return true, false
			}
		}
	}
	return strings.HasSuffix(last, "APIKEY") || strings.HasSuffix(last, "PASSWORD"), strings.HasSuffix(last, "PASSWORD")
}

// hcRedact shows a short prefix of a secret, never enough to use it.
func hcRedact(v, prefix string) string {
	if prefix != "" {
		return prefix + "…"
	}
	n := utf8.RuneCountInString(v)
	switch {
	case n >= 16:
		return string([]rune(v)[:4]) + "…"
	case n >= 8:
		return string([]rune(v)[:2]) + "…"
	}
	return "…"
}

// hcHash is a short, one-way id of a secret for the finding's fingerprint.
func hcHash(v string) string {
	h := sha256.Sum256([]byte(v))
	return hex.EncodeToString(h[:4])
}
