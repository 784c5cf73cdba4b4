package playground

import (
	"fmt"
	"html"
	"image/color"
	"strings"

	"github.com/cimkit/cimkit/cim/sim"
	"github.com/cimkit/cimkit/plots"
)

// Timeline geometry, in SVG user units (CSS pixels): the page shows the
// SVG at its own size, so text stays at the font size below on any screen.
const (
	tlFont     = 11  // font size of every label
	tlLeft     = 56  // room for the core labels
	tlRight    = 12  // room for the last tick label
	tlRow      = 16  // largest height of one core's row (two lanes)
	tlRows     = 320 // height shared by the rows when there are many cores
	tlKeyLine  = 16  // height of one line of the key
	tlBottom   = 36  // room for the time axis
	tlMinWidth = 300 // narrowest drawing accepted (a phone)
	tlMaxWidth = 1200
	tlDefWidth = 960 // width when the request gives none
)

// timeline gathers, while a layer runs (sim.Options.OnSpan), how long each
// of the first rows cores spends in each activity within each pixel column
// of the window [from, to): the drawing needs no trace, so any window of a
// run of any length costs the same memory.
type timeline struct {
	from, to int64
	rows     int // cores drawn
	cols     int // pixel columns
	acc      []int64
}

// kinds are the activities of a timeline: plots' span kinds, with their
// names and colours, so that the page's timeline and the notebooks' agree.
var kinds = plots.SpanKinds()

func newTimeline(from, to int64, rows, cols int) *timeline {
	cols = int(min(int64(cols), to-from))
	return &timeline{from: from, to: to, rows: rows, cols: cols, acc: make([]int64, rows*cols*len(kinds))}
}

// colStart is the first cycle of pixel column x.
func (t *timeline) colStart(x int) int64 {
	return t.from + int64(x)*(t.to-t.from)/int64(t.cols)
}

// add counts span s into the columns it overlaps.
func (t *timeline) add(s sim.Span) {
	if int(s.Core) >= t.rows || s.End <= t.from || s.Start >= t.to {
		return
	}
	k := int(plots.KindOf(s.Class))
	base := int(s.Core) * t.cols * len(kinds)
	x := int((max(s.Start, t.from) - t.from) * int64(t.cols) / (t.to - t.from))
	for ; x < t.cols && t.colStart(x) < s.End; x++ {
		lo, hi := max(s.Start, t.colStart(x)), min(s.End, t.colStart(x+1))
		if hi > lo {
			t.acc[base+x*len(kinds)+k] += hi - lo
		}
	}
}

// dominant returns the kind that takes most of core's time in column x
// within a lane (the crossbar lane holds MVMs and row writes, the control
// lane the rest), or -1 when the lane is idle there. Ties go to the kind
// listed first.
func (t *timeline) dominant(core, x int, crossbar bool) int {
	best, bi := int64(0), -1
	for i, k := range kinds {
		if k.Crossbar() != crossbar {
			continue
		}
		if v := t.acc[(core*t.cols+x)*len(kinds)+i]; v > best {
			best, bi = v, i
		}
	}
	return bi
}

