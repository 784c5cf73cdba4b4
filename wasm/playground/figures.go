package playground

import (
	"bytes"
	"fmt"
	"html"
	"strings"

	"github.com/go-gota/gota/dataframe"

	"github.com/cimkit/cimkit/cim/sim"
	"github.com/cimkit/cimkit/plots"
)

// Figure is one figure of the page, as SVG.
type Figure struct {
	Name  string `json:"name"`  // speedup, overhead, memory or efficiency
	Title string `json:"title"` // heading for the page
	SVG   string `json:"svg"`
}

// figureKinds are the figures "figure" draws from a list of Results.
var figureKinds = []struct {
	name, title string
	draw        func(dataframe.DataFrame, plots.Select) (*plots.Figure, error)
	pinBus      bool // the figure shows one bus width
}{
	{"speedup", "Speedup per layer next to its limit PV", plots.Speedup, true},
	{"overhead", "Synchronisation traffic per layer", plots.Overhead, true},
	{"memory", "Memory per layer: shared regions, sequence registers and PUMA-style attributes", plots.Memory, true},
	{"efficiency", "Efficiency against the cores a layer uses, per bus width", plots.Efficiency, false},
}

// drawFigure draws the named figure of rows for configuration c at the
// width of two paper columns.
func drawFigure(name string, rows []sim.Result, c *config) (*Figure, error) {
	for _, k := range figureKinds {
		if k.name != name {
			continue
		}
		sel := plots.Select{Model: c.net.Name, Scheme: string(c.scheme), Xbar: c.arch.XbarRows, Cores: c.arch.Cores}
		if k.pinBus {
			sel.Bus = c.arch.BusBytes
		}
		fig, err := k.draw(sim.DataFrame(rows), sel)
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		if err := fig.WriteSVG(&buf, plots.TwoColumn.Width); err != nil {
			return nil, err
		}
		return &Figure{Name: k.name, Title: k.title, SVG: buf.String()}, nil
	}
	names := make([]string, len(figureKinds))
	for i, k := range figureKinds {
		names[i] = k.name
	}
	return nil, fieldErr("figure", "figure %q: want one of %s", name, strings.Join(names, ", "))
}

// figure answers "figure": req.Figure drawn from req.Rows.
func figure(req Request) (*Figure, error) {
	c, err := parse(req)
	if err != nil {
		return nil, err
	}
	if len(req.Rows) == 0 {
		return nil, fmt.Errorf("figure %q: no results to draw", req.Figure)
	}
	return drawFigure(req.Figure, req.Rows, c)
}

// Timeline geometry, in SVG user units (pixels).
const (
	tlLeft   = 62  // room for the core labels
	tlWidth  = 900 // drawing width
	tlRow    = 14  // largest height of one core's row
	tlRows   = 320 // height shared by the rows when there are many cores
	tlTop    = 26  // room for the key
	tlBottom = 34  // room for the time axis
)

// timelineClasses are the span classes in key order, with their colours
// (Okabe-Ito) and labels.
var timelineClasses = []struct {
	class sim.Class
	color string
	label string
}{
	{sim.ClassMVM, "#0072b2", "MVM"},
	{sim.ClassMOV, "#009e73", "digital op"},
	{sim.ClassLoad, "#56b4e9", "load"},
	{sim.ClassStore, "#e69f00", "store"},
	{sim.ClassCall, "#cc79a7", "call (sync)"},
	{sim.ClassWait, "#d55e00", "wait for ownership"},
	{sim.ClassBusWait, "#bbbbbb", "wait for bus"},
}

