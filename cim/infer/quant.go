package infer

import (
	"math"

	"github.com/cimkit/cimkit/cim/arch"

	"github.com/cimkit/cimkit/cim/functional"
	"github.com/cimkit/cimkit/cim/nn"
)

// calibrate derives the integer pass's scales from the float pass: every
// tensor (the input, each layer's output) gets one symmetric scale, its
// largest |value| on this input divided by the largest activation (127 for
// int8), so that the float range maps onto the whole integer range.
func (e *engine) calibrate(input []float64, runs []LayerRun) *calibration {
	qmax := math.Ldexp(1, 8*e.opt.Arch.ActBytes-1) - 1
	scale := func(m float64) float64 {
		if m == 0 {
			return 1
		}
		// Stored as float32, as a chip's scale register would: float
		// rounding in the calibrating pass (whose sums each scheme adds in
		// its own order) then does not change the integer pass.
		return float64(float32(m / qmax))
	}
	c := &calibration{input: scale(maxAbs(input)), layers: map[string]float64{}, qmax: qmax}
	for _, r := range runs {
		c.layers[r.Name] = scale(r.MaxAbs)
	}
	e.shareScales(c)
	return c
}

// shareScales gives a Concat and the tensors it joins one scale, the
// largest of theirs, as int8 engines do: the inputs can then be written
// straight into the concatenation's channel slices (as the whole-network
// programs of cim/netprog do) and the Concat only moves data. A layer that
// only moves data keeps its input's scale, so it shares its input's.
func (e *engine) shareScales(c *calibration) {
	parent := map[string]string{}
	var root func(string) string
	root = func(n string) string {
		if p, ok := parent[n]; ok && p != n {
			r := root(p)
			parent[n] = r
			return r
		}
		return n
	}
	scale := func(n string) float64 {
		if n == nn.InputName {
			return c.input
		}
		return c.layers[n]
	}
	for i, l := range e.net.Layers {
		ins := e.inputs(i)
		switch {
		case l.Kind == nn.Concat:
		case movesOnly[l.KindName()]:
			ins = ins[:1]
		default:
			continue
		}
		for _, in := range ins {
			for _, n := range []string{l.Name, in} {
				if _, ok := parent[n]; !ok {
					parent[n] = n
				}
			}
			if a, b := root(l.Name), root(in); a != b {
				parent[a] = b
			}
		}
	}
	group := map[string]float64{}
	for n := range parent {
		r := root(n)
		group[r] = max(group[r], scale(n))
	}
	for n := range parent {
		if s := group[root(n)]; n == nn.InputName {
			c.input = s
		} else {
			c.layers[n] = s
		}
	}
}

// quantize returns f holding its real values v (HWC) as integers of the given scale:
// round half to even, saturate to the activation range.
func (c *calibration) quantize(v []float64, f *fmap, scale float64) *fmap {
	q := make([]float64, len(v))
	for i, x := range v {
		q[i] = math.Min(math.Max(math.RoundToEven(x/scale), -c.qmax-1), c.qmax)
	}
	out := *f
	out.hwc, out.scale = q, scale
	return &out
}

// quantLayer quantises a crossbar layer's weights per output channel
// (symmetric: filter f's largest |weight| maps to the largest weight value,
// 127 for 8 bits) and its bias to accumulator units (input scale times
// weight scale); the output is requantised to outScale. A filter whose
// bias would not fit the partial-sum register next to the largest possible
// sum of products (a filter of near-zero weights with a large bias) gets a
// coarser weight scale, so that it does.
func (c *calibration) quantLayer(l *nn.Layer, inScale, outScale float64, a arch.Arch) *functional.Quant {
	wmax := math.Ldexp(1, a.WeightBits-1) - 1
	rows, _, _, _ := l.Im2col()
	room := math.Min(math.Ldexp(1, 8*a.PsumBytes-1), math.Ldexp(1, 53)) - 1 -
		float64(rows)*math.Ldexp(1, 8*a.ActBytes-1)*math.Ldexp(1, a.WeightBits-1)
	f := l.Filters
	per := len(l.Weights) / f
	q := &functional.Quant{Weights: make([]float64, len(l.Weights)), Scale: make([]float64, f), OutScale: outScale}
	if l.BiasValues != nil {
		q.Bias = make([]float64, f)
	}
	for j := 0; j < f; j++ {
		w := l.Weights[j*per : (j+1)*per]
		sw := maxAbs(w) / wmax
		if q.Bias != nil && room > 0 {
			sw = math.Max(sw, math.Abs(l.BiasValues[j])/(inScale*room))
		}
		if sw == 0 {
			sw = 1
		}
		for i, x := range w {
			q.Weights[j*per+i] = math.RoundToEven(x / sw)
		}
		q.Scale[j] = inScale * sw
		if q.Bias != nil {
			q.Bias[j] = math.RoundToEven(l.BiasValues[j] / q.Scale[j])
		}
	}
	return q
}
