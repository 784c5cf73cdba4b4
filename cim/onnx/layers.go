package onnx

import (
	"math"
	"slices"

	"github.com/cimkit/cimkit/cim/nn"
	"github.com/cimkit/cimkit/internal/onnxshape"
)

// same binds the node's first output to v unchanged (a fused operation).
func (c *converter) same(n *Node, v *value) {
	cp := *v
	c.bind(n, &cp)
}

// window is the geometry of a sliding-window operator on one image.
type window struct {
	kh, kw, sh, sw, dh, dw int64
	pt, pl, pb, pr         int64
	ceil                   bool
}

func pick(v []int64, i int, def int64) int64 {
	if i < len(v) {
		return v[i]
	}
	return def
}

// readWindow reads kernel_shape, strides, dilations, pads and auto_pad.
func (c *converter) readWindow(n *Node, h, w, kh, kw int64) (window, bool) {
	a := attrs{n}
	if ks := a.ints("kernel_shape"); len(ks) > 0 {
		if len(ks) != 2 || (kh > 0 && (ks[0] != kh || ks[1] != kw)) {
			c.problem(n, "kernel_shape %v: want 2 dims matching the weights", ks)
			return window{}, false
		}
		kh, kw = ks[0], ks[1]
	}
	st, di, pd := a.ints("strides"), a.ints("dilations"), a.ints("pads")
	win := window{kh: kh, kw: kw, sh: pick(st, 0, 1), sw: pick(st, 1, 1), dh: pick(di, 0, 1), dw: pick(di, 1, 1),
		pt: pick(pd, 0, 0), pl: pick(pd, 1, 0), pb: pick(pd, 2, 0), pr: pick(pd, 3, 0), ceil: a.int("ceil_mode", 0) != 0}
	for _, v := range []int64{win.kh, win.kw, win.sh, win.sw, win.dh, win.dw} {
		if v < 1 || v > nn.MaxDim {
			c.problem(n, "kernel %dx%d, strides %v, dilations %v: sizes must be in 1..%d", kh, kw, st, di, nn.MaxDim)
			return window{}, false
		}
	}
	for _, v := range []int64{win.pt, win.pl, win.pb, win.pr} {
		if v < 0 || v > nn.MaxDim {
			c.problem(n, "pads %v must be in 0..%d", pd, nn.MaxDim)
			return window{}, false
		}
	}
	switch ap := a.str("auto_pad", "NOTSET"); ap {
	case "NOTSET", "":
	case "VALID":
		win.pt, win.pl, win.pb, win.pr = 0, 0, 0, 0
	case "SAME_UPPER", "SAME_LOWER":
		win.pt, win.pb = samePad(h, win.kh, win.sh, win.dh, ap == "SAME_LOWER")
		win.pl, win.pr = samePad(w, win.kw, win.sw, win.dw, ap == "SAME_LOWER")
	default:
		c.problem(n, "auto_pad %q", ap)
		return window{}, false
	}
	return win, true
}

// samePad splits the padding that keeps out = ceil(in/s); the odd pixel
// goes at the end (SAME_UPPER) or the beginning (SAME_LOWER).
func samePad(in, k, s, d int64, lower bool) (int64, int64) {
	out := (in + s - 1) / s
	total := max(0, (out-1)*s+(k-1)*d+1-in)
	if lower {
		return total - total/2, total / 2
	}
	return total / 2, total - total/2
}

func outSize(in, k, s, d, p0, p1 int64, ceil bool) int64 {
	num := in + p0 + p1 - (d*(k-1) + 1)
	if num < 0 {
		return 0
	}
	if ceil {
		o := (num+s-1)/s + 1
		if (o-1)*s >= in+p0 {
			o--
		}
		return o
	}
	return num/s + 1
}

func (w window) out(h, wd int64) (int64, int64) {
	return outSize(h, w.kh, w.sh, w.dh, w.pt, w.pb, w.ceil), outSize(wd, w.kw, w.sw, w.dw, w.pl, w.pr, w.ceil)
}

func (w window) set(l *nn.Layer) {
	l.KernelH, l.KernelW, l.StrideH, l.StrideW = int(w.kh), int(w.kw), int(w.sh), int(w.sw)
	l.DilationH, l.DilationW = int(w.dh), int(w.dw)
	l.PadTop, l.PadLeft, l.PadBottom, l.PadRight = int(w.pt), int(w.pl), int(w.pb), int(w.pr)
	l.CeilMode = w.ceil
}

