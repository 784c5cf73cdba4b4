// Package netsim simulates a whole network on one chip: it places the
// network (cim/place), compiles one program for every core (cim/netprog),
// runs them together in the timed simulator (cim/sim) and reports
// end-to-end latency, throughput, per-layer times and the chip's use.
//
// # Metrics
//
// Result holds one run, LayerResult one layer of it (both with documented
// JSON/CSV columns and a gota DataFrame). Times are those of the first
// image: its latency is when its last layer ended (latency_cycles,
// latency_us). With Images > 1, interval_cycles is the mean time between
// two images' completions and images_per_s the steady-state throughput
// 1/interval; with one image it is 1/latency, and for a segmented
// placement (whose images leave the chip in one batch per segment) it is
// images over the whole run.
//
// Each layer's start is its first core's first instruction after the
// WAITs of its first pixel, its end its last core's end. The critical path
// is found backwards from the layer that ends last: each layer on it
// follows the input producer that ended last, and its critical_share is
// the part of the latency between that producer's end and its own (the
// first layer's from 0), so the shares along the path add up to one and
// every other layer's is 0. The bottleneck is the layer with the largest
// share: in a layer-by-layer run the longest layer, in a pipelined run the
// one whose tail the others wait for.
//
// core_utilization is the crossbars' MVM time over the crossbar cores'
// time; bus_utilization the bus-busy time over the makespan; bus bytes are
// split into feature maps between layers (layer_bytes, the network input
// included), partial sums, synchronisation and weights read for
// reprogramming. reprogram_cycles is the time during which at least one
// core was reprogramming (loading and writing crossbar rows), write_cycles
// the crossbar row writes of all cores added up. sync_mem_bytes counts every
// sequence register of every core (see cim/netprog for why a whole network
// needs more than the paper's one per core), next to puma_attr_bytes, the
// PUMA-style attribute buffer the same shared data would need.
//
// # Comparing modes and duplication
//
// Compare runs the same placement layer by layer and pipelined, and with
// Config.Duplicate also pipelined with the bottleneck layers duplicated:
// speedup is the layer-by-layer latency over each run's, dup_gain the
// pipelined latency without duplication over the duplicated one's.
//
// Duplication is greedy (Copies). It starts from a pipelined run of one
// image without copies and first gives one more weight copy at a time to
// the crossbar layer with the longest estimated stage time, (ceil(N/copies)
// + PV - 1) MVMs, while its segment has the cores for it and that stage
// is still longer than both the bus time of the run and the longest
// digital layer's busy time (which copies do not shorten); it stops at the
// first such bottleneck it cannot duplicate (a dense layer, a folded one,
// too few spare cores). Then, by simulation, it gives the bottleneck of the
// last run (the layer with the largest critical-path share) a quarter more
// copies (at least one, fewer when the cores run out) while that shortens
// the latency, at most eight times.
package netsim

import (
	"errors"
	"fmt"
	"sort"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/isa"
	"github.com/cimkit/cimkit/cim/netprog"
	"github.com/cimkit/cimkit/cim/nn"
	"github.com/cimkit/cimkit/cim/place"
	"github.com/cimkit/cimkit/cim/sim"
)

// Config is one whole-network run.
type Config struct {
	Arch   arch.Arch      // the chip
	Scheme compile.Scheme // synchronisation scheme inside layers
	Mode   netprog.Mode   // layer or pipelined
	Images int            // images streamed, 1..netprog.MaxImages
	// Segments allows a network that does not fit to run in segments (and
	// layers larger than the chip to be folded); without it such a network
	// is an error wrapping place.ErrNoFit.
	Segments bool
	// Duplicate chooses weight copies greedily (see the package doc).
	Duplicate bool
	// Copies gives weight copies by layer name (when not Duplicate).
	Copies map[string]int
	// Sim are the simulator options (arbiter, blocking MVM); Trace is
	// honoured, for timeline figures.
	Sim sim.Options
	// Progress, when set, is called as one call of Simulate, Compare, Runs
	// or Copies advances, with done, the MVMs it has simulated so far over
	// all its runs, and total, the most it will simulate (for Simulate,
	// Work): every sim.ProgressEvery MVMs and at the end of every run. The
	// duplication search counts at its longest (10 runs of one image), so
	// done jumps forward when the search stops early; it reaches total when
	// the call succeeds. Progress replaces Sim.Progress.
	Progress func(done, total int64)
}

