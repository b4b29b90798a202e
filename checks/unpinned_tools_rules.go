package checks

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/rampart-sec/rampart/audit"
)

type utProblem struct {
	word *shellWord
	msg  string
	low  bool
}

var (
	utSemverRe  = regexp.MustCompile(`^v?\d+\.\d+\.\d+([-+][0-9A-Za-z.+-]*)?$`)
	utToolingPy = map[string]bool{"pip": true, "setuptools": true, "wheel": true}
)

// utVersioned reports whether name is prefix, optionally followed by a version: a digit, then
// optionally a dot and digits (pip, pip3, pip3.12; python3.11): ^prefix(\d(\.\d+)?)?$.
func utVersioned(name, prefix string) bool {
	v, ok := strings.CutPrefix(name, prefix)
	switch {
	case !ok:
		return false
	case v == "":
		return true
	case v[0] < '0' || v[0] > '9':
		return false
	case len(v) == 1:
		return true
	case v[1] != '.' || len(v) == 2:
		return false
	}
	for i := 2; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return false
		}
	}
	return true
}

// utPipName reports whether a command's name is pip with an optional version (^pip(\d(\.\d+)?)?$).
func utPipName(name string) bool { return utVersioned(name, "pip") }

// utPythonName reports whether a command's name is python or py with an optional version.
func utPythonName(name string) bool { return utVersioned(name, "python") || utVersioned(name, "py") }

// utFlagSet is the set of the flags (separated by spaces) that take the next word as value.
func utFlagSet(list string) map[string]bool {
	vf := map[string]bool{}
	for _, f := range strings.Fields(list) {
		vf[f] = true
	}
	return vf
}

// The flags that take a value, for each installer.
var (
	utPipFlags   = utFlagSet("-r --requirement -c --constraint -e --editable -i --index-url --extra-index-url -f --find-links -t --target --prefix --root --platform --python-version --implementation --abi --only-binary --no-binary --src --upgrade-strategy --progress-bar --log --cache-dir --trusted-host --timeout --retries --proxy --cert --client-cert --python -p --config-settings -C --global-option --report --exists-action --index-strategy --extra --group --override --index --default-index --with")
	utNpmFlags   = utFlagSet("--prefix --registry --location --tag -w --workspace --cache")
	utYarnFlags  = utFlagSet("--prefix --registry")
	utCargoFlags = utFlagSet("--version --vers --git --path --root --features -F --target --registry --index --branch --rev --tag --profile -j --jobs --bin --example --target-dir --config -Z --color" +
		" --strategies --disable-strategies --targets --install-path --pkg-url --pkg-fmt --bin-dir --manifest-path --rate-limit --min-tls-version --log-level --github-token --maximum-resolution-timeout")
	utGemFlags    = utFlagSet("-v --version -i --install-dir -n --bindir --source -s -P --trust-policy --platform -g --file")
	utChocoFlags  = utFlagSet("--version -s --source --params --package-parameters --install-arguments --ia --checksum --checksum64 --cache-location -u -p --user --password")
	utDotnetFlags = utFlagSet("--tool-path --version --add-source --configfile --framework -a --arch --verbosity --tool-manifest")
)

// utOperands splits arguments into operands and flags; the flags of vf take the next word as value.
func utOperands(args []*shellWord, vf map[string]bool) (ops []*shellWord, flags utFlags) {
	for i := 0; i < len(args); i++ {
		t := args[i].Text
		switch {
		case t == "--":
			continue
		case strings.HasPrefix(t, "-") && len(t) > 1:
			name, val, _ := strings.Cut(t, "=")
			if vf[name] && !strings.Contains(t, "=") && i+1 < len(args) {
				i++
				val = args[i].Text
			}
			flags = append(flags, utFlag{name, val})
		default:
			ops = append(ops, args[i])
		}
	}
	return ops, flags
}

// utFlags are a command's flags in order, each with its value ("" for none).
type utFlags []utFlag

type utFlag struct{ name, val string }

// get returns the value of the last flag of that name.
func (f utFlags) get(name string) (string, bool) {
	for i := len(f) - 1; i >= 0; i-- {
		if f[i].name == name {
			return f[i].val, true
		}
	}
	return "", false
}

func utHas(flags utFlags, names ...string) bool {
	for _, n := range names {
		if _, ok := flags.get(n); ok {
			return true
		}
	}
	return false
}