// weights returns constant input i with the given rank, or records a problem.
func (c *converter) weights(n *Node, i, rank int) *konst {
	v := c.in(n, i)
	if v == nil || v.k == nil {
		c.problem(n, "input %d (weights) must be a constant (initializer or Constant node)", i)
		return nil
	}
	if rank > 0 && len(v.k.dims) != rank {
		c.problem(n, "weights have dims %v, want rank %d", v.k.dims, rank)
		return nil
	}
	return v.k
}

// bias returns optional constant input i as a vector of f values.
func (c *converter) bias(n *Node, i, f int) ([]float64, bool) {
	v := c.in(n, i)
	if v == nil {
		return nil, true
	}
	if v.k == nil || (v.k.n() != int64(f) && v.k.n() != 1) {
		c.problem(n, "bias must be a constant of %d values", f)
		return nil, false
	}
	return repeat(v.k.floats(), f), true
}

// repeat returns f values cycling through v (one value repeated, or v
// itself when it has f values).
func repeat(v []float64, f int) []float64 {
	out := make([]float64, f)
	for j := range out {
		out[j] = v[j%len(v)]
	}
	return out
}

func (c *converter) conv(n *Node, x *value) error {
	w := c.weights(n, 1, 0)
	if w == nil {
		return nil
	}
	if len(w.dims) != 4 || len(x.dims) != 4 {
		c.problem(n, "only 2-D convolutions are supported (weights %v, input %v)", w.dims, x.dims)
		return nil
	}
	b, ok := c.bias(n, 2, int(w.dims[0]))
	if !ok {
		return nil
	}
	return c.convLayer(n, x, w.dims, c.weightValues(w), b)
}

// quantConv maps ConvInteger and QLinearConv to a Conv2D with the
// dequantized weights (w - w_zero_point) * w_scale (per tensor or per
// output channel) and, for QLinearConv, the bias B * x_scale * w_scale.
// Activation scales and zero points (requantisation on the digital units)
// are not modelled.
func (c *converter) quantConv(n *Node, x *value) error {
	wi, si, zi := 1, -1, 3
	if n.OpType == "QLinearConv" {
		wi, si, zi = 3, 4, 5
	}
	w := c.weights(n, wi, 4)
	if w == nil {
		return nil
	}
	if len(x.dims) != 4 {
		c.problem(n, "only 2-D convolutions are supported (input %v)", x.dims)
		return nil
	}
	f := int(w.dims[0])
	scale, ok1 := c.perFilter(n, si, f, 1)
	zero, ok2 := c.perFilter(n, zi, f, 0)
	if !ok1 || !ok2 {
		return nil
	}
	var deq []float64
	if wv := c.weightValues(w); wv != nil {
		per := len(wv) / max(f, 1)
		deq = make([]float64, len(wv))
		for i, v := range wv {
			deq[i] = (v - zero[i/per]) * scale[i/per]
		}
	}
	var b []float64
	if n.OpType == "QLinearConv" {
		xs, ok3 := c.perFilter(n, 1, 1, 1)
		var ok4 bool
		if b, ok4 = c.bias(n, 8, f); !ok3 || !ok4 {
			return nil
		}
		for j := range b {
			b[j] *= xs[0] * scale[j]
		}
	}
	return c.convLayer(n, x, w.dims, deq, b)
}

// perFilter reads optional constant input i as f values (one value is
// repeated); def when the input is omitted.
func (c *converter) perFilter(n *Node, i, f int, def float64) ([]float64, bool) {
	v := c.in(n, i)
	if i < 0 || v == nil {
		return repeat([]float64{def}, f), true
	}
	if v.k == nil || (v.k.n() != 1 && v.k.n() != int64(f)) {
		c.problem(n, "input %d must be a constant of 1 or %d values", i, f)
		return nil, false
	}
	return repeat(v.k.floats(), f), true
}

