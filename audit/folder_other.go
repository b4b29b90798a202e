//go:build !linux

package audit

import "os"

// openTop opens the target's folder for the walk (see folder_linux.go for Linux).
func openTop(root *os.Root, _ string) (folder, error) { return rootFolder{root}, nil }
