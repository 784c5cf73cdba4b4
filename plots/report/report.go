// Package report reproduces the paper's evaluation in one call: it runs the
// paper's sweep (the conv layers of MobileNet v1 and ResNet-18 at 224x224,
// crossbars 32/64/128, buses 4 to 64 B, every scheme), simulates one layer
// with a trace for the timeline figures, checks each claim of the paper
// against the measurements, and writes results.csv, every figure in every
// format and size, and an index.html page that shows it all.
package report

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-gota/gota/dataframe"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/energy"
	"github.com/cimkit/cimkit/cim/mapping"
	"github.com/cimkit/cimkit/cim/netsim"
	"github.com/cimkit/cimkit/cim/nn"
	"github.com/cimkit/cimkit/cim/sim"
	"github.com/cimkit/cimkit/cim/sweep"
	"github.com/cimkit/cimkit/cim/zoo"
	"github.com/cimkit/cimkit/plots"
	"github.com/cimkit/cimkit/plots/export"
)

// Config is what a report runs and draws.
type Config struct {
	Models  []string         // zoo models
	Input   int              // input size in pixels (square)
	Xbars   []sweep.Xbar     // crossbar sizes
	Buses   []int            // bus widths in bytes
	Cores   []int            // core budgets
	Schemes []compile.Scheme // synchronisation schemes
	Formats []plots.Format   // figure formats
	Sizes   []plots.Size     // figure widths

	// Base gives every chip parameter that the sweep does not vary
	// (timings, element widths); the zero value means arch.Default().
	Base arch.Arch
	// Interconnects are swept one after the other; the first is the one
	// the claims, the summary, the per-layer tables and the figures are
	// about, and the others are compared with it (the Carried figure and
	// table). Empty means Base's alone; AllInterconnects lists Base's and
	// then the others (what cimkit report and run sweep by default).
	Interconnects []string
	// Tech prices energy and area (nil: energy.Default()).
	Tech *energy.Tech

	// Trace is the layer simulated with a trace for the timeline and bus
	// utilisation figures.
	Trace TraceConfig

	// Network chooses the whole-network runs (cim/netsim) of the report's
	// whole-network section; no runs, no section.
	Network NetworkConfig

	// Progress, when set, is called as sweep work completes (the layers'
	// and the whole networks' together).
	Progress func(done, total int)

	// Command is the command line that made the report, when there is one
	// (cimkit report's); the CSV files record it with the configuration.
	Command string
}

// TraceConfig chooses the layer whose per-core timeline is drawn.
type TraceConfig struct {
	Model, Layer string
	Xbar, Bus    int
	Scheme       compile.Scheme
	Cores        int // cores shown in the timeline
	Vectors      int // about how many output vectors of the run the timeline window shows
}

// Default returns the paper's configuration: MobileNet v1 and ResNet-18 at
// 224, 32/64/128 crossbars, 4..64 B buses, 1024 cores, every scheme, every
// format in both paper widths; the timeline of ResNet-18 layer1.0.conv1
// (PV 9) on 64x64 crossbars with a 16 B bus under the cyclic scheme.
func Default() Config {
	return Config{
		Models: []string{"mobilenet_v1", "resnet18"}, Input: 224,
		Xbars: []sweep.Xbar{{Rows: 32, Cols: 32}, {Rows: 64, Cols: 64}, {Rows: 128, Cols: 128}},
		Buses: []int{4, 8, 16, 32, 64}, Cores: []int{1024}, Schemes: compile.Schemes(),
		Formats: plots.Formats(), Sizes: plots.Sizes(),
		Trace: TraceConfig{Model: "resnet18", Layer: "layer1.0.conv1", Xbar: 64, Bus: 16,
			Scheme: compile.Cyclic, Cores: 9, Vectors: 3},
		Network: DefaultNetwork(),
	}
}

// Report is a finished reproduction.
type Report struct {
	Config  Config
	Results []sim.Result        // conv layers only, in sweep order (every interconnect)
	Frame   dataframe.DataFrame // Results as a DataFrame
	Figures []*plots.Figure
	Claims  []Claim
	Elapsed time.Duration // wall time of the sweep and the traced run
	Trace   *sim.Timing   // the traced run

	// The whole-network runs (Config.Network): one record per run, one
	// per layer of each run, and their figures.
	Network        []netsim.Result
	NetworkLayers  []netsim.LayerResult
	NetworkFigures []*plots.Figure
}