// ErrImages is wrapped by the error for an image count out of range.
var ErrImages = netprog.ErrImages

// Run is one simulated whole-network run.
type Run struct {
	Result Result        // the run's record
	Layers []LayerResult // one record per layer, in network order
	// Spans are every layer's start and end for every image (crossbar and
	// digital layers, in network order, image after image): the bars of a
	// network timeline.
	Spans   []Span
	Copies  map[string]int   // the weight copies used (layers with more than one)
	Program *netprog.Program `json:"-"` // the program that ran
	Timing  *sim.Timing      `json:"-"` // its timed simulation
}

// Span is one layer at work on one image: from its start to its end (as
// LayerResult's start_cycles and end_cycles).
type Span struct {
	Layer string `json:"layer"`
	Image int    `json:"image"`
	Start int64  `json:"start_cycles"`
	End   int64  `json:"end_cycles"`
}

// maxSeqRegs bounds the register scan of a core (sim.MaxSeqRegs).
const maxSeqRegs = sim.MaxSeqRegs

// Simulate places, compiles and simulates net (inferred) under cfg.
func Simulate(net *nn.Network, cfg Config) (*Run, error) {
	return simulateNet(net, cfg, newMeter(cfg.Progress, func() int64 { return Work(net, cfg) }))
}

// simulateNet is Simulate counting its MVMs on m.
func simulateNet(net *nn.Network, cfg Config, m *meter) (*Run, error) {
	if cfg.Images < 1 || cfg.Images > netprog.MaxImages {
		return nil, fmt.Errorf("netsim: %w: %d images, want 1..%d", ErrImages, cfg.Images, netprog.MaxImages)
	}
	copies := cfg.Copies
	if cfg.Duplicate {
		var dup *Run
		var err error
		if copies, dup, err = duplicate(net, cfg, m); err != nil {
			return nil, err
		}
		if reusesSearch(cfg) {
			dup.Result.Duplicate = true
			for i := range dup.Layers {
				dup.Layers[i].Duplicate = true
			}
			return dup, nil
		}
	}
	pl, err := place.Place(net, cfg.Arch, place.Options{Segments: cfg.Segments, Copies: copies})
	if err != nil {
		return nil, err
	}
	return simulate(pl, cfg, m)
}

// reusesSearch reports whether Simulate with Duplicate returns the
// duplication search's last run instead of running the chosen copies again:
// when that run is the one asked for (pipelined, one image, no trace).
func reusesSearch(cfg Config) bool {
	return cfg.Mode == netprog.Pipelined && cfg.Images == 1 && !cfg.Sim.Trace
}

// simulate compiles and runs a placement, counting its MVMs on m.
func simulate(pl *place.Placement, cfg Config, m *meter) (*Run, error) {
	p, err := netprog.Build(pl, netprog.Options{Scheme: cfg.Scheme, Mode: cfg.Mode, Images: cfg.Images})
	if err != nil {
		return nil, err
	}
	cnt := &counter{lay: &p.Layout, images: p.Images, loads: make([]int64, len(p.Layout.Regions)),
		stores: make([]int64, len(p.Layout.Regions))}
	streams := p.Streams()
	for c := range streams {
		streams[c] = &counting{s: streams[c], c: cnt}
	}
	t, err := sim.Execute(cfg.Arch, streams, m.options(cfg.Sim))
	if err != nil {
		return nil, fmt.Errorf("netsim: network %q (%s, %s): %w", pl.Net.Name, cfg.Scheme, cfg.Mode, err)
	}
	m.add(t.Actions.MVMs)
	r := &Run{Program: p, Timing: t, Copies: map[string]int{}}
	r.measure(cfg, cnt)
	return r, nil
}

// counter tallies the bus bytes of LOADs and STOREs by buffer.
type counter struct {
	lay           *netprog.Layout
	images        int
	loads, stores []int64
	weights       int64
}

// counting is a stream that counts what it hands out.
type counting struct {
	s isa.Stream
	c *counter
}

