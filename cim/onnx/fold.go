package onnx

import (
	"fmt"
	"math"
	"slices"

	"github.com/cimkit/cimkit/internal/onnxshape"
)

// Constant folding: operators whose inputs are all constant are evaluated
// at import (shape computations, masks, weight preprocessing), with the
// semantics of their element types (arith.go). Unlisted operators on
// constants are refused.

// foldFn evaluates an operator on constant inputs (nil for omitted
// optional ones) and returns its outputs.
type foldFn func(c *converter, n *Node, in []*konst) ([]*konst, error)

// one adapts an operator of one output.
func one(f func(c *converter, n *Node, in []*konst) (*konst, error)) foldFn {
	return func(c *converter, n *Node, in []*konst) ([]*konst, error) {
		k, err := f(c, n, in)
		return []*konst{k}, err
	}
}

var folds map[string]foldFn

func init() {
	folds = map[string]foldFn{
		"Cast": one(foldCast), "CastLike": one(foldCastLike), "Reshape": one(foldReshape), "Flatten": one(foldFlatten),
		"Squeeze": one(foldSqueeze), "Unsqueeze": one(foldUnsqueeze), "Transpose": one(foldTranspose),
		"Slice": one(foldSlice), "Gather": one(foldGather), "Concat": one(foldConcat),
		"Shape": one(foldShape), "Size": one(func(_ *converter, _ *Node, in []*konst) (*konst, error) {
			return scalarInt(in[0].n()), nil
		}),
		"ConstantOfShape": one(foldConstantOfShape), "Range": one(foldRange), "Where": one(foldWhere),
		"Identity": one(foldIdentity), "Dropout": foldDropout, "Split": (*converter).foldSplit,
		"Expand": one(foldExpand), "Tile": one(foldTile), "ScatterND": one(foldScatterND), "Trilu": one(foldTrilu),
		"CumSum": one(foldCumSum), "DequantizeLinear": one(foldDequantize),
		"ReduceSum": one(foldReduce), "ReduceProd": one(foldReduce), "ReduceMax": one(foldReduce),
		"ReduceMin": one(foldReduce), "ReduceMean": one(foldReduce),
		"IsNaN": one(foldIsNaN), "IsInf": one(foldIsNaN),
	}
	for op := range floatUnary {
		folds[op] = one(foldUnary)
	}
	for op := range signedUnary {
		folds[op] = one(foldUnary)
	}
	for _, op := range []string{"Add", "Sub", "Mul", "Div", "Mod", "Pow", "BitShift", "BitwiseAnd", "BitwiseOr", "BitwiseXor",
		"Sum", "Mean", "Min", "Max", "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or", "Xor"} {
		folds[op] = one(foldNary)
	}
}

// fold evaluates a node whose inputs are all constant.
func (c *converter) fold(n *Node) error {
	in := make([]*konst, len(n.Inputs))
	for i := range n.Inputs {
		if v := c.in(n, i); v != nil {
			in[i] = v.k
		}
	}
	if len(in) == 0 || in[0] == nil {
		c.problem(n, "has no input that cimkit can evaluate")
		return nil
	}
	f, ok := folds[n.OpType]
	if !ok || (n.Domain != "" && n.Domain != "ai.onnx") {
		c.problem(n, "operator on constants only, which cimkit cannot evaluate")
		return nil
	}
	out, err := f(c, n, in)
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrUnsupported, label(n), err)
	}
	return c.setKonst(n, out...)
}

// setKonst binds the node's outputs to konsts (an output without a konst
// stays unbound).
func (c *converter) setKonst(n *Node, ks ...*konst) error {
	for i, k := range ks {
		if i >= len(n.Outputs) || n.Outputs[i] == "" {
			continue
		}
		if err := c.account(k.n(), label(n)); err != nil {
			return err
		}
		c.vals[n.Outputs[i]] = &value{k: k}
	}
	return nil
}

