package main

import (
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/mapping"
	"github.com/cimkit/cimkit/cim/nn"
	"github.com/cimkit/cimkit/cim/sim"
)

func init() {
	register(command{
		name:    "sim",
		summary: "simulate a model's layers (or one) in time: cycles, speedup, bus traffic, memory",
		run:     runSim,
	})
}

// simTable are the columns of the table format (CSV and JSON have all).
var simTable = []string{"layer", "kind", "fits", "pv", "ph", "cores", "vectors", "cycles", "seq_cycles",
	"speedup", "efficiency", "bus_limit", "overhead", "bus_utilization", "sync_mem_bytes", "puma_attr_bytes",
	"energy_pj", "area_mm2", "tops_per_w", "reason"}

func runSim(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("sim", stderr)
	var f oneChipFlags
	f.register(fs, stderr, "synchronisation scheme")
	layer := fs.String("layer", "", "simulate only this layer (default: every conv and dense layer, and the total)")
	trace := fs.String("trace", "", "with --layer: write the run's timeline (core,start,end,class) as CSV to this file")
	format := formatFlag(fs)
	if err := parseListingFlags(fs, args, format); err != nil {
		return err
	}
	s, err := f.parseScheme()
	if err != nil {
		return err
	}
	if *trace != "" && *layer == "" {
		return usagef("--trace needs --layer (a trace of a whole model would be too large)")
	}
	if *trace != "" {
		if err := checkOutFile("--trace", *trace); err != nil {
			return err
		}
	}
	a, opt, net, err := f.load()
	if err != nil {
		return err
	}
	bar := newMVMProgress(stderr, net, *layer, *trace != "", a, s)
	opt.Progress = bar.update
	rs, err := simulate(net, *layer, *trace, a, s, opt, stderr)
	bar.finish(err)
	if err != nil {
		return err
	}
	noteTotal(stderr, rs)
	return emitResults(stdout, *format, rs, runPreamble("sim", args, a, opt))
}

// simulate runs the whole model, or one layer (writing its trace when
// trace names a file).
func simulate(net *nn.Network, layer, trace string, a arch.Arch, s compile.Scheme, opt sim.Options, stderr io.Writer) ([]sim.Result, error) {
	if layer == "" {
		return sim.RunModelWith(net, a, s, opt)
	}
	l := net.Layer(layer)
	if l == nil || !l.OnCrossbar() {
		return nil, usagef("--layer %q: model %s has no conv or dense layer of that name (see cimkit layers)", layer, net.Name)
	}
	r, err := sim.RunLayerWith(net, layer, a, s, opt)
	if err != nil {
		return nil, err
	}
	if trace != "" && !r.Fits {
		return nil, fmt.Errorf("--trace: layer %s does not fit the chip (%s): nothing to trace", l.Name, r.Reason)
	}
	if trace != "" {
		if err := writeTrace(trace, l, a, s, opt, stderr); err != nil {
			return nil, err
		}
	}
	return []sim.Result{*r}, nil
}

// writeTrace simulates the layer once more with tracing on and writes the
// spans to file as CSV.
func writeTrace(file string, l *nn.Layer, a arch.Arch, s compile.Scheme, opt sim.Options, stderr io.Writer) error {
	m, err := mapping.Map(l, a)
	if err != nil {
		return err
	}
	opt.Trace = true
	t, err := sim.Simulate(m, a, s, opt)
	if err != nil {
		return err
	}
	f, err := createFile("--trace", file)
	if err != nil {
		return err
	}
	if err := sim.WriteTrace(f, t.Trace); err != nil {
		f.Close()
		return fmt.Errorf("--trace %s: %w", file, err)
	}
	if t.Truncated {
		fmt.Fprintf(stderr, "cimkit sim: trace cut at %d spans\n", len(t.Trace))
	}
	return f.Close()
}

// emitResults writes results: every column for CSV (after the preamble
// lines pre) and JSON, a selection for the table.
func emitResults(w io.Writer, format string, rs []sim.Result, pre []string) error {
	rows := make([][]string, len(rs))
	for i := range rs {
		rows[i] = rs[i].Strings()
	}
	return emitSelected(w, format, sim.Columns(), simTable, rows, rs, pre)
}

// shortCell rounds long floats for the table.
func shortCell(s string) string {
	if len(s) <= 8 {
		return s
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		if _, err := strconv.ParseInt(s, 10, 64); err != nil {
			if math.Abs(f) >= 1e5 {
				return strconv.FormatFloat(f, 'g', 6, 64) // energies in pJ
			}
			return strconv.FormatFloat(f, 'f', 4, 64)
		}
	}
	return s
}

// noteTotal says on stderr what a model's total record leaves out: it is
// a sum of isolated layers, over those that fit the budget.
func noteTotal(w io.Writer, rs []sim.Result) {
	if len(rs) < 2 || rs[len(rs)-1].Layer != sim.TotalLayer {
		return
	}
	fit := 0
	for _, r := range rs[:len(rs)-1] {
		if r.Fits {
			fit++
		}
	}
	if n := len(rs) - 1; fit < n {
		fmt.Fprintf(w, "cimkit sim: the total adds up %d of %d layers (%d do not fit %d cores) run one at a time, not an end-to-end time; cimkit net --segments runs the whole network\n",
			fit, n, n-fit, rs[0].CoresBudget)
	}
}

// mvmProgress shows a simulation's progress on a terminal, counted in MVMs
// (the simulator reports every sim.ProgressEvery of them): the total is
// every core's MVMs of every layer that fits, once per run (the scheme,
// the sequential baseline, the traced run).
type mvmProgress struct {
	bar               *progress
	total, base, last int64
}

// newMVMProgress counts the MVMs of simulating layer (all when empty) of
// net on chip a under scheme s.
func newMVMProgress(stderr io.Writer, net *nn.Network, layer string, trace bool, a arch.Arch, s compile.Scheme) *mvmProgress {
	runs := int64(2)
	if s == compile.Sequential {
		runs = 1
	}
	if trace {
		runs++
	}
	p := &mvmProgress{bar: newProgress(stderr, "cimkit sim", false)}
	for _, l := range net.CrossbarLayers() {
		if layer != "" && l.Name != layer {
			continue
		}
		if m, err := mapping.Map(l, a); err == nil && m.Fits {
			p.total += runs * m.MVMs()
		}
	}
	return p
}

// update is sim.Options.Progress: mvms counts from 0 in each run, so a
// count below the last one starts the next run.
func (p *mvmProgress) update(mvms int64) {
	if mvms < p.last {
		p.base += p.last
	}
	p.last = mvms
	if p.total > 0 {
		p.bar.update(int(min(p.base+mvms, p.total)), int(p.total))
	}
}

// finish ends the bar's line, at 100% when the simulation succeeded (the
// last MVMs of each run come after the last report).
func (p *mvmProgress) finish(err error) {
	if err == nil && p.last > 0 {
		p.bar.update(int(p.total), int(p.total))
	}
	p.bar.finish()
}
