package infer

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/functional"
	"github.com/cimkit/cimkit/cim/isa"
	"github.com/cimkit/cimkit/cim/mapping"
	"github.com/cimkit/cimkit/cim/nn"
)

// Options steer Run.
type Options struct {
	// Arch is the chip; each crossbar layer is mapped onto all of it in
	// turn (layer by layer), so its core budget must hold the largest
	// layer; with Network the whole network is placed on its core budget.
	// The zero value takes arch.Default with an unlimited budget.
	Arch arch.Arch
	// Scheme is the synchronisation scheme of the programs (default
	// cyclic).
	Scheme compile.Scheme
	// Seed is the scheduler seed of the first crossbar layer; layer k runs
	// under seeds Seed+k*Seeds .. Seed+k*Seeds+Seeds-1 (odd seeds slow a
	// random half of the cores; see package functional). With Network the
	// whole program runs under seeds Seed .. Seed+Seeds-1.
	Seed uint64
	// Seeds is the number of random schedules per crossbar layer, or of
	// the whole-network program (0 is 1).
	Seeds int
	// Int8 runs the integer pass after the float pass (see the package doc).
	Int8 bool
	// WeightSeed seeds the random weights of layers that have none (zoo
	// networks).
	WeightSeed uint64
	// Drop, when set, is asked about every instruction of every crossbar
	// layer's programs (with Network: of every core's program, with the
	// layer of the core's job); returning true removes it. For tests that
	// break programs on purpose.
	Drop func(layer string, core int, index int64, in isa.Instr) bool
	// Network, when set, runs the whole network as one program per core
	// (placed by cim/place, compiled by cim/netprog) instead of layer by
	// layer: see the package doc.
	Network *NetworkOptions
}

// LayerRun is what one layer did in a pass.
type LayerRun struct {
	Name   string  // the layer
	Kind   string  // its kind; "digital:OP" for Digital layers
	Cores  int     // crossbar layers: cores (tiles) of the layer; with Network the cores it occupies (copies, a folded layer's round, 1 for a digital layer)
	PV     int     // crossbar layers: the largest conflict group
	Steps  int64   // crossbar layers, layer by layer: instructions executed (one schedule)
	MaxAbs float64 // the largest |value| of the output (real values)
	Scale  float64 // integer pass: the real value of one output unit
}

// Result is the outcome of Run.
type Result struct {
	Output []float64 // the network's output, real values, row-major over Dims
	Dims   []int64   // the output's ONNX dims (zoo networks: [1, C] or [1, C, H, W])
	Layers []LayerRun
	// Steps counts the instructions executed by all crossbar layers (in
	// the integer pass, when there is one); with Options.Network, by every
	// core of the whole-network program, digital layers included.
	Steps int64
	// Program describes the whole-network program (Options.Network only).
	Program *NetworkProgram

	// Integer pass only: the float pass's output and layers, from which
	// the scales were calibrated.
	Float       []float64
	FloatLayers []LayerRun
	InputScale  float64 // the real value of one input unit
}

// LayerError is a crossbar layer whose programs failed their check: a
// result that differs from the layer's direct computation, an ownership
// violation or a deadlock.
type LayerError struct {
	Layer  string
	Report *functional.Report
}

// Error names the layer and gives its check's report.
func (e *LayerError) Error() string { return fmt.Sprintf("layer %q: %s", e.Layer, e.Report) }

// ErrInput is wrapped by errors about the input tensor.
var ErrInput = errors.New("bad input")

// Run executes the network on input (the ONNX input tensor's elements in
// row-major order: CHW for an image) and returns its output.
func Run(net *nn.Network, input []float64, opt Options) (*Result, error) {
	e, err := newEngine(net, opt)
	if err != nil {
		return nil, err
	}
	if int64(len(input)) != net.Input.Elems() {
		return nil, fmt.Errorf("%w: %d values, the network input %s needs %d", ErrInput, len(input), net.Input, net.Input.Elems())
	}
	for i, v := range input {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%w: value %d is %g", ErrInput, i, v)
		}
	}
	res := &Result{}
	pass := e.pass
	if opt.Network != nil {
		n, err := e.program(res)
		if err != nil {
			return nil, err
		}
		pass = n.pass
	}
	out, layers, err := pass(input, nil, res)
	if err != nil || !opt.Int8 {
		res.Output, res.Layers = out, layers
		return res, err
	}
	res.Float, res.FloatLayers = out, layers
	res.Steps = 0
	cal := e.calibrate(input, layers)
	res.InputScale = cal.input
	res.Output, res.Layers, err = pass(input, cal, res)
	return res, err
}

