//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package onnx

import (
	"os"
	"syscall"
)

// mapFile maps size bytes of f read-only; ok is false when the system
// refuses (the caller then reads the file).
func mapFile(f *os.File, size int64) (data []byte, release func(), ok bool) {
	if size <= 0 || int64(int(size)) != size {
		return nil, nil, false
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, nil, false
	}
	return data, func() { _ = syscall.Munmap(data) }, true
}