// convLayer adds a Conv2D of x with weights w (dims F, C/g, kh, kw).
func (c *converter) convLayer(n *Node, x *value, wd []int64, w, b []float64) error {
	if c.in(n, 0) != x {
		c.problem(n, "the data input must be the computed tensor")
		return nil
	}
	g := attrs{n}.int("group", 1)
	f, cg := wd[0], wd[1]
	if g < 1 || cg*g != x.dims[1] || f%g != 0 {
		c.problem(n, "weights %v with group %d do not fit input %v", wd, g, x.dims)
		return nil
	}
	win, ok := c.readWindow(n, x.dims[2], x.dims[3], wd[2], wd[3])
	in, ok2, err := c.image(n, x)
	if !ok || !ok2 || err != nil {
		return err
	}
	l := &nn.Layer{Name: c.layerName(n, ""), Kind: nn.Conv2D, Inputs: []string{in}, Filters: int(f), Groups: int(g),
		Bias: b != nil, Weights: w, BiasValues: b}
	return c.addWindowed(n, l, win, x.dims, f)
}

// addWindowed sets sliding-window layer l's (conv, pool) window, computes
// its output dims, ch channels, from input dims in, and adds it.
func (c *converter) addWindowed(n *Node, l *nn.Layer, win window, in []int64, ch int64) error {
	oh, ow := win.out(in[2], in[3])
	if oh < 1 || ow < 1 {
		c.problem(n, "window does not fit the input %v", in)
		return nil
	}
	dims := []int64{1, ch, oh, ow}
	s, err := canon(dims)
	if err != nil {
		c.problem(n, "%v", err)
		return nil
	}
	win.set(l)
	return c.add(n, l, dims, s)
}

// convTranspose becomes a Digital "ZeroInsert" layer (StrideH-1 zeros
// between input pixels, then PadTop.. zero borders) followed by a stride-1
// Conv2D with the flipped, transposed kernel: the same result, computed as
// a crossbar convolution.
func (c *converter) convTranspose(n *Node, x *value) error {
	w := c.weights(n, 1, 4)
	if w == nil || len(x.dims) != 4 || c.in(n, 0) != x {
		if w != nil {
			c.problem(n, "only 2-D transposed convolutions of a computed image are supported")
		}
		return nil
	}
	a := attrs{n}
	g := a.int("group", 1)
	if g < 1 || w.dims[0] != x.dims[1] || w.dims[0]%g != 0 {
		c.problem(n, "weights %v with group %d do not fit input %v", w.dims, g, x.dims)
		return nil
	}
	f := w.dims[1] * g
	b, ok := c.bias(n, 2, int(f))
	win, ok2 := c.readWindow(n, 0, 0, w.dims[2], w.dims[3])
	in, ok3, err := c.image(n, x)
	if !ok || !ok2 || !ok3 || err != nil {
		return err
	}
	z, ok := c.zeroInsert(n, in, x.dims, win)
	if !ok {
		return nil
	}
	conv := &nn.Layer{Name: c.layerName(n, ""), Kind: nn.Conv2D, Inputs: []string{z.Name}, Filters: int(f), Groups: int(g),
		Bias: b != nil, Weights: flipTranspose(c.weightValues(w), w.dims, g), BiasValues: b}
	if err := c.appendLayer(z); err != nil {
		return err
	}
	cw := window{kh: win.kh, kw: win.kw, sh: 1, sw: 1, dh: win.dh, dw: win.dw}
	return c.addWindowed(n, conv, cw, []int64{1, x.dims[1], int64(z.OutShape.H), int64(z.OutShape.W)}, f)
}

