package onnx

import (
	"math"
	"slices"

	"github.com/cimkit/cimkit/cim/nn"
	"github.com/cimkit/cimkit/internal/onnxshape"
)

// actOf maps an activation node to cimkit's fused activations; ok is false
// for parameters cimkit's activations do not have.
func (c *converter) actOf(n *Node) (nn.Act, bool) {
	a := attrs{n}
	near := func(x, y float64) bool { return math.Abs(x-y) < 1e-6 }
	switch n.OpType {
	case "Relu":
		return nn.ActReLU, true
	case "Sigmoid":
		return nn.ActSigmoid, true
	case "HardSwish":
		return nn.ActHardSwish, true
	case "LeakyRelu":
		return nn.ActLeakyReLU, near(a.float("alpha", 0.01), 0.01)
	case "HardSigmoid":
		return nn.ActHardSigm, near(a.float("alpha", 0.2), 1.0/6) && near(a.float("beta", 0.5), 0.5)
	case "Clip":
		// Bounds are attributes (old opsets) or inputs 1 and 2 (new ones).
		lo, hi := a.float("min", math.Inf(-1)), a.float("max", math.Inf(1))
		for i, bound := range []*float64{&lo, &hi} {
			v := c.in(n, i+1)
			if v == nil {
				continue
			}
			if v.k == nil {
				return "", false // a bound computed at run time
			}
			if v.k.n() == 1 {
				*bound = v.k.floats()[0]
			}
		}
		if lo != 0 {
			return "", false
		}
		if hi == 6 {
			return nn.ActReLU6, true
		}
		return nn.ActReLU, math.IsInf(hi, 1)
	}
	return "", false
}

// activation fuses an activation into the layer that produces its input
// (Conv2D, Dense, Add), or adds an Activation layer; activations cimkit has
// no kind for become Digital layers. An activation multiplied by its own
// input is converted with that product (selfGated).
func (c *converter) activation(n *Node, x *value) error {
	if ok, err := c.selfGated(n, x); ok || err != nil {
		return err
	}
	act, ok := c.actOf(n)
	if !ok || c.in(n, 0) != x {
		return c.digital(n, x.dims)
	}
	if c.fusable(n.Inputs[0], nn.Conv2D, nn.Dense, nn.Add) {
		x.layer.Act = act
		c.same(n, x)
		return nil
	}
	l := &nn.Layer{Name: c.layerName(n, ""), Kind: nn.Activation, Act: act, Inputs: []string{x.name}, Dims: c.held(x)}
	return c.add(n, l, x.dims, x.shape)
}

// elementwise handles Add, Sub, Mul, Div. A constant per-channel operand is
// folded into the producing Conv2D/Dense (bias or weight scale); two
// computed tensors of one shape add as an Add layer; the rest are Digital.
func (c *converter) elementwise(n *Node, x *value) error {
	a, b := c.in(n, 0), c.in(n, 1)
	if a == nil || b == nil {
		c.problem(n, "needs two inputs")
		return nil
	}
	if a.k == nil && b.k == nil {
		return c.twoComputed(n, a, b)
	}
	if ok, err := c.hardSwish(n, x); ok || err != nil {
		return err
	}
	if ok, err := c.gelu(n, x); ok || err != nil {
		return err
	}
	dynFirst := b.k != nil
	k, name := b.k, n.Inputs[0]
	if !dynFirst {
		k, name = a.k, n.Inputs[1]
	}
	dims, err := onnxshape.Broadcast(x.dims, k.dims)
	if err != nil {
		c.problem(n, "%v", err)
		return nil
	}
	if c.foldInto(n, x, name, k, dynFirst) {
		return nil
	}
	return c.digital(n, dims)
}

