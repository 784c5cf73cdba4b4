package playground

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/mapping"
	"github.com/cimkit/cimkit/cim/nn"
	"github.com/cimkit/cimkit/cim/sim"
	"github.com/cimkit/cimkit/cim/sweep"
)

// ModelResult is the answer to "model" and "summary".
type ModelResult struct {
	Config RunConfig    `json:"config"` // the configuration the results belong to
	Model  string       `json:"model"`
	Rows   []sim.Result `json:"rows"`   // one per conv/dense layer, network order
	Total  sim.Result   `json:"total"`  // sim.Total of Rows
	Totals Totals       `json:"totals"` // the summary cards
	// Figures: speedup per layer (not for the sequential scheme, whose
	// speedup is 1 by definition), sync traffic and memory.
	Figures []*Figure `json:"figures"`
	// Energy sums up Total's energy and area; EnergyFigures are the energy
	// per layer by class and the synchronisation cost per layer against a
	// PUMA attribute buffer; Tech is the technology that priced them.
	Energy        EnergyCard `json:"energy"`
	EnergyFigures []*Figure  `json:"energy_figures"`
	Tech          *TechInfo  `json:"tech"`
}

// Totals are the page's summary of a whole-model run (layer by layer).
// When a layer does not fit the core budget, the sums cover only the
// layers that fit: Complete is false and LeftOut names the others, so that
// the page never presents a partial sum as the model's total.
type Totals struct {
	Layers     int       `json:"layers"`             // conv and dense layers
	Fitting    int       `json:"fitting"`            // of which fit the core budget
	Complete   bool      `json:"complete"`           // every layer fits: the sums are the model's
	LeftOut    []LeftOut `json:"left_out,omitempty"` // the layers that do not fit, network order
	Cycles     int64     `json:"cycles"`             // sum over the fitting layers
	SeqCycles  int64     `json:"seq_cycles"`         // the same under the sequential scheme
	ClockMHz   int       `json:"clock_mhz"`          // clock for converting cycles to time
	Seconds    float64   `json:"seconds"`            // Cycles at ClockMHz
	Speedup    float64   `json:"speedup"`            // SeqCycles / Cycles
	Efficiency float64   `json:"efficiency"`         // speedup over the time-weighted limit (sim.Total)
	Limit      float64   `json:"limit"`              // that limit: sum of seq / sum of seq/PV
	Overhead   float64   `json:"overhead"`           // sync bytes / bus bytes, fitting layers
	MaxCores   int       `json:"max_cores"`          // most cores one layer uses
	// AboveLimit names the layers whose speedup exceeds their limit PV
	// (efficiency above 100%; see the package doc).
	AboveLimit []string `json:"above_limit,omitempty"`
}

// LeftOut is a layer that does not fit the core budget.
type LeftOut struct {
	Layer string `json:"layer"`
	Cores int    `json:"cores"` // cores it needs
}

// simModel maps and simulates every conv and dense layer, reporting each
// Result through progress as it is ready.
func simModel(req Request, progress Progress) (*ModelResult, error) {
	c, err := parse(req)
	if err != nil {
		return nil, err
	}
	ls := c.net.CrossbarLayers()
	var rows []sim.Result
	for i, l := range ls {
		r, err := sim.RunLayerWith(c.net, l.Name, c.arch, c.scheme, c.opt)
		if err != nil {
			return nil, err
		}
		rows = append(rows, *r)
		progress(i+1, len(ls), r)
	}
	return summarize(c, rows, req.Width)
}

// runLayer answers "run": one layer's Result, without trace or figure, for
// pages that spread a model's layers over several workers. The run reports
// its progress in MVMs simulated (LayerInfo.Work in all).
func runLayer(req Request, progress Progress) (*sim.Result, error) {
	c, l, m, err := mapRequest(req)
	if err != nil {
		return nil, err
	}
	opt := c.opt
	opt.Progress = countMVMs(m.MVMs(), work(m, c.scheme), progress)
	return sim.RunLayerWith(c.net, l.Name, c.arch, c.scheme, opt)
}