// Arch returns the chip the report simulates before the sweep sets the
// crossbar, bus and core budget: Base, or arch.Default() when Base is zero.
func (c Config) Arch() arch.Arch {
	if c.Base == (arch.Arch{}) {
		return arch.Default()
	}
	return c.Base
}

// interconnects returns the interconnects the report sweeps, its main one
// first (see Config.Interconnects).
func (c Config) interconnects() []string {
	if len(c.Interconnects) > 0 {
		return c.Interconnects
	}
	return []string{c.Arch().Interconnect}
}

// AllInterconnects returns every interconnect, Base's first: the report
// then compares them.
func (c Config) AllInterconnects() []string {
	out := []string{c.Arch().Interconnect}
	for _, ic := range arch.Interconnects() {
		if ic != out[0] {
			out = append(out, ic)
		}
	}
	return out
}

// main returns the results of the report's main interconnect.
func (r *Report) main() []sim.Result {
	ic := r.Config.interconnects()[0]
	var out []sim.Result
	for _, x := range r.Results {
		if x.Interconnect == ic {
			out = append(out, x)
		}
	}
	return out
}

// Carried returns, per interconnect and bus width, the most cores of a
// layer whose cyclic run reaches 90% of PV (sweep.Carried).
func (r *Report) Carried() []sweep.Carry {
	return sweep.Carried(r.Results, compile.Cyclic, plots.CarriedFraction)
}

// Run runs the sweep and the traced layer and evaluates the claims.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	start := time.Now()
	cfg.Network = cfg.Network.Within(cfg.Models, cfg.Xbars)
	// The whole networks run beside the layer sweep, on the CPUs it
	// leaves idle near its end.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	parts := progressParts(cfg.Progress, 2)
	layerCfg := cfg
	layerCfg.Progress = parts[0]
	var nres []netsim.Result
	var nlayers []netsim.LayerResult
	var nerr error
	networks := make(chan struct{})
	go func() {
		defer close(networks)
		nres, nlayers, nerr = runNetworks(ctx, cfg, parts[1])
	}()
	nets, rs, err := runSweep(ctx, layerCfg)
	if err != nil {
		cancel()
	}
	<-networks
	if err == nil {
		err = nerr
	}
	if err != nil {
		return nil, err
	}
	r := &Report{Config: cfg, Results: rs, Frame: sim.DataFrame(rs), Claims: Claims(rs), Network: nres,
		NetworkLayers: nlayers}
	if err := r.networkFigures(); err != nil {
		return nil, err
	}
	if r.Figures, err = plots.Standard(r.Frame); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	if err := r.traceFigures(nets); err != nil {
		return nil, err
	}
	for _, f := range append(slices.Clip(r.Figures), r.NetworkFigures...) {
		f.Title = r.figureTitle(f)
	}
	r.Elapsed = time.Since(start)
	return r, nil
}

// figureTitle names figure f and what it was drawn from (its caption's
// selection, the report's sweep, the chip and the technology): the
// <title> of its SVG files.
func (r *Report) figureTitle(f *plots.Figure) string {
	c := r.Config
	return fmt.Sprintf("%s: %s Report sweep: %s; interconnects %s. Chip: %s. Technology %s.", f.Name, f.Caption,
		c.sweepLine(), strings.Join(c.interconnects(), ", "), c.timingLine(), r.techNote())
}

// Sweep runs the configured sweep (no figures, no trace) and returns its
// conv-layer results in sweep order: the results [Run] reports and checks
// the claims on. A notebook that shows the report's claims calls
// Claims(Sweep(ctx, Default())).
func Sweep(ctx context.Context, cfg Config) ([]sim.Result, error) {
	_, rs, err := runSweep(ctx, cfg)
	return rs, err
}

