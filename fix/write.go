package fix

import (
	"bytes"
	"fmt"
	"os"
	"path"
	"path/filepath"
)

// Write writes the changes of a local target in place, through an os.Root at the target's
// directory: no path leads out of it, a symlink is not written through, a file that changed
// since it was read is left alone, and the file keeps its mode. Each file is replaced whole
// (written to a temporary file beside it, then renamed), so a failed write leaves it as it was.
func Write(rootDir string, changes []Change) []error {
	root, err := os.OpenRoot(rootDir)
	if err != nil {
		return []error{fmt.Errorf("cannot open %q: %w", rootDir, err)}
	}
	defer root.Close()
	var errs []error
	for _, c := range changes {
		if err := writeOne(root, c); err != nil {
			errs = append(errs, fmt.Errorf("%s: not written: %w", c.Path, err))
		}
	}
	return errs
}

func writeOne(root *os.Root, c Change) error {
	name := filepath.FromSlash(c.Path)
	st, err := root.Lstat(name)
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("not a regular file (a symlink is not written through)")
	}
	cur, err := root.ReadFile(name)
	if err != nil {
		return err
	}
	if !bytes.Equal(cur, c.Before) {
		return fmt.Errorf("the file changed since it was read")
	}
	tmp := filepath.FromSlash(path.Join(path.Dir(c.Path), "."+path.Base(c.Path)+".rampart-fix.tmp"))
	f, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, st.Mode().Perm())
	if err != nil {
		return err
	}
	_, werr := f.Write(c.After)
	cerr := f.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = root.Chmod(tmp, st.Mode().Perm())
	}
	if werr == nil {
		werr = root.Rename(tmp, name)
	}
	if werr != nil {
		_ = root.Remove(tmp)
		return werr
	}
	return nil
}
