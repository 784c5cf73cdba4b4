package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// checkOutDir prepares the output folder dir given by flag (e.g. "--out")
// before any work starts: it creates the folder with its parents when
// missing and checks that files can be created in it. Problems are usage
// errors naming the flag, so that a long run cannot fail at its end for a
// folder it could never write.
func checkOutDir(flag, dir string) error {
	if dir == "" {
		return usagef("%s: empty folder name", flag)
	}
	st, err := os.Stat(dir)
	switch {
	case err == nil && !st.IsDir():
		return usagef("%s %s: not a folder", flag, dir)
	case os.IsNotExist(err):
		err = os.MkdirAll(dir, 0o755)
	}
	if err != nil {
		return usagef("%s %s: %v", flag, dir, pathErr(err))
	}
	return probeWrite(flag, dir)
}

// checkOutFile checks, before any work starts, that file (given by flag)
// can be written: its folder exists and takes new files, and the file, if
// it exists, is not a folder and opens for writing. The file itself is not
// created or truncated. Problems are usage errors naming the flag.
func checkOutFile(flag, file string) error {
	if file == "" {
		return usagef("%s: empty file name", flag)
	}
	st, err := os.Stat(file)
	switch {
	case err == nil && st.IsDir():
		return usagef("%s %s: is a folder, want a file", flag, file)
	case err == nil && st.Mode().IsRegular():
		f, err := os.OpenFile(file, os.O_WRONLY, 0)
		if err != nil {
			return usagef("%s %s: %v", flag, file, pathErr(err))
		}
		return f.Close()
	case err == nil:
		return nil // a device such as /dev/stdout, or a pipe: written as it is
	case !os.IsNotExist(err):
		return usagef("%s %s: %v", flag, file, pathErr(err))
	}
	dir := filepath.Dir(file)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return usagef("%s %s: folder %s does not exist", flag, file, dir)
	}
	return probeWrite(flag, dir)
}

// probeWrite creates and removes a temporary file in dir.
func probeWrite(flag, dir string) error {
	f, err := os.CreateTemp(dir, ".cimkit-write-check-*")
	if err != nil {
		return usagef("%s %s: cannot create files there: %v", flag, dir, pathErr(err))
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

// pathErr drops the operation and path of a *fs.PathError (the caller
// names the path already): "permission denied" instead of "open x:
// permission denied".
func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// createFile creates (or truncates) file for writing, naming flag and file
// in its error.
func createFile(flag, file string) (*os.File, error) {
	f, err := os.Create(file)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %v", flag, file, pathErr(err))
	}
	return f, nil
}

// openInput opens the input file given by flag. A missing file or a folder
// is a usage error naming the flag; other problems (permissions) are
// errors naming the file.
func openInput(flag, file string) (*os.File, error) {
	if file == "" {
		return nil, usagef("%s: empty file name", flag)
	}
	f, err := os.Open(file)
	switch {
	case os.IsNotExist(err):
		return nil, usagef("%s %s: no such file", flag, file)
	case err != nil:
		return nil, fmt.Errorf("%s %s: %v", flag, file, pathErr(err))
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		f.Close()
		return nil, usagef("%s %s: is a folder, want a file", flag, file)
	}
	return f, nil
}
