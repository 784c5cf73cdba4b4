//go:build unix

package main

import (
	"fmt"
	"runtime"
	"syscall"
)

// peakMemory is the process's peak resident set size so far.
func peakMemory() string {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return "unknown"
	}
	kib := int64(u.Maxrss) // kilobytes on Linux, bytes on macOS
	if runtime.GOOS == "darwin" {
		kib /= 1024
	}
	return fmt.Sprintf("%.0f MiB (resident)", float64(kib)/1024)
}
