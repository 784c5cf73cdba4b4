package main

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

// Off a terminal, a plain display prints a line at the first update and at
// every further 10%: 20 units give 5%, 10%, 20% ... 100%.
func TestProgressPlain(t *testing.T) {
	var buf bytes.Buffer
	b := newProgress(&buf, "sweep", true)
	for i := 1; i <= 20; i++ {
		b.update(i, 20)
	}
	b.finish()
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 11 || lines[0] != "sweep: 5% (1/20)" || lines[1] != "sweep: 10% (2/20)" || lines[10] != "sweep: 100% (20/20)" {
		t.Errorf("progress lines:\n%s", buf.String())
	}
	var nilBar *progress
	nilBar.update(1, 2) // --quiet: no bar, no panic
	nilBar.finish()
}

// Without plain lines, nothing is printed off a terminal (the command's
// output is a table and stays clean).
func TestProgressTerminalOnly(t *testing.T) {
	var buf bytes.Buffer
	b := newProgress(&buf, "verify", false)
	b.update(1, 2)
	b.update(2, 2)
	b.finish()
	if buf.Len() != 0 {
		t.Errorf("printed %q off a terminal", buf.String())
	}
}

// On a terminal the bar is redrawn in place (carriage return, no newline
// until finish), throttled, and always drawn at 100%; concurrent updates
// are safe.
func TestProgressTerminal(t *testing.T) {
	var buf bytes.Buffer
	b := newProgress(&buf, "compile", false)
	b.tty = true
	var wg sync.WaitGroup
	for i := 1; i <= 100; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); b.update(i, 200) }()
	}
	wg.Wait()
	b.update(200, 200)
	b.finish()
	out := buf.String()
	frames := strings.Split(strings.TrimSuffix(out, "\n"), "\r")
	if !strings.HasSuffix(out, "\n") || strings.Count(out, "\n") != 1 || len(frames) < 3 || len(frames) > 20 {
		t.Fatalf("%d frames, output %q", len(frames), out)
	}
	last := frames[len(frames)-1]
	if !strings.HasPrefix(last, "compile [##############################] 100% 200/200") {
		t.Errorf("last frame %q", last)
	}
}

// The simulator reports MVMs from 0 in each run; mvmProgress adds the runs
// up: two runs of 40,000 MVMs reported at 16,384 and 32,768 each show
// 16384, 32768, 49152 and 65536 of 80,000, then 100% when they succeed.
func TestMVMProgress(t *testing.T) {
	var buf bytes.Buffer
	p := &mvmProgress{bar: newProgress(&buf, "cimkit sim", false), total: 80000}
	p.bar.tty = true
	var shown []string
	for _, m := range []int64{16384, 32768, 16384, 32768} {
		p.bar.drawn = time.Time{} // no throttling in the test
		p.update(m)
		frames := strings.Split(buf.String(), "\r")
		shown = append(shown, strings.Fields(frames[len(frames)-1])[4])
	}
	p.finish(nil)
	if got := strings.Join(shown, " "); got != "16384/80000 32768/80000 49152/80000 65536/80000" {
		t.Errorf("shown %s", got)
	}
	if !strings.Contains(buf.String(), "100% 80000/80000") {
		t.Errorf("no 100%% at the end: %q", buf.String())
	}
}
