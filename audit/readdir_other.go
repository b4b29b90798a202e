//go:build !linux

package audit

import "os"

// listDir lists a folder opened through an os.Root (see readdir_linux.go for Linux).
func listDir(_ *os.Root, fh *os.File) ([]dirEntry, error) {
	entries, err := fh.ReadDir(-1)
	if err != nil {
		return nil, err
	}
	out := make([]dirEntry, 0, len(entries))
	for _, e := range entries {
		out = append(out, dirEntry{name: e.Name(), dir: e.IsDir()})
	}
	return out, nil
}