// zeroInsert builds the Digital layer that spreads the input of a
// transposed convolution.
func (c *converter) zeroInsert(n *Node, in string, x []int64, win window) (*nn.Layer, bool) {
	a := attrs{n}
	op := a.ints("output_padding")
	pads := [4]int64{win.pt, win.pl, win.pb, win.pr}
	if os := a.ints("output_shape"); len(os) >= 2 || a.str("auto_pad", "NOTSET") != "NOTSET" {
		var oh, ow int64
		if len(os) >= 2 {
			oh, ow = os[len(os)-2], os[len(os)-1]
		} else {
			oh, ow = x[2]*win.sh, x[3]*win.sw
		}
		lower := a.str("auto_pad", "") == "SAME_LOWER"
		pads[0], pads[2] = transposePad(x[2], oh, win.kh, win.sh, win.dh, pick(op, 0, 0), lower)
		pads[1], pads[3] = transposePad(x[3], ow, win.kw, win.sw, win.dw, pick(op, 1, 0), lower)
	}
	eh, ew := win.dh*(win.kh-1), win.dw*(win.kw-1)
	z := &nn.Layer{Name: c.layerName(n, ".zeroinsert"), Kind: nn.Digital, Op: "ZeroInsert", Inputs: []string{in},
		StrideH: int(win.sh), StrideW: int(win.sw),
		PadTop: int(eh - pads[0]), PadLeft: int(ew - pads[1]),
		PadBottom: int(eh - pads[2] + pick(op, 0, 0)), PadRight: int(ew - pads[3] + pick(op, 1, 0))}
	if z.PadTop < 0 || z.PadLeft < 0 || z.PadBottom < 0 || z.PadRight < 0 {
		c.problem(n, "padding larger than the dilated kernel is not supported")
		return nil, false
	}
	h := (x[2]-1)*win.sh + 1 + int64(z.PadTop+z.PadBottom)
	w := (x[3]-1)*win.sw + 1 + int64(z.PadLeft+z.PadRight)
	if h > nn.MaxDim || w > nn.MaxDim {
		c.problem(n, "output %dx%d too large", h, w)
		return nil, false
	}
	z.OutShape = nn.Shape{C: int(x[1]), H: int(h), W: int(w)}
	z.Dims = []int64{1, x[1], h, w}
	return z, true
}

// transposePad gives begin and end padding of a transposed convolution
// with a requested output size, as the ONNX operator tests expect: the
// begin padding is half the total rounded toward zero (so a negative total,
// an output larger than the plain one, adds rows at the end), the rest for
// SAME_LOWER.
func transposePad(in, out, k, s, d, op int64, lower bool) (int64, int64) {
	total := s*(in-1) + op + (k-1)*d + 1 - out
	begin := total / 2
	if lower {
		begin = total - begin
	}
	return begin, total - begin
}

// flipTranspose turns ConvTranspose weights wv of dims (C, F/g, kh, kw)
// into Conv2D weights (F, C/g, kh, kw) with the kernel rotated by 180
// degrees (nil for nil).
func flipTranspose(wv []float64, dims []int64, g int64) []float64 {
	if wv == nil {
		return nil
	}
	cin, fg, kh, kw := dims[0], dims[1], dims[2], dims[3]
	cg := cin / g
	out := make([]float64, len(wv))
	for f := int64(0); f < fg*g; f++ {
		grp, fo := f/fg, f%fg
		for ci := int64(0); ci < cg; ci++ {
			for y := int64(0); y < kh; y++ {
				for x := int64(0); x < kw; x++ {
					src := (((grp*cg+ci)*fg+fo)*kh+kh-1-y)*kw + kw - 1 - x
					out[((f*cg+ci)*kh+y)*kw+x] = wv[src]
				}
			}
		}
	}
	return out
}

func (c *converter) gemm(n *Node, x *value) error {
	a := attrs{n}
	w := c.weights(n, 1, 2)
	if w == nil {
		return nil
	}
	if c.in(n, 0) != x || a.int("transA", 0) != 0 || len(x.dims) != 2 {
		c.problem(n, "want A = computed [M, K] matrix, not transposed, and B constant")
		return nil
	}
	tb := a.int("transB", 0) != 0
	k, f := w.dims[0], w.dims[1]
	if tb {
		k, f = f, k
	}
	alpha, beta := a.float("alpha", 1), a.float("beta", 1)
	wt := filterMajor(c.weightValues(w), k, f, tb, alpha)
	b, ok := c.bias(n, 2, int(f))
	if !ok {
		return nil
	}
	for i := range b {
		b[i] *= beta
	}
	return c.crossbar(n, x, k, f, wt, b)
}

func (c *converter) matmul(n *Node, x *value) error {
	bv := c.in(n, 1)
	if c.in(n, 0) != x || bv == nil || bv.k == nil || len(bv.k.dims) != 2 {
		return c.digital(n, matmulDims(c.in(n, 0), bv))
	}
	k, f := bv.k.dims[0], bv.k.dims[1]
	return c.crossbar(n, x, k, f, filterMajor(c.weightValues(bv.k), k, f, false, 1), nil)
}

