package plots

import (
	"fmt"
	"math"
	"sort"

	"github.com/cimkit/cimkit/cim/sim"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

// SpanKind is what a core does during a span of a timeline.
type SpanKind int

// The activities of a core shown in a timeline.
const (
	MVM       SpanKind = iota // crossbar matrix-vector multiplication
	Transfer                  // own bus transaction (LOAD, STORE, CALL)
	WaitOwner                 // blocked in WAIT until it owns the output vector
	WaitBus                   // waiting for the bus to be granted
	Digital                   // digital-unit op (add, bias, activation)
	Reprogram                 // crossbar rows being written (PROG: a whole network reprogrammed between segments)
)

var spanNames = []string{"MVM", "bus transfer", "waiting for ownership", "waiting for the bus", "digital op", "crossbar write"}

// spanColors are fixed per kind so that timelines compare across figures.
var spanColors = []int{5, 1, 7, 4, 3, 6}

// String names the kind as in the figure key.
func (k SpanKind) String() string {
	if k < 0 || int(k) >= len(spanNames) {
		return fmt.Sprintf("SpanKind(%d)", int(k))
	}
	return spanNames[k]
}

// SpanKinds returns every kind, in the order of the timeline's key.
func SpanKinds() []SpanKind { return []SpanKind{MVM, Transfer, WaitOwner, WaitBus, Digital, Reprogram} }

// Crossbar reports whether the kind is the crossbar's own work (an MVM, or
// rows being written), which a timeline draws in a core's crossbar lane:
// it overlaps what the core does meanwhile.
func (k SpanKind) Crossbar() bool { return k == MVM || k == Reprogram }

// FromSim converts the simulator's trace into timeline spans: loads,
// stores and calls are bus transfers, WAIT is waiting for ownership, a
// pending bus request is waiting for the bus, MOV and VOP are digital ops,
// PROG is a crossbar write.
func FromSim(trace []sim.Span) []Span {
	out := make([]Span, 0, len(trace))
	for _, s := range trace {
		out = append(out, Span{Core: int(s.Core), Start: float64(s.Start), End: float64(s.End), Kind: KindOf(s.Class)})
	}
	return out
}

// KindOf is the timeline kind of a simulator span class (see [FromSim]).
func KindOf(c sim.Class) SpanKind {
	switch {
	case c == sim.ClassMVM:
		return MVM
	case c.OnBus():
		return Transfer
	case c == sim.ClassWait:
		return WaitOwner
	case c == sim.ClassBusWait:
		return WaitBus
	case c == sim.ClassProg:
		return Reprogram
	}
	return Digital
}

// Span is one activity of one core over [Start, End) cycles.
type Span struct {
	Core       int
	Start, End float64
	Kind       SpanKind
}

// checkSpans validates spans for figure fig.
func checkSpans(spans []Span, fig string) error {
	if len(spans) == 0 {
		return fmt.Errorf("%s figure: no spans", fig)
	}
	for i, s := range spans {
		switch {
		case s.Kind < 0 || int(s.Kind) >= len(spanNames):
			return fmt.Errorf("%s figure: span %d: unknown kind %d", fig, i, int(s.Kind))
		case s.Core < 0:
			return fmt.Errorf("%s figure: span %d: negative core %d", fig, i, s.Core)
		case math.IsNaN(s.Start) || math.IsNaN(s.End) || math.IsInf(s.Start, 0) || math.IsInf(s.End, 0) || s.End < s.Start:
			return fmt.Errorf("%s figure: span %d (core %d): bad interval [%v, %v)", fig, i, s.Core, s.Start, s.End)
		}
	}
	return nil
}

// TimelineOptions choose what part of a trace a timeline shows.
type TimelineOptions struct {
	Name  string  // file base name; "timeline" when empty
	Title string  // panel title, e.g. the layer and configuration
	From  float64 // first cycle shown
	To    float64 // last cycle shown; 0 = end of the trace
	Cores int     // number of cores shown (the first ones); 0 = all
}

// MaxTimelineCores bounds the number of core rows of a timeline so that the
// figure stays legible.
const MaxTimelineCores = 64

// Timeline draws a per-core Gantt chart of one layer: for each core a row of
// coloured spans (MVM, bus transfer, waiting for ownership, waiting for the
// bus) over time in cycles. Core 0 is at the top. Each core's row has two
// lanes: its crossbar (MVMs, and rows written when a whole network is
// reprogrammed) below and its control (bus transfers, waits, digital ops)
// above, since an MVM may overlap the wait and partial-sum load that follow
// it. The key names every kind but crossbar writes, which it names only
// when the window shows some.
func Timeline(spans []Span, opt TimelineOptions) (*Figure, error) {
	if err := checkSpans(spans, "timeline"); err != nil {
		return nil, err
	}
	from, to, cores := timelineWindow(spans, opt)
	if cores > MaxTimelineCores {
		return nil, fmt.Errorf("timeline figure: %d cores; show at most %d (set Cores)", cores, MaxTimelineCores)
	}
	if !(to > from) {
		return nil, fmt.Errorf("timeline figure: empty window [%v, %v] cycles", from, to)
	}
	p := newPanel(opt.Title, "time (cycles)", "core")
	p.X.Min, p.X.Max = from, to
	p.Y.Min, p.Y.Max = -0.5, float64(cores)-0.5
	p.Y.Tick.Marker = coreTicks(cores)
	name := opt.Name
	if name == "" {
		name = "timeline"
	}
	fig := &Figure{Name: name, Columns: 1, Aspect: math.Min(0.9, 0.25+0.04*float64(cores)),
		Caption: fmt.Sprintf("Per-core timeline, cycles %s to %s. %s", fmtNum(from), fmtNum(to), opt.Title)}
	byKind := make([]*rects, len(spanNames))
	for k := range byKind {
		byKind[k] = &rects{color: SpanKind(k).Color()}
	}
	for _, s := range spans {
		if s.Core >= cores || s.End < from || s.Start > to {
			continue
		}
		y := float64(cores - 1 - s.Core)
		lo, hi := y, y+0.42 // control lane: bus, waits, digital ops
		if s.Kind.Crossbar() {
			lo, hi = y-0.42, y-0.02 // crossbar lane: MVMs and row writes overlap the control lane
		}
		byKind[s.Kind].rs = append(byKind[s.Kind].rs,
			rect{math.Max(s.Start, from), math.Min(s.End, to), lo, hi})
	}
	for k, r := range byKind {
		if SpanKind(k) == Reprogram && len(r.rs) == 0 {
			continue // no reprogramming in the window: keep the key of a layer's run
		}
		p.Add(r)
		fig.AddKey(SpanKind(k).String(), r)
	}
	fig.Panels = []*plot.Plot{p}
	return fig, nil
}

// timelineWindow resolves the options against the trace.
func timelineWindow(spans []Span, opt TimelineOptions) (from, to float64, cores int) {
	maxCore, end := 0, 0.0
	for _, s := range spans {
		maxCore = max(maxCore, s.Core)
		end = math.Max(end, s.End)
	}
	from, to, cores = opt.From, opt.To, maxCore+1
	if to == 0 {
		to = end
	}
	if opt.Cores > 0 && opt.Cores < cores {
		cores = opt.Cores
	}
	return from, to, cores
}

// coreTicks labels the rows of a timeline with core numbers (core 0 at
// the top), at most about ten labels.
func coreTicks(cores int) plot.ConstantTicks {
	step := max(1, (cores+9)/10)
	var ticks plot.ConstantTicks
	for c := 0; c < cores; c++ {
		t := plot.Tick{Value: float64(cores - 1 - c)}
		if c%step == 0 {
			t.Label = fmt.Sprint(c)
		}
		ticks = append(ticks, t)
	}
	return ticks
}

// Utilization returns the share of time the bus is busy in each of bins
// equal windows of [from, to) cycles, from the Transfer spans (one bus
// transaction at a time). It returns the window centres and shares in
// [0, 1] (overlapping spans are counted once).
func Utilization(spans []Span, from, to float64, bins int) (centres, busy []float64, err error) {
	if bins < 1 {
		return nil, nil, fmt.Errorf("bus utilisation: %d bins, need at least 1", bins)
	}
	if !(to > from) {
		return nil, nil, fmt.Errorf("bus utilisation: empty window [%v, %v] cycles", from, to)
	}
	ivs := mergedTransfers(spans)
	w := (to - from) / float64(bins)
	centres = make([]float64, bins)
	busy = make([]float64, bins)
	for i := range centres {
		centres[i] = from + (float64(i)+0.5)*w
	}
	for _, iv := range ivs {
		a, b := math.Max(iv[0], from), math.Min(iv[1], to)
		for a < b {
			i := min(int((a-from)/w), bins-1)
			end := math.Min(b, from+float64(i+1)*w)
			if end <= a { // rounding at a bin edge
				end = b
			}
			busy[i] += (end - a) / w
			a = end
		}
	}
	for i := range busy {
		busy[i] = math.Min(busy[i], 1)
	}
	return centres, busy, nil
}

// mergedTransfers returns the union of the Transfer spans as sorted,
// disjoint intervals.
func mergedTransfers(spans []Span) [][2]float64 {
	var ivs [][2]float64
	for _, s := range spans {
		if s.Kind == Transfer && s.End > s.Start {
			ivs = append(ivs, [2]float64{s.Start, s.End})
		}
	}
	sort.Slice(ivs, func(i, j int) bool { return ivs[i][0] < ivs[j][0] })
	var out [][2]float64
	for _, iv := range ivs {
		if n := len(out); n > 0 && iv[0] <= out[n-1][1] {
			out[n-1][1] = math.Max(out[n-1][1], iv[1])
			continue
		}
		out = append(out, iv)
	}
	return out
}

// BusUtilization draws the share of time the shared bus is busy over the
// run of one layer, in bins windows (see [Utilization]), with its mean as a
// dashed line.
func BusUtilization(spans []Span, bins int, title string) (*Figure, error) {
	if err := checkSpans(spans, "bus utilisation"); err != nil {
		return nil, err
	}
	_, to, _ := timelineWindow(spans, TimelineOptions{}) // to: the last span's end
	from := math.Inf(1)
	for _, s := range spans {
		from = math.Min(from, s.Start)
	}
	xs, ys, err := Utilization(spans, from, to, bins)
	if err != nil {
		return nil, err
	}
	xys := make(plotter.XYs, len(xs))
	mean := 0.0
	for i := range xs {
		xys[i] = plotter.XY{X: xs[i], Y: 100 * ys[i]}
		mean += 100 * ys[i] / float64(len(xs))
	}
	p := newPanel(title, "time (cycles)", "bus busy (%)")
	p.Y.Min, p.Y.Max = 0, 105
	l, err := plotter.NewLine(xys)
	if err != nil {
		return nil, err
	}
	l.Color, l.Width = seriesColor(3), 1.2
	l.StepStyle = plotter.MidStep
	ref, err := hline(mean, from, to, grey)
	if err != nil {
		return nil, err
	}
	p.Add(l, ref)
	fig := &Figure{Name: "bus_utilization", Columns: 1, Aspect: 0.5, Panels: []*plot.Plot{p},
		Caption: fmt.Sprintf("Share of time the bus is busy, in %d windows of %s cycles. %s",
			bins, fmtNum(math.Round((to-from)/float64(bins))), title)}
	fig.AddKey("bus busy", lineGlyphThumb{line: l.LineStyle})
	fig.AddKey(fmt.Sprintf("mean %.1f%%", mean), lineGlyphThumb{line: ref.LineStyle})
	return fig, nil
}