// utLocal reports whether an operand names something other than a registry package.
func utLocal(w *shellWord) bool {
	t := w.Text
	return !w.Literal || w.HasExpr || t == "" || strings.ContainsAny(t[:1], "./~$") || strings.Contains(t, "/") ||
		strings.Contains(t, ":") && !strings.Contains(t, "::") || strings.HasSuffix(t, ".whl") || strings.HasSuffix(t, ".tgz") ||
		strings.HasSuffix(t, ".tar.gz") || strings.HasSuffix(t, ".zip") || strings.HasSuffix(t, ".config") || strings.HasSuffix(t, ".nupkg")
}

// utCheck returns the unpinned installs of one command.
func utCheck(c *shellCmd) []utProblem {
	argv := c.Argv()
	if len(argv) < 2 {
		return nil
	}
	name, a1 := toLower(c.Name()), argv[1].Text
	rest := func(n int) []*shellWord { return argv[min(n, len(argv)):] }
	switch {
	case utPipName(name) && a1 == "install":
		return utPip("pip install", rest(2))
	case utPythonName(name) && a1 == "-m" && len(argv) > 3 && utPipName(argv[2].Text) && argv[3].Text == "install":
		return utPip("pip install", rest(4))
	case name == "uv" && a1 == "pip" && len(argv) > 2 && argv[2].Text == "install":
		return utPip("uv pip install", rest(3))
	case name == "uv" && a1 == "tool" && len(argv) > 2 && argv[2].Text == "install", name == "pipx" && a1 == "install":
		if name == "uv" {
			return utPip("uv tool install", rest(3))
		}
		return utPip("pipx install", rest(2))
	case name == "npm" && (a1 == "install" || a1 == "i" || a1 == "add"), name == "pnpm" && (a1 == "add" || a1 == "install" || a1 == "i"),
		name == "bun" && (a1 == "add" || a1 == "install" || a1 == "i"):
		ops, flags := utOperands(rest(2), utNpmFlags)
		if loc, _ := flags.get("--location"); !utHas(flags, "-g", "--global") && loc != "global" {
			return nil
		}
		return utNpm(name+" install -g", ops)
	case name == "yarn" && a1 == "global" && len(argv) > 2 && argv[2].Text == "add":
		ops, _ := utOperands(rest(3), utYarnFlags)
		return utNpm("yarn global add", ops)
	case name == "go" && (a1 == "install" || a1 == "run"):
		var out []utProblem
		for _, w := range rest(2) {
			mod, ver, ok := strings.Cut(w.Text, "@")
			if ok && w.Literal && !w.HasExpr && !strings.HasPrefix(mod, ".") && strings.Contains(strings.Split(mod, "/")[0], ".") {
				switch toLower(ver) {
				case "latest", "master", "main", "head", "develop", "dev", "upstream":
					out = append(out, utProblem{word: w, msg: fmt.Sprintf("go %s of %q takes the newest code at %q; pin a version tag or commit", a1, mod, ver)})
				}
			}
		}
		return out
	case name == "cargo" && (a1 == "install" || a1 == "binstall"):
		ops, flags := utOperands(rest(2), utCargoFlags)
		if utHas(flags, "--path", "--version", "--vers", "--rev", "--tag") {
			return nil
		}
		if g, ok := flags.get("--git"); ok {
			return []utProblem{{word: argv[1], msg: fmt.Sprintf("cargo install --git %q builds the branch's newest commit; add --rev or --tag", g)}}
		}
		return utEach(ops, "@", func(w *shellWord) string {
			return fmt.Sprintf("cargo %s of %q takes the newest release; add --version (and --locked)", a1, w.Text)
		})
	case name == "gem" && a1 == "install":
		ops, flags := utOperands(rest(2), utGemFlags)
		if utHas(flags, "-v", "--version", "-g", "--file") {
			return nil
		}
		return utEach(ops, ":", func(w *shellWord) string {
			return fmt.Sprintf("gem install of %q takes the newest release; add -v VERSION", w.Text)
		})
	case name == "choco" && (a1 == "install" || a1 == "upgrade"):
		ops, flags := utOperands(rest(2), utChocoFlags)
		if utHas(flags, "--version") {
			return nil
		}
		return utEach(ops, "", func(w *shellWord) string {
			return fmt.Sprintf("choco %s of %q takes the newest package; add --version", a1, w.Text)
		})
	case name == "dotnet" && a1 == "tool" && len(argv) > 2 && (argv[2].Text == "install" || argv[2].Text == "update"):
		ops, flags := utOperands(rest(3), utDotnetFlags)
		if utHas(flags, "--version") {
			return nil
		}
		return utEach(ops, "", func(w *shellWord) string {
			return fmt.Sprintf("dotnet tool install of %q takes the newest release; add --version", w.Text)
		})
	}
	return nil
}

