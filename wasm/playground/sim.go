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

// ModelResult is the answer to "model".
type ModelResult struct {
	Model  string       `json:"model"`
	Rows   []sim.Result `json:"rows"`   // one per conv/dense layer, network order
	Total  sim.Result   `json:"total"`  // sim.Total of Rows
	Totals Totals       `json:"totals"` // the summary cards
	// Figures: speedup per layer (not for the sequential scheme, whose
	// speedup is 1 by definition), sync traffic and memory.
	Figures []*Figure `json:"figures"`
}

// Totals are the page's summary of a whole-model run (layer by layer).
type Totals struct {
	Layers     int     `json:"layers"`     // conv and dense layers
	Fitting    int     `json:"fitting"`    // of which fit the core budget
	Cycles     int64   `json:"cycles"`     // sum over the fitting layers
	SeqCycles  int64   `json:"seq_cycles"` // the same under the sequential scheme
	ClockMHz   int     `json:"clock_mhz"`  // clock for converting cycles to time
	Seconds    float64 `json:"seconds"`    // Cycles at ClockMHz
	Speedup    float64 `json:"speedup"`    // SeqCycles / Cycles
	Efficiency float64 `json:"efficiency"` // speedup over the time-weighted limit (sim.Total)
	Overhead   float64 `json:"overhead"`   // sync bytes / bus bytes, all layers
	MaxCores   int     `json:"max_cores"`  // most cores one layer uses
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
		r, err := sim.RunLayer(c.net, l.Name, c.arch, c.scheme)
		if err != nil {
			return nil, err
		}
		rows = append(rows, *r)
		progress(i+1, len(ls), r)
	}
	return summarize(c, rows)
}

// runLayer answers "run": one layer's Result, without trace or figure, for
// pages that spread a model's layers over several workers.
func runLayer(req Request) (*sim.Result, error) {
	c, err := parse(req)
	if err != nil {
		return nil, err
	}
	l, err := c.layer(req.Layer)
	if err != nil {
		return nil, err
	}
	return sim.RunLayer(c.net, l.Name, c.arch, c.scheme)
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
	return summarize(c, req.Rows)
}

// summarize adds the totals and the figure to a model's rows.
func summarize(c *config, rows []sim.Result) (*ModelResult, error) {
	out := &ModelResult{Model: c.net.Name, Rows: rows, Total: sim.Total(rows)}
	out.Total.SetModelArea(nil, c.arch, rows)
	t := &out.Totals
	t.Layers, t.ClockMHz = len(rows), c.arch.ClockMHz
	for _, r := range rows {
		if r.Fits {
			t.Fitting++
		}
	}
	t.Cycles, t.SeqCycles, t.MaxCores = out.Total.Cycles, out.Total.SeqCycles, out.Total.Cores
	t.Seconds = c.arch.Seconds(t.Cycles)
	t.Speedup, t.Efficiency, t.Overhead = out.Total.Speedup, out.Total.Efficiency, out.Total.Overhead
	if t.Fitting == 0 {
		return out, nil
	}
	names := []string{"speedup", "overhead", "memory"}
	if c.scheme == compile.Sequential {
		names = names[1:]
	}
	for _, name := range names {
		f, err := drawFigure(name, rows, c)
		if err != nil {
			return nil, err
		}
		out.Figures = append(out.Figures, f)
	}
	return out, nil
}

// LayerResult is the answer to "layer".
type LayerResult struct {
	Result      sim.Result      `json:"result"`
	Cores       []sim.CoreStats `json:"cores"`        // per core (empty when the layer does not fit)
	TimelineSVG string          `json:"timeline_svg"` // per-core timeline of the chosen scheme
	Note        string          `json:"note"`         // one sentence on the mapping and the figure
}

// maxSpans caps the trace of a layer run in the browser (about 48 MB):
// enough for every layer of ResNet-18 on 32x32 crossbars.
const maxSpans = 1 << 21

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

func simLayer(req Request) (*LayerResult, error) {
	c, l, m, err := mapRequest(req)
	if err != nil {
		return nil, err
	}
	out := &LayerResult{Result: sim.Describe(c.net.Name, m, c.arch, c.scheme)}
	if !m.Fits {
		out.Note = fmt.Sprintf("%s needs %d cores (PV %d x PH %d) and the budget is %d: raise the core budget or use a larger crossbar.",
			l.Name, m.Cores, m.PV, m.PH, c.arch.Cores)
		return out, nil
	}
	t, err := sim.Simulate(m, c.arch, c.scheme, sim.Options{Trace: true, MaxSpans: maxSpans})
	if err != nil {
		return nil, err
	}
	seq := t
	if c.scheme != compile.Sequential {
		if seq, err = sim.Simulate(m, c.arch, compile.Sequential, sim.Options{}); err != nil {
			return nil, err
		}
	}
	out.Result.SetTiming(t, seq)
	out.Result.SetEnergy(nil, c.arch, t)
	out.Cores = t.Cores
	out.TimelineSVG = timelineSVG(t, MaxTimelineRows)
	out.Note = layerNote(m, t)
	return out, nil
}

func layerNote(m *mapping.Layer, t *sim.Timing) string {
	s := fmt.Sprintf("%d x %d weight matrix on %d cores (PV %d x PH %d), %d output vectors, %d cycles.",
		m.Rows, m.Cols, m.Cores, m.PV, m.PH, m.Vectors, t.Cycles)
	if m.Cores > MaxTimelineRows {
		s += fmt.Sprintf(" The timeline shows the first %d cores.", MaxTimelineRows)
	}
	if t.Truncated {
		s += " The trace was cut: the timeline ends early."
	}
	return s
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
		return nil, fieldErr("cores", "%s needs %d cores and the budget is %d: no program to list", l.Name, m.Cores, c.arch.Cores)
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
		Base: c.arch, Workers: 1,
		Progress: func(done, total int) { progress(done, total, nil) },
	}
	return sweep.Run(context.Background(), sp)
}
