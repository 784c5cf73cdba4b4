package infer

import (
	"fmt"

	"github.com/cimkit/cimkit/cim/functional"
	"github.com/cimkit/cimkit/cim/netprog"
	"github.com/cimkit/cimkit/cim/nn"
	"github.com/cimkit/cimkit/cim/place"
)

// NetworkOptions run the whole network as one program per core (see the
// package doc, Whole-network programs).
type NetworkOptions struct {
	// Mode is layer by layer or pipelined (default pipelined).
	Mode netprog.Mode
	// Segments lets a network that does not fit the core budget run in
	// segments, reprogramming the chip in between, and a layer larger than
	// the chip run folded in rounds (place.Options.Segments); without it
	// such a network is refused.
	Segments bool
	// Copies gives weight copies of crossbar layers by name
	// (place.Options.Copies).
	Copies map[string]int
}

// NetworkProgram describes the whole-network program of a run.
type NetworkProgram struct {
	Mode        netprog.Mode
	Cores       int   // cores of the program (its largest segment)
	Segments    int   // segments the chip runs one after the other
	Folded      int   // crossbar layers folded in rounds
	SharedBytes int64 // shared memory holding the feature maps and partial sums
}

// NetworkError is a whole-network program that failed its check: an
// element read before it was written, a partial sum added twice or lost,
// a deadlock, or a result that depends on the schedule.
type NetworkError struct {
	Report *functional.NetReport
	// Output is what the program computed all the same (real values,
	// row-major; NaN where it read data before it was written or never
	// wrote its output), to compare with a correct run.
	Output []float64
}

// Error gives the whole-network check's report.
func (e *NetworkError) Error() string { return "whole-network program: " + e.Report.String() }

// network is a whole-network run's program.
type network struct {
	e     *engine
	p     *netprog.Program
	index map[string]int // placement layer by name
}

// program places and compiles the network for Options.Network.
func (e *engine) program(res *Result) (*network, error) {
	o := e.opt.Network
	mode := o.Mode
	if mode == "" {
		mode = netprog.Pipelined
	}
	pl, err := place.Place(e.net, e.opt.Arch, place.Options{Segments: o.Segments, Copies: o.Copies})
	if err != nil {
		return nil, err
	}
	p, err := netprog.Build(pl, netprog.Options{Scheme: e.opt.Scheme, Mode: mode, Images: 1})
	if err != nil {
		return nil, err
	}
	n := &network{e: e, p: p, index: map[string]int{}}
	res.Program = &NetworkProgram{Mode: mode, Cores: p.Cores, Segments: len(pl.Segments), SharedBytes: p.Layout.SharedBytes}
	for i := range pl.Layers {
		n.index[pl.Layers[i].Layer.Name] = i
		if pl.Layers[i].Folded() {
			res.Program.Folded++
		}
	}
	return n, nil
}

// pass runs the whole program once (under Options.Seeds schedules): in
// float64 (cal nil) or in integers.
func (n *network) pass(input []float64, cal *calibration, res *Result) ([]float64, []LayerRun, error) {
	e := n.e
	in := newFmap(input, e.net.Input, e.orders[nn.InputName])
	d := &netData{n: n, cal: cal}
	if cal != nil {
		in = cal.quantize(in.hwc, in, cal.input)
		d.scales = e.scales(cal)
	}
	rep, err := functional.RunNetwork(n.p, functional.NetOptions{Seed: e.opt.Seed, Seeds: e.opt.Seeds, Drop: e.opt.Drop,
		Values: &functional.NetValues{Float: cal == nil, Input: in.hwc, Data: d}})
	if err != nil {
		return nil, nil, err
	}
	res.Steps += rep.Steps
	vals := map[string]*fmap{}
	runs := make([]LayerRun, 0, len(e.net.Layers))
	for i, l := range e.net.Layers {
		f, err := d.tensor(rep, l.Name, vals)
		if err != nil {
			return nil, nil, err
		}
		pl := &n.p.Place.Layers[i]
		run := LayerRun{Name: l.Name, Kind: l.KindName(), Cores: pl.Cores(n.p.Arch.Cores),
			MaxAbs: f.maxAbs(), Scale: f.scale}
		if pl.Map != nil {
			run.PV = pl.Map.PV
		}
		runs = append(runs, run)
	}
	f := vals[e.out]
	res.Dims = e.outputDims(f)
	out := realValues(f.rowMajor(), f.scale)
	if !rep.OK() {
		return nil, nil, &NetworkError{Report: rep, Output: out}
	}
	return out, runs, nil
}

