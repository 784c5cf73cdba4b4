package functional

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/isa"
	"github.com/cimkit/cimkit/cim/mapping"
	"github.com/cimkit/cimkit/cim/nn"
)

// data is everything a run needs that does not depend on the schedule.
type data struct {
	p      *compile.Plan // nil for a layer of a whole-network run
	a      arch.Arch
	g      compile.Geometry
	float  bool
	shift  int
	lo, hi float64 // activation range (integer mode)
	six    float64 // ReLU6 bound
	act    nn.Act
	quant  *Quant    // integer mode on given parameters (nil: random ones and a shift)
	input  []float64 // CHW
	w      []float64 // weights in im2col matrix order: (group, ky, kx, c) rows x F/groups columns
	bias   []float64 // F
	ref    []float64 // CHW
}

// MaxWeights is the largest weight count of a layer that Run accepts (one
// float64 each: 1 GiB).
const MaxWeights = 1 << 27

func newData(p *compile.Plan, opts Options) (*data, error) {
	l := p.Map.Layer
	d := &data{p: p, a: p.Arch, g: p.Geom, float: opts.Float, act: l.Act, six: 6, quant: opts.Quant}
	if d.float {
		d.quant = nil
	}
	if err := d.checkMode(opts); err != nil {
		return nil, fmt.Errorf("functional: layer %q: %v", l.Name, err)
	}
	if err := d.fill(l, opts); err != nil {
		return nil, fmt.Errorf("functional: layer %q: %v", l.Name, err)
	}
	d.ref = d.reference()
	return d, nil
}

// checkMode sets the integer ranges and refuses what integer mode cannot
// represent exactly.
func (d *data) checkMode(opts Options) error {
	if d.float {
		switch d.act {
		case nn.ActNone, nn.ActReLU, nn.ActReLU6, nn.ActSigmoid, nn.ActHardSwish, nn.ActHardSigm, nn.ActLeakyReLU, nn.ActSiLU, nn.ActGELU:
			return nil
		}
		return fmt.Errorf("activation %q is not supported", d.act)
	}
	if d.act != nn.ActNone && d.act != nn.ActReLU && d.act != nn.ActReLU6 && d.quant == nil {
		return fmt.Errorf("activation %q is not supported in integer mode (use float mode, or Quant)", d.act)
	}
	a := d.a
	if a.ActBytes > 2 || a.WeightBits > 16 {
		return fmt.Errorf("integer mode supports activations up to 2 bytes and weights up to 16 bits, arch has %d bytes and %d bits", a.ActBytes, a.WeightBits)
	}
	bits := 8 * a.ActBytes
	d.lo, d.hi = -math.Ldexp(1, bits-1), math.Ldexp(1, bits-1)-1
	d.six = math.Min(d.hi, math.Ldexp(6, bits-4))
	rpg := d.g.KH * d.g.KW * d.g.CinPerGroup
	if d.quant != nil {
		return d.checkQuant(rpg, bits)
	}
	d.shift = opts.Shift
	if d.shift == 0 {
		d.shift = max(0, int(math.Round(0.5*math.Log2(float64(rpg))+float64(a.WeightBits)-1.6)))
	}
	if d.shift < 0 || d.shift > 62 {
		return fmt.Errorf("shift %d must be in 0..62", d.shift)
	}
	return d.checkPsums(rpg, bits, d.biasBound())
}

// checkQuant checks the given quantised parameters and that partial sums
// stay exact.
func (d *data) checkQuant(rpg, bits int) error {
	a, g := d.a, d.g
	if err := d.quant.check(g.OutC, int64(g.OutC)*int64(rpg), a.WeightBits); err != nil {
		return err
	}
	return d.checkPsums(rpg, bits, d.quant.maxBias())
}

// checkPsums checks that a partial sum of rpg products of bits-bit
// activations and the arch's weights, plus a bias up to bias, fits the
// arch's partial sums and stays an exact float64 integer.
func (d *data) checkPsums(rpg, bits int, bias float64) error {
	a := d.a
	bound := float64(rpg)*math.Ldexp(1, bits-1)*math.Ldexp(1, a.WeightBits-1) + bias
	if limit := math.Min(math.Ldexp(1, 8*a.PsumBytes-1), math.Ldexp(1, 53)); bound >= limit {
		return fmt.Errorf("integer partial sums could reach %.0f, beyond the %d-byte partial-sum range", bound, a.PsumBytes)
	}
	return nil
}