func (c *converter) twoComputed(n *Node, a, b *value) error {
	if n.OpType != "Add" || !slices.Equal(a.dims, b.dims) {
		dims, err := onnxshape.Broadcast(a.dims, b.dims)
		if err != nil {
			c.problem(n, "%v", err)
			return nil
		}
		return c.digital(n, dims)
	}
	second, err := c.layout(n, b, a.shape, c.held(a))
	if err != nil {
		return err
	}
	l := &nn.Layer{Name: c.layerName(n, ""), Kind: nn.Add, Inputs: []string{a.name, second}, Dims: c.held(a)}
	return c.add(n, l, a.dims, a.shape)
}

// foldInto folds a constant operand into the crossbar layer producing x,
// when x is that layer's own output, read only here, and the constant is
// one value or one per output channel.
func (c *converter) foldInto(n *Node, x *value, name string, k *konst, dynFirst bool) bool {
	if !c.fusable(name, nn.Conv2D, nn.Dense) {
		return false
	}
	if (n.OpType == "Sub" || n.OpType == "Div") && !dynFirst {
		return false
	}
	per, ok := perChannel(k, x)
	if !ok {
		return false
	}
	l := x.layer
	switch n.OpType {
	case "Add":
		addBias(l, per)
	case "Sub":
		for i := range per {
			per[i] = -per[i]
		}
		addBias(l, per)
	case "Mul":
		scaleLayer(l, per)
	case "Div":
		for i := range per {
			per[i] = 1 / per[i]
		}
		scaleLayer(l, per)
	}
	if n.OpType == "Add" || n.OpType == "Sub" {
		l.Bias = true
	}
	c.same(n, x)
	return true
}

// perChannel expands k to one value per output channel of x's layer, if k
// broadcasts along x's channel axis only.
func perChannel(k *konst, x *value) ([]float64, bool) {
	f := x.layer.Filters
	if len(k.dims) > len(x.dims) {
		return nil, false
	}
	off := len(x.dims) - len(k.dims)
	for i, d := range k.dims {
		if d != 1 && (i+off != x.ch || d != int64(f)) {
			return nil, false
		}
	}
	return repeat(k.floats(), f), k.n() == 1 || k.n() == int64(f)
}

func (c *converter) pool(n *Node, x *value) error {
	if len(x.dims) != 4 || c.usedOutputs(n) > 1 {
		return c.poolDigital(n, x)
	}
	win, ok := c.readWindow(n, x.dims[2], x.dims[3], 0, 0)
	if !ok {
		return nil
	}
	if win.kh == 0 {
		c.problem(n, "kernel_shape missing")
		return nil
	}
	in, ok, err := c.image(n, x)
	if !ok || err != nil {
		return err
	}
	l := &nn.Layer{Name: c.layerName(n, ""), Kind: nn.MaxPool, Inputs: []string{in}}
	if n.OpType == "AveragePool" {
		l.Kind = nn.AvgPool
	}
	c.operator(n, l)
	return c.addWindowed(n, l, win, x.dims, x.dims[1])
}

func (c *converter) globalPool(n *Node, x *value) error {
	in, ok, err := c.image(n, x)
	if !ok || err != nil {
		return err
	}
	l := &nn.Layer{Name: c.layerName(n, ""), Kind: nn.GlobalAvgPool, Inputs: []string{in}}
	dims := []int64{1, x.dims[1], 1, 1}
	s, _ := canon(dims)
	return c.add(n, l, dims, s)
}

// hardSwish recognises HardSwish written out, at its Add node: x + 3,
// Clip to [0, 6], then a product with x and a division by 6 (or a product
// with 1/6) in either order: x*Clip(x+3, 0, 6)/6 as Paddle exports it,
// x*(relu6(x+3)/6) as PyTorch code often writes it. Every intermediate
// value must have exactly one reader, and x no reader outside the pattern.
func (c *converter) hardSwish(add *Node, x *value) (bool, error) {
	if add.OpType != "Add" || !c.isConst(add, 3) {
		return false, nil
	}
	xname := c.operandName(add, x)
	clip := c.onlyReader(add.Outputs)
	if clip == nil || clip.OpType != "Clip" || clip.Inputs[0] != add.Outputs[0] {
		return false, nil
	}
	if act, ok := c.actOf(clip); !ok || act != nn.ActReLU6 {
		return false, nil
	}
	return c.fusePattern(xname, x, nn.ActHardSwish, c.productTail(clip, xname, 1.0/6), clip)
}

