//go:build unix

package main

import (
	"fmt"
	"runtime"
	"syscall"
	"time"
)

// resources gives the process's peak resident memory and the CPU time it
// has used, user and system (on a busy machine a truer cost than the
// elapsed time).
func resources() string {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return "peak memory unknown"
	}
	kib := int64(u.Maxrss) // kilobytes on Linux, bytes on macOS
	if runtime.GOOS == "darwin" {
		kib /= 1024
	}
	cpu := time.Duration(u.Utime.Nano() + u.Stime.Nano())
	return fmt.Sprintf("peak memory %.0f MiB (resident), CPU %.2f s", float64(kib)/1024, cpu.Seconds())
}
