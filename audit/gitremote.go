package audit

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// remoteRepo matches the owner/name of a GitHub remote URL: https://HOST/OWNER/NAME(.git) or git@HOST:OWNER/NAME(.git).
var remoteRepo = regexp.MustCompile(`^(?:https?://(?:[^@/]+@)?[^/]+/|ssh://git@[^/]+/|git@[^:]+:)([A-Za-z0-9][A-Za-z0-9-]*)/([A-Za-z0-9._-]+?)(?:\.git)?/?$`)

// repoFromGit reads the owner/name of the "origin" remote from the target's .git/config, or "".
// It reads one small file through the root and runs nothing.
func repoFromGit(root *os.Root) string {
	if !isRegular(root, filepath.Join(".git", "config")) {
		return ""
	}
	fh, err := root.Open(filepath.Join(".git", "config"))
	if err != nil {
		return ""
	}
	defer fh.Close()
	b, err := io.ReadAll(io.LimitReader(fh, 64<<10))
	if err != nil {
		return ""
	}
	inOrigin := false
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") {
			inOrigin = strings.ReplaceAll(line, " ", "") == `[remote"origin"]`
			continue
		}
		if !inOrigin {
			continue
		}
		if k, v, ok := strings.Cut(line, "="); ok && strings.TrimSpace(k) == "url" {
			if m := remoteRepo.FindStringSubmatch(strings.TrimSpace(v)); m != nil {
				return m[1] + "/" + m[2]
			}
		}
	}
	return ""
}