// constant handles a Constant node.
func (c *converter) constant(n *Node) error {
	a := attrs{n}
	var k *konst
	switch {
	case a.get("value") != nil && a.get("value").T != nil:
		t := a.get("value").T
		if err := t.check(label(n), c.lim); err != nil {
			return err
		}
		if err := t.validate(); err != nil {
			return fmt.Errorf("%s: %w", label(n), err)
		}
		k = tensorKonst(t)
	case a.get("value_float") != nil:
		k = newFloats(nil, Float, []float64{a.float("value_float", 0)})
	case a.get("value_int") != nil:
		k = scalarInt(a.int("value_int", 0))
	case a.get("value_floats") != nil:
		v := a.get("value_floats").Floats
		k = newFloats([]int64{int64(len(v))}, Float, v)
	case a.get("value_ints") != nil:
		k = intsKonst(a.ints("value_ints"))
	default:
		c.problem(n, "Constant without a tensor, float or int value")
		return nil
	}
	return c.setKonst(n, k)
}

// checkDims checks the dims of a konst to be computed: sizes not
// negative, at most MaxTensorElems elements (no overflow on the way).
func (c *converter) checkDims(dims []int64) error {
	n := int64(1)
	for _, d := range dims {
		if d < 0 {
			return fmt.Errorf("dims %v: negative size", dims)
		}
		if d > 0 && n > c.lim.MaxTensorElems/d {
			return fmt.Errorf("dims %v exceed %d elements", dims, c.lim.MaxTensorElems)
		}
		n *= d
	}
	return nil
}

// take returns a konst of k's type with the given dims whose element j is
// k's element at(j), computed on first use (so that moving weights that
// Options.SkipWeights leaves undecoded decodes nothing).
func take(k *konst, dims []int64, at func(j int64) int64) *konst {
	return lazyKonst(dims, k.typ, func() ([]float64, []int64) {
		n := onnxshape.Elems(dims)
		if k.typ.isInt() {
			src, out := k.exact(), make([]int64, n)
			for j := range out {
				out[j] = src[at(int64(j))]
			}
			return nil, out
		}
		src, out := k.floats(), make([]float64, n)
		for j := range out {
			out[j] = src[at(int64(j))]
		}
		return out, nil
	})
}

// copyOf returns a copy of k's values, loaded, for an operator to change.
func copyOf(k *konst, dims []int64, at func(j int64) int64) *konst {
	out := take(k, dims, at)
	out.load()
	return out
}

// broadcaster returns the broadcast dims of ks and, for each, the map from
// an output index to its element.
func (c *converter) broadcaster(ks ...*konst) ([]int64, []func(int64) int64, error) {
	list := make([][]int64, len(ks))
	for i, k := range ks {
		list[i] = k.dims
	}
	dims, err := onnxshape.Broadcast(list...)
	if err != nil {
		return nil, nil, err
	}
	if err := c.checkDims(dims); err != nil {
		return nil, nil, err
	}
	at := make([]func(int64) int64, len(ks))
	for i, k := range ks {
		if k.n() == 1 {
			at[i] = func(int64) int64 { return 0 }
		} else {
			at[i] = onnxshape.NewBroadcaster(dims, k.dims).Index
		}
	}
	return dims, at, nil
}

// foldNary evaluates the element-wise operators of two (Sum, Mean, Min,
// Max: one or more) inputs, with multidirectional broadcasting.
func foldNary(c *converter, n *Node, in []*konst) (*konst, error) {
	if slices.Contains(in, nil) || (len(in) != 2 && !variadic(n.OpType)) {
		return nil, fmt.Errorf("%s takes 2 inputs, has %d", n.OpType, len(in))
	}
	acc := in[0]
	for _, k := range in[1:] {
		var err error
		if acc, err = c.binary(n, acc, k); err != nil {
			return nil, err
		}
	}
	if n.OpType == "Mean" {
		if !acc.typ.isFloat() {
			return nil, fmt.Errorf("Mean of %v values", acc.typ)
		}
		f := acc.floats()
		out := make([]float64, len(f))
		for j, x := range f {
			out[j] = roundFloat(acc.typ, x/float64(len(in)))
		}
		acc = newFloats(acc.dims, acc.typ, out)
	}
	return acc, nil
}

func variadic(op string) bool { return op == "Sum" || op == "Mean" || op == "Min" || op == "Max" }

