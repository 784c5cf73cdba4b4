// Command cimkit maps CNNs onto multi-core RRAM compute-in-memory chips,
// compiles per-core programs, verifies and simulates them, and reports the
// results as tables and figures.
//
// Usage:
//
//	cimkit COMMAND [flags]
//
// Run "cimkit help" for the list of commands. Usage errors exit with status 2,
// failed checks with status 1.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
)

// command is one sub-command of the tool. Each lives in its own file and
// registers itself in init.
type command struct {
	name    string
	summary string
	run     func(args []string, stdout, stderr io.Writer) error
}

var commands = map[string]command{}

func register(c command) { commands[c.name] = c }

// usageError marks an error caused by how the tool was called; it exits 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes one invocation and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printUsage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "cimkit: unknown command %q\n", args[0])
		printUsage(stderr)
		return 2
	}
	err := c.run(args[1:], stdout, stderr)
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "cimkit %s: %v\n", c.name, err)
		return 2
	default:
		fmt.Fprintf(stderr, "cimkit %s: %v\n", c.name, err)
		return 1
	}
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: cimkit COMMAND [flags]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun \"cimkit COMMAND -h\" for a command's flags.")
}
