package audit

import "os"

// folder is one folder of the target as discovery walks it and the loader reads from it: a
// handle opened without following symlinks out of the target. On Linux it is a bare file
// descriptor (folder_linux.go), elsewhere an os.Root.
type folder interface {
	// list returns the folder's entries (once: a folder is listed by the one walk that opens it).
	list() ([]dirEntry, error)
	// sub opens the subfolder name, which list returned as a folder.
	sub(name string) (folder, error)
	// read reads the file name of the folder as the target's file p. symlink is true when name
	// is a symbolic link the folder will not follow: the caller reads it through the target's root.
	read(name, p string, kind FileKind, opts LoadOptions) (f *File, ferr *FileError, symlink bool)
	close()
}

// rootFolder is a folder opened as an os.Root: a symlink inside it is followed when it stays inside.
type rootFolder struct{ r *os.Root }

func (d rootFolder) list() ([]dirEntry, error) {
	fh, err := d.r.Open(".")
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	return listDir(d.r, fh)
}

func (d rootFolder) sub(name string) (folder, error) {
	r, err := d.r.OpenRoot(name)
	if err != nil {
		return nil, err
	}
	return rootFolder{r}, nil
}

func (d rootFolder) read(name, p string, kind FileKind, opts LoadOptions) (*File, *FileError, bool) {
	f, ferr := readFileIn(d.r, name, p, kind, opts)
	return f, ferr, false
}

func (d rootFolder) close() { d.r.Close() }
