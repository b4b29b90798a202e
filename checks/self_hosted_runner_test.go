package checks

import "testing"

// TestShrIsHosted checks that the ASCII fast path agrees with the regexp it stands in for.
func TestShrIsHosted(t *testing.T) {
	for _, v := range []string{"ubuntu-latest", "Ubuntu-22.04", "UBUNTU-", "ubuntu", "windows-2022", "WINDOWS-latest",
		"macos-14", "macOS-13", "macos", "blacksmith-4vcpu-ubuntu-2204", "Blacksmith", "namespace-profile-x",
		"buildjet-2vcpu", "warp-ubuntu", "depot-ubuntu", "ubicloud-standard-2", "nscloud", "cirrus-runner",
		"runs-on=1/runner=2cpu", "RUNS-ON", "codebuild-proj", "codebuild", "self-hosted", "linux", "arm64",
		"gpu", "", "ubuntu\u212a-x", "ſelf", "maço-1", "ubuntu-\u00e9", "\u212aubuntu-"} {
		if got, want := shrIsHosted(v), shrHosted.MatchString(v); got != want {
			t.Errorf("shrIsHosted(%q) = %v, regexp says %v", v, got, want)
		}
	}
}