// engine is one network's execution state.
type engine struct {
	net     *nn.Network
	opt     Options
	orders  map[string]nn.Order
	lastUse map[string]int
	weights map[string]*nn.Layer // layers given random weights
	out     string               // the output layer
}

func newEngine(net *nn.Network, opt Options) (*engine, error) {
	if net == nil || len(net.Layers) == 0 {
		return nil, fmt.Errorf("infer: no network")
	}
	if net.Layers[0].Out.Elems() == 0 {
		if err := net.Infer(); err != nil {
			return nil, err
		}
	}
	if opt.Arch == (arch.Arch{}) {
		opt.Arch = arch.Default()
		opt.Arch.Cores = arch.MaxCores
	}
	if err := opt.Arch.Validate(); err != nil {
		return nil, err
	}
	if opt.Scheme == "" {
		opt.Scheme = compile.Cyclic
	}
	if _, err := compile.ParseScheme(string(opt.Scheme)); err != nil {
		return nil, err
	}
	opt.Seeds = max(opt.Seeds, 1)
	e := &engine{net: net, opt: opt, orders: map[string]nn.Order{}, lastUse: map[string]int{}, weights: map[string]*nn.Layer{}}
	o, ok := nn.TensorOrder(net.InputDims, net.Input)
	if !ok {
		return nil, fmt.Errorf("infer: input dims %v do not give the input shape %s", net.InputDims, net.Input)
	}
	e.orders[nn.InputName] = o
	for i, l := range net.Layers {
		o, ok := nn.TensorOrder(l.Dims, l.Out)
		if !ok {
			return nil, fmt.Errorf("infer: layer %q: dims %v do not give its output %s", l.Name, l.Dims, l.Out)
		}
		e.orders[l.Name] = o
		for _, in := range e.inputs(i) {
			e.lastUse[in] = i
		}
	}
	e.out = net.Layers[len(net.Layers)-1].Name
	if net.Output != "" {
		if _, ok := e.orders[net.Output]; !ok || net.Output == nn.InputName {
			return nil, fmt.Errorf("infer: the output %q is no layer", net.Output)
		}
		e.out = net.Output
	}
	e.lastUse[e.out] = len(net.Layers)
	return e, nil
}

// inputs names layer i's inputs.
func (e *engine) inputs(i int) []string {
	l := e.net.Layers[i]
	if len(l.Inputs) > 0 {
		return l.Inputs
	}
	if i == 0 {
		return []string{nn.InputName}
	}
	return []string{e.net.Layers[i-1].Name}
}

// calibration holds the scales of the integer pass.
type calibration struct {
	input  float64
	layers map[string]float64 // per layer: the real value of one output unit
	qmax   float64            // largest activation value (127 for int8)
}

// pass runs every layer once: in float64 (cal nil) or in integers.
func (e *engine) pass(input []float64, cal *calibration, res *Result) ([]float64, []LayerRun, error) {
	vals := map[string]*fmap{}
	in := newFmap(input, e.net.Input, e.orders[nn.InputName])
	if cal != nil {
		in = cal.quantize(in.hwc, in, cal.input)
	}
	vals[nn.InputName] = in
	runs := make([]LayerRun, 0, len(e.net.Layers))
	k := 0 // crossbar layers so far
	for i, l := range e.net.Layers {
		names := e.inputs(i)
		ins := make([]*fmap, len(names))
		for j, n := range names {
			ins[j] = vals[n]
		}
		run := LayerRun{Name: l.Name, Kind: l.KindName()}
		var out *fmap
		var err error
		if l.OnCrossbar() {
			out, err = e.crossbar(l, ins[0], cal, k, &run)
			res.Steps += run.Steps
			k++
		} else {
			out, err = e.digital(l, ins, cal)
		}
		if err != nil {
			return nil, runs, err
		}
		run.MaxAbs = out.maxAbs()
		run.Scale = out.scale
		runs = append(runs, run)
		vals[l.Name] = out
		for _, n := range names {
			if e.lastUse[n] <= i {
				delete(vals, n)
			}
		}
	}
	f := vals[e.out]
	res.Dims = e.outputDims(f)
	return realValues(f.rowMajor(), f.scale), runs, nil
}