// work is the number of MVMs the "run" of layer m simulates: every core
// runs one per output vector of its group, under the scheme and under the
// sequential baseline. 0 when the layer does not fit.
func work(m *mapping.Layer, s compile.Scheme) int64 {
	if !m.Fits {
		return 0
	}
	n := m.MVMs()
	if s != compile.Sequential {
		n *= 2
	}
	return n
}

// countMVMs returns a sim.Options.Progress that reports to progress the
// MVMs of one or more runs of perRun MVMs each (a layer's run under its
// scheme, then under the sequential baseline), total in all.
func countMVMs(perRun, total int64, progress Progress) func(int64) {
	var base, last int64
	return func(n int64) {
		if n < last { // the next run has started
			base += perRun
		}
		last = n
		progress(int(min(base+n, total)), int(total), nil)
	}
}

// summary answers "summary": the totals and figure of the Results of
// every conv and dense layer of the model (req.Rows, in network order), as
// "model" gives them.
func summary(req Request) (*ModelResult, error) {
	c, err := parse(req)
	if err != nil {
		return nil, err
	}
	ls := c.net.CrossbarLayers()
	if len(req.Rows) != len(ls) {
		return nil, fmt.Errorf("summary: %d rows for the %d conv and dense layers of %s", len(req.Rows), len(ls), c.net.Name)
	}
	for i, r := range req.Rows {
		a := c.arch
		if r.Model != c.net.Name || r.Layer != ls[i].Name || r.Scheme != string(c.scheme) || r.XbarRows != a.XbarRows ||
			r.XbarCols != a.XbarCols || r.BusBytes != a.BusBytes || r.CoresBudget != a.Cores {
			return nil, fmt.Errorf("summary: row %d (%s %s) is not layer %s of this configuration", i, r.Model, r.Layer, ls[i].Name)
		}
	}
	return summarize(c, req.Rows, req.Width)
}

// summarize adds the totals and the figures to a model's rows; the
// figures are drawn to fit width CSS pixels.
func summarize(c *config, rows []sim.Result, width int) (*ModelResult, error) {
	out := &ModelResult{Config: c.runConfig(), Model: c.net.Name, Rows: rows, Total: sim.Total(rows), Tech: c.techInfo()}
	out.Total.SetModelArea(c.opt.Tech, c.arch, rows)
	out.Energy = EnergyOf(rows, out.Total, c.opt.Tech)
	t := &out.Totals
	t.Layers, t.ClockMHz = len(rows), c.arch.ClockMHz
	for _, r := range rows {
		switch {
		case !r.Fits:
			t.LeftOut = append(t.LeftOut, LeftOut{Layer: r.Layer, Cores: r.Cores})
		case r.Efficiency > 1:
			t.AboveLimit = append(t.AboveLimit, r.Layer)
		}
	}
	t.Fitting = t.Layers - len(t.LeftOut)
	t.Complete = len(t.LeftOut) == 0
	t.Cycles, t.SeqCycles, t.MaxCores = out.Total.Cycles, out.Total.SeqCycles, out.Total.Cores
	t.Seconds = c.arch.Seconds(t.Cycles)
	t.Speedup, t.Efficiency, t.Overhead = out.Total.Speedup, out.Total.Efficiency, out.Total.Overhead
	if t.Efficiency > 0 {
		t.Limit = t.Speedup / t.Efficiency
	}
	if t.Fitting == 0 {
		return out, nil
	}
	names := []string{"speedup", "overhead", "memory"}
	if c.scheme == compile.Sequential {
		names = names[1:]
	}
	var err error
	if out.Figures, err = drawFigures(names, rows, c, width); err != nil {
		return nil, err
	}
	if out.EnergyFigures, err = drawFigures([]string{"energy", "sync_cost"}, rows, c, width); err != nil {
		return nil, err
	}
	return out, nil
}

