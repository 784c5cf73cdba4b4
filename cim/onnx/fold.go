package onnx

import (
	"fmt"
	"math"
)

// Constant folding: operators whose inputs are all constant are evaluated
// at import (shape computations, weight preprocessing). Unlisted operators
// on constants are refused.

type foldFn func(c *converter, n *Node, in []*konst) (*konst, error)

var unary = map[string]func(float64) float64{
	"Identity": func(x float64) float64 { return x }, "Neg": func(x float64) float64 { return -x },
	"Sqrt": math.Sqrt, "Abs": math.Abs, "Floor": math.Floor, "Ceil": math.Ceil, "Exp": math.Exp,
	"Log": math.Log, "Reciprocal": func(x float64) float64 { return 1 / x },
	"Relu":    func(x float64) float64 { return max(x, 0) },
	"Sigmoid": func(x float64) float64 { return 1 / (1 + math.Exp(-x)) },
	"Not":     func(x float64) float64 { return b2f(x == 0) },
}

var binaryOps = map[string]func(a, b float64) float64{
	"Add": func(a, b float64) float64 { return a + b }, "Sub": func(a, b float64) float64 { return a - b },
	"Mul": func(a, b float64) float64 { return a * b }, "Div": func(a, b float64) float64 { return a / b },
	"Pow": math.Pow, "Min": math.Min, "Max": math.Max,
	"Equal":   func(a, b float64) float64 { return b2f(a == b) },
	"Less":    func(a, b float64) float64 { return b2f(a < b) },
	"Greater": func(a, b float64) float64 { return b2f(a > b) },
	"And":     func(a, b float64) float64 { return b2f(a != 0 && b != 0) },
	"Or":      func(a, b float64) float64 { return b2f(a != 0 || b != 0) },
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

var folds map[string]foldFn

func init() {
	folds = map[string]foldFn{
		"Cast": foldCast, "Reshape": foldReshape, "Flatten": foldFlatten,
		"Squeeze": foldSqueeze, "Unsqueeze": foldUnsqueeze, "Transpose": foldTranspose,
		"Slice": foldSlice, "Gather": foldGather, "Concat": foldConcat,
		"Shape": foldShape, "Size": func(_ *converter, _ *Node, in []*konst) (*konst, error) {
			return &konst{v: []float64{float64(len(in[0].v))}}, nil
		},
		"ConstantOfShape": foldConstantOfShape, "Range": foldRange, "Where": foldWhere,
		"Dropout": func(_ *converter, _ *Node, in []*konst) (*konst, error) { return in[0], nil },
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
	var out *konst
	var err error
	if f, ok := unary[n.OpType]; ok {
		out = mapKonst(in[0], f)
	} else if f, ok := binaryOps[n.OpType]; ok && len(in) == 2 && in[1] != nil {
		out, err = broadcastKonst(c, in[0], in[1], f)
	} else if f, ok := folds[n.OpType]; ok {
		out, err = f(c, n, in)
	} else {
		c.problem(n, "operator on constants only, which cimkit cannot evaluate")
		return nil
	}
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrUnsupported, label(n), err)
	}
	return c.setKonst(n, out)
}

func (c *converter) setKonst(n *Node, k *konst) error {
	if err := c.account(int64(len(k.v)), label(n)); err != nil {
		return err
	}
	c.bind(n, &value{k: k})
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
		v, err := t.Values()
		if err != nil {
			return fmt.Errorf("%s: %w", label(n), err)
		}
		k = &konst{dims: t.Dims, v: v}
	case a.get("value_float") != nil:
		k = &konst{v: []float64{a.float("value_float", 0)}}
	case a.get("value_int") != nil:
		k = &konst{v: []float64{float64(a.int("value_int", 0))}}
	case a.get("value_floats") != nil:
		v := a.get("value_floats").Floats
		k = &konst{dims: []int64{int64(len(v))}, v: v}
	case a.get("value_ints") != nil:
		k = intsKonst(a.ints("value_ints"))
	default:
		c.problem(n, "Constant without a tensor, float or int value")
		return nil
	}
	return c.setKonst(n, k)
}

func intsKonst(v []int64) *konst {
	k := &konst{dims: []int64{int64(len(v))}, v: make([]float64, len(v))}
	for i, x := range v {
		k.v[i] = float64(x)
	}
	return k
}

func mapKonst(k *konst, f func(float64) float64) *konst {
	out := &konst{dims: k.dims, v: make([]float64, len(k.v))}
	for i, x := range k.v {
		out.v[i] = f(x)
	}
	return out
}

// broadcastIndex maps flat index i of dims out (strides so) to the flat
// index of a broadcast operand with dims d (strides sd; right-aligned,
// size-1 dims repeat).
func broadcastIndex(out, d []int64, i int64, so, sd []int64) int64 {
	var j int64
	off := len(out) - len(d)
	for a := range out {
		x := (i / so[a]) % out[a]
		if b := a - off; b >= 0 && d[b] != 1 {
			j += x * sd[b]
		}
	}
	return j
}

