package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// progress shows how far a long command has got, on stderr. On a terminal
// it redraws one line,
//
//	sweep [#########.....................]  30% 90/300  12s elapsed, ~28s left
//
// at most ten times a second. Elsewhere (logs, CI) it prints "sweep: 30%
// (90/300)" every 10% when made with plain lines, and nothing otherwise. A
// nil *progress does nothing, so that --quiet is a nil bar. update may be
// called from several goroutines.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	label string
	tty   bool // redraw a bar in place
	plain bool // off a terminal: a line every 10%
	last  int  // last percentage printed as a line (-1: none yet)
	drawn time.Time
	start time.Time
}

// newProgress returns a progress display on w named label. plain asks for
// a line every 10% when w is not a terminal (sweep, report); without it the
// display only shows on a terminal (commands whose output is a table).
func newProgress(w io.Writer, label string, plain bool) *progress {
	return &progress{w: w, label: label, tty: isTerminal(w), plain: plain, last: -1, start: time.Now()}
}

// isTerminal reports whether w is a character device such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// update shows that done of total units of work are finished.
func (p *progress) update(done, total int) {
	if p == nil || total <= 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	done = min(max(done, 0), total)
	pct := 100 * done / total
	if p.tty {
		now := time.Now()
		if done < total && now.Sub(p.drawn) < 100*time.Millisecond {
			return
		}
		p.drawn = now
		const width = 30
		n := width * done / total
		el := now.Sub(p.start)
		eta := time.Duration(float64(el) * float64(total-done) / float64(max(done, 1)))
		fmt.Fprintf(p.w, "\r%s [%s%s] %3d%% %d/%d  %s elapsed, ~%s left ", p.label, strings.Repeat("#", n),
			strings.Repeat(".", width-n), pct, done, total, el.Round(time.Second), eta.Round(time.Second))
		return
	}
	if p.plain && (p.last < 0 || pct/10 > p.last/10) {
		fmt.Fprintf(p.w, "%s: %d%% (%d/%d)\n", p.label, pct, done, total)
		p.last = pct
	}
}

// finish ends the bar's line on a terminal (so that what follows starts on
// a new line).
func (p *progress) finish() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty && !p.drawn.IsZero() {
		fmt.Fprintln(p.w)
		p.drawn = time.Time{}
	}
}
