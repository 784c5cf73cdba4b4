package functional

import (
	"fmt"
	"math"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/isa"
	"github.com/cimkit/cimkit/cim/mapping"
	"github.com/cimkit/cimkit/cim/netprog"
	"github.com/cimkit/cimkit/cim/nn"
	"github.com/cimkit/cimkit/cim/place"
)

// NetValues makes RunNetwork compute with real data, as the chip would:
// shared memory holds the network input, every feature map and partial
// sum where the program's Layout puts them; each core's In, Out and Acc
// registers hold values; an MVM multiplies In by its tile of the layer's
// weights, MOVs add partial sums, the bias and the activation (package
// doc: float or integer arithmetic, as Run); LOADs and STOREs move values.
//
// A digital layer's core computes its output with Data.Digital (the
// reference implementation of its operator) from its operands as they lie
// in shared memory, and each STORE writes the elements it names. The output
// is computed at the image's first STORE, and again before a STORE whose
// LOADs since the previous STORE read an element written after that
// computation: the elements a STORE writes depend on what the program
// loaded just before (a pixel of each input, a pooling window, a chunk's
// rows of a global pool, or the whole input of an operator that needs it).
// Shared memory starts as NaN (the network input excepted): a value read
// before it was written is NaN, and an element that a digital core's LOAD
// read before it was written stays NaN for that layer's computations even
// once it is written, so it spoils every result computed from it. Elements
// a program never loads (the taps of an interpolating resize beyond those
// its timing model loads) are read as they are when the output is
// computed.
type NetValues struct {
	// Float selects float64 arithmetic; else integers of the chip's
	// widths, with every crossbar layer's quantised parameters (Quant).
	Float bool
	// Input is the network input of every image, HWC, image after image:
	// Images x its elements (integers of the activation range in integer
	// mode).
	Input []float64
	// Data gives the crossbar layers' parameters and computes the digital
	// layers.
	Data NetData
}

// NetData supplies what a valued whole-network run cannot know by itself.
type NetData interface {
	// Params returns crossbar layer l's parameters: in float mode a layer
	// like l with its Weights (layer order: filter, input channel, kernel
	// row, kernel column; a dense layer reading a Flatten reads its input
	// in the HWC order of the flattened tensor) and BiasValues (or none);
	// in integer mode the quantised parameters (the layer is then unused).
	Params(l *nn.Layer) (*nn.Layer, *Quant, error)
	// Digital computes digital layer l of image k from its inputs: one
	// slice per operand (netprog.Program.Operands), the operand's HWC
	// values (a flattened operand: its source's) as read from shared
	// memory, NaN where read before written. It returns the output, HWC.
	Digital(l *nn.Layer, k int, ins [][]float64) ([]float64, error)
}

// netValues is a valued run's state (shared by the schedules, except
// mem and when, which each schedule starts afresh).
type netValues struct {
	opt    *NetValues
	p      *netprog.Program
	layers []*data             // per placement layer: crossbar parameters
	ops    [][]netprog.Operand // per placement layer: its operands (digital layers)
	outs   []netprog.Operand   // per placement layer: its output
	act    data                // the activation range (integer mode), for data.activation

	mem    [][]float64 // per region: every image's elements
	when   [][]uint32  // per feature-map region: the store count when each element was written
	stores uint32      // feature-map STOREs so far
	err    error       // the first error of Data.Digital
}

// newNetValues prepares a valued run: parameters of every crossbar layer.
func newNetValues(p *netprog.Program, v *NetValues) (*netValues, error) {
	if v.Data == nil {
		return nil, fmt.Errorf("functional: valued network run without NetData")
	}
	a := p.Arch
	nv := &netValues{opt: v, p: p, layers: make([]*data, len(p.Place.Layers)),
		ops: make([][]netprog.Operand, len(p.Place.Layers)), outs: make([]netprog.Operand, len(p.Place.Layers)),
		act: data{float: v.Float}}
	if !v.Float {
		if a.ActBytes > 2 {
			return nil, fmt.Errorf("functional: integer mode supports activations up to 2 bytes, arch has %d", a.ActBytes)
		}
		nv.act.lo, nv.act.hi = -math.Ldexp(1, 8*a.ActBytes-1), math.Ldexp(1, 8*a.ActBytes-1)-1
	}
	in := p.Place.Net.Input.Elems()
	if int64(len(v.Input)) != in*int64(p.Images) {
		return nil, fmt.Errorf("functional: network input has %d values, %d images of %s need %d", len(v.Input), p.Images, p.Place.Net.Input, in*int64(p.Images))
	}
	for i, x := range v.Input {
		if math.IsNaN(nv.act.activation(x)) {
			return nil, fmt.Errorf("functional: network input[%d] = %g is not a number of the activation range %g..%g", i, x, nv.act.lo, nv.act.hi)
		}
	}
	for i := range p.Place.Layers {
		l := &p.Place.Layers[i]
		nv.outs[i], _ = p.Output(i)
		nv.ops[i] = p.Operands(i)
		if l.Role != place.Crossbar {
			continue
		}
		pl, q, err := v.Data.Params(l.Layer)
		if err != nil {
			return nil, fmt.Errorf("functional: layer %q: %w", l.Layer.Name, err)
		}
		if nv.layers[i], err = layerData(l.Layer, pl, a, v.Float, q); err != nil {
			return nil, err
		}
	}
	return nv, nil
}