// binary evaluates one element-wise operator on a and b.
func (c *converter) binary(n *Node, a, b *konst) (*konst, error) {
	dims, at, err := c.broadcaster(a, b)
	if err != nil {
		return nil, err
	}
	op, size := n.OpType, onnxshape.Elems(dims)
	if cmp, ok := comparisons[op]; ok {
		return compareKonst(dims, a, b, at, cmp), nil
	}
	if lg, ok := logical[op]; ok {
		x, y, out := a.exact(), b.exact(), make([]int64, size)
		for j := range out {
			out[j] = b2i(lg(x[at[0](int64(j))] != 0, y[at[1](int64(j))] != 0))
		}
		return newInts(dims, Bool, out), nil
	}
	if a.typ.isInt() && b.typ.isInt() {
		if f, ok := intBinary(op, a.typ, n); ok {
			x, y, out := a.exact(), b.exact(), make([]int64, size)
			for j := range out {
				v, err := f(x[at[0](int64(j))], y[at[1](int64(j))])
				if err != nil {
					return nil, fmt.Errorf("%s of %v: %v", op, a.typ, err)
				}
				out[j] = wrapInt(a.typ, v)
			}
			return newInts(dims, a.typ, out), nil
		}
	}
	f, err := floatBinary(op, n)
	if err != nil {
		return nil, err
	}
	eval := func() ([]float64, []int64) {
		x, y, out := a.floats(), b.floats(), make([]float64, size)
		for j := range out {
			out[j] = roundFloat(a.typ, f(x[at[0](int64(j))], y[at[1](int64(j))]))
		}
		return out, nil
	}
	if a.typ.isInt() { // an integer base to a floating-point power: back as Cast does
		return castKonst(lazyKonst(dims, Double, eval), a.typ)
	}
	return lazyKonst(dims, a.typ, eval), nil // computed on first use (weights)
}

// compareKonst compares a and b element by element into a bool konst.
func compareKonst(dims []int64, a, b *konst, at []func(int64) int64, cmp func(int) bool) *konst {
	out := make([]int64, onnxshape.Elems(dims))
	if a.typ.isInt() && b.typ.isInt() {
		x, y := a.exact(), b.exact()
		for j := range out {
			out[j] = b2i(cmp(compareInts(a.typ, x[at[0](int64(j))], y[at[1](int64(j))])))
		}
	} else {
		x, y := a.floats(), b.floats()
		for j := range out {
			r, ok := compareFloats(x[at[0](int64(j))], y[at[1](int64(j))])
			out[j] = b2i(ok && cmp(r))
		}
	}
	return newInts(dims, Bool, out)
}

// foldUnary evaluates an element-wise operator of one input.
func foldUnary(_ *converter, n *Node, in []*konst) (*konst, error) {
	k, op := in[0], n.OpType
	if s, ok := signedUnary[op]; ok && k.typ.isInt() {
		x, out := k.exact(), make([]int64, k.n())
		for j := range out {
			out[j] = wrapInt(k.typ, s.i(k.typ, x[j]))
		}
		return newInts(k.dims, k.typ, out), nil
	}
	f := floatUnary[op]
	if s, ok := signedUnary[op]; ok {
		f = s.f
	}
	if f == nil || !k.typ.isFloat() {
		return nil, fmt.Errorf("%s of %v values is not defined", op, k.typ)
	}
	return lazyKonst(k.dims, k.typ, func() ([]float64, []int64) {
		x, out := k.floats(), make([]float64, k.n())
		for j := range out {
			out[j] = roundFloat(k.typ, f(x[j]))
		}
		return out, nil
	}), nil
}

// foldIsNaN is IsNaN, and IsInf with detect_negative and detect_positive.
func foldIsNaN(_ *converter, n *Node, in []*konst) (*konst, error) {
	a := attrs{n}
	neg, pos := a.int("detect_negative", 1) != 0, a.int("detect_positive", 1) != 0
	x, out := in[0].floats(), make([]int64, in[0].n())
	for j, v := range x {
		if n.OpType == "IsNaN" {
			out[j] = b2i(math.IsNaN(v))
		} else {
			out[j] = b2i((neg && math.IsInf(v, -1)) || (pos && math.IsInf(v, 1)))
		}
	}
	return newInts(in[0].dims, Bool, out), nil
}

