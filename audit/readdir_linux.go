//go:build linux

package audit

import "os"

// listDir lists a folder opened through an os.Root. os.File.ReadDir, for a file opened in a Root,
// calls lstat on every entry (it cannot load the file information lazily there); the entry types
// that getdents64 returns (d_type) say the same without a system call per entry, so they are read
// directly (listFD). An entry of unknown type (a file system without d_type) is looked up through
// the root, as ReadDir would.
func listDir(dir *os.Root, fh *os.File) ([]dirEntry, error) {
	return listFD(int(fh.Fd()), fh.Name(), func(name string) (bool, error) {
		st, err := dir.Lstat(name)
		if err != nil {
			return false, err
		}
		return st.IsDir(), nil
	})
}