// runSweep loads the models and runs the sweep, keeping the conv layers.
func runSweep(ctx context.Context, cfg Config) ([]*nn.Network, []sim.Result, error) {
	nets, err := models(cfg)
	if err != nil {
		return nil, nil, err
	}
	rs, err := sweep.Run(ctx, sweep.Spec{Models: nets, Xbars: cfg.Xbars, Buses: cfg.Buses,
		Cores: cfg.Cores, Schemes: cfg.Schemes, Base: cfg.Arch(), Interconnects: cfg.interconnects(),
		Progress: cfg.Progress, Sim: sim.Options{Tech: cfg.Tech}})
	if err != nil {
		return nil, nil, err
	}
	rs = convOnly(rs)
	if len(rs) == 0 {
		return nil, nil, errors.New("report: the sweep has no conv layers")
	}
	return nets, rs, nil
}

// models loads the configured networks from the zoo.
func models(cfg Config) ([]*nn.Network, error) {
	if len(cfg.Models) == 0 {
		return nil, errors.New("report: no models")
	}
	var nets []*nn.Network
	for _, name := range cfg.Models {
		net, err := zoo.Get(name, cfg.Input)
		if err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
		nets = append(nets, net)
	}
	return nets, nil
}

// convOnly keeps the conv layers: the paper evaluates conv2D layers.
func convOnly(rs []sim.Result) []sim.Result {
	out := rs[:0:0]
	for _, r := range rs {
		if r.Kind == string(nn.Conv2D) {
			out = append(out, r)
		}
	}
	return out
}

// traceFigures simulates the configured layer with a trace and adds the
// timeline and bus utilisation figures. A missing model or layer skips
// them, as does a layer that does not fit the budget (the sweep figures
// stand on their own).
func (r *Report) traceFigures(nets []*nn.Network) error {
	tc := r.traceChoice()
	r.Config.Trace = tc
	var layer *nn.Layer
	for _, n := range nets {
		if n.Name == tc.Model {
			layer = n.Layer(tc.Layer)
		}
	}
	if layer == nil {
		return nil
	}
	a := r.Config.Arch()
	a.XbarRows, a.XbarCols, a.BusBytes = tc.Xbar, tc.Xbar, tc.Bus
	a.Interconnect = r.Config.interconnects()[0]
	if len(r.Config.Cores) > 0 {
		a.Cores = r.Config.Cores[len(r.Config.Cores)-1]
	}
	m, err := mapping.Map(layer, a)
	if err != nil {
		return fmt.Errorf("report: timeline layer %s %s: %w", tc.Model, tc.Layer, err)
	}
	if !m.Fits {
		return nil // nothing to trace within the budget: no timeline
	}
	t, err := sim.Simulate(m, a, tc.Scheme, sim.Options{Trace: true})
	if err != nil {
		return fmt.Errorf("report: timeline layer %s %s: %w", tc.Model, tc.Layer, err)
	}
	r.Trace = t
	if err := r.addTraceFigures(m, t, a.Interconnect); err != nil {
		return fmt.Errorf("report: timeline layer %s %s: %w", tc.Model, tc.Layer, err)
	}
	return nil
}

// traceChoice returns the configured timeline layer when the sweep has its
// model, else the first swept layer that fits with 2 to 16 cores in a group
// on the configured crossbar (or on any crossbar).
func (r *Report) traceChoice() TraceConfig {
	tc := r.Config.Trace
	for _, m := range r.Config.Models {
		if m == tc.Model {
			return tc
		}
	}
	for _, anyXbar := range []bool{false, true} {
		for _, x := range r.main() {
			if x.Fits && x.PV >= 2 && x.PV <= 16 && x.Cores <= plots.MaxTimelineCores && (anyXbar || x.XbarRows == tc.Xbar) {
				tc.Model, tc.Layer, tc.Xbar, tc.Cores = x.Model, x.Layer, x.XbarRows, x.Cores
				return tc
			}
		}
	}
	return tc
}

