package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Every command's -h prints its help on stdout and exits 0; "cimkit help
// CMD" prints the same.
func TestHelpEveryCommand(t *testing.T) {
	for name, c := range commands {
		for _, args := range [][]string{{name, "-h"}, {name, "--help"}, {"help", name}} {
			code, out, errs := cimkit(args...)
			if code != 0 || errs != "" || !strings.HasPrefix(out, "usage: cimkit "+name+" [flags]\n\n"+c.summary) ||
				!strings.Contains(out, "\nflags:\n") {
				t.Errorf("%v: exit %d, stderr %q, stdout %.200q", args, code, errs, out)
			}
		}
	}
	code, out, _ := cimkit("help")
	if code != 0 || !strings.Contains(out, "sim ") || !strings.Contains(out, "cimkit help COMMAND") {
		t.Errorf("cimkit help: exit %d\n%s", code, out)
	}
	if code, out, errs := cimkit(); code != 2 || out != "" || !strings.Contains(errs, "usage: cimkit") {
		t.Errorf("cimkit alone: exit %d, stdout %q", code, out)
	}
	for _, args := range [][]string{{"help", "nope"}, {"help", "sim", "map"}, {"nope"}} {
		if code, _, errs := cimkit(args...); code != 2 || errs == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
	}
}

// A bad flag is reported once, in one line, naming the flag (the flag
// package's own message and flag list are not printed as well).
func TestFlagErrorPrintsOnce(t *testing.T) {
	code, out, errs := cimkit("sim", "--bogus")
	want := "cimkit sim: flag provided but not defined: -bogus (\"cimkit sim -h\" lists the flags)\n"
	if code != 2 || out != "" || errs != want {
		t.Errorf("exit %d, stdout %q, stderr %q; want %q", code, out, errs, want)
	}
}

// Control characters from files never reach the terminal raw: a table cell
// with an ANSI escape, a tab or a newline is escaped (and the table keeps
// its columns), and so is an error message.
func TestTerminalEscapes(t *testing.T) {
	for in, want := range map[string]string{
		"conv1":              "conv1",
		"conv\x1b[2J":        `conv\x1b[2J`,
		"a\tb":               `a\tb`,
		"two\nlines":         `two\nlines`,
		"bidi\u202eevil":     `bidi\u202eevil`,
		"bad\xffutf8":        `bad\xffutf8`,
		"ünïcode and spaces": "ünïcode and spaces",
	} {
		if got := escape(in); got != want {
			t.Errorf("escape(%q) = %q, want %q", in, got, want)
		}
	}
	if got := termSafe("line one\nline \x1b[31mtwo"); got != "line one\nline \\x1b[31mtwo" {
		t.Errorf("termSafe: %q", got)
	}
	var b strings.Builder
	if err := emit(&b, formatTable, []string{"layer", "n"}, [][]string{{"x\n\x1b[31my", "1"}, {"z", "2"}}, nil); err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(b.String()), "\n"); len(lines) != 3 || strings.ContainsRune(b.String(), 0x1b) {
		t.Errorf("table:\n%s", b.String())
	}
}

func TestCheckOutDirAndFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := checkOutDir("--out", filepath.Join(dir, "a", "b")); err != nil {
		t.Errorf("new nested folder: %v", err)
	}
	if st, err := os.Stat(filepath.Join(dir, "a", "b")); err != nil || !st.IsDir() {
		t.Errorf("folder not created: %v", err)
	}
	if err := checkOutFile("--out", filepath.Join(dir, "new.csv")); err != nil {
		t.Errorf("new file: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "new.csv")); !os.IsNotExist(err) {
		t.Errorf("checkOutFile created the file: %v", err)
	}
	if err := checkOutFile("--out", file); err != nil {
		t.Errorf("existing file: %v", err)
	}
	if data, _ := os.ReadFile(file); string(data) != "x" {
		t.Errorf("checkOutFile changed the file: %q", data)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("probe files left behind: %v", entries)
	}
	for _, c := range []struct {
		err  error
		want string
	}{
		{checkOutDir("--out", file), "not a folder"},
		{checkOutDir("--out", filepath.Join(file, "sub")), "--out"},
		{checkOutDir("--out", ""), "empty"},
		{checkOutFile("--out", dir), "is a folder"},
		{checkOutFile("--out", filepath.Join(dir, "missing", "x.csv")), "does not exist"},
	} {
		var ue usageError
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) || !errors.As(c.err, &ue) {
			t.Errorf("got %v, want a usage error with %q", c.err, c.want)
		}
	}
	if os.Geteuid() != 0 { // root writes anywhere
		ro := filepath.Join(dir, "ro")
		os.Mkdir(ro, 0o555)
		if err := checkOutDir("--out", ro); err == nil || !strings.Contains(err.Error(), "cannot create files") {
			t.Errorf("read-only folder: %v", err)
		}
	}
}

// An error that wraps context.Canceled is an interruption: "interrupted",
// status 130.
func TestInterruptedExit(t *testing.T) {
	register(command{name: "test-interrupt", summary: "returns a cancelled context's error",
		run: func([]string, io.Writer, io.Writer) error { return fmt.Errorf("sweep: %w", context.Canceled) }})
	defer delete(commands, "test-interrupt")
	if code, out, errs := cimkit("test-interrupt"); code != 130 || out != "" || errs != "cimkit test-interrupt: interrupted\n" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

// Issue 12 item 11: a sweep stopped with Ctrl-C says "interrupted" (as the
// report did) and exits 130. The test runs the tool in a child process
// (this test binary, see TestMain) and sends it SIGINT once the sweep has
// begun.
func TestSweepInterrupted(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a child process")
	}
	cmd := exec.Command(os.Args[0], "sweep", "--models", "resnet18,mobilenet_v1", "--xbar", "16,32", "--workers", "1")
	cmd.Env = append(os.Environ(), "CIMKIT_TEST_MAIN=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(stderr)
	first, err := br.ReadString('\n') // the first progress line: the sweep runs
	if err != nil || !strings.HasPrefix(first, "cimkit sweep: ") {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("first line %q, %v", first, err)
	}
	cmd.Process.Signal(os.Interrupt)
	// Wait closes the pipe, so it may only run once everything has been
	// read: the reader ends at the child's exit (EOF) or the timeout kills it.
	timer := time.AfterFunc(60*time.Second, func() { cmd.Process.Kill() })
	rest, _ := io.ReadAll(br)
	stopped := timer.Stop()
	cmd.Wait()
	if !stopped {
		t.Fatal("sweep did not stop within 60 s of SIGINT")
	}
	if code := cmd.ProcessState.ExitCode(); code != 130 || !strings.HasSuffix(string(rest), "cimkit sweep: interrupted\n") {
		t.Errorf("exit %d, stderr after the signal %q", code, rest)
	}
}