// utEach reports every registry operand that has no version after sep ("" when there is no such form).
func utEach(ops []*shellWord, sep string, msg func(*shellWord) string) []utProblem {
	var out []utProblem
	for _, w := range ops {
		if sep != "" && strings.Contains(w.Text, sep) || utLocal(w) {
			continue
		}
		out = append(out, utProblem{word: w, msg: msg(w)})
	}
	return out
}

func utPip(cmd string, args []*shellWord) []utProblem {
	ops, flags := utOperands(args, utPipFlags)
	if utHas(flags, "--require-hashes", "-c", "--constraint") {
		return nil
	}
	var out []utProblem
	if r, ok := flags.get("-r"); ok || utHas(flags, "--requirement") {
		if !ok {
			r, _ = flags.get("--requirement")
		}
		out = append(out, utProblem{word: args[0], msg: fmt.Sprintf("%s -r %q installs without --require-hashes: versions are not locked by hash", cmd, r), low: true})
	}
	for _, w := range ops {
		t := w.Text
		if utLocal(w) || strings.Contains(t, "==") && !strings.Contains(t, "*") || strings.Contains(t, "@") {
			continue
		}
		fields := strings.FieldsFunc(t, func(r rune) bool { return strings.ContainsRune("<>=!~[; ", r) })
		if len(fields) == 0 {
			continue
		}
		base := toLower(fields[0])
		msg := fmt.Sprintf("%s of %q is not pinned to a version; use %s==VERSION", cmd, t, base)
		if strings.ContainsAny(t, "<>~=!") {
			msg = fmt.Sprintf("%s of %q allows a range of versions; pin one with ==", cmd, t)
		}
		out = append(out, utProblem{word: w, msg: msg, low: utToolingPy[base]})
	}
	return out
}

func utNpm(cmd string, ops []*shellWord) []utProblem {
	var out []utProblem
	for _, w := range ops {
		t := w.Text
		if !w.Literal || w.HasExpr || t == "" || strings.ContainsAny(t[:1], "./~$") || strings.Contains(t, ":") || strings.HasSuffix(t, ".tgz") {
			continue
		}
		name, ver := t, ""
		if i := strings.LastIndex(t, "@"); i > 0 {
			name, ver = t[:i], t[i+1:]
		}
		if strings.Contains(name, "/") && !strings.HasPrefix(name, "@") {
			continue // owner/repo: a GitHub shorthand
		}
		switch {
		case utSemverRe.MatchString(ver):
			continue
		case ver == "":
			out = append(out, utProblem{word: w, msg: fmt.Sprintf("%s of %q has no version; use %s@VERSION", cmd, t, name)})
		default:
			out = append(out, utProblem{word: w, msg: fmt.Sprintf("%s of %q is not an exact version; use %s@X.Y.Z", cmd, t, name)})
		}
	}
	return out
}

// utPwsh checks PowerShell and cmd scripts line by line, splitting each install command into words.
func utPwsh(pass *audit.Pass, s *shellScript) {
	for _, loc := range utPwshCmds(s.Text) {
		for _, p := range utCheck(utPwshCmd(s.Text, loc)) {
			f := pass.Reportf(s.Ref.File, s.Pos(p.word.Offset), "%s", p.msg)
			if p.low {
				f.Confidence = audit.LowConfidence
			}
			f.Key = s.Ref.Label() + " " + p.msg
		}
	}
}

// utPwshCmd returns the command of utPwshCmds at loc, split into words by strings.Fields up to a
// comment, each with its quotes trimmed.
func utPwshCmd(text string, loc [2]int) *shellCmd {
	c := &shellCmd{Offset: loc[0]}
	off := loc[0]
	for _, f := range strings.Fields(text[loc[0]:loc[1]]) {
		if strings.HasPrefix(f, "#") {
			break
		}
		i := strings.Index(text[off:], f) + off
		t := strings.Trim(f, `"'`)
		c.Args = append(c.Args, &shellWord{Text: t, Literal: !strings.ContainsAny(t, "$%"), HasExpr: strings.Contains(t, "${{"), Offset: i, End: i + len(f)})
		off = i + len(f)
	}
	return c
}
