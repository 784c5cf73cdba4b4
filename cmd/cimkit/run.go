package main

import (
	"flag"
	"io"
)

// run.go is the main job (make run): the paper's evaluation reproduced with
// the default configuration, written to ./report. It takes the flags of
// "cimkit report".

func init() {
	register(command{
		name:    "run",
		summary: "the main job: reproduce the paper's evaluation into ./report (flags as report)",
		run:     runRun,
	})
}

func runRun(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f reportFlags
	f.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return makeReport(f, stdout, stderr)
}
