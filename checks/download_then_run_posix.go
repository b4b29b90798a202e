package checks

import (
	"path"
	"slices"
	"strings"
)

var (
	dtrInterpreters = map[string]bool{"sh": true, "bash": true, "zsh": true, "dash": true, "ksh": true,
		"python": true, "python3": true, "python2": true, "node": true, "perl": true, "ruby": true, "php": true,
		"pwsh": true, "powershell": true}
	dtrDownloaders = map[string]bool{"curl": true, "wget": true, "fetch": true, "http": true, "https": true}
	dtrHashers     = map[string]bool{"sha256sum": true, "sha512sum": true, "sha384sum": true, "sha1sum": true,
		"shasum": true, "b2sum": true, "md5sum": true, "openssl": true, "rhash": true, "gpgv": true, "slsa-verifier": true}
	dtrScriptExt = []string{".sh", ".bash", ".py", ".pl", ".rb", ".ps1", ".zsh"}
)

// dtrPosix finds download-then-run patterns in a parsed POSIX script.
func dtrPosix(s *shellScript, report func(off int, format string, args ...any)) {
	type download struct {
		file, url string
		verified  bool
	}
	var pending []*download
	for _, c := range s.Cmds() {
		name := c.Name()
		if dtrDownloaders[name] {
			for n := c.Pipe; n != nil; n = n.Pipe {
				if dtrInterpreters[n.Name()] && dtrReadsStdin(n) {
					report(c.Offset, "pipes a download from %q into %q", dtrURL(c), n.Name())
					break
				}
			}
			if o := c.Outer; o != nil && dtrRunsSubst(o, c) {
				report(o.Offset, "runs a download from %q with %q", dtrURL(c), o.Name())
			}
			if f := dtrOutFile(c); f != "" && c.Outer == nil {
				pending = append(pending, &download{file: f, url: dtrURL(c)})
			}
			continue
		}
		if dtrVerifies(c) {
			for _, d := range pending {
				d.verified = true
			}
			continue
		}
		for _, d := range pending {
			if !d.verified && dtrRunsFile(c, d.file) {
				report(c.Offset, "runs %q, downloaded from %q in the same step, without checking its checksum or signature", d.file, d.url)
				d.verified = true
			}
		}
	}
}

// dtrReadsStdin reports whether an interpreter reads its program from standard input.
func dtrReadsStdin(c *shellCmd) bool {
	for _, a := range c.ArgTexts() {
		switch {
		case a == "-" || a == "--" || a == "-s":
			return true
		case a == "-c" || a == "-e" || a == "-m" || a == "-Command" || a == "-File":
			return false
		case !strings.HasPrefix(a, "-"):
			return false
		}
	}
	return true
}

// dtrRunsSubst reports whether the download inside o's arguments is the program o runs:
// bash <(curl ...), sh -c "$(curl ...)", eval "$(curl ...)", source <(curl ...).
func dtrRunsSubst(o, in *shellCmd) bool {
	argv := o.Argv()
	name := o.Name()
	contains := func(w *shellWord) bool { return in.Offset >= w.Offset && in.Offset < w.End }
	switch {
	case name == "eval":
		return true
	case name == "source" || name == ".":
		return len(argv) > 1 && contains(argv[1])
	case !dtrInterpreters[name]:
		return false
	}
	for i := 1; i < len(argv); i++ {
		t := argv[i].Text
		if t == "-c" || t == "-e" || t == "-Command" {
			return i+1 < len(argv) && contains(argv[i+1])
		}
		if !strings.HasPrefix(t, "-") || contains(argv[i]) {
			return contains(argv[i])
		}
	}
	return false
}

// dtrURL is the first argument of a download that looks like a URL.
func dtrURL(c *shellCmd) string {
	for _, a := range c.ArgTexts() {
		if strings.Contains(a, "://") {
			return a
		}
	}
	for _, a := range c.ArgTexts() {
		if !strings.HasPrefix(a, "-") {
			return a
		}
	}
	return ""
}

// dtrOutFile is the file a download saves to: curl -o F, curl -O, wget -O F, wget URL, > F.
func dtrOutFile(c *shellCmd) string {
	args := c.ArgTexts()
	url := dtrURL(c)
	remote := ""
	if url != "" {
		remote = path.Base(strings.SplitN(strings.SplitN(url, "?", 2)[0], "#", 2)[0])
	}
	wget := c.Name() == "wget"
	out := ""
	for i, a := range args {
		switch {
		case strings.HasPrefix(a, "--output=") || strings.HasPrefix(a, "--output-document="):
			out = a[strings.Index(a, "=")+1:]
		case a == "--output" || a == "--output-document":
			if i+1 < len(args) {
				out = args[i+1]
			}
		case strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "--") && len(a) > 1:
			flags := a[1:]
			letter := "o"
			if wget {
				letter = "O"
			}
			if j := strings.Index(flags, letter); j >= 0 {
				switch {
				case j+1 < len(flags):
					out = flags[j+1:]
				case i+1 < len(args):
					out = args[i+1]
				}
			} else if !wget && strings.Contains(flags, "O") {
				out = remote
			}
		case a == "--remote-name" && !wget:
			out = remote
		}
	}
	for _, r := range c.Redirs {
		if (r.Op == ">" || r.Op == ">>") && r.Target != nil && !r.Inherited {
			out = r.Target.Text
		}
	}
	if out == "" && wget {
		out = remote
	}
	if out == "-" || out == "/dev/stdout" || out == "/dev/null" {
		return ""
	}
	return out
}

// dtrVerifies reports whether a command checks a file's checksum or signature.
func dtrVerifies(c *shellCmd) bool {
	name, args := c.Name(), c.ArgTexts()
	switch {
	case dtrHashers[name]:
		return true
	case name == "gpg" || name == "gpg2":
		return slices.Contains(args, "--verify")
	case name == "cosign" || name == "minisign" || name == "signify" || name == "gh":
		return slices.ContainsFunc(args, func(a string) bool { return strings.Contains(a, "verify") || a == "-V" })
	}
	return false
}

// dtrRunsFile reports whether a command runs the downloaded file as a program or script.
func dtrRunsFile(c *shellCmd, file string) bool {
	argv := c.Argv()
	if len(argv) == 0 {
		return false
	}
	base := path.Base(file)
	name := c.Name()
	same := func(w *shellWord) bool { return w.Literal && path.Base(w.Text) == base }
	switch {
	case dtrInterpreters[name] || name == "source" || name == ".":
		for _, a := range argv[1:] {
			if a.Text == "-c" || a.Text == "-m" {
				return false
			}
			if !strings.HasPrefix(a.Text, "-") {
				return same(a)
			}
		}
	case same(argv[0]) && strings.Contains(argv[0].Text, "/"):
		return slices.ContainsFunc(dtrScriptExt, func(ext string) bool { return strings.HasSuffix(base, ext) })
	}
	return false
}
