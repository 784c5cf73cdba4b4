// Package sweep runs the timed simulator over a grid of configurations:
// models x crossbar sizes x bus widths x core budgets x schemes, every conv
// and dense layer of each model on its own, spread over all CPUs.
//
// The unit of work is one layer on one crossbar size and one bus width
// (layers of a model with the same shape share one unit, as they run the
// same programs): it is mapped once, the sequential baseline is simulated
// once and shared by every scheme (it is the speedup's numerator), and each
// scheme is simulated once and shared by every core budget (a budget only
// decides whether the layer fits; the programs do not depend on it). Units
// run on a pool of workers, largest first; the results come back in a fixed
// order whatever the scheduling: interconnect, model, crossbar, bus,
// budget, scheme, then layer in network order.
//
// RunNetworks sweeps the same axes with whole networks instead
// (cim/netsim): each model placed on the chip at once, layer by layer and
// pipelined, one record per run and per layer of each run.
package sweep

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/mapping"
	"github.com/cimkit/cimkit/cim/nn"
	"github.com/cimkit/cimkit/cim/sim"
)

// Xbar is a crossbar size.
type Xbar struct{ Rows, Cols int }

// String writes the size as ROWSxCOLS.
func (x Xbar) String() string { return fmt.Sprintf("%dx%d", x.Rows, x.Cols) }

// Spec is one sweep. Every axis needs at least one value.
type Spec struct {
	Models  []*nn.Network    // inferred networks (Name is the model column)
	Xbars   []Xbar           // crossbar sizes
	Buses   []int            // bus widths, bytes per beat
	Cores   []int            // core budgets
	Schemes []compile.Scheme // synchronisation schemes

	// Base gives every other chip parameter (timings, element widths);
	// the zero value means arch.Default().
	Base arch.Arch
	// Interconnects, when set, sweeps these interconnects (arch.Shared,
	// arch.AXI4) instead of Base's alone, one after the other.
	Interconnects []string
	// Sim are the simulation options (arbiter, MVM model, Tech: the
	// technology that prices energy and area; nil is energy.Default());
	// Trace is ignored.
	Sim sim.Options
	// Workers is the number of parallel simulations; 0 means GOMAXPROCS.
	Workers int
	// Totals appends, after each model's layers under one configuration,
	// the sim.Total record of them (layer "total").
	Totals bool
	// Progress, when set, is called after each unit of work with the
	// number of units done and the total, from one goroutine at a time.
	Progress func(done, total int)
}

// unit is one layer shape on one crossbar and bus: the layers of a model
// that have the same shape (ResNet's repeated blocks, MobileNet's middle
// layers) run the same programs and share one unit.
type unit struct {
	model     int
	layers    []int // indices into the model's CrossbarLayers, first one simulated
	xbar, bus int
	cost      int64
	res       [][]sim.Result // per entry of layers: [budget][scheme]
}