// TileShape passes on the tile of the job at hand, so that the simulator
// prices each MVM on its tile: every stream of a netprog.Program has one
// (sim.TileShaper).
func (s *counting) TileShape() (rows, cols int) { return s.s.(sim.TileShaper).TileShape() }

// Next implements isa.Stream.
func (s *counting) Next(in *isa.Instr) bool {
	if !s.s.Next(in) {
		return false
	}
	if in.Op == isa.LOAD || in.Op == isa.STORE {
		c := s.c
		i := c.lay.Region(in.Addr, c.images)
		switch {
		case i < 0:
			c.weights += int64(in.Bytes)
		case in.Op == isa.LOAD:
			c.loads[i] += int64(in.Bytes)
		default:
			c.stores[i] += int64(in.Bytes)
		}
	}
	return true
}

// times are the start and end of each placement layer for each image (-1:
// none), and the reprogramming intervals of each layer.
type times struct {
	start, end [][]int64
	prog       [][][2]int64
}

func (r *Run) times() times {
	p, t := r.Program, r.Timing
	n := len(p.Place.Layers)
	tm := times{start: make([][]int64, n), end: make([][]int64, n), prog: make([][][2]int64, n)}
	for i := range tm.start {
		tm.start[i], tm.end[i] = make([]int64, p.Images), make([]int64, p.Images)
		for k := range tm.start[i] {
			tm.start[i][k], tm.end[i][k] = -1, -1
		}
	}
	open := map[int32]int64{} // core -> start of its reprogramming
	for _, m := range t.Marks {
		layer, k, end, prog := p.Unlabel(m.Label)
		switch {
		case prog && !end:
			open[m.Core] = m.T
		case prog:
			tm.prog[layer] = append(tm.prog[layer], [2]int64{open[m.Core], m.T})
		case end:
			tm.end[layer][k] = max(tm.end[layer][k], m.T)
		default:
			if s := tm.start[layer][k]; s < 0 || m.T < s {
				tm.start[layer][k] = m.T
			}
		}
	}
	return tm
}

// union is the total length of the union of intervals.
func union(iv [][2]int64) int64 {
	sort.Slice(iv, func(a, b int) bool { return iv[a][0] < iv[b][0] })
	var total, lo, hi int64 = 0, 0, -1
	for _, x := range iv {
		if x[0] > hi {
			if hi > lo {
				total += hi - lo
			}
			lo, hi = x[0], x[1]
			continue
		}
		hi = max(hi, x[1])
	}
	if hi > lo {
		total += hi - lo
	}
	return total
}

