package cli

import (
	"bytes"
	"strings"
)

// DemoOutput is what `rampart scan testdata/demo` prints (offline, no colour), run from the
// repository root: README.md shows it, and a test keeps the two in step.
func DemoOutput() string {
	var out, errb bytes.Buffer
	Main([]string{"rampart", "scan", "testdata/demo", "--offline", "--color", "never"}, strings.NewReader(""), &out, &errb)
	return "```text\n$ rampart scan testdata/demo\n" + out.String() + "```\n"
}