// Run executes the sweep. It stops early, returning ctx.Err(), when ctx is
// cancelled, and returns the first simulation error otherwise. Layers that
// do not fit the chip (a budget, or the shared memory) appear with Fits
// false and a Reason.
func Run(ctx context.Context, sp Spec) ([]sim.Result, error) {
	if err := sp.check(); err != nil {
		return nil, err
	}
	var out []sim.Result
	err := sp.perInterconnect(func(one Spec) error {
		rs, err := one.run(ctx)
		out = append(out, rs...)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// perInterconnect calls f with sp for each interconnect of the sweep, Base
// set to it, reporting progress over all of them.
func (sp *Spec) perInterconnect(f func(one Spec) error) error {
	ics := sp.Interconnects
	if len(ics) == 0 {
		ics = []string{sp.Base.Interconnect}
	}
	for k, ic := range ics {
		one := *sp
		one.Base.Interconnect, one.Interconnects = ic, nil
		if sp.Progress != nil {
			one.Progress = func(done, total int) { sp.Progress(k*total+done, len(ics)*total) }
		}
		if err := f(one); err != nil {
			return err
		}
	}
	return nil
}

// run executes a checked sweep of one interconnect.
func (sp *Spec) run(ctx context.Context) ([]sim.Result, error) {
	units := sp.units()
	order := make([]*unit, len(units))
	for i := range units {
		order[i] = &units[i]
	}
	sort.SliceStable(order, func(i, j int) bool { return order[i].cost > order[j].cost })
	if err := sp.work(ctx, len(order), func(i int) error { return sp.runUnit(order[i]) }); err != nil {
		return nil, err
	}
	return sp.collect(units), nil
}

// check validates the axes and the base chip.
func (sp *Spec) check() error {
	if sp.Base == (arch.Arch{}) {
		sp.Base = arch.Default()
	}
	switch {
	case len(sp.Models) == 0:
		return errors.New("sweep: no models")
	case len(sp.Xbars) == 0:
		return errors.New("sweep: no crossbar sizes")
	case len(sp.Buses) == 0:
		return errors.New("sweep: no bus widths")
	case len(sp.Cores) == 0:
		return errors.New("sweep: no core budgets")
	case len(sp.Schemes) == 0:
		return errors.New("sweep: no schemes")
	}
	for i, m := range sp.Models {
		if m == nil {
			return fmt.Errorf("sweep: model %d is nil", i)
		}
		if len(m.CrossbarLayers()) == 0 {
			return fmt.Errorf("sweep: model %q has no conv or dense layers", m.Name)
		}
	}
	for _, s := range sp.Schemes {
		if _, err := compile.ParseScheme(string(s)); err != nil {
			return fmt.Errorf("sweep: %w", err)
		}
	}
	for _, ic := range sp.Interconnects {
		if !slices.Contains(arch.Interconnects(), ic) {
			return fmt.Errorf("sweep: interconnect %q: want one of %s", ic, strings.Join(arch.Interconnects(), ", "))
		}
	}
	for _, x := range sp.Xbars {
		for _, b := range sp.Buses {
			for _, c := range sp.Cores {
				if err := sp.arch(x, b, c).Validate(); err != nil {
					return fmt.Errorf("sweep: crossbar %v, bus %d, cores %d: %w", x, b, c, err)
				}
			}
		}
	}
	return nil
}

func (sp *Spec) arch(x Xbar, bus, cores int) arch.Arch {
	a := sp.Base
	a.XbarRows, a.XbarCols, a.BusBytes, a.Cores = x.Rows, x.Cols, bus, cores
	return a
}

// maxCores is the largest budget: every unit is simulated under it.
func (sp *Spec) maxCores() int {
	m := 0
	for _, c := range sp.Cores {
		m = max(m, c)
	}
	return m
}

// units lists the work: one unit per model, crossbar, bus and distinct
// layer shape.
func (sp *Spec) units() []unit {
	var out []unit
	for mi, net := range sp.Models {
		layers := net.CrossbarLayers()
		shapes := sameShapes(layers)
		for xi, x := range sp.Xbars {
			for bi, bus := range sp.Buses {
				a := sp.arch(x, bus, sp.maxCores())
				for _, same := range shapes {
					out = append(out, unit{model: mi, layers: same, xbar: xi, bus: bi, cost: mvms(layers[same[0]], a)})
				}
			}
		}
	}
	return out
}

// mvms is the work of a layer on chip a: the MVMs of one run (0 when it
// cannot be mapped, an error that its run reports).
func mvms(l *nn.Layer, a arch.Arch) int64 {
	m, err := mapping.Map(l, a)
	if err != nil {
		return 0
	}
	return m.MVMs()
}

// sameShapes groups layers (by index, in order of first appearance) whose
// programs are the same: equal kind, shapes, kernel, stride, padding,
// dilation, groups, filters, bias and activation.
func sameShapes(layers []*nn.Layer) [][]int {
	var out [][]int
	seen := map[string]int{}
	for i, l := range layers {
		k := fmt.Sprintf("%s|%v|%v|%d,%d|%d,%d|%d,%d,%d,%d|%d,%d|%d|%d|%v|%s", l.Kind, l.In, l.Out,
			l.KernelH, l.KernelW, l.StrideH, l.StrideW, l.PadTop, l.PadBottom, l.PadLeft, l.PadRight,
			l.DilationH, l.DilationW, l.Groups, l.Filters, l.Bias, l.Act)
		if j, ok := seen[k]; ok {
			out[j] = append(out[j], i)
			continue
		}
		seen[k] = len(out)
		out = append(out, []int{i})
	}
	return out
}

// work runs task(0) .. task(n-1) on the worker pool, in that order of
// start, reporting progress after each.
func (sp *Spec) work(ctx context.Context, n int, task func(i int) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := sp.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	jobs := make(chan int)
	var (
		mu       sync.Mutex
		firstErr error
		done     int
		wg       sync.WaitGroup
	)
	for range min(workers, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				err := task(i)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
					cancel()
				}
				done++
				if sp.Progress != nil && err == nil {
					sp.Progress(done, n)
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for i := range n {
		select {
		case jobs <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}

// runUnit maps and simulates one layer shape on one crossbar and bus.
func (sp *Spec) runUnit(u *unit) error {
	net := sp.Models[u.model]
	layers := net.CrossbarLayers()
	x, bus := sp.Xbars[u.xbar], sp.Buses[u.bus]
	a := sp.arch(x, bus, sp.maxCores())
	m, err := mapping.Map(layers[u.layers[0]], a)
	if err != nil {
		return fmt.Errorf("sweep: model %s: %w", net.Name, err)
	}
	var seq *sim.Timing
	var runs []*sim.Timing // per scheme; only read for budgets the layer fits
	var fe *compile.FitError
	memory := "" // why the layer's data do not fit the shared memory, if they do not
	if m.Fits {
		seq, runs, err = sp.simulate(m, a)
		switch {
		case errors.As(err, &fe):
			memory = fe.Reason
		case err != nil:
			return fmt.Errorf("sweep: model %s, crossbar %v, bus %d: %w", net.Name, x, bus, err)
		}
	}
	u.res = make([][]sim.Result, len(u.layers))
	for k, li := range u.layers {
		ml := *m
		ml.Layer = layers[li]
		for _, c := range sp.Cores {
			ac := sp.arch(x, bus, c)
			for i, s := range sp.Schemes {
				r := sim.Describe(net.Name, &ml, ac, s)
				r.Fits = m.Cores <= c && memory == ""
				switch {
				case r.Fits:
					r.SetTiming(runs[i], seq)
					r.SetEnergy(sp.Sim.Tech, ac, runs[i])
				case m.Cores > c: // first reason, as sim.RunLayer gives it
					r.Reason = sim.CoresReason(m.Cores, c)
				default:
					r.Reason = memory
				}
				u.res[k] = append(u.res[k], r)
			}
		}
	}
	return nil
}

// simulate runs the sequential baseline once and every scheme of the sweep
// (reusing the baseline for the sequential scheme).
func (sp *Spec) simulate(m *mapping.Layer, a arch.Arch) (*sim.Timing, []*sim.Timing, error) {
	opt := sp.Sim
	opt.Trace = false
	seq, err := sim.Simulate(m, a, compile.Sequential, opt)
	if err != nil {
		return nil, nil, err
	}
	runs := make([]*sim.Timing, len(sp.Schemes))
	for i, s := range sp.Schemes {
		if runs[i] = seq; s == compile.Sequential {
			continue
		}
		if runs[i], err = sim.Simulate(m, a, s, opt); err != nil {
			return nil, nil, err
		}
	}
	return seq, runs, nil
}

// collect assembles the results in the documented order.
func (sp *Spec) collect(units []unit) []sim.Result {
	// table[model][xbar][bus][layer] = results by budget, then scheme.
	table := make([][][][][]sim.Result, len(sp.Models))
	for mi, net := range sp.Models {
		table[mi] = make([][][][]sim.Result, len(sp.Xbars))
		for xi := range sp.Xbars {
			table[mi][xi] = make([][][]sim.Result, len(sp.Buses))
			for bi := range sp.Buses {
				table[mi][xi][bi] = make([][]sim.Result, len(net.CrossbarLayers()))
			}
		}
	}
	for _, u := range units {
		for k, li := range u.layers {
			table[u.model][u.xbar][u.bus][li] = u.res[k]
		}
	}
	var out []sim.Result
	for mi := range sp.Models {
		for xi := range sp.Xbars {
			for bi := range sp.Buses {
				block := table[mi][xi][bi]
				for j := range len(sp.Cores) * len(sp.Schemes) {
					start := len(out)
					for li := range block {
						out = append(out, block[li][j])
					}
					if sp.Totals {
						t := sim.Total(out[start:])
						t.SetModelArea(sp.Sim.Tech, sp.arch(sp.Xbars[xi], sp.Buses[bi], sp.Cores[j/len(sp.Schemes)]), out[start:])
						out = append(out, t)
					}
				}
			}
		}
	}
	return out
}

// ParseInts reads a comma-separated list of positive integers, e.g. a bus
// axis "4,8,16". name is the axis, for the error.
func ParseInts(name, s string) ([]int, error) {
	var out []int
	for _, f := range splitList(s) {
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%s: %q is not a positive integer (want a list like 4,8,16)", name, f)
		}
		out = append(out, n)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: empty list (want a list like 4,8,16)", name)
	}
	return out, nil
}

// ParseXbars reads a comma-separated list of crossbar sizes, each "RxC" or
// "N" for N x N, e.g. "32,64,128x64".
func ParseXbars(s string) ([]Xbar, error) {
	var out []Xbar
	for _, f := range splitList(s) {
		r, c, err := arch.ParseXbar(f)
		if err != nil {
			return nil, err
		}
		out = append(out, Xbar{r, c})
	}
	if len(out) == 0 {
		return nil, errors.New("crossbars: empty list (want a list like 32,64,128)")
	}
	return out, nil
}

// ParseSchemes reads a comma-separated list of scheme names.
func ParseSchemes(s string) ([]compile.Scheme, error) {
	var out []compile.Scheme
	for _, f := range splitList(s) {
		sc, err := compile.ParseScheme(f)
		if err != nil {
			return nil, err
		}
		out = append(out, sc)
	}
	if len(out) == 0 {
		return nil, errors.New("schemes: empty list (want e.g. sequential,linear,cyclic)")
	}
	return out, nil
}

// splitList splits on commas and trims blanks; an empty element (as in
// "4,,8") is kept so that the parsers report it.
func splitList(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	parts := strings.Split(s, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}
