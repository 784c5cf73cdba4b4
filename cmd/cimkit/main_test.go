package main

import (
	"bytes"
	"os"
	"testing"
)

// TestMain runs the tool itself when CIMKIT_TEST_MAIN is set, so that
// tests can start it as a child process (signals, exit statuses).
func TestMain(m *testing.M) {
	if os.Getenv("CIMKIT_TEST_MAIN") == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// cimkit runs the tool in-process and returns its exit status and output.
func cimkit(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}
