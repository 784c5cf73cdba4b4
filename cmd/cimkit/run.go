package main

// run.go is the main job (make run): the paper's evaluation reproduced with
// the default configuration, written to ./report. It takes the flags of
// "cimkit report".

func init() {
	register(command{
		name:    "run",
		summary: "the main job: reproduce the paper's evaluation into ./report (flags as report)",
		run:     reportCommand("run"),
	})
}