// measure fills in the Result and LayerResults.
func (r *Run) measure(cfg Config, cnt *counter) {
	p, t, a := r.Program, r.Timing, cfg.Arch
	pl := p.Place
	tm := r.times()
	res := &r.Result
	*res = Result{Model: pl.Net.Name, XbarRows: a.XbarRows, XbarCols: a.XbarCols, BusBytes: a.BusBytes,
		CoresBudget: a.Cores, Scheme: string(cfg.Scheme), Mode: string(cfg.Mode), Duplicate: cfg.Duplicate,
		Images: p.Images, Segments: len(pl.Segments), Cores: p.Cores, CoresNeeded: pl.Need, Instrs: t.Instrs,
		MakespanCycles: t.Cycles, BusUtilization: t.BusUtilization(), BusBytesTotal: t.BusBytes,
		SyncBytes: t.SyncBytes, WeightBytes: cnt.weights, SyncMemBytes: p.SyncMemBytes(),
		SeqRegs: p.SeqRegsTotal(), SharedBytes: p.Layout.SharedBytes}
	res.PumaAttrBytes = sim.PumaAttrBytes(p.Layout.SharedBytes)
	for c := 0; c < p.Cores; c++ {
		res.MaxSeqRegs = max(res.MaxSeqRegs, p.SeqRegs(c))
		for r := 0; r < maxSeqRegs && p.RegKind(c, uint16(r)) != 0; r++ {
			switch p.RegKind(c, uint16(r)) {
			case netprog.OwnerReg:
				res.OwnerRegs++
			case netprog.ChainReg:
				res.ChainRegs++
			case netprog.DepReg:
				res.DepRegs++
			}
		}
	}
	done := make([]int64, p.Images) // each image's completion
	for _, i := range p.Timed() {
		for k := range done {
			done[k] = max(done[k], tm.end[i][k])
		}
	}
	for _, i := range p.Timed() {
		for k := range done {
			r.Spans = append(r.Spans, Span{Layer: pl.Layers[i].Layer.Name, Image: k, Start: max(tm.start[i][k], 0), End: tm.end[i][k]})
		}
	}
	res.LatencyCycles = done[0]
	res.LatencyUs = a.Seconds(done[0]) * 1e6
	switch {
	case p.Images > 1 && pl.Resident():
		res.IntervalCycles = float64(done[p.Images-1]-done[0]) / float64(p.Images-1)
		if res.IntervalCycles > 0 {
			res.ImagesPerS = 1 / a.Seconds(1) / res.IntervalCycles
		}
	case p.Images > 1:
		res.IntervalCycles = float64(done[p.Images-1]-done[0]) / float64(p.Images-1)
		res.ImagesPerS = float64(p.Images) / a.Seconds(t.Cycles)
	case done[0] > 0:
		res.ImagesPerS = 1 / a.Seconds(done[0])
	}
	share := r.critical(tm, done[0])
	var allProg [][2]int64
	var mvm int64
	xbarCores := map[int]bool{}
	for c := 0; c < p.Cores; c++ {
		for _, j := range p.Jobs(c) {
			if pl.Layers[j.Layer].Role == place.Crossbar {
				xbarCores[c] = true
			}
		}
	}
	for i := range pl.Layers {
		l := &pl.Layers[i]
		lr := LayerResult{Model: pl.Net.Name, Scheme: res.Scheme, Mode: res.Mode, Layer: l.Layer.Name,
			Kind: l.Layer.KindName(), Role: l.Role.String(), Segment: l.Segment, Copies: l.Copies, Rounds: l.Rounds,
			Cores: l.Cores(a.Cores), Tiles: l.Tiles(), Vectors: l.Layer.Out.H * l.Layer.Out.W,
			StartCycles: max(tm.start[i][0], 0), EndCycles: max(tm.end[i][0], 0), CriticalShare: share[i],
			XbarRows: a.XbarRows, XbarCols: a.XbarCols, BusBytes: a.BusBytes, CoresBudget: a.Cores,
			Duplicate: cfg.Duplicate, Images: p.Images}
		lr.SpanCycles = lr.EndCycles - lr.StartCycles
		if l.Map != nil {
			lr.PV = l.Map.PV
			work := int64(l.Tiles()) * int64(l.Map.Vectors) * int64(a.MVMCycles)
			mvm += work * int64(p.Images)
			if lr.SpanCycles > 0 {
				lr.XbarBusy = float64(work) / (float64(lr.Cores) * float64(lr.SpanCycles))
			}
			if l.Copies > 1 {
				r.Copies[l.Layer.Name] = l.Copies
				res.Copies += l.Copies - 1
			}
			if l.Folded() {
				res.FoldedLayers++
			}
		}
		if share[i] > res.BottleneckShare {
			res.Bottleneck, res.BottleneckShare = lr.Layer, share[i]
		}
		lr.ReprogramCycle = union(append([][2]int64(nil), tm.prog[i]...))
		allProg = append(allProg, tm.prog[i]...)
		r.Layers = append(r.Layers, lr)
	}
	for i := range pl.Layers {
		if m := pl.Layers[i].Map; m != nil && (pl.Layers[i].Segment > 0 || pl.Layers[i].Folded()) {
			res.WriteCycles += r.writeRows(i) * int64(a.RowWriteCycles)
		}
	}
	res.ReprogramCycles = union(allProg)
	for b := range p.Layout.Regions {
		buf := &p.Layout.Regions[b]
		if buf.Psum {
			res.PsumBytes += cnt.loads[b] + cnt.stores[b]
			continue
		}
		res.LayerBytes += cnt.loads[b] + cnt.stores[b]
		if buf.Layer >= 0 {
			r.Layers[buf.Layer].WrittenBytes += cnt.stores[b]
			r.Layers[buf.Layer].ReadBytes += cnt.loads[b]
		}
	}
	if len(xbarCores) > 0 && t.Cycles > 0 {
		res.CoreUtilization = float64(mvm) / (float64(len(xbarCores)) * float64(t.Cycles))
	}
	r.setEnergy(cfg)
}