func broadcastKonst(c *converter, a, b *konst, f func(a, b float64) float64) (*konst, error) {
	dims, err := broadcastDims(a.dims, b.dims)
	if err != nil {
		return nil, err
	}
	n := elems(dims)
	if err := c.account(n, "broadcast"); err != nil {
		return nil, err
	}
	out := &konst{dims: dims, v: make([]float64, n)}
	so, sa, sb := strides(dims), strides(a.dims), strides(b.dims)
	for i := range out.v {
		x := a.v[broadcastIndex(dims, a.dims, int64(i), so, sa)]
		y := b.v[broadcastIndex(dims, b.dims, int64(i), so, sb)]
		out.v[i] = f(x, y)
	}
	return out, nil
}

func foldCast(_ *converter, n *Node, in []*konst) (*konst, error) {
	switch DataType(attrs{n}.int("to", 1)) {
	case Float, Double, Float16, BFloat16:
		return in[0], nil
	case Bool:
		return mapKonst(in[0], func(x float64) float64 { return b2f(x != 0) }), nil
	}
	return mapKonst(in[0], math.Trunc), nil
}

func foldReshape(_ *converter, n *Node, in []*konst) (*konst, error) {
	if len(in) < 2 || in[1] == nil {
		return nil, fmt.Errorf("Reshape without a shape input")
	}
	dims, err := reshapeDims(in[0].dims, in[1].ints(), attrs{n}.int("allowzero", 0) != 0)
	return &konst{dims: dims, v: in[0].v}, err
}

func foldFlatten(_ *converter, n *Node, in []*konst) (*konst, error) {
	dims, err := flattenDims(in[0].dims, attrs{n}.int("axis", 1))
	return &konst{dims: dims, v: in[0].v}, err
}

// axesOf reads axes from the attribute (old opsets) or input i (new).
func (c *converter) axesOf(n *Node, i int) []int64 {
	if v := c.in(n, i); v != nil && v.k != nil {
		return v.k.ints()
	}
	return attrs{n}.ints("axes")
}

func foldSqueeze(c *converter, n *Node, in []*konst) (*konst, error) {
	dims, err := squeezeDims(in[0].dims, c.axesOf(n, 1))
	return &konst{dims: dims, v: in[0].v}, err
}

func foldUnsqueeze(c *converter, n *Node, in []*konst) (*konst, error) {
	dims, err := unsqueezeDims(in[0].dims, c.axesOf(n, 1))
	return &konst{dims: dims, v: in[0].v}, err
}

func foldTranspose(_ *converter, n *Node, in []*konst) (*konst, error) {
	perm := attrs{n}.ints("perm")
	dims, err := transposeDims(in[0].dims, perm)
	if err != nil {
		return nil, err
	}
	if len(perm) == 0 {
		perm = reversedPerm(len(dims))
	}
	out := &konst{dims: dims, v: make([]float64, len(in[0].v))}
	si, so := strides(in[0].dims), strides(dims)
	for i := range out.v {
		var j int64
		for a, p := range perm {
			j += (int64(i) / so[a] % dims[a]) * si[p]
		}
		out.v[i] = in[0].v[j]
	}
	return out, nil
}

// sliceArgs reads starts, ends, axes, steps from inputs (opset >= 10) or
// attributes.
func (c *converter) sliceArgs(n *Node) (starts, ends, axes, steps []int64, err error) {
	if len(n.Inputs) == 1 {
		a := attrs{n}
		return a.ints("starts"), a.ints("ends"), a.ints("axes"), nil, nil
	}
	get := func(i int) ([]int64, error) {
		v := c.in(n, i)
		if v == nil {
			return nil, nil
		}
		if v.k == nil {
			return nil, fmt.Errorf("input %d of Slice must be constant", i)
		}
		return v.k.ints(), nil
	}
	var errs [4]error
	starts, errs[0] = get(1)
	ends, errs[1] = get(2)
	axes, errs[2] = get(3)
	steps, errs[3] = get(4)
	for _, e := range errs {
		if e != nil {
			return nil, nil, nil, nil, e
		}
	}
	return starts, ends, axes, steps, nil
}

func foldSlice(c *converter, n *Node, in []*konst) (*konst, error) {
	starts, ends, axes, steps, err := c.sliceArgs(n)
	if err != nil {
		return nil, err
	}
	dims, spec, err := sliceDims(in[0].dims, starts, ends, axes, steps)
	if err != nil {
		return nil, err
	}
	out := &konst{dims: dims, v: make([]float64, elems(dims))}
	si, so := strides(in[0].dims), strides(dims)
	for i := range out.v {
		var j int64
		for a, s := range spec {
			j += (s.start + (int64(i)/so[a]%dims[a])*s.step) * si[a]
		}
		out.v[i] = in[0].v[j]
	}
	return out, nil
}

