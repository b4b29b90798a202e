//go:build linux

// Command maxrss runs a command and prints its peak resident set size, for scripts/bench.sh on
// machines without GNU time (/usr/bin/time -v).
//
// Usage: go run ./bench/maxrss CMD [ARG...]
//
// It prints "maxrss_kib N" on stderr and exits with the command's exit code.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: maxrss CMD [ARG...]")
		os.Exit(2)
	}
	cmd := exec.Command(os.Args[1], os.Args[2:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		fmt.Fprintf(os.Stderr, "maxrss: %v\n", err)
		os.Exit(127)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		// On Linux ru_maxrss is in KiB.
		fmt.Fprintf(os.Stderr, "maxrss_kib %d\n", ru.Maxrss)
	}
	os.Exit(cmd.ProcessState.ExitCode())
}
