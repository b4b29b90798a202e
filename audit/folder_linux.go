//go:build linux

package audit

import (
	"encoding/binary"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// fdFolder is a folder held as a bare file descriptor. Every open below it is an openat with
// O_NOFOLLOW from the folder's descriptor, so the walk and the reads never follow a symbolic
// link; a file that is one is read through the target's os.Root instead (the caller's fallback),
// which follows it only when it stays inside the target. This spares what os.Root and os.File
// cost per file and folder beyond the system calls themselves (for each open: a path walk in the
// root, an fcntl and a failed epoll registration, a finalizer), which was most of discovery's time.
type fdFolder struct {
	fd   int
	path string // for error messages: the folder's path in the target
}

const (
	fdDirFlags  = syscall.O_RDONLY | syscall.O_DIRECTORY | syscall.O_NOFOLLOW | syscall.O_CLOEXEC
	fdFileFlags = syscall.O_RDONLY | syscall.O_NOFOLLOW | syscall.O_CLOEXEC | syscall.O_NONBLOCK
)

// openTop opens the target's folder by descriptor. The target itself is the folder the user
// named (through any symlink, as os.OpenRoot does); nothing below it is followed.
func openTop(tr *targetRoot) (folder, error) {
	fd, err := retryEINTR(func() (int, error) { return syscall.Open(tr.dir, fdDirFlags&^syscall.O_NOFOLLOW, 0) })
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: tr.dir, Err: err}
	}
	return &fdFolder{fd: fd}, nil
}

func retryEINTR(fn func() (int, error)) (int, error) {
	for {
		n, err := fn()
		if err != syscall.EINTR {
			return n, err
		}
	}
}

const direntNameOff = 19

var direntBufs = sync.Pool{New: func() any { return new([8 << 10]byte) }}

func (d *fdFolder) list() ([]dirEntry, error) {
	return listFD(d.fd, d.path, func(name string) (bool, error) {
		// A file system without d_type: ask, without following a symlink.
		var st unix.Stat_t
		if err := fstatat(d.fd, name, &st); err != nil {
			return false, err
		}
		return st.Mode&unix.S_IFMT == unix.S_IFDIR, nil
	})
}

// listFD lists the folder open as fd with getdents64, taking each entry's type from d_type (no
// system call per entry); isDir answers for an entry of unknown type, and an entry it fails for
// (gone since it was listed) is left out.
func listFD(fd int, path string, isDir func(name string) (bool, error)) ([]dirEntry, error) {
	buf := direntBufs.Get().(*[8 << 10]byte)
	defer direntBufs.Put(buf)
	var out []dirEntry
	for {
		n, err := retryEINTR(func() (int, error) { return syscall.Getdents(fd, buf[:]) })
		if err != nil {
			return nil, &os.PathError{Op: "getdents", Path: path, Err: err}
		}
		if n <= 0 {
			return out, nil
		}
		// Each record of linux_dirent64: d_ino (8 bytes), d_off (8), d_reclen (2), d_type (1),
		// then the NUL-terminated name. Read field by field: a record near the end of the
		// buffer is shorter than the syscall.Dirent struct.
		for off := 0; off+direntNameOff <= n; {
			reclen := int(binary.NativeEndian.Uint16(buf[off+16:]))
			if reclen < direntNameOff || off+reclen > n {
				break
			}
			typ := buf[off+18]
			name := direntName(buf[off+direntNameOff : off+reclen])
			off += reclen
			if name == "." || name == ".." || name == "" {
				continue
			}
			e := dirEntry{name: name}
			switch typ {
			case syscall.DT_DIR:
				e.dir = true
			case syscall.DT_UNKNOWN:
				if e.dir, err = isDir(name); err != nil {
					continue
				}
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

func fstatat(dirfd int, name string, st *unix.Stat_t) error {
	for {
		err := unix.Fstatat(dirfd, name, st, unix.AT_SYMLINK_NOFOLLOW)
		if err != unix.EINTR {
			return err
		}
	}
}

func (d *fdFolder) sub(name string) (folder, error) {
	fd, err := retryEINTR(func() (int, error) { return syscall.Openat(d.fd, name, fdDirFlags, 0) })
	if err != nil {
		return nil, &os.PathError{Op: "openat", Path: name, Err: err}
	}
	p := name
	if d.path != "" {
		p = d.path + "/" + name
	}
	return &fdFolder{fd: fd, path: p}, nil
}

// read reads name as readFileIn does (same limits and messages), by descriptor. Opening is
// non-blocking, so a FIFO does not wait for a writer; fstat then refuses it.
func (d *fdFolder) read(name, p string, kind FileKind, opts LoadOptions) (*File, *FileError, bool) {
	limit := opts.MaxFileSize
	if limit <= 0 {
		limit = DefaultMaxFileSize
	}
	fd, err := retryEINTR(func() (int, error) { return syscall.Openat(d.fd, name, fdFileFlags, 0) })
	if err == syscall.ELOOP {
		return nil, nil, true // a symlink: the caller reads it through the target's root
	}
	if err != nil {
		return nil, &FileError{File: p, Message: "not audited: " + cleanErr(&fs.PathError{Op: "openat", Path: name, Err: err})}, false
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	for {
		if err = syscall.Fstat(fd, &st); err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return nil, &FileError{File: p, Message: "not audited: " + err.Error()}, false
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		return nil, &FileError{File: p, Message: "not audited: not a regular file"}, false
	}
	if st.Size > limit {
		return nil, &FileError{File: p, Message: fmt.Sprintf("not audited: file is %d bytes, over the %d-byte cap (max-file-size)", st.Size, limit)}, false
	}
	b := make([]byte, 0, st.Size+1)
	for int64(len(b)) <= limit {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		room := b[len(b):cap(b)]
		if int64(len(room)) > limit+1-int64(len(b)) {
			room = room[:limit+1-int64(len(b))]
		}
		n, err := syscall.Read(fd, room)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &FileError{File: p, Message: "not audited: " + err.Error()}, false
		}
		if n == 0 {
			break
		}
		b = b[:len(b)+n]
		// A read that asked for more than the size fstat reported and brought the file to
		// exactly that size has reached its end: the read that would return 0 is spared (one
		// system call per file; os.ReadFile makes it). A file that grew since, or a file
		// system that returns less than asked before the end, still reads on.
		if int64(len(b)) == st.Size && n < len(room) {
			break
		}
	}
	if int64(len(b)) > limit {
		return nil, &FileError{File: p, Message: fmt.Sprintf("not audited: file is over the %d-byte cap (max-file-size)", limit)}, false
	}
	return &File{Path: p, Kind: kind, Source: b}, nil, false
}

func (d *fdFolder) close() { syscall.Close(d.fd) }
