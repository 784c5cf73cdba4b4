package main

// Shared pieces for every command: use them in new commands too.
//
//   - Exit status (run in main.go): return usagef(...) for a usage error
//     (exit 2); any other error fails the command (exit 1); an error that
//     wraps context.Canceled, as a command run under interruptContext
//     returns after Ctrl-C, prints "interrupted" and exits 130. run prints
//     the error once, as "cimkit CMD: message", control characters escaped.
//   - Flags: newFlagSet and parseFlags. "-h" (and "cimkit help CMD") prints
//     the command's help on stdout and exits 0; a bad flag prints one line
//     and exits 2. flagGiven tells a flag given on the command line from its
//     default.
//   - Progress (progress.go): newProgress draws a bar on a terminal (and,
//     if asked, a line per 10% elsewhere); a nil *progress does nothing.
//   - Files (files.go): openInput opens an input file (missing: a usage
//     error); checkOutDir and checkOutFile check an --out folder or file
//     (created, writable) before the work starts. Write inside a folder
//     through os.OpenRoot, and name files that come from data with
//     safename.Base (internal/safename).
//   - Chip (chip.go): archFlags (--arch, --xbar, --cores) and chipFlags
//     (--arch, --tech, --interconnect, --arbiter, --blocking-mvm) build the
//     chip; --arch files are read by loadArch.
//   - Terminal text (format.go): emit escapes control characters in table
//     cells; termSafe escapes any text from files before it is printed.

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// usageError marks an error caused by how the tool was called; it exits 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// usagef returns a usage error (exit status 2).
func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

// Exit statuses of run.
const (
	exitOK          = 0
	exitFailed      = 1   // the command ran and failed (a check, a simulation, a file)
	exitUsage       = 2   // bad flags or arguments
	exitInterrupted = 130 // stopped by Ctrl-C (128 + SIGINT), as shells report it
)

// helpRequest is returned by parseFlags for -h or --help: run prints the
// command's help on stdout and exits 0.
type helpRequest struct{ fs *flag.FlagSet }

func (helpRequest) Error() string { return "help requested" }

// newFlagSet returns the flag set of command name. Parse errors and -h come
// back from parseFlags as errors, never exit, and are printed once by run
// (the flag package's own messages are discarded, so stderr is not written;
// it stays a parameter so that every command starts alike).
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parseFlags parses args into fs and rejects positional arguments; every
// problem is a usage error, and -h or --help a helpRequest.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return helpRequest{fs}
		}
		return usagef("%v (\"cimkit %s -h\" lists the flags)", err, fs.Name())
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q (\"cimkit %s -h\" lists the flags)", fs.Arg(0), fs.Name())
	}
	return nil
}

// flagGiven reports whether flag name was set on the command line parsed
// into fs (as opposed to keeping its default).
func flagGiven(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}

// printHelp writes command c's help: usage line, summary and flags.
func printHelp(w io.Writer, c command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "usage: cimkit %s [flags]\n\n%s\n\nflags:\n", c.name, c.summary)
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}

// interruptContext returns a context cancelled by Ctrl-C or SIGTERM, for
// commands that can stop early; a command that returns the context's error
// exits "interrupted" (status 130).
func interruptContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}
