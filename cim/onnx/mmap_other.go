//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package onnx

import "os"

// mapFile does not map files on this system: the caller reads them.
func mapFile(*os.File, int64) ([]byte, func(), bool) { return nil, nil, false }