// biasBound is the largest random bias of integer mode: a quarter of the
// activation range before the shift.
func (d *data) biasBound() float64 { return math.Ldexp(d.hi+1, d.shift) / 4 }

// fill draws or copies input, weights and bias.
func (d *data) fill(l *nn.Layer, opts Options) error {
	rng := rand.New(rand.NewPCG(opts.DataSeed, 0x5eed))
	g := d.g
	a := d.a
	wmax := math.Ldexp(1, a.WeightBits-1) - 1
	draw := func(n int, lo, hi float64, given []float64, use bool) []float64 {
		if use {
			return append([]float64(nil), given...)
		}
		out := make([]float64, n)
		for i := range out {
			if d.float {
				out[i] = lo + (hi-lo)*rng.Float64()
			} else {
				out[i] = lo + float64(rng.IntN(int(hi-lo)+1))
			}
		}
		return out
	}
	nIn := g.InC * g.InH * g.InW
	if opts.Input != nil && opts.InputHWC && len(opts.Input) == nIn {
		chw := make([]float64, nIn)
		for c := 0; c < g.InC; c++ {
			for i := 0; i < g.InH*g.InW; i++ {
				chw[c*g.InH*g.InW+i] = opts.Input[i*g.InC+c]
			}
		}
		opts.Input = chw
	}
	if opts.Input != nil {
		if len(opts.Input) != nIn {
			return fmt.Errorf("input has %d values, the layer's input %dx%dx%d needs %d", len(opts.Input), g.InC, g.InH, g.InW, nIn)
		}
		for i, v := range opts.Input {
			if !d.float && (v != math.Trunc(v) || v < d.lo || v > d.hi) {
				return fmt.Errorf("input[%d] = %g is not an integer in %g..%g", i, v, d.lo, d.hi)
			}
		}
	}
	if d.float {
		d.input = draw(nIn, -1, 1, opts.Input, opts.Input != nil)
	} else {
		d.input = draw(nIn, d.lo, d.hi, opts.Input, opts.Input != nil)
	}
	nW := int64(g.OutC) * int64(g.CinPerGroup) * int64(g.KH) * int64(g.KW)
	if nW > MaxWeights {
		return fmt.Errorf("%d weights, at most %d are accepted", nW, MaxWeights)
	}
	useW := d.float && int64(len(l.Weights)) == nW
	useB := d.float && len(l.BiasValues) == g.OutC
	if q := d.quant; q != nil {
		d.fillWeights(func(i int) float64 { return q.Weights[i] })
		d.bias = make([]float64, g.OutC)
		copy(d.bias, q.Bias)
		return nil
	}
	switch {
	case useW:
		d.fillWeights(func(i int) float64 { return l.Weights[i] })
	case d.float:
		d.fillWeights(func(int) float64 { return 2*rng.Float64() - 1 })
	default:
		d.fillWeights(func(int) float64 { return float64(rng.IntN(2*int(wmax)+1)) - wmax })
	}
	if d.float {
		d.bias = draw(g.OutC, -1, 1, l.BiasValues, useB)
	} else {
		b := d.biasBound()
		d.bias = draw(g.OutC, -b, b, nil, false)
	}
	if !l.Bias && !useB {
		clear(d.bias)
	}
	return nil
}

// fillWeights fills d.w in matrix order (sequentially, for locality);
// src(i) gives the weight with index i in layer order (F, C/groups, KH, KW).
func (d *data) fillWeights(src func(i int) float64) {
	g := d.g
	cg, cpg := g.CinPerGroup, g.CoutPerGroup
	d.w = make([]float64, g.OutC*cg*g.KH*g.KW)
	k := 0
	for grp := 0; grp < g.Groups; grp++ {
		for ky := 0; ky < g.KH; ky++ {
			for kx := 0; kx < g.KW; kx++ {
				for c := 0; c < cg; c++ {
					for f := grp * cpg; f < (grp+1)*cpg; f++ {
						d.w[k] = src(((f*cg+c)*g.KH+ky)*g.KW + kx)
						k++
					}
				}
			}
		}
	}
}

// index is the position of W[f][c][ky][kx] (c within the group) in d.w.
func (d *data) index(f, c, ky, kx int) int {
	g := d.g
	cpg := g.CoutPerGroup
	row := f/cpg*g.KH*g.KW*g.CinPerGroup + (ky*g.KW+kx)*g.CinPerGroup + c
	return row*cpg + f%cpg
}

