package kernel

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"

	"github.com/cimkit/cimkit/cim/sim"
)

// gonb runs every cell as a new program, so a value computed in one cell is
// gone in the next. Results keeps simulation results for the rest of the
// notebook session in a file.

var keyPattern = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,100}$`)

// CacheDir returns the folder Results stores its files in: inside a
// notebook gonb's temporary folder of the session (GONB_TMP_DIR, which gonb
// creates for the user alone and removes when the kernel stops); elsewhere
// the folder cimkit in the user's cache directory (os.UserCacheDir, e.g.
// ~/.cache/cimkit), created with mode 0700.
//
// A shared folder such as /tmp is never used: another user could plant a
// symbolic link there under the name of a cache file and have Results
// write through it. So the folder must be a directory itself (not a
// symbolic link to one), owned by the current user and writable by nobody
// else; otherwise CacheDir returns an error naming it.
func CacheDir() (string, error) {
	dir := os.Getenv("GONB_TMP_DIR")
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return "", fmt.Errorf("kernel: no cache folder: %w", err)
		}
		dir = filepath.Join(base, "cimkit")
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return "", fmt.Errorf("kernel: cache folder: %w", err)
		}
	}
	if err := checkPrivate(dir); err != nil {
		return "", fmt.Errorf("kernel: cache folder %s: %w", dir, err)
	}
	return dir, nil
}

// checkPrivate returns an error unless dir is a directory (not a symbolic
// link), owned by the current user and not writable by group or others.
func checkPrivate(dir string) error {
	fi, err := os.Lstat(dir)
	switch {
	case err != nil:
		return err
	case fi.Mode()&fs.ModeSymlink != 0:
		return errors.New("is a symbolic link; want a directory of its own")
	case !fi.IsDir():
		return errors.New("is not a directory")
	case fi.Mode().Perm()&0o022 != 0:
		return fmt.Errorf("mode %v lets others write in it; want 0700", fi.Mode().Perm())
	}
	return checkOwner(fi)
}

// Results returns the results stored under key by an earlier cell of the
// session; the first time, it calls run and stores what it returns. key names
// the computation (letters, digits, '.', '_' and '-'); change it when the
// computation changes. A key that cannot be stored or read is an error, and
// so is any error of run or of CacheDir.
func Results(key string, run func() ([]sim.Result, error)) ([]sim.Result, error) {
	if !keyPattern.MatchString(key) {
		return nil, fmt.Errorf("kernel.Results: key %q: want 1 to 100 letters, digits, '.', '_' or '-'", key)
	}
	dir, err := CacheDir()
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, "cimkit-results-"+key+".json")
	if data, err := os.ReadFile(path); err == nil {
		rs, err := sim.ReadJSON(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("kernel.Results: reading %s: %w", path, err)
		}
		return rs, nil
	}
	rs, err := run()
	if err != nil {
		return nil, err
	}
	if err := store(dir, path, rs); err != nil {
		return nil, fmt.Errorf("kernel.Results: %w", err)
	}
	return rs, nil
}

// store writes rs to path through a new temporary file of dir (readable by
// the user alone), renamed over path once complete.
func store(dir, path string, rs []sim.Result) error {
	var buf bytes.Buffer
	if err := sim.WriteJSON(&buf, rs); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	_, err = f.Write(buf.Bytes())
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// Key returns a Results key for a computation named name with the given
// configuration: name, a dash and a short hash of the configuration's Go
// syntax (%#v). A cell that builds its key this way gets new results when
// its configuration changes instead of the cached results of another one.
// The configuration should be plain data (a func prints as its address).
// name must itself be a valid key.
func Key(name string, config ...any) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("%#v", config)))
	return fmt.Sprintf("%s-%x", name, sum[:6])
}
