package main

import "bytes"

// cimkit runs the tool in-process and returns its exit status and output.
func cimkit(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}