// gelu recognises GELU written out with erf, at the division of x by
// sqrt(2) (or product with 1/sqrt(2)): Erf, + 1, then a product with x
// and a product with 0.5 (or a division by 2) in either order, as
// PyTorch exports nn.GELU: x*0.5*(1 + erf(x/sqrt(2))).
func (c *converter) gelu(div *Node, x *value) (bool, error) {
	scaled := (div.OpType == "Div" && c.isConstNear(div, math.Sqrt2)) || (div.OpType == "Mul" && c.isConstNear(div, 1/math.Sqrt2))
	if !scaled || c.in(div, 0) == nil || (div.OpType == "Div" && c.in(div, 0) != x) {
		return false, nil
	}
	xname := c.operandName(div, x)
	erf := c.onlyReader(div.Outputs)
	if erf == nil || erf.OpType != "Erf" {
		return false, nil
	}
	add := c.onlyReader(erf.Outputs)
	if add == nil || add.OpType != "Add" || !c.isConst(add, 1) {
		return false, nil
	}
	return c.fusePattern(xname, x, nn.ActGELU, c.productTail(add, xname, 0.5), erf, add)
}

// operandName is the name under which node n reads the computed value x.
func (c *converter) operandName(n *Node, x *value) string {
	if c.vals[n.Inputs[0]] == x {
		return n.Inputs[0]
	}
	return n.Inputs[1]
}

// productTail follows single readers from node last through a product
// with the value xname and a product with the constant k (or a division
// by 1/k), in either order; it returns those two nodes, or nil.
func (c *converter) productTail(last *Node, xname string, k float64) []*Node {
	var tail []*Node
	for byX, byK := false, false; !byX || !byK; {
		next := c.onlyReader(last.Outputs)
		switch {
		case next == nil:
			return nil
		case !byX && next.OpType == "Mul" && c.otherInput(next, last.Outputs[0]) == xname:
			byX = true
		case !byK && next.OpType == "Div" && next.Inputs[0] == last.Outputs[0] && c.isConstNear(next, 1/k),
			!byK && next.OpType == "Mul" && c.isConstNear(next, k):
			byK = true
		default:
			return nil
		}
		tail = append(tail, next)
		last = next
	}
	return tail
}

// fusePattern converts a pattern as activation act of x when its tail
// matched (productTail): the nodes after the pattern's first one (middle,
// then tail) are skipped, the last one giving the activation's output.
func (c *converter) fusePattern(xname string, x *value, act nn.Act, tail []*Node, middle ...*Node) (bool, error) {
	if tail == nil {
		return false, nil
	}
	for _, n := range append(middle, tail...) {
		c.skip[n] = true
	}
	return true, c.fuseAct(tail[len(tail)-1], x, xname, act, "."+string(act))
}

// selfGated recognises an activation whose only reader multiplies it by
// the activation's own input: x*Sigmoid(x) is SiLU (PyTorch's export of
// nn.SiLU), x*HardSigmoid(x) with alpha 1/6 and beta 0.5 is HardSwish
// (PyTorch's export of nn.Hardswish below opset 14). The pair becomes that
// activation of x. A product with another tensor (a squeeze-and-excitation
// gate) is left alone.
func (c *converter) selfGated(n *Node, x *value) (bool, error) {
	act, ok := c.actOf(n)
	gated := map[nn.Act]nn.Act{nn.ActSigmoid: nn.ActSiLU, nn.ActHardSigm: nn.ActHardSwish}[act]
	if !ok || gated == nn.ActNone || c.in(n, 0) != x {
		return false, nil
	}
	mul := c.onlyReader(n.Outputs)
	if mul == nil || mul.OpType != "Mul" || c.otherInput(mul, n.Outputs[0]) != n.Inputs[0] {
		return false, nil
	}
	c.skip[mul] = true
	return true, c.fuseAct(mul, x, n.Inputs[0], gated, "."+string(gated))
}

