package checks

import (
	"path"
	"strings"
)

// Name is the command's program name (its base name), after wrappers such as sudo and env.
func (c *shellCmd) Name() string {
	if a := c.Argv(); len(a) > 0 {
		return path.Base(a[0].Text)
	}
	return ""
}

// Argv returns the command's words from the program on, skipping wrappers (sudo, env, time...).
func (c *shellCmd) Argv() []*shellWord {
	a := c.Args
	for len(a) > 0 {
		switch path.Base(a[0].Text) {
		case "sudo", "doas", "env", "time", "nohup", "command", "exec", "builtin", "nice", "timeout", "stdbuf", "xvfb-run":
			wrapper := path.Base(a[0].Text)
			a = a[1:]
			for len(a) > 0 {
				t := a[0].Text
				switch {
				case strings.HasPrefix(t, "-"):
					a = a[1:]
					if len(a) > 0 && len(t) == 2 && strings.Contains("ugCDhpUrtTn", t[1:]) && wrapper != "env" && wrapper != "time" {
						a = a[1:] // sudo -u user, nice -n 10
					}
					continue
				case wrapper == "env" && strings.Contains(t, "=") && !strings.HasPrefix(t, "="):
					a = a[1:]
					continue
				case wrapper == "timeout" && t != "" && t[0] >= '0' && t[0] <= '9':
					a = a[1:]
					continue
				}
				break
			}
		default:
			return a
		}
	}
	return a
}

// ArgTexts returns the texts of Argv()[1:].
func (c *shellCmd) ArgTexts() []string {
	a := c.Argv()
	if len(a) == 0 {
		return nil
	}
	out := make([]string, len(a)-1)
	for i, w := range a[1:] {
		out[i] = w.Text
	}
	return out
}