// writeRows is the number of crossbar rows that crossbar layer i writes
// when it is reprogrammed (all tiles of a later segment; the tiles of
// rounds after the first of a folded layer in the first segment).
func (r *Run) writeRows(i int) int64 {
	p := r.Program
	var rows int64
	for c := 0; c < p.Cores; c++ {
		for _, j := range p.Jobs(c) {
			if j.Layer == i && j.Prog {
				rows += int64(p.Place.Layers[i].Map.Tiles[j.Tile].Rows)
			}
		}
	}
	return rows
}

// critical returns each placement layer's critical-path share (see the
// package doc) for the first image.
func (r *Run) critical(tm times, latency int64) []float64 {
	p := r.Program
	share := make([]float64, len(p.Place.Layers))
	if latency <= 0 {
		return share
	}
	cur := -1
	for _, i := range p.Timed() {
		if cur < 0 || tm.end[i][0] > tm.end[cur][0] {
			cur = i
		}
	}
	for cur >= 0 {
		pred := -1
		for _, q := range p.Producers(cur) {
			if pred < 0 || tm.end[q][0] > tm.end[pred][0] {
				pred = q
			}
		}
		from := int64(0)
		if pred >= 0 {
			from = min(tm.end[pred][0], tm.end[cur][0])
		}
		share[cur] = float64(tm.end[cur][0]-from) / float64(latency)
		cur = pred
	}
	return share
}

// Compare runs net layer by layer and pipelined under cfg (its Mode is
// ignored), and with cfg.Duplicate also pipelined with greedy copies, and
// fills in each Result's speedup over the layer-by-layer run and the
// duplicated run's gain over the plain pipelined one.
func Compare(net *nn.Network, cfg Config) ([]*Run, error) {
	plain := cfg
	plain.Duplicate = false
	cfgs := make([]Config, 0, 3)
	for _, m := range netprog.Modes() {
		plain.Mode = m
		cfgs = append(cfgs, plain)
	}
	if cfg.Duplicate {
		cfg.Mode = netprog.Pipelined
		cfgs = append(cfgs, cfg)
	}
	m := newMeter(cfg.Progress, func() (total int64) {
		for _, c := range cfgs {
			total += Work(net, c)
		}
		return total
	})
	runs := make([]*Run, len(cfgs))
	for i, c := range cfgs {
		r, err := simulateNet(net, c, m)
		if err != nil {
			return nil, err
		}
		runs[i] = r
	}
	if cfg.Duplicate {
		runs[2].Result.DupGain = ratio(runs[1].Result.LatencyCycles, runs[2].Result.LatencyCycles)
	}
	for _, r := range runs {
		r.Result.Speedup = ratio(runs[0].Result.LatencyCycles, r.Result.LatencyCycles)
	}
	return runs, nil
}

