package main

import (
	"io"
	"strings"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/sim"
)

// Results files say what they were simulated on: a CSV of sim, net or
// sweep opens with '#' lines (sim.WritePreamble) holding the command line,
// the chip as arch JSON, the simulator's options and the technology, so
// that two runs with different --arch or --tech files can be told apart.
// Every reader of results skips them (sim.SkipPreamble, plot --in). JSON
// output has no place for them.

// commandLine returns the command as it could be typed again: "cimkit",
// the command's name and its arguments, each quoted for a POSIX shell
// where it needs it.
func commandLine(name string, args []string) string {
	parts := []string{"cimkit", name}
	for _, a := range args {
		parts = append(parts, shellQuote(a))
	}
	return strings.Join(parts, " ")
}

// shellQuote returns s as is when a shell reads it as one word unchanged,
// else in single quotes.
func shellQuote(s string) string {
	plain := func(r rune) bool {
		return r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=,:@+%", r))
	}
	if s != "" && strings.IndexFunc(s, func(r rune) bool { return !plain(r) }) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// runPreamble is the preamble of results of command name with args, run
// on chip a with options opt.
func runPreamble(name string, args []string, a arch.Arch, opt sim.Options) []string {
	return append([]string{commandLine(name, args)}, sim.Preamble(a, opt)...)
}

// writePreamble writes the preamble lines when format is CSV.
func writePreamble(w io.Writer, format string, lines []string) error {
	if format != formatCSV {
		return nil
	}
	return sim.WritePreamble(w, lines...)
}
