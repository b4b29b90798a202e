//go:build !linux

package audit

// openTop opens the target's folder for the walk: its os.Root (see folder_linux.go for Linux).
func openTop(tr *targetRoot) (folder, error) {
	root, err := tr.get()
	if err != nil {
		return nil, err
	}
	return rootFolder{root}, nil
}
