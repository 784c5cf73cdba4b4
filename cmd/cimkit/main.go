// Command cimkit maps CNNs onto multi-core RRAM compute-in-memory chips,
// compiles per-core programs, verifies and simulates them, and reports the
// results as tables and figures.
//
// Usage:
//
//	cimkit COMMAND [flags]
//
// Run "cimkit help" for the list of commands and "cimkit help COMMAND" for
// one command's flags. Usage errors exit with status 2, failed checks with
// status 1, an interrupted command (Ctrl-C) with 130.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
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

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes one invocation and returns the exit status (see shared.go).
// "cimkit", "cimkit help" and "cimkit -h" list the commands; "cimkit help
// CMD" is "cimkit CMD -h".
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		printUsage(stderr)
		return exitUsage
	}
	if args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) == 1 || args[0] != "help" {
			printUsage(stdout)
			return exitOK
		}
		if len(args) > 2 {
			fmt.Fprintf(stderr, "cimkit help: want one command, got %q\n", args[1:])
			return exitUsage
		}
		args = []string{args[1], "-h"}
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "cimkit: unknown command %s (\"cimkit help\" lists the commands)\n", termSafe(strconv.Quote(args[0])))
		return exitUsage
	}
	err := c.run(args[1:], stdout, stderr)
	var ue usageError
	var help helpRequest
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &help):
		printHelp(stdout, c, help.fs)
		return exitOK
	case errors.Is(err, context.Canceled):
		fmt.Fprintf(stderr, "cimkit %s: interrupted\n", c.name)
		return exitInterrupted
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "cimkit %s: %s\n", c.name, message(c.name, err))
		return exitUsage
	default:
		fmt.Fprintf(stderr, "cimkit %s: %s\n", c.name, message(c.name, err))
		return exitFailed
	}
}

// message is err's text for "cimkit NAME: ...": control characters
// escaped, and without a leading "NAME: " that a package of the same name
// put there ("cimkit sweep: sweep: ..." reads as a stutter).
func message(name string, err error) string {
	return termSafe(strings.TrimPrefix(err.Error(), name+": "))
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
	fmt.Fprintln(w, "\nRun \"cimkit help COMMAND\" (or \"cimkit COMMAND -h\") for a command's flags.")
	fmt.Fprintln(w, "Exit status: 0 done, 1 failed, 2 usage error, 130 interrupted.")
}
