package checks

import (
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/audit"
	"github.com/rhysd/actionlint"
)

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
	// Every runs-on label of the corpus, and random ones of the prefixes' pieces in any case.
	check := func(v string) {
		t.Helper()
		if got, want := shrIsHosted(v), shrHosted.MatchString(v); got != want {
			t.Fatalf("shrIsHosted(%q) = %v, regexp says %v", v, got, want)
		}
	}
	for _, tg := range corpusTargets(t) {
		for _, f := range tg.Workflows() {
			for _, j := range f.Jobs() {
				if j.RunsOn != nil {
					for _, l := range j.RunsOn.Labels {
						check(strings.TrimSpace(l.Value))
					}
				}
			}
		}
	}
	var pieces []string
	for _, p := range shrHostedPrefixes {
		pieces = append(pieces, p, strings.ToUpper(p), p[:len(p)/2], p[len(p)/2:])
	}
	pieces = append(pieces, "-", "=", "/", "latest", "x", "K", "é", " ")
	shellRandomTexts(8, 50000, 4, pieces, check)
}

// TestShrPropertyChain checks that the fast path reads a plain property chain as actionlint's
// parser does, and leaves everything else to it.
func TestShrPropertyChain(t *testing.T) {
	for _, c := range []string{" matrix.os ", "matrix.os", " matrix.OS\t", " Matrix.runner.label ", " matrix ", " matrix.os-1 ",
		" matrix._x ", " inputs.runner ", " true ", " false.x ", " null ", " matrix.true ", " matrix.0 ", " matrix.* ",
		" matrix.os || 'x' ", " matrix['os'] ", " matrix. os ", " matrix .os ", " 'self-hosted' ", " matrix.os.", " -x ", ""} {
		chain, ok := shrPropertyChain(c, nil)
		node, err := actionlint.NewExprParser().Parse(actionlint.NewExprLexer(c + "}}"))
		if !ok {
			continue
		}
		if err != nil {
			t.Errorf("%q: read as %q, but it does not parse", c, chain)
			continue
		}
		p, isPath := audit.ExprPath(node)
		if !isPath || p != strings.ToLower(strings.Join(chain, ".")) {
			t.Errorf("%q: read as %q, parsed as %q (%v)", c, chain, p, isPath)
		}
	}
}