func foldGather(c *converter, n *Node, in []*konst) (*konst, error) {
	if len(in) < 2 || in[1] == nil {
		return nil, fmt.Errorf("Gather without indices")
	}
	data, idx := in[0], in[1]
	if len(data.dims) == 0 {
		return nil, fmt.Errorf("Gather from a scalar")
	}
	ax, err := axis(attrs{n}.int("axis", 0), len(data.dims))
	if err != nil {
		return nil, err
	}
	outer, d, inner := elems(data.dims[:ax]), data.dims[ax], elems(data.dims[ax+1:])
	dims := append(append(append([]int64{}, data.dims[:ax]...), idx.dims...), data.dims[ax+1:]...)
	if len(idx.v) > 0 && outer*inner > c.lim.MaxTensorElems/int64(len(idx.v)) {
		return nil, fmt.Errorf("Gather output %v exceeds %d elements", dims, c.lim.MaxTensorElems)
	}
	out := &konst{dims: dims, v: make([]float64, 0, elems(dims))}
	for o := int64(0); o < outer; o++ {
		for _, x := range idx.ints() {
			if x < 0 {
				x += d
			}
			if x < 0 || x >= d {
				return nil, fmt.Errorf("Gather index %d out of range %d", x, d)
			}
			base := (o*d + x) * inner
			out.v = append(out.v, data.v[base:base+inner]...)
		}
	}
	return out, nil
}

func foldConcat(_ *converter, n *Node, in []*konst) (*konst, error) {
	list := make([][]int64, len(in))
	for i, k := range in {
		if k == nil {
			return nil, fmt.Errorf("Concat input %d missing", i)
		}
		list[i] = k.dims
	}
	dims, ax, err := concatDims(list, attrs{n}.int("axis", 0))
	if err != nil {
		return nil, err
	}
	out := &konst{dims: dims, v: make([]float64, 0, elems(dims))}
	outer := elems(dims[:ax])
	for o := int64(0); o < outer; o++ {
		for _, k := range in {
			chunk := elems(k.dims[ax:])
			out.v = append(out.v, k.v[o*chunk:(o+1)*chunk]...)
		}
	}
	return out, nil
}

// shapeOf is the Shape operator on any dims, with opset-15 start/end.
func shapeOf(n *Node, dims []int64) *konst {
	a := attrs{n}
	r := int64(len(dims))
	s := sliceAxis(r, a.int("start", 0), a.int("end", r), 1)
	return intsKonst(dims[s.start : s.start+s.count])
}

func foldShape(_ *converter, n *Node, in []*konst) (*konst, error) {
	return shapeOf(n, in[0].dims), nil
}

func foldConstantOfShape(c *converter, n *Node, in []*konst) (*konst, error) {
	dims := in[0].ints()
	for _, d := range dims {
		if d < 0 || d > c.lim.MaxTensorElems {
			return nil, fmt.Errorf("ConstantOfShape dims %v", dims)
		}
	}
	if e := elems(dims); e > c.lim.MaxTensorElems || e < 0 {
		return nil, fmt.Errorf("ConstantOfShape dims %v exceed %d elements", dims, c.lim.MaxTensorElems)
	}
	fill := 0.0
	if t := (attrs{n}).get("value"); t != nil && t.T != nil {
		v, err := t.T.Values()
		if err != nil || len(v) != 1 {
			return nil, fmt.Errorf("ConstantOfShape value must be one element")
		}
		fill = v[0]
	}
	out := &konst{dims: dims, v: make([]float64, elems(dims))}
	for i := range out.v {
		out.v[i] = fill
	}
	return out, nil
}

func foldRange(c *converter, _ *Node, in []*konst) (*konst, error) {
	if len(in) != 3 || in[1] == nil || in[2] == nil {
		return nil, fmt.Errorf("Range needs start, limit, delta")
	}
	s, ok1 := in[0].scalar()
	l, ok2 := in[1].scalar()
	d, ok3 := in[2].scalar()
	if !ok1 || !ok2 || !ok3 || d == 0 {
		return nil, fmt.Errorf("Range needs scalar start, limit and non-zero delta")
	}
	cnt := math.Max(math.Ceil((l-s)/d), 0)
	if cnt > float64(c.lim.MaxTensorElems) {
		return nil, fmt.Errorf("Range of %g elements", cnt)
	}
	out := &konst{dims: []int64{int64(cnt)}, v: make([]float64, int(cnt))}
	for i := range out.v {
		out.v[i] = s + float64(i)*d
	}
	return out, nil
}

func foldWhere(c *converter, _ *Node, in []*konst) (*konst, error) {
	if len(in) != 3 || in[1] == nil || in[2] == nil {
		return nil, fmt.Errorf("Where needs 3 inputs")
	}
	sel, err := broadcastKonst(c, in[0], in[1], func(cond, x float64) float64 {
		if cond != 0 {
			return x
		}
		return math.NaN()
	})
	if err != nil {
		return nil, err
	}
	return broadcastKonst(c, sel, in[2], func(x, y float64) float64 {
		if math.IsNaN(x) {
			return y
		}
		return x
	})
}