// timelineSVG draws the first rows cores of a traced run: one row per core,
// one colour per activity. Each pixel column shows the activity that takes
// most of its time, so the SVG stays small (at most one rectangle per pixel
// and core) and faithful for any layer.
func timelineSVG(t *sim.Timing, rows int) string {
	n := min(len(t.Cores), rows)
	if n == 0 || t.Cycles == 0 {
		return ""
	}
	row := max(5, min(tlRow, tlRows/n))
	every := (11 + row - 1) / row // label every core, or every few when rows are thin
	h := tlTop + n*row + tlBottom
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="Liberation Sans, Arial, sans-serif" font-size="11">`,
		tlLeft+tlWidth+10, h, tlLeft+tlWidth+10, h)
	b.WriteString(`<rect width="100%" height="100%" fill="#fff"/>`)
	timelineKey(&b)
	for core := 0; core < n; core += every {
		y := tlTop + core*row
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" fill="#333" dominant-baseline="middle">core %d</text>`, tlLeft-6, y+row/2, core)
	}
	width := int(min(int64(tlWidth), t.Cycles))
	px := float64(tlWidth) / float64(width)
	cols := dominant(t.Trace, n, t.Cycles, width)
	for core, line := range cols {
		for x0 := 0; x0 < len(line); {
			x1 := x0 + 1
			for x1 < len(line) && line[x1] == line[x0] {
				x1++
			}
			if i := line[x0]; i >= 0 {
				fmt.Fprintf(&b, `<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"/>`,
					float64(tlLeft)+float64(x0)*px, tlTop+core*row+1, float64(x1-x0)*px, row-2, timelineClasses[i].color)
			}
			x0 = x1
		}
	}
	timelineAxis(&b, t.Cycles, tlTop+n*row)
	b.WriteString(`</svg>`)
	return b.String()
}

// dominant returns, for cores 0..n-1 and each of width pixel columns
// covering cycles 0..total (width <= total), the index in timelineClasses of the activity
// that takes most of the column's time (-1 for none). Ties go to the class
// listed first.
func dominant(spans []sim.Span, n int, total int64, width int) [][]int {
	k := len(timelineClasses)
	index := map[sim.Class]int{}
	for i, c := range timelineClasses {
		index[c.class] = i
	}
	acc := make([]int64, n*width*k)
	for _, s := range spans {
		ci, ok := index[s.Class]
		if !ok || int(s.Core) >= n || s.End <= s.Start {
			continue
		}
		base := int(s.Core) * width * k
		for x := pixel(s.Start, total, width); x < width && colStart(x, total, width) < s.End; x++ {
			lo, hi := max(s.Start, colStart(x, total, width)), min(s.End, colStart(x+1, total, width))
			acc[base+x*k+ci] += max(hi-lo, 0)
		}
	}
	out := make([][]int, n)
	for c := range out {
		out[c] = make([]int, width)
		for x := range out[c] {
			best, bi := int64(0), -1
			for i := 0; i < k; i++ {
				if v := acc[(c*width+x)*k+i]; v > best {
					best, bi = v, i
				}
			}
			out[c][x] = bi
		}
	}
	return out
}

// colStart is the first cycle of pixel column x.
func colStart(x int, total int64, width int) int64 {
	return int64(x) * total / int64(width)
}

// pixel is the column that holds cycle t.
func pixel(t, total int64, width int) int {
	x := int(t * int64(width) / total)
	for x > 0 && colStart(x, total, width) > t {
		x--
	}
	for x+1 < width && colStart(x+1, total, width) <= t {
		x++
	}
	return min(x, width-1)
}

func timelineKey(b *strings.Builder) {
	x := tlLeft
	for _, cl := range timelineClasses {
		fmt.Fprintf(b, `<rect x="%d" y="6" width="10" height="10" fill="%s"/><text x="%d" y="15" fill="#333">%s</text>`,
			x, cl.color, x+14, html.EscapeString(cl.label))
		x += 24 + 7*len(cl.label)
	}
}

// timelineAxis draws the time axis under the rows, in cycles.
func timelineAxis(b *strings.Builder, cycles int64, y int) {
	fmt.Fprintf(b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#333"/>`, tlLeft, y+2, tlLeft+tlWidth, y+2)
	step := niceStep(cycles)
	for v := int64(0); v <= cycles; v += step {
		x := float64(tlLeft) + float64(v)*float64(tlWidth)/float64(cycles)
		fmt.Fprintf(b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#333"/><text x="%.1f" y="%d" text-anchor="middle" fill="#333">%d</text>`,
			x, y+2, x, y+6, x, y+18, v)
	}
	fmt.Fprintf(b, `<text x="%d" y="%d" text-anchor="middle" fill="#333">time (cycles)</text>`, tlLeft+tlWidth/2, y+31)
}

// niceStep returns a 1, 2 or 5 times a power of ten that cuts cycles into
// at most 10 ticks.
func niceStep(cycles int64) int64 {
	step := int64(1)
	for {
		for _, m := range []int64{1, 2, 5} {
			if cycles/(step*m) <= 10 {
				return step * m
			}
		}
		step *= 10
	}
}