// addTraceFigures draws the timeline window (whole cycles) and the bus
// utilisation of a run on interconnect ic.
func (r *Report) addTraceFigures(m *mapping.Layer, t *sim.Timing, ic string) error {
	tc := r.Config.Trace
	spans := plots.FromSim(t.Trace)
	vecs := max(1, m.Vectors)
	window := math.Ceil(float64(t.Cycles) * float64(min(vecs, tc.Vectors)) / float64(vecs+m.PV-1))
	title := fmt.Sprintf("%s %s, %dx%d, %d B bus, %s, %s", tc.Model, tc.Layer, tc.Xbar, tc.Xbar, tc.Bus, plots.InterconnectName(ic), tc.Scheme)
	tl, err := plots.Timeline(spans, plots.TimelineOptions{Name: "timeline", Title: title,
		To: window, Cores: min(tc.Cores, plots.MaxTimelineCores)})
	if err != nil {
		return err
	}
	bu, err := plots.BusUtilization(spans, 100, title)
	if err != nil {
		return err
	}
	r.Figures = append(r.Figures, tl, bu)
	return nil
}

// Write writes results.csv, the figures (in figures/) and index.html into
// dir, creating it, and returns the path of index.html. Every file is
// written through an [os.Root] of dir, so none lands outside it.
func (r *Report) Write(dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("report: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return "", fmt.Errorf("report: %w", err)
	}
	defer root.Close()
	if err := r.writeCSV(root, "results.csv", func(w io.Writer) error { return sim.WriteCSV(w, r.Results) }); err != nil {
		return "", err
	}
	if err := r.writeNetwork(root); err != nil {
		return "", err
	}
	if err := root.MkdirAll("figures", 0o755); err != nil {
		return "", fmt.Errorf("report: %w", err)
	}
	figs := append(slices.Clip(r.Figures), r.NetworkFigures...)
	if _, err := export.SaveAll(figs, filepath.Join(dir, "figures"), r.Config.Formats, r.Config.Sizes); err != nil {
		return "", err
	}
	if err := writeFile(root, "index.html", r.HTML); err != nil {
		return "", err
	}
	return filepath.Join(dir, "index.html"), nil
}

// writeCSV writes the CSV file name of the report: the preamble that
// names the report's configuration, then what write writes.
func (r *Report) writeCSV(root *os.Root, name string, write func(io.Writer) error) error {
	return writeFile(root, name, func(w io.Writer) error {
		if err := sim.WritePreamble(w, r.Config.preamble()...); err != nil {
			return err
		}
		return write(w)
	})
}

// preamble is the configuration of the report's results, as the '#'
// lines its CSV files open with: the command line when known, the sweep,
// then the chip, the simulator's options and the technology.
func (c Config) preamble() []string {
	var out []string
	if c.Command != "" {
		out = append(out, c.Command)
	}
	out = append(out, "cimkit report: "+c.sweepLine()+"; interconnects "+strings.Join(c.interconnects(), ", "),
		"chip: the arch below, with each row's crossbar, bus width, core budget and interconnect")
	return append(out, sim.Preamble(c.Arch(), sim.Options{Tech: c.Tech})...)
}

// sweepLine describes the sweep: models and input size, and its axes.
func (c Config) sweepLine() string {
	return fmt.Sprintf("models %s at %dx%d; crossbars %s; buses %s B; core budget %s; schemes %s",
		strings.Join(c.Models, ", "), c.Input, c.Input, list(c.Xbars), list(c.Buses), list(c.Cores), list(c.Schemes))
}

// writeFile creates name inside root and fills it with write.
func writeFile(root *os.Root, name string, write func(io.Writer) error) error {
	f, err := root.Create(name)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("report: %s: %w", name, err)
	}
	return nil
}

// progressParts splits progress into n parts that report their own work:
// progress sees the sum of the parts' done and total (nil parts when
// progress is nil).
func progressParts(progress func(done, total int), n int) []func(done, total int) {
	parts := make([]func(done, total int), n)
	if progress == nil {
		return parts
	}
	var mu sync.Mutex
	done, total := make([]int, n), make([]int, n)
	for i := range parts {
		parts[i] = func(d, t int) {
			mu.Lock()
			defer mu.Unlock()
			done[i], total[i] = d, t
			var sd, st int
			for k := range done {
				sd, st = sd+done[k], st+total[k]
			}
			progress(sd, st)
		}
	}
	return parts
}