// outputDims are the dims of the network output.
func (e *engine) outputDims(f *fmap) []int64 {
	if e.net.OutputDims != nil {
		return e.net.OutputDims
	}
	if l := e.net.Layer(e.out); l != nil && l.Dims != nil {
		return l.Dims
	}
	if f.shape.H*f.shape.W == 1 {
		return []int64{1, int64(f.shape.C)}
	}
	return []int64{1, int64(f.shape.C), int64(f.shape.H), int64(f.shape.W)}
}

func maxAbs(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m = math.Max(m, math.Abs(x))
	}
	return m
}

// realValues returns v times scale (v itself in float mode, scale 0).
func realValues(v []float64, scale float64) []float64 {
	if scale == 0 {
		return v
	}
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = x * scale
	}
	return out
}

// crossbar runs a Conv2D or Dense layer through its compiled programs.
func (e *engine) crossbar(l *nn.Layer, in *fmap, cal *calibration, k int, run *LayerRun) (*fmap, error) {
	o := e.orders[l.Name]
	if err := sameOrder(l, []*fmap{in}, o); err != nil {
		return nil, err
	}
	l = e.withWeights(l)
	a := e.opt.Arch
	m, err := mapping.Map(l, a)
	if err != nil {
		return nil, err
	}
	if !m.Fits {
		return nil, fmt.Errorf("layer %q: crossbar %dx%d needs %d cores, arch has %d", l.Name, a.XbarRows, a.XbarCols, m.Cores, a.Cores)
	}
	run.Cores, run.PV = m.Cores, m.PV
	p, err := compile.Compile(m, a, e.opt.Scheme)
	if err != nil {
		return nil, err
	}
	fo := functional.Options{Seed: e.opt.Seed + uint64(k*e.opt.Seeds), Seeds: e.opt.Seeds, Float: cal == nil,
		Input: in.hwc, InputHWC: true}
	if d := e.opt.Drop; d != nil {
		fo.Drop = func(core int, index int64, ins isa.Instr) bool { return d(l.Name, core, index, ins) }
	}
	out := &fmap{shape: l.Out, order: o}
	if cal != nil {
		out.scale = cal.layers[l.Name]
		fo.Quant = cal.quantLayer(l, in.scale, out.scale, a)
	}
	rep, err := functional.Run(p, fo)
	if err != nil {
		return nil, fmt.Errorf("layer %q: %w", l.Name, err)
	}
	run.Steps = rep.Steps
	if !rep.OK() {
		return nil, &LayerError{Layer: l.Name, Report: rep}
	}
	out.hwc = rep.OFM
	return out, nil
}

// withWeights returns l, or a copy with seeded random weights when it has
// none (zoo networks): uniform in ±sqrt(6/fan-in) (He initialisation,
// which keeps the scale of ReLU networks), bias uniform in ±0.1.
func (e *engine) withWeights(l *nn.Layer) *nn.Layer {
	rows, cols, g, _ := l.Im2col()
	n := rows * cols * g
	if len(l.Weights) == n {
		return l
	}
	if c := e.weights[l.Name]; c != nil {
		return c
	}
	c := *l
	rng := rand.New(rand.NewPCG(e.opt.WeightSeed, uint64(len(e.weights))+1))
	a := math.Sqrt(6 / float64(rows))
	c.Weights = make([]float64, n)
	for i := range c.Weights {
		c.Weights[i] = a * (2*rng.Float64() - 1)
	}
	if l.Bias || l.BatchNorm {
		c.Bias = true
		c.BiasValues = make([]float64, l.Filters)
		for i := range c.BiasValues {
			c.BiasValues[i] = 0.1 * (2*rng.Float64() - 1)
		}
	}
	e.weights[l.Name] = &c
	return &c
}