// fuseAct converts a pattern ending at node last as activation act of x
// (the value named xname, read twice by the pattern): fused into x's
// producer when nothing else reads x, else an Activation layer.
func (c *converter) fuseAct(last *Node, x *value, xname string, act nn.Act, suffix string) error {
	if c.fusableUses(xname, 2, nn.Conv2D, nn.Dense, nn.Add) {
		x.layer.Act = act
		c.same(last, x)
		return nil
	}
	l := &nn.Layer{Name: c.layerName(last, suffix), Kind: nn.Activation, Act: act, Inputs: []string{x.name}, Dims: c.held(x)}
	return c.add(last, l, x.dims, x.shape)
}

// otherInput returns the input of a two-input node that is not the value
// named one ("" unless exactly one input is one).
func (c *converter) otherInput(n *Node, one string) string {
	switch {
	case len(n.Inputs) != 2 || n.Inputs[0] == n.Inputs[1]:
		return ""
	case n.Inputs[0] == one:
		return n.Inputs[1]
	case n.Inputs[1] == one:
		return n.Inputs[0]
	}
	return ""
}

// isConstNear reports whether one input of n is a scalar constant within
// 1e-6 of v (1/6 stored as a float32).
func (c *converter) isConstNear(n *Node, v float64) bool {
	for i := range n.Inputs {
		if in := c.in(n, i); in != nil && in.k != nil {
			s, ok := in.k.scalar()
			return ok && math.Abs(s-v) < 1e-6
		}
	}
	return false
}

// isConst reports whether one input of n is the scalar constant v.
func (c *converter) isConst(n *Node, v float64) bool {
	for i := range n.Inputs {
		if in := c.in(n, i); in != nil && in.k != nil {
			s, ok := in.k.scalar()
			return ok && s == v
		}
	}
	return false
}

// onlyReader returns the one node reading outs[0], if it is read once and
// no other output is used.
func (c *converter) onlyReader(outs []string) *Node {
	if len(outs) != 1 || c.uses[outs[0]] != 1 || len(c.readers[outs[0]]) != 1 {
		return nil
	}
	return c.readers[outs[0]][0]
}

// poolDigital is a pooling over other than two spatial dims (1-D, 3-D), or
// with its indices output used: a Digital layer with the pooled dims.
func (c *converter) poolDigital(n *Node, x *value) error {
	a := attrs{n}
	k := a.ints("kernel_shape")
	sp := len(x.dims) - 2
	if len(k) != sp || sp < 1 {
		c.problem(n, "kernel_shape %v does not fit input %v", k, x.dims)
		return nil
	}
	st, di, pd := a.ints("strides"), a.ints("dilations"), a.ints("pads")
	dims := slices.Clone(x.dims)
	for i := 0; i < sp; i++ {
		in, s, d := x.dims[i+2], pick(st, i, 1), pick(di, i, 1)
		p0, p1 := pick(pd, i, 0), pick(pd, i+sp, 0)
		if ap := a.str("auto_pad", "NOTSET"); ap == "SAME_UPPER" || ap == "SAME_LOWER" {
			p0, p1 = samePad(in, k[i], s, d, ap == "SAME_LOWER")
		} else if ap == "VALID" {
			p0, p1 = 0, 0
		}
		if k[i] < 1 || s < 1 || d < 1 || p0 < 0 || p1 < 0 || k[i] > nn.MaxDim || s > nn.MaxDim || d > nn.MaxDim || p0 > nn.MaxDim || p1 > nn.MaxDim {
			c.problem(n, "kernel %v, strides %v, dilations %v, pads %v out of range", k, st, di, pd)
			return nil
		}
		dims[i+2] = outSize(in, k[i], s, d, p0, p1, a.int("ceil_mode", 0) != 0)
		if dims[i+2] < 1 {
			c.problem(n, "window does not fit the input %v", x.dims)
			return nil
		}
	}
	return c.digital(n, dims)
}