// drawFigures draws the named figures of rows (see drawFigure).
func drawFigures(names []string, rows []sim.Result, c *config, width int) ([]*Figure, error) {
	var out []*Figure
	for _, name := range names {
		f, err := drawFigure(name, rows, c, width)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// LayerResult is the answer to "layer": one layer run under the scheme,
// drawn as a per-core timeline of a window of cycles.
type LayerResult struct {
	Layer       string   `json:"layer"`
	Fits        bool     `json:"fits"`         // the layer fits the core budget (else no run)
	Cores       int      `json:"cores"`        // cores the layer uses
	Cycles      int64    `json:"cycles"`       // the layer's makespan under the scheme
	From        int64    `json:"from"`         // the window drawn, in cycles
	To          int64    `json:"to"`           // the window drawn, in cycles
	TimelineSVG string   `json:"timeline_svg"` // per-core timeline of the window
	Note        string   `json:"note"`         // one sentence on the mapping and the figure
	Time        CoreTime `json:"time"`         // where the cores' time went, summed over all cores
}

// CoreTime is the time of every core of a run, summed: the five parts add
// up to the makespan times the cores (sim.CoreStats).
type CoreTime struct {
	Busy      int64 `json:"busy"`       // computing: MVM and digital ops
	Bus       int64 `json:"bus"`        // holding the bus
	WaitBus   int64 `json:"wait_bus"`   // waiting for a bus grant
	WaitOwner int64 `json:"wait_owner"` // blocked in WAIT for ownership
	Idle      int64 `json:"idle"`       // not started or already done
}

// mapRequest parses a request and maps the layer it names.
func mapRequest(req Request) (*config, *nn.Layer, *mapping.Layer, error) {
	c, err := parse(req)
	if err != nil {
		return nil, nil, nil, err
	}
	l, err := c.layer(req.Layer)
	if err != nil {
		return nil, nil, nil, err
	}
	m, err := mapping.Map(l, c.arch)
	return c, l, m, err
}

// simLayer answers "layer": the layer is simulated under the scheme while
// a timeline of the window [From, To) of its first MaxTimelineRows cores
// is gathered; To 0 takes the whole layer (one more run, to learn its
// length). The run reports progress as "run" does.
func simLayer(req Request, progress Progress) (*LayerResult, error) {
	c, l, m, err := mapRequest(req)
	if err != nil {
		return nil, err
	}
	out := &LayerResult{Layer: l.Name, Fits: m.Fits, Cores: m.Cores}
	if !m.Fits {
		out.Note = fmt.Sprintf("%s needs %d cores (PV %d x PH %d) and the budget is %d: raise the core budget or use a larger crossbar.",
			l.Name, m.Cores, m.PV, m.PH, c.arch.Cores)
		return out, nil
	}
	from, to := req.From, req.To
	if from < 0 || (to != 0 && to <= from) {
		return nil, fieldErr("window", "the timeline's window must be whole cycles with 0 <= from < to (from %d, to %d)", from, to)
	}
	if to == 0 {
		t, err := sim.Simulate(m, c.arch, c.scheme, c.opt)
		if err != nil {
			return nil, err
		}
		from, to = 0, max(t.Cycles, 1)
	}
	width := tlDefWidth
	if req.Width > 0 {
		width = min(max(req.Width, tlMinWidth), tlMaxWidth)
	}
	tl := newTimeline(from, to, min(m.Cores, MaxTimelineRows), width-tlLeft-tlRight)
	opt := c.opt
	opt.OnSpan = tl.add
	perRun := m.MVMs()
	opt.Progress = countMVMs(perRun, perRun, progress)
	t, err := sim.Simulate(m, c.arch, c.scheme, opt)
	if err != nil {
		return nil, err
	}
	out.Cycles, out.From, out.To = t.Cycles, from, to
	for _, cs := range t.Cores {
		out.Time.Busy += cs.Busy
		out.Time.Bus += cs.Bus
		out.Time.WaitBus += cs.WaitBus
		out.Time.WaitOwner += cs.WaitOwner
		out.Time.Idle += cs.Idle
	}
	title := fmt.Sprintf("Per-core timeline of %s, cycles %d to %d: %s", l.Name, from, to, c.runConfig().Label)
	out.TimelineSVG = tl.svg(width, title)
	out.Note = fmt.Sprintf("%d x %d weight matrix on %d cores (PV %d x PH %d), %d output vectors, %d cycles.",
		m.Rows, m.Cols, m.Cores, m.PV, m.PH, m.Vectors, t.Cycles)
	if m.Cores > MaxTimelineRows {
		out.Note += fmt.Sprintf(" The timeline shows the first %d cores.", MaxTimelineRows)
	}
	return out, nil
}

// Listing is the answer to "listing".
type Listing struct {
	Layer string `json:"layer"`
	Core  int    `json:"core"`
	Cores int    `json:"cores"`
	Text  string `json:"text"`
	Cut   bool   `json:"cut"` // the listing was cut after MaxLines lines
}

func listing(req Request) (*Listing, error) {
	c, l, m, err := mapRequest(req)
	if err != nil {
		return nil, err
	}
	if !m.Fits {
		return nil, fieldErr("layer", "%s needs %d cores and the budget is %d: it does not fit, so it has no program to list", l.Name, m.Cores, c.arch.Cores)
	}
	if req.Core < 0 || req.Core >= m.Cores {
		return nil, fieldErr("core", "core must be a whole number in 0..%d for %s", m.Cores-1, l.Name)
	}
	lines := req.MaxLines
	if lines <= 0 {
		lines = DefaultLines
	}
	lines = min(lines, MaxListingLines)
	p, err := compile.Compile(m, c.arch, c.scheme)
	if err != nil {
		return nil, err
	}
	w := &lineWriter{left: lines}
	if err := p.Listing(req.Core, w); err != nil && !errors.Is(err, errCut) {
		return nil, err
	}
	text := w.buf.String()
	if w.cut {
		text += fmt.Sprintf("; ... cut after %d lines\n", lines)
	}
	return &Listing{Layer: l.Name, Core: req.Core, Cores: m.Cores, Text: text, Cut: w.cut}, nil
}

var errCut = errors.New("listing cut")

// lineWriter keeps the first left lines written to it, then refuses.
type lineWriter struct {
	buf  bytes.Buffer
	left int
	cut  bool
}

// Write keeps p up to the last allowed line; past it, it returns errCut.
func (w *lineWriter) Write(p []byte) (int, error) {
	for i, b := range p {
		if w.left == 0 {
			w.cut = true
			return i, errCut
		}
		w.buf.WriteByte(b)
		if b == '\n' {
			w.left--
		}
	}
	return len(p), nil
}

var _ io.Writer = (*lineWriter)(nil)

// MaxSweepBuses is the most bus widths one "sweep" request may ask for.
const MaxSweepBuses = 16

// runSweep answers "sweep": every conv and dense layer of the model at each
// bus width of req.Buses (crossbar, budget and scheme from the request),
// with cim/sweep. progress counts sweep units.
func runSweep(req Request, progress Progress) ([]sim.Result, error) {
	c, err := parse(req)
	if err != nil {
		return nil, err
	}
	if len(req.Buses) == 0 || len(req.Buses) > MaxSweepBuses {
		return nil, fieldErr("buses", "give 1 to %d bus widths to sweep", MaxSweepBuses)
	}
	for _, b := range req.Buses {
		if b < 1 || b > arch.MaxBus {
			return nil, fieldErr("buses", "bus widths must be whole numbers of bytes per beat in 1..%d, separated by commas", arch.MaxBus)
		}
	}
	sp := sweep.Spec{
		Models: []*nn.Network{c.net}, Xbars: []sweep.Xbar{{Rows: c.arch.XbarRows, Cols: c.arch.XbarCols}},
		Buses: req.Buses, Cores: []int{c.arch.Cores}, Schemes: []compile.Scheme{c.scheme},
		Base: c.arch, Sim: c.opt, Workers: 1,
		Progress: func(done, total int) { progress(done, total, nil) },
	}
	return sweep.Run(context.Background(), sp)
}