// reference is the direct convolution (or dense product) in CHW order,
// computed from the layer definition (output pixel by output pixel, kernel
// tap by tap, the taps' weights for all filters of a group at once),
// followed by bias and activation.
func (d *data) reference() []float64 {
	g := d.g
	hw := g.OutH * g.OutW
	out := make([]float64, g.OutC*hw)
	acc := make([]float64, g.CoutPerGroup)
	for grp := 0; grp < g.Groups; grp++ {
		for oy := 0; oy < g.OutH; oy++ {
			for ox := 0; ox < g.OutW; ox++ {
				d.pixel(acc, grp, oy, ox)
				for j, v := range acc {
					f := grp*g.CoutPerGroup + j
					out[f*hw+oy*g.OutW+ox] = d.finish(v+d.bias[f], f)
				}
			}
		}
	}
	return out
}

// pixel sets acc[j] to the sum over the kernel window at output (oy, ox)
// of input times weight, for filter j of group grp.
func (d *data) pixel(acc []float64, grp, oy, ox int) {
	g := d.g
	cg, cpg := g.CinPerGroup, g.CoutPerGroup
	clear(acc)
	for ky := 0; ky < g.KH; ky++ {
		iy := oy*g.SH - g.PadTop + ky*g.DH
		if iy < 0 || iy >= g.InH {
			continue
		}
		for kx := 0; kx < g.KW; kx++ {
			ix := ox*g.SW - g.PadLeft + kx*g.DW
			if ix < 0 || ix >= g.InW {
				continue
			}
			for c := 0; c < cg; c++ {
				x := d.input[((grp*cg+c)*g.InH+iy)*g.InW+ix]
				if x == 0 {
					continue
				}
				w := d.w[d.index(grp*cpg, c, ky, kx):][:cpg]
				for j, wv := range w {
					acc[j] += x * wv
				}
			}
		}
	}
}

// finish applies the activation (and, in integer mode, requantisation) to
// y = accumulator + bias of filter f.
func (d *data) finish(y float64, f int) float64 {
	if d.quant != nil {
		return d.requant(y, f)
	}
	if !d.float {
		if d.act == nn.ActReLU || d.act == nn.ActReLU6 {
			y = math.Max(y, 0)
		}
		q := float64(int64(y) >> d.shift)
		hi := d.hi
		if d.act == nn.ActReLU6 {
			hi = d.six
		}
		return math.Min(math.Max(q, d.lo), hi)
	}
	return Activate(d.act, y)
}

// crossbarRow locates row r of tile t's crossbar in d.w: the row holds
// d.w[start : start+hi-lo] in columns lo..hi-1 and zeros elsewhere
// (block-diagonal packing of groups).
func (d *data) crossbarRow(t *mapping.Tile, r int) (start, lo, hi int) {
	g := d.g
	rpg, cpg := g.KH*g.KW*g.CinPerGroup, g.CoutPerGroup
	row := t.Row0 + r
	grp := row / rpg
	lo = max(0, grp*cpg-t.Col0)
	hi = max(lo, min(t.Cols, (grp+1)*cpg-t.Col0))
	return row*cpg + t.Col0 + lo - grp*cpg, lo, hi
}

// mvm sets out (tile t's columns) to in (its rows) times its crossbar.
func (d *data) mvm(t *mapping.Tile, in, out []float64) {
	clear(out)
	for r, x := range in {
		if x == 0 {
			continue
		}
		start, lo, hi := d.crossbarRow(t, r)
		o := out[lo:hi]
		row := d.w[start : start+len(o)]
		for j, wv := range row {
			o[j] += x * wv
		}
	}
}

// mov carries out MOV in on r, the register slice it names (tile t's
// columns from in.Off; acc is the Acc register); false for an unknown
// function.
func (d *data) mov(in *isa.Instr, t *mapping.Tile, r, acc []float64) bool {
	switch in.Fn {
	case isa.Zero:
		clear(r)
	case isa.Add:
		for i := range r {
			r[i] += acc[int(in.Off)+i]
		}
	case isa.Bias:
		for i := range r {
			r[i] += d.bias[t.Col0+int(in.Off)+i]
		}
	case isa.Act:
		for i := range r {
			r[i] = d.finish(r[i], t.Col0+int(in.Off)+i)
		}
	default:
		return false
	}
	return true
}

// activation is v as stored into a feature map: in integer mode NaN when
// it is no integer of the activation range (an activation that was not
// requantised).
func (d *data) activation(v float64) float64 {
	if !d.float && (v != math.Trunc(v) || v < d.lo || v > d.hi) {
		return math.NaN()
	}
	return v
}
