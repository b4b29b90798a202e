package audit

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A config reached through a symlinked .github folder that leads out of the target is not used.
func TestFindConfigStaysInTarget(t *testing.T) {
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "rampart.yml"), []byte("fail-on: none\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(root, ".github")); err != nil {
		t.Fatal(err)
	}
	if p := FindConfig(root); p != "" {
		t.Errorf("FindConfig = %q: a config out of the target through a symlinked .github", p)
	}
	if err := os.WriteFile(filepath.Join(root, "rampart.yml"), []byte("fail-on: none\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if p := FindConfig(root); p != filepath.Join(root, "rampart.yml") {
		t.Errorf("FindConfig = %q, want the root's rampart.yml", p)
	}
}

// LoadConfig reads no more than its cap, whatever the file.
func TestLoadConfigIsCapped(t *testing.T) {
	p := filepath.Join(t.TempDir(), "big.yml")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	// A sparse 1 GiB file: reading it whole would take a GiB of memory.
	if err := f.Truncate(1 << 30); err != nil {
		t.Fatal(err)
	}
	f.Close()
	_, err = LoadConfig(p, nil)
	if err == nil || !strings.Contains(err.Error(), "larger than 1 MiB") {
		t.Errorf("err = %v, want the size cap", err)
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		if _, err := LoadConfig("/dev/zero", nil); err == nil || !strings.Contains(err.Error(), "larger than 1 MiB") {
			t.Errorf("/dev/zero: err = %v, want the size cap", err)
		}
	}
}

// A FIFO where a workflow, package.json or .git/config should be is reported, never opened
// (opening it would block the scan for ever).
func TestLoadDirDoesNotOpenFIFOs(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{".github/workflows", ".git"} {
		if err := os.MkdirAll(filepath.Join(root, filepath.FromSlash(d)), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{".github/workflows/ci.yml", "package.json", ".git/config", "x/action.yml"} {
		os.MkdirAll(filepath.Join(root, filepath.Dir(filepath.FromSlash(p))), 0o755)
		if err := mkfifo(filepath.Join(root, filepath.FromSlash(p))); err != nil {
			t.Skipf("no FIFOs here: %v", err)
		}
	}
	done := make(chan *Target, 1)
	go func() {
		tg, err := LoadDir(root, LoadOptions{})
		if err != nil {
			t.Error(err)
		}
		done <- tg
	}()
	select {
	case tg := <-done:
		if tg == nil {
			return
		}
		var files []string
		for _, e := range tg.Errors {
			if strings.Contains(e.Message, "not a regular file") {
				files = append(files, e.File)
			}
		}
		if len(files) != 2 {
			t.Errorf("errors %v: want the workflow and the action reported as not regular files", tg.Errors)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("LoadDir blocked on a FIFO")
	}
}