// scales returns the scale of every tensor in the integer pass: the
// calibrated one (a layer that only moves data already has its input's:
// see shareScales).
func (e *engine) scales(cal *calibration) map[string]float64 {
	s := map[string]float64{nn.InputName: cal.input}
	for _, l := range e.net.Layers {
		s[l.Name] = cal.layers[l.Name]
	}
	return s
}

// netData gives the whole-network run its parameters and computes its
// digital layers with the reference operators (functional.NetData).
type netData struct {
	n      *network
	cal    *calibration       // nil in float mode
	scales map[string]float64 // integer mode: every tensor's scale
}

// Params implements functional.NetData: the layer's weights (seeded
// random ones for zoo networks), and in integer mode their quantisation.
func (d *netData) Params(l *nn.Layer) (*nn.Layer, *functional.Quant, error) {
	e := d.n.e
	w := d.n.hwcRows(e.withWeights(l))
	if d.cal == nil {
		return w, nil, nil
	}
	in := d.scales[e.inputs(d.n.index[l.Name])[0]]
	return nil, d.cal.quantLayer(w, in, d.cal.layers[l.Name], e.opt.Arch), nil
}

// Digital implements functional.NetData with the layer-by-layer pass's
// digital operators.
func (d *netData) Digital(l *nn.Layer, k int, ins [][]float64) ([]float64, error) {
	e := d.n.e
	names := e.inputs(d.n.index[l.Name])
	fs := make([]*fmap, len(ins))
	for j, v := range ins {
		f, err := d.operand(names[j], v)
		if err != nil {
			return nil, err
		}
		fs[j] = f
	}
	out, err := e.digital(l, fs, d.cal)
	if err != nil {
		return nil, err
	}
	return out.hwc, nil
}

// operand is tensor name holding HWC values v as shared memory holds it:
// a Flatten's values are its source's, flattened here.
func (d *netData) operand(name string, v []float64) (*fmap, error) {
	e := d.n.e
	if name == nn.InputName {
		return &fmap{shape: e.net.Input, order: e.orders[name], hwc: v, scale: d.scales[name]}, nil
	}
	i := d.n.index[name]
	l := e.net.Layers[i]
	if l.Kind != nn.Flatten {
		return &fmap{shape: l.Out, order: e.orders[name], hwc: v, scale: d.scales[name]}, nil
	}
	src, err := d.operand(e.inputs(i)[0], v)
	if err != nil {
		return nil, err
	}
	return e.digital(l, []*fmap{src}, d.cal)
}

// tensor reads layer name's output from the run's shared memory (vals
// caches the tensors read).
func (d *netData) tensor(rep *functional.NetReport, name string, vals map[string]*fmap) (*fmap, error) {
	if f, ok := vals[name]; ok {
		return f, nil
	}
	i := d.n.index[name]
	o, _ := d.n.p.Output(i)
	f, err := d.operand(name, rep.Values(o, 0))
	if err == nil {
		vals[name] = f
	}
	return f, err
}

// hwcRows returns dense layer l with its weights
// reordered for the whole-network program when it reads a Flatten of a
// feature map in CHW order: the program keeps the map in HWC order and the
// dense layer reads it as one vector from there (no data moves), so row
// (y, x, c) of its crossbars holds the weights of flattened element
// c*H*W + y*W + x, as a compiler would program them.
func (n *network) hwcRows(l *nn.Layer) *nn.Layer {
	if l.Kind != nn.Dense {
		return l
	}
	e := n.e
	src := e.inputs(n.index[l.Name])[0]
	flat := false
	for src != nn.InputName {
		j := n.index[src]
		if e.net.Layers[j].Kind != nn.Flatten {
			break
		}
		flat, src = true, e.inputs(j)[0]
	}
	s := e.net.Input
	if src != nn.InputName {
		s = e.net.Layer(src).Out
	}
	if !flat || e.orders[src] != nn.OrderCHW || trivialOrder(s) {
		return l
	}
	c := *l
	per := int(s.Elems())
	c.Weights = make([]float64, len(l.Weights))
	hw := s.H * s.W
	for f := 0; f < len(l.Weights)/per; f++ {
		row, dst := l.Weights[f*per:(f+1)*per], c.Weights[f*per:(f+1)*per]
		for p := 0; p < hw; p++ {
			for ch := 0; ch < s.C; ch++ {
				dst[p*s.C+ch] = row[ch*hw+p]
			}
		}
	}
	return &c
}

// String describes the program in one line.
func (p *NetworkProgram) String() string {
	return fmt.Sprintf("%s mode, %d cores, %d segment(s), %d folded layer(s), %d B of shared memory", p.Mode, p.Cores, p.Segments, p.Folded, p.SharedBytes)
}