// svg draws the timeline width pixels wide: one row per core, each with a
// control lane (bus transfers, waits, digital ops) above its crossbar lane
// (MVMs, which overlap the wait and the partial-sum load that follow
// them), as plots.Timeline draws them. Each pixel column of a lane shows the
// activity that takes most of its time. title becomes the SVG's <title>.
func (t *timeline) svg(width int, title string) string {
	draw := width - tlLeft - tlRight
	px := float64(draw) / float64(t.cols)
	var key strings.Builder
	keyLines := timelineKey(&key, width, t.shown())
	top := keyLines*tlKeyLine + 8
	row := max(6, min(tlRow, tlRows/t.rows))
	every := (tlFont + 3 + row - 1) / row // label every core, or every few when rows are thin
	h := top + t.rows*row + tlBottom
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="Liberation Sans, Arial, sans-serif" font-size="%d">`,
		width, h, width, h, tlFont)
	fmt.Fprintf(&b, `<title>%s</title><rect width="100%%" height="100%%" fill="#fff"/>`, html.EscapeString(title))
	b.WriteString(key.String())
	for core := 0; core < t.rows; core += every {
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" fill="#333" dominant-baseline="middle">core %d</text>`, tlLeft-6, top+core*row+row/2, core)
	}
	half := row / 2
	for core := range t.rows {
		for _, crossbar := range []bool{false, true} {
			y := top + core*row + 1
			if crossbar {
				y += half
			}
			for x0 := 0; x0 < t.cols; {
				k := t.dominant(core, x0, crossbar)
				x1 := x0 + 1
				for x1 < t.cols && t.dominant(core, x1, crossbar) == k {
					x1++
				}
				if k >= 0 {
					fmt.Fprintf(&b, `<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"/>`,
						float64(tlLeft)+float64(x0)*px, y, float64(x1-x0)*px, half-1, hexColor(kinds[k].Color()))
				}
				x0 = x1
			}
		}
	}
	t.axis(&b, top+t.rows*row, draw)
	b.WriteString(`</svg>`)
	return b.String()
}

// hexColor writes c as #rrggbb.
func hexColor(c color.Color) string {
	r, g, b, _ := c.RGBA()
	return fmt.Sprintf("#%02x%02x%02x", r>>8, g>>8, b>>8)
}

// shown reports, for each kind, whether any core drawn spends time in it.
func (t *timeline) shown() []bool {
	out := make([]bool, len(kinds))
	for i, v := range t.acc {
		if v > 0 {
			out[i%len(kinds)] = true
		}
	}
	return out
}

// timelineKey writes the key (a swatch and a name per kind), wrapping it
// into lines that fit width, and returns the number of lines. Like
// plots.Timeline's, it names crossbar writes only when shown says the
// timeline has some.
func timelineKey(b *strings.Builder, width int, shown []bool) int {
	x, line := tlLeft, 0
	for i, k := range kinds {
		if k == plots.Reprogram && !shown[i] {
			continue
		}
		w := 18 + tlFont*len(k.String())*55/100 + 14 // swatch, name at ~0.55 em per letter, gap
		if x+w > width && x > tlLeft {
			x, line = tlLeft, line+1
		}
		y := 6 + line*tlKeyLine
		fmt.Fprintf(b, `<rect x="%d" y="%d" width="11" height="11" fill="%s"/><text x="%d" y="%d" fill="#333">%s</text>`,
			x, y, hexColor(k.Color()), x+15, y+10, html.EscapeString(k.String()))
		x += w
	}
	return line + 1
}

// axis draws the time axis under the rows, in cycles, with at most one
// tick label per 70 pixels.
func (t *timeline) axis(b *strings.Builder, y, draw int) {
	fmt.Fprintf(b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#333"/>`, tlLeft, y+2, tlLeft+draw, y+2)
	span := t.to - t.from
	step := niceStep(span, max(2, draw/70))
	for v := (t.from + step - 1) / step * step; v <= t.to; v += step {
		x := float64(tlLeft) + float64(v-t.from)*float64(draw)/float64(span)
		fmt.Fprintf(b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#333"/><text x="%.1f" y="%d" text-anchor="middle" fill="#333">%s</text>`,
			x, y+2, x, y+6, x, y+18, cycles(v))
	}
	fmt.Fprintf(b, `<text x="%d" y="%d" text-anchor="middle" fill="#333">time (cycles)</text>`, tlLeft+draw/2, y+32)
}

// niceStep returns a 1, 2 or 5 times a power of ten that cuts span into at
// most ticks steps.
func niceStep(span int64, ticks int) int64 {
	step := int64(1)
	for {
		for _, m := range []int64{1, 2, 5} {
			if span/(step*m) <= int64(ticks) {
				return step * m
			}
		}
		step *= 10
	}
}

// cycles writes a tick value short: 950, 20k, 1.5M.
func cycles(v int64) string {
	switch {
	case v >= 1e6 && v%1e5 == 0:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", float64(v)/1e6), ".0") + "M"
	case v >= 1000 && v%100 == 0:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", float64(v)/1e3), ".0") + "k"
	}
	return fmt.Sprint(v)
}