// layerData prepares crossbar layer l of a network run with the
// parameters of pl (float) or q (integer).
func layerData(l, pl *nn.Layer, a arch.Arch, float bool, q *Quant) (*data, error) {
	g, err := compile.GeometryOf(l)
	if err != nil {
		return nil, err
	}
	d := &data{a: a, g: g, float: float, act: l.Act, six: 6}
	if !float {
		if q == nil {
			return nil, fmt.Errorf("functional: layer %q: integer mode needs its quantised parameters", l.Name)
		}
		d.quant = q
	}
	if err := d.checkMode(Options{Float: float, Quant: q}); err != nil {
		return nil, fmt.Errorf("functional: layer %q: %v", l.Name, err)
	}
	nW := int64(g.OutC) * int64(g.CinPerGroup) * int64(g.KH) * int64(g.KW)
	if nW > MaxWeights {
		return nil, fmt.Errorf("functional: layer %q: %d weights, at most %d are accepted", l.Name, nW, MaxWeights)
	}
	d.bias = make([]float64, g.OutC)
	if !float {
		d.fillWeights(func(i int) float64 { return q.Weights[i] })
		copy(d.bias, q.Bias)
		return d, nil
	}
	switch {
	case pl == nil || int64(len(pl.Weights)) != nW:
		return nil, fmt.Errorf("functional: layer %q: no weights (%d needed)", l.Name, nW)
	case len(pl.BiasValues) == g.OutC:
		copy(d.bias, pl.BiasValues)
	case pl.Bias || len(pl.BiasValues) > 0:
		return nil, fmt.Errorf("functional: layer %q: %d bias values, want %d", l.Name, len(pl.BiasValues), g.OutC)
	}
	d.fillWeights(func(i int) float64 { return pl.Weights[i] })
	return d, nil
}

// start gives a schedule fresh memory: NaN everywhere but the input.
func (v *netValues) start() {
	lay := &v.p.Layout
	v.mem = make([][]float64, len(lay.Regions))
	v.when = make([][]uint32, len(lay.Regions))
	v.stores, v.err = 0, nil
	for i := range lay.Regions {
		b := &lay.Regions[i]
		n := b.Shape.Elems() * int64(v.p.Images)
		v.mem[i] = make([]float64, n)
		if !b.Psum {
			v.when[i] = make([]uint32, n)
		}
		if b.Layer < 0 {
			copy(v.mem[i], v.opt.Input)
			continue
		}
		for e := range v.mem[i] {
			v.mem[i][e] = math.NaN()
		}
	}
}

// coreValues is a core's registers and, on a digital job, its output in
// the making.
type coreValues struct {
	in, out, acc []float64
	dig          digitalJob
}

// digitalJob is one image of a digital layer on its core.
type digitalJob struct {
	on, k  int            // job index and image (on -1: none yet)
	out    []float64      // the output (HWC), nil until computed
	stamp  uint32         // v.stores when out was computed
	newest uint32         // the latest write among elements loaded since the last STORE
	poison map[int64]bool // elements (region<<40 | element) loaded before they were written
	stale  bool           // a LOAD since the last STORE read an element not yet written
}

func newCoreValues(a arch.Arch) *coreValues {
	return &coreValues{in: make([]float64, a.XbarRows), out: make([]float64, a.XbarCols), acc: make([]float64, a.XbarCols),
		dig: digitalJob{on: -1}}
}

// crossbar returns core c's layer parameters and tile when it runs a
// crossbar job.
func (m *netMachine) crossbar(c *netCore) (*data, *mapping.Tile) {
	if c.job >= len(c.jobs) {
		return nil, nil
	}
	j := c.jobs[c.job]
	d := m.val.layers[j.Layer]
	if d == nil {
		return nil, nil
	}
	return d, &m.p.Place.Layers[j.Layer].Map.Tiles[j.Tile]
}

// valueOp carries out an MVM or MOV on c's registers.
func (m *netMachine) valueOp(c *netCore, in *isa.Instr) {
	d, t := m.crossbar(c)
	if d == nil {
		return
	}
	cv := c.val
	switch in.Op {
	case isa.MVM:
		d.mvm(t, cv.in[:t.Rows], cv.out[:t.Cols])
	case isa.MOV:
		r := register(in, cv.in, cv.out, cv.acc)
		if r == nil {
			m.violate(c, in, int(in.Vec), "register range out of bounds")
			return
		}
		if !d.mov(in, t, r, cv.acc) {
			m.violate(c, in, int(in.Vec), "unknown MOV function")
		}
	}
}