func foldIdentity(_ *converter, _ *Node, in []*konst) (*konst, error) { return in[0], nil }

// foldDropout is the identity at inference, and its mask all true;
// training mode (random) is refused.
func foldDropout(_ *converter, _ *Node, in []*konst) ([]*konst, error) {
	if len(in) > 2 && in[2] != nil && slices.Contains(in[2].exact(), 1) {
		return nil, fmt.Errorf("Dropout in training mode is random")
	}
	mask := make([]int64, in[0].n())
	for j := range mask {
		mask[j] = 1
	}
	return []*konst{in[0], newInts(in[0].dims, Bool, mask)}, nil
}

func foldCast(_ *converter, n *Node, in []*konst) (*konst, error) {
	return castKonst(in[0], DataType(attrs{n}.int("to", int64(Float))))
}

func foldCastLike(_ *converter, _ *Node, in []*konst) (*konst, error) {
	if len(in) < 2 || in[1] == nil {
		return nil, fmt.Errorf("CastLike without a target")
	}
	return castKonst(in[0], in[1].typ)
}

// foldWhere selects X where the condition holds, else Y (broadcast).
func foldWhere(c *converter, _ *Node, in []*konst) (*konst, error) {
	if len(in) != 3 || slices.Contains(in, nil) {
		return nil, fmt.Errorf("Where needs 3 inputs")
	}
	dims, at, err := c.broadcaster(in...)
	if err != nil {
		return nil, err
	}
	cond := in[0].floats()
	sel := func(j int64) bool { return cond[at[0](j)] != 0 }
	x, y := in[1], in[2]
	if x.typ.isInt() {
		xv, yv, out := x.exact(), y.exact(), make([]int64, onnxshape.Elems(dims))
		for j := range out {
			if sel(int64(j)) {
				out[j] = xv[at[1](int64(j))]
			} else {
				out[j] = yv[at[2](int64(j))]
			}
		}
		return newInts(dims, x.typ, out), nil
	}
	xv, yv, out := x.floats(), y.floats(), make([]float64, onnxshape.Elems(dims))
	for j := range out {
		if sel(int64(j)) {
			out[j] = xv[at[1](int64(j))]
		} else {
			out[j] = yv[at[2](int64(j))]
		}
	}
	return newFloats(dims, x.typ, out), nil
}

// foldDequantize is (x - zero point) * scale, per tensor or per axis.
func foldDequantize(c *converter, n *Node, in []*konst) (*konst, error) {
	if len(in) < 2 || in[1] == nil {
		return nil, fmt.Errorf("DequantizeLinear without a scale")
	}
	x, scale := in[0], in[1]
	zero := newInts(nil, x.typ, []int64{0})
	if len(in) > 2 && in[2] != nil {
		zero = in[2]
	}
	var shape []int64  // per tensor
	if scale.n() > 1 { // per axis
		ax, err := onnxshape.Axis(attrs{n}.int("axis", 1), len(x.dims))
		if err != nil || scale.n() != x.dims[ax] {
			return nil, fmt.Errorf("DequantizeLinear scale %v for input %v", scale.dims, x.dims)
		}
		shape = make([]int64, len(x.dims)-ax)
		for i := range shape {
			shape[i] = 1
		}
		shape[0] = x.dims[ax]
	}
	if zero.n() != scale.n() || scale.n() == 0 || !scale.typ.isFloat() {
		return nil, fmt.Errorf("DequantizeLinear zero point %v and scale %v (%v)", zero.dims, scale.dims, scale.typ)
	}
	dims, at, err := c.broadcaster(x, scale.view(shape), zero.view(shape))
	if err != nil {
		return nil, err
	}
	return lazyKonst(dims, scale.typ, func() ([]float64, []int64) {
		xv, sv, zv := x.floats(), scale.floats(), zero.floats()
		out := make([]float64, onnxshape.Elems(dims))
		for j := range out {
			out[j] = roundFloat(scale.typ, (xv[at[0](int64(j))]-zv[at[2](int64(j))])*sv[at[1](int64(j))])
		}
		return out, nil
	}), nil
}
