package audit

import (
	"bytes"
	"io"
	"os"
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

// findMarkers records which marker files exist in the root, through the root (no symlink leads
// out of it).
func findMarkers(root *os.Root) map[string]bool {
	m := map[string]bool{}
	for _, p := range MarkerFiles {
		if st, err := root.Stat(p); err == nil && st.Mode().IsRegular() {
			m[p] = true
		}
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

// Has reports whether a marker file exists in the target, or is one of its audited files.
func (t *Target) Has(path string) bool { return t.Markers[path] || t.File(path) != nil }
