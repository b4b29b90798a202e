//go:build linux

package audit

import (
	"os"
	"syscall"
	"unsafe"
)

// listDir lists a folder opened through an os.Root. os.File.ReadDir, for a file opened in a Root,
// calls lstat on every entry (it cannot load the file information lazily there); the entry types
// that getdents64 returns (d_type) say the same without a system call per entry, so they are read
// directly. An entry of unknown type (a file system without d_type) is looked up through the
// root, as ReadDir would.
func listDir(dir *os.Root, fh *os.File) ([]dirEntry, error) {
	var out []dirEntry
	buf := make([]byte, 16<<10)
	fd := int(fh.Fd())
	for {
		n, err := syscall.Getdents(fd, buf)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &os.PathError{Op: "getdents", Path: fh.Name(), Err: err}
		}
		if n <= 0 {
			return out, nil
		}
		for off := 0; off < n; {
			d := (*syscall.Dirent)(unsafe.Pointer(&buf[off]))
			if d.Reclen == 0 || off+int(d.Reclen) > n {
				break
			}
			name := direntName(buf[off+int(unsafe.Offsetof(d.Name)) : off+int(d.Reclen)])
			off += int(d.Reclen)
			if name == "." || name == ".." || name == "" {
				continue
			}
			e := dirEntry{name: name}
			switch d.Type {
			case syscall.DT_DIR:
				e.dir = true
			case syscall.DT_UNKNOWN:
				st, err := dir.Lstat(name)
				if err != nil {
					continue // gone since it was listed
				}
				e.dir = st.IsDir()
			}
			out = append(out, e)
		}
	}
}

// direntName is the NUL-terminated name at the start of b.
func direntName(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}