// valueAccess moves the data of a LOAD or STORE of region b whose first
// element is e0 (checked well-formed).
func (m *netMachine) valueAccess(c *netCore, in *isa.Instr, b int, e0 int64) {
	v := m.val
	mem := v.mem[b][e0 : e0+int64(in.Elems)]
	if d, _ := m.crossbar(c); d != nil {
		r := register(in, c.val.in, c.val.out, c.val.acc)
		switch {
		case r == nil:
			m.violate(c, in, int(in.Vec), "register range out of bounds")
		case in.Op == isa.LOAD:
			copy(r, mem)
		case v.when[b] == nil: // partial sums
			copy(mem, r)
		default:
			v.stores++
			for i, x := range r {
				mem[i] = d.activation(x)
				v.when[b][e0+int64(i)] = v.stores
			}
		}
		return
	}
	if c.job >= len(c.jobs) || m.p.Place.Layers[c.jobs[c.job].Layer].Role != place.Digital {
		return
	}
	dj := &c.val.dig
	if dj.on != c.job || dj.k != c.k {
		*dj = digitalJob{on: c.job, k: c.k, poison: dj.poison}
		clear(dj.poison)
	}
	if in.Op == isa.LOAD {
		m.digitalLoad(dj, b, e0, int(in.Elems))
		return
	}
	m.digitalStore(c, in, dj, b, e0)
}

// digitalLoad notes what a digital core's LOAD read: the newest write, and
// the elements not yet written.
func (m *netMachine) digitalLoad(dj *digitalJob, b int, e0 int64, n int) {
	when := m.val.when[b]
	if when == nil {
		return
	}
	for e := e0; e < e0+int64(n); e++ {
		if m.written[b][e/64]&(1<<(e%64)) == 0 {
			if dj.poison == nil {
				dj.poison = map[int64]bool{}
			}
			dj.poison[int64(b)<<40|e] = true
			dj.stale = true
			continue
		}
		dj.newest = max(dj.newest, when[e])
	}
}

// digitalStore writes the elements of the layer's output that a digital
// core's STORE names, computing the output first when it is not up to
// date.
func (m *netMachine) digitalStore(c *netCore, in *isa.Instr, dj *digitalJob, b int, e0 int64) {
	v := m.val
	job := c.jobs[c.job]
	o := v.outs[job.Layer]
	buf := &m.p.Layout.Regions[b]
	if b != o.Buffer {
		m.violate(c, in, -1, "digital layer %q stores into %s, its output is in %s", job.Name, buf.Name, m.p.Layout.Regions[o.Buffer].Name)
		return
	}
	if dj.out == nil || dj.stale || dj.newest > dj.stamp {
		out, err := v.compute(job.Layer, c.k, dj)
		if err != nil {
			if v.err == nil {
				v.err = err
			}
			return
		}
		dj.out, dj.stamp = out, v.stores
	}
	dj.newest, dj.stale = 0, false
	slot := int64(c.k) * buf.Shape.Elems()
	v.stores++
	for e := e0; e < e0+int64(in.Elems); e++ {
		rel := e - slot
		px, ch := rel/int64(o.Stride), int(rel%int64(o.Stride))-o.ChOff
		if ch < 0 || ch >= o.Shape.C || px >= int64(o.Shape.H*o.Shape.W) {
			m.violate(c, in, -1, "digital layer %q stores element %d of %s, outside its output", job.Name, rel, buf.Name)
			return
		}
		v.mem[b][e] = v.act.activation(dj.out[px*int64(o.Shape.C)+int64(ch)])
		v.when[b][e] = v.stores
	}
}

// compute runs digital layer i on image k's inputs as they are in shared
// memory now (NaN where not written, or loaded before written).
func (v *netValues) compute(i, k int, dj *digitalJob) ([]float64, error) {
	l := v.p.Place.Layers[i].Layer
	ops := v.ops[i]
	ins := make([][]float64, len(ops))
	for j, o := range ops {
		ins[j] = v.tensor(o, k, dj.poison)
	}
	out, err := v.opt.Data.Digital(l, k, ins)
	if err != nil {
		return nil, fmt.Errorf("functional: layer %q: %w", l.Name, err)
	}
	if int64(len(out)) != l.Out.Elems() {
		return nil, fmt.Errorf("functional: layer %q: its operator gave %d values, the output %s has %d", l.Name, len(out), l.Out, l.Out.Elems())
	}
	return out, nil
}

// tensor returns operand o of image k from memory, HWC over o.Shape, the
// poisoned elements NaN.
func (v *netValues) tensor(o netprog.Operand, k int, poison map[int64]bool) []float64 {
	buf := &v.p.Layout.Regions[o.Buffer]
	mem := v.mem[o.Buffer]
	slot := int64(k) * buf.Shape.Elems()
	s := o.Shape
	out := make([]float64, 0, s.Elems())
	for px := 0; px < s.H*s.W; px++ {
		e := slot + int64(px)*int64(o.Stride) + int64(o.ChOff)
		out = append(out, mem[e:e+int64(s.C)]...)
		if len(poison) == 0 {
			continue
		}
		for c := range s.C {
			if poison[int64(o.Buffer)<<40|(e+int64(c))] {
				out[len(out)-s.C+c] = math.NaN()
			}
		}
	}
	return out
}