// filterMajor returns alpha times the (k, f) matrix w (given as (f, k) when
// transposed) as crossbar weights (f, k): one row of k weights per output
// (nil for nil; w itself when it needs no change).
func filterMajor(w []float64, k, f int64, transposed bool, alpha float64) []float64 {
	if w == nil || (transposed && alpha == 1) {
		return w // already (f, k): shared, not copied (layers never change weights in place)
	}
	out := make([]float64, len(w))
	for o := int64(0); o < f; o++ {
		for i := int64(0); i < k; i++ {
			src := i*f + o
			if transposed {
				src = o*k + i
			}
			out[o*k+i] = alpha * w[src]
		}
	}
	return out
}

// matmulDims is the output of a matrix product of two computed tensors
// (nil when a rank is below 2: the digital layer then falls back).
func matmulDims(a, b *value) []int64 {
	if a == nil || b == nil {
		return nil
	}
	ad, bd := a.tensorDims(), b.tensorDims()
	if len(ad) < 2 || len(bd) < 2 {
		return nil
	}
	batch, err := onnxshape.Broadcast(ad[:len(ad)-2], bd[:len(bd)-2])
	if err != nil {
		return nil
	}
	return append(batch, ad[len(ad)-2], bd[len(bd)-1])
}

// crossbar adds a product of x (last dim k) with constant weights (f, k):
// a Dense layer for one row, else a 1x1 Conv2D over the rows.
func (c *converter) crossbar(n *Node, x *value, k, f int64, w, b []float64) error {
	if len(x.dims) == 0 || x.dims[len(x.dims)-1] != k {
		c.problem(n, "input dims %v do not end in %d", x.dims, k)
		return nil
	}
	rows := onnxshape.Elems(x.dims) / k
	dims := append(slices.Clone(x.dims[:len(x.dims)-1]), f)
	l := &nn.Layer{Name: c.layerName(n, ""), Filters: int(f), Bias: b != nil, Weights: w, BiasValues: b}
	want := nn.Shape{C: int(k), H: int(rows), W: 1}
	out := nn.Shape{C: int(f), H: int(rows), W: 1}
	if rows == 1 {
		l.Kind = nn.Dense
	} else {
		l.Kind, l.KernelH, l.KernelW = nn.Conv2D, 1, 1
	}
	if k > nn.MaxDim || rows > nn.MaxDim || f > nn.MaxDim {
		c.problem(n, "matrix of %d rows, %d inputs, %d outputs is too large", rows, k, f)
		return nil
	}
	in, err := c.layout(n, x, want, x.dims)
	if err != nil {
		return err
	}
	l.Inputs = []string{in}
	return c.addCh(n, l, dims, out, len(dims)-1)
}

func (c *converter) batchNorm(n *Node, x *value) error {
	if len(x.dims) < 2 || c.in(n, 0) != x {
		return c.digital(n, x.dims)
	}
	f := int(x.dims[1])
	var p [4][]float64
	for i := range p {
		v := c.in(n, i+1)
		if v == nil || v.k == nil || v.k.n() != int64(f) {
			return c.digital(n, x.dims)
		}
		p[i] = v.k.floats()
	}
	eps := attrs{n}.float("epsilon", 1e-5)
	if !c.fusable(n.Inputs[0], nn.Conv2D) || x.ch != 1 || x.layer.BatchNorm {
		return c.digital(n, x.dims)
	}
	scale, shift := make([]float64, f), make([]float64, f)
	for j := range scale {
		scale[j] = p[0][j] / math.Sqrt(p[3][j]+eps)
		shift[j] = p[1][j] - p[2][j]*scale[j]
	}
	l := x.layer
	scaleLayer(l, scale)
	addBias(l, shift)
	l.BatchNorm = true
	c.same(n, x)
	return nil
}

// scaleLayer multiplies output channel j's weights (when decoded) and
// bias by s[j].
func scaleLayer(l *nn.Layer, s []float64) {
	if l.Weights != nil {
		per := len(l.Weights) / len(s)
		w := make([]float64, len(l.Weights))
		for i := range w {
			w[i] = l.Weights[i] * s[i/per]
		}
		l.Weights = w
	}
	if l.BiasValues != nil {
		b := make([]float64, len(s))
		for j := range b {
			b[j] = l.BiasValues[j] * s[j]
		}
		l.BiasValues = b
	}
}

// addBias adds s[j] to output channel j's bias (creating the bias values).
func addBias(l *nn.Layer, s []float64) {
	b := make([]float64, len(s))
	for j := range b {
		b[j] = s[j]
		if l.BiasValues != nil {
			b[j] += l.BiasValues[j]
		}
	}
	l.BiasValues = b
}