func ratio(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Copies chooses weight copies greedily for net under cfg (see the package
// doc); layers with one copy are not listed.
func Copies(net *nn.Network, cfg Config) (map[string]int, error) {
	copies, _, err := duplicate(net, cfg, newMeter(cfg.Progress, func() int64 { return searchRuns * mvms(net, cfg.Arch) }))
	return copies, err
}

// maxRefine is the most simulated duplication steps after the estimate.
const maxRefine = 8

// searchRuns is the most runs the duplication search simulates: the run
// without copies, the run with the estimated copies and maxRefine steps.
const searchRuns = 2 + maxRefine

// duplicate chooses the copies and returns them with the last pipelined
// run of one image that used them.
func duplicate(net *nn.Network, cfg Config, m *meter) (map[string]int, *Run, error) {
	base := cfg
	base.Mode, base.Images, base.Sim.Trace, base.Duplicate = netprog.Pipelined, 1, false, false
	copies := map[string]int{}
	for name, n := range cfg.Copies {
		copies[name] = n
	}
	tries := 0
	try := func() (*Run, error) {
		pl, err := place.Place(net, cfg.Arch, place.Options{Segments: cfg.Segments, Copies: copies})
		if err != nil {
			return nil, err
		}
		tries++
		return simulate(pl, base, m)
	}
	// The runs the search does not need are done, as far as m counts.
	defer func() { m.add(int64(searchRuns-tries) * mvms(net, cfg.Arch)) }()
	run, err := try()
	if err != nil {
		return nil, nil, err
	}
	if estimate(run, copies, cfg.Arch) {
		if run, err = try(); err != nil {
			return nil, nil, err
		}
	}
	for step := 0; step < maxRefine; step++ {
		l := run.Program.Place.Layer(run.Result.Bottleneck)
		if l == nil {
			break
		}
		more := max(l.Copies/4, 1)
		for more > 1 && !duplicable(run.Program.Place, l, more) {
			more /= 2
		}
		if !duplicable(run.Program.Place, l, more) {
			break
		}
		copies[l.Layer.Name] = l.Copies + more
		next, err := try()
		if err != nil {
			return nil, nil, err
		}
		if next.Result.LatencyCycles >= run.Result.LatencyCycles {
			copies[l.Layer.Name] = l.Copies
			break
		}
		run = next
	}
	return clean(copies), run, nil
}

// estimate adds copies to the layers of run's placement by their
// estimated stage times (see the package doc); it reports whether it added
// any.
func estimate(run *Run, copies map[string]int, a arch.Arch) bool {
	pl := run.Program.Place
	digital := make([]int64, len(pl.Segments)) // longest digital layer's busy time, per segment
	for c := 0; c < run.Program.Cores; c++ {
		for _, j := range run.Program.Jobs(c) {
			if l := &pl.Layers[j.Layer]; l.Role == place.Digital {
				st := run.Timing.Cores[c]
				digital[l.Segment] = max(digital[l.Segment], st.Busy+st.Bus+st.WaitBus)
			}
		}
	}
	added := false
	for s := range pl.Segments {
		seg := &pl.Segments[s]
		bound := digital[s]
		if pl.Resident() {
			bound = max(bound, run.Timing.BusBusy)
		}
		spare := a.Cores - seg.Cores
		for !seg.Folded {
			best, bestT := -1, int64(0)
			for _, i := range seg.Layers {
				l := &pl.Layers[i]
				if l.Role != place.Crossbar {
					continue
				}
				if t := stage(l, copiesOf(copies, l), a); t > bestT {
					best, bestT = i, t
				}
			}
			if best < 0 || bestT <= bound {
				break
			}
			l := &pl.Layers[best]
			d := copiesOf(copies, l)
			if l.Layer.Kind == nn.Dense || d >= l.Map.Vectors || spare < l.Tiles() {
				break
			}
			copies[l.Layer.Name] = d + 1
			spare -= l.Tiles()
			added = true
		}
	}
	return added
}

// duplicable reports whether crossbar layer l can have n more copies in
// its segment of placement pl.
func duplicable(pl *place.Placement, l *place.Layer, n int) bool {
	return l.Role == place.Crossbar && l.Layer.Kind != nn.Dense && !l.Folded() && l.Copies+n <= l.Map.Vectors &&
		pl.Segments[l.Segment].Cores+n*l.Tiles() <= pl.Arch.Cores
}

// clean drops layers with one copy.
func clean(copies map[string]int) map[string]int {
	for name, n := range copies {
		if n <= 1 {
			delete(copies, name)
		}
	}
	return copies
}

func copiesOf(copies map[string]int, l *place.Layer) int {
	if n, ok := copies[l.Layer.Name]; ok && n > 0 {
		return n
	}
	return 1
}

// stage is the estimated time of crossbar layer l with d copies:
// (ceil(N/d) + PV - 1) MVMs.
func stage(l *place.Layer, d int, a arch.Arch) int64 {
	n := (l.Map.Vectors + d - 1) / d
	return int64(n+l.Map.PV-1) * int64(a.MVMCycles)
}

// IsBadInput reports whether err comes from input the caller can correct
// (a network that does not fit without segments, a fold beyond
// place.MaxRounds, bad copies, an image count out of range, shared memory
// too small for the feature maps) rather than from a failure.
func IsBadInput(err error) bool {
	for _, e := range []error{place.ErrNoFit, place.ErrFold, place.ErrCopies, netprog.ErrImages,
		netprog.ErrMemory, netprog.ErrRegisters, netprog.ErrCounts, nn.ErrInvalid} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
