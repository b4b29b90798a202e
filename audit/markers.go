package audit

import (
	"bytes"
	"io"
	"os"
	"slices"
)

// MarkerFiles are files whose mere presence some checks weigh (a Renovate config keeps SHA pins
// fresh as Dependabot does). The loader records which exist; their contents are not audited.
var MarkerFiles = []string{
	"renovate.json", "renovate.json5",
	".github/renovate.json", ".github/renovate.json5",
	".gitlab/renovate.json", ".gitlab/renovate.json5",
	".renovaterc", ".renovaterc.json", ".renovaterc.json5",
}

// MarkerRenovatePackageJSON is the marker set when package.json has a "renovate" key.
const MarkerRenovatePackageJSON = "package.json#renovate"

func isMarker(p string) bool { return p == "package.json" || slices.Contains(MarkerFiles, p) }

// findMarkers records which marker files the walk passed (found, as every file, through the root,
// so no symlink leads out of it), and reads package.json for a "renovate" key.
func findMarkers(tr *targetRoot, seen []string) map[string]bool {
	m := map[string]bool{}
	pkg := false
	for _, p := range seen {
		if p == "package.json" {
			pkg = true
			continue
		}
		m[p] = true
	}
	if !pkg {
		return m
	}
	root, err := tr.get()
	if err != nil || !isRegular(root, "package.json") {
		return m
	}
	if fh, err := root.Open("package.json"); err == nil {
		b, _ := io.ReadAll(io.LimitReader(fh, 1<<20))
		fh.Close()
		if bytes.Contains(b, []byte(`"renovate"`)) {
			m[MarkerRenovatePackageJSON] = true
		}
	}
	return m
}

// isRegular reports whether name, in the root, is a regular file: what is not (a FIFO) is never
// opened, since opening it could block.
func isRegular(root *os.Root, name string) bool {
	st, err := root.Stat(name)
	return err == nil && st.Mode().IsRegular()
}

// Has reports whether a marker file exists in the target, or is one of its audited files.
func (t *Target) Has(path string) bool { return t.Markers[path] || t.File(path) != nil }
