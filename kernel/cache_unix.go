//go:build unix

package kernel

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// checkOwner returns an error unless fi belongs to the current user.
func checkOwner(fi fs.FileInfo) error {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	if uid := os.Getuid(); int(st.Uid) != uid {
		return fmt.Errorf("owned by user %d, not by the current user %d", st.Uid, uid)
	}
	return nil
}
