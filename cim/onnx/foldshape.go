package onnx

import (
	"fmt"
	"math"
	"slices"

	"github.com/cimkit/cimkit/internal/onnxshape"
)

// Constant folding of the operators that move, select or reduce data
// (shape arithmetic, masks, weight slicing): each computes its output dims,
// checks them against the limits, and takes its elements from the input's.

func foldReshape(_ *converter, n *Node, in []*konst) (*konst, error) {
	if len(in) < 2 || in[1] == nil {
		return nil, fmt.Errorf("Reshape without a shape input")
	}
	dims, err := reshapeDims(in[0].dims, in[1].ints(), attrs{n}.int("allowzero", 0) != 0)
	if err != nil {
		return nil, err
	}
	return in[0].view(dims), nil
}

func foldFlatten(_ *converter, n *Node, in []*konst) (*konst, error) {
	dims, err := flattenDims(in[0].dims, attrs{n}.int("axis", 1))
	if err != nil {
		return nil, err
	}
	return in[0].view(dims), nil
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
	if err != nil {
		return nil, err
	}
	return in[0].view(dims), nil
}

func foldUnsqueeze(c *converter, n *Node, in []*konst) (*konst, error) {
	dims, err := unsqueezeDims(in[0].dims, c.axesOf(n, 1))
	if err != nil {
		return nil, err
	}
	return in[0].view(dims), nil
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
	si, so := onnxshape.Strides(in[0].dims), onnxshape.Strides(dims)
	return take(in[0], dims, func(i int64) int64 {
		var j int64
		for a, p := range perm {
			j += (i / so[a] % dims[a]) * si[p]
		}
		return j
	}), nil
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
	spec, err := onnxshape.Slices(in[0].dims, starts, ends, axes, steps)
	if err != nil {
		return nil, err
	}
	s := onnxshape.NewSlicer(in[0].dims, spec)
	return take(in[0], s.Dims, s.Index), nil
}

func foldGather(c *converter, n *Node, in []*konst) (*konst, error) {
	if len(in) < 2 || in[1] == nil {
		return nil, fmt.Errorf("Gather without indices")
	}
	data, idx := in[0], in[1]
	if len(data.dims) == 0 {
		return nil, fmt.Errorf("Gather from a scalar")
	}
	ax, err := onnxshape.Axis(attrs{n}.int("axis", 0), len(data.dims))
	if err != nil {
		return nil, err
	}
	d, inner := data.dims[ax], onnxshape.Elems(data.dims[ax+1:])
	dims := slices.Concat(data.dims[:ax], idx.dims, data.dims[ax+1:])
	if err := c.checkDims(dims); err != nil {
		return nil, err
	}
	ix := idx.ints()
	for k, x := range ix {
		if x < -d || x >= d {
			return nil, fmt.Errorf("Gather index %d out of range %d", x, d)
		}
		if x < 0 {
			ix[k] = x + d
		}
	}
	nIdx := int64(len(ix))
	return take(data, dims, func(j int64) int64 {
		o, rest := j/(nIdx*inner), j%(nIdx*inner)
		return (o*d+ix[rest/inner])*inner + rest%inner
	}), nil
}

func foldConcat(c *converter, n *Node, in []*konst) (*konst, error) {
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
	if err := c.checkDims(dims); err != nil {
		return nil, err
	}
	outer := onnxshape.Elems(dims[:ax])
	return lazyKonst(dims, in[0].typ, func() ([]float64, []int64) {
		var f []float64
		var i []int64
		for o := int64(0); o < outer; o++ {
			for _, k := range in {
				chunk := onnxshape.Elems(k.dims[ax:])
				if in[0].typ.isInt() {
					i = append(i, k.exact()[o*chunk:(o+1)*chunk]...)
				} else {
					f = append(f, k.floats()[o*chunk:(o+1)*chunk]...)
				}
			}
		}
		return f, i
	}), nil
}

// shapeOf is the Shape operator on any dims, with opset-15 start/end.
func shapeOf(n *Node, dims []int64) *konst {
	a := attrs{n}
	r := int64(len(dims))
	s := onnxshape.SliceAxis(r, a.int("start", 0), a.int("end", r), 1)
	return intsKonst(slices.Clone(dims[s.Start : s.Start+s.Count]))
}

func foldShape(_ *converter, n *Node, in []*konst) (*konst, error) {
	return shapeOf(n, in[0].dims), nil
}

func foldConstantOfShape(c *converter, n *Node, in []*konst) (*konst, error) {
	dims := in[0].ints()
	if err := c.checkDims(dims); err != nil {
		return nil, fmt.Errorf("ConstantOfShape: %v", err)
	}
	fill := newFloats(nil, Float, []float64{0})
	if t := (attrs{n}).get("value"); t != nil && t.T != nil {
		if err := t.T.validate(); err != nil || t.T.Elems() != 1 {
			return nil, fmt.Errorf("ConstantOfShape value must be one element of a supported type")
		}
		fill = tensorKonst(t.T)
	}
	return take(fill, dims, func(int64) int64 { return 0 }), nil
}

func foldRange(c *converter, _ *Node, in []*konst) (*konst, error) {
	if len(in) != 3 || in[1] == nil || in[2] == nil || in[0].n() != 1 || in[1].n() != 1 || in[2].n() != 1 {
		return nil, fmt.Errorf("Range needs scalar start, limit and delta")
	}
	t := in[0].typ
	if t.isInt() {
		s, l, d := in[0].exact()[0], in[1].exact()[0], in[2].exact()[0]
		cnt, err := rangeCount(s, l, d)
		if err != nil || c.checkDims([]int64{cnt}) != nil {
			return nil, fmt.Errorf("Range(%d, %d, %d): %d elements: %v", s, l, d, cnt, err)
		}
		out := make([]int64, cnt)
		for i := range out {
			out[i] = wrapInt(t, s+int64(i)*d)
		}
		return newInts([]int64{cnt}, t, out), nil
	}
	s, l, d := in[0].floats()[0], in[1].floats()[0], in[2].floats()[0]
	cnt := math.Max(math.Ceil((l-s)/d), 0)
	if d == 0 || !(cnt <= float64(c.lim.MaxTensorElems)) {
		return nil, fmt.Errorf("Range(%g, %g, %g) of %g elements", s, l, d, cnt)
	}
	out := make([]float64, int(cnt))
	for i := range out {
		out[i] = roundFloat(t, s+float64(i)*d)
	}
	return newFloats([]int64{int64(cnt)}, t, out), nil
}

// rangeCount is max(ceil((limit-start)/delta), 0), exactly.
func rangeCount(start, limit, delta int64) (int64, error) {
	diff := limit - start
	switch {
	case delta == 0:
		return 0, fmt.Errorf("delta 0")
	case (limit > start) != (diff > 0) && limit != start:
		return 0, fmt.Errorf("the span overflows")
	case delta > 0 && diff > 0:
		return (diff-1)/delta + 1, nil
	case delta < 0 && diff < 0:
		return (diff+1)/delta + 1, nil
	}
	return 0, nil
}

// foldExpand broadcasts the input to a shape (bidirectionally: size-1
// target dims keep the input's size).
func foldExpand(c *converter, _ *Node, in []*konst) (*konst, error) {
	if len(in) < 2 || in[1] == nil {
		return nil, fmt.Errorf("Expand without a shape")
	}
	dims, err := onnxshape.Broadcast(in[0].dims, in[1].ints())
	if err != nil {
		return nil, err
	}
	if err := c.checkDims(dims); err != nil {
		return nil, err
	}
	return take(in[0], dims, onnxshape.NewBroadcaster(dims, in[0].dims).Index), nil
}

func foldTile(c *converter, _ *Node, in []*konst) (*konst, error) {
	if len(in) < 2 || in[1] == nil || in[1].n() != int64(len(in[0].dims)) {
		return nil, fmt.Errorf("Tile needs one repeat per dim")
	}
	rep := in[1].ints()
	dims := slices.Clone(in[0].dims)
	for i, r := range rep {
		if r < 0 || (r > 0 && dims[i] > c.lim.MaxTensorElems/r) {
			return nil, fmt.Errorf("Tile repeats %v of dims %v", rep, in[0].dims)
		}
		dims[i] *= r
	}
	if err := c.checkDims(dims); err != nil {
		return nil, err
	}
	d := in[0].dims
	so, si := onnxshape.Strides(dims), onnxshape.Strides(d)
	return take(in[0], dims, func(j int64) int64 {
		var s int64
		for a := range dims {
			s += (j / so[a] % dims[a] % d[a]) * si[a]
		}
		return s
	}), nil
}

// foldScatterND copies the data and writes the updates at the indices
// (reduction none, add, mul, max or min).
func foldScatterND(c *converter, n *Node, in []*konst) (*konst, error) {
	if len(in) != 3 || slices.Contains(in, nil) {
		return nil, fmt.Errorf("ScatterND needs data, indices and updates")
	}
	data, idx, upd := in[0], in[1], in[2]
	r, q := len(data.dims), len(idx.dims)
	if q == 0 || idx.dims[q-1] > int64(r) {
		return nil, fmt.Errorf("ScatterND indices %v for data %v", idx.dims, data.dims)
	}
	k := int(idx.dims[q-1])
	if want := slices.Concat(idx.dims[:q-1], data.dims[k:]); !slices.Equal(upd.dims, want) {
		return nil, fmt.Errorf("ScatterND updates %v, want %v", upd.dims, want)
	}
	red := attrs{n}.str("reduction", "none")
	combine := map[string]string{"add": "Add", "mul": "Mul", "max": "Max", "min": "Min"}[red]
	if red != "none" && combine == "" {
		return nil, fmt.Errorf("ScatterND reduction %q", red)
	}
	cell := onnxshape.Elems(data.dims[k:])
	sd := onnxshape.Strides(data.dims)
	ix := idx.ints()
	var dst []int64 // the flat offset of each update slice
	for t := int64(0); t < onnxshape.Elems(idx.dims[:q-1]); t++ {
		var off int64
		for a := 0; a < k; a++ {
			x := ix[t*int64(k)+int64(a)]
			if x < -data.dims[a] || x >= data.dims[a] {
				return nil, fmt.Errorf("ScatterND index %d out of range %d", x, data.dims[a])
			}
			if x < 0 {
				x += data.dims[a]
			}
			off += x * sd[a]
		}
		dst = append(dst, off)
	}
	out := copyOf(data, data.dims, func(j int64) int64 { return j })
	if combine == "" {
		for t, off := range dst {
			for e := int64(0); e < cell; e++ {
				out.set(off+e, upd, int64(t)*cell+e)
			}
		}
		return out, nil
	}
	for t, off := range dst {
		part := take(out, []int64{cell}, func(e int64) int64 { return off + e })
		sum, err := c.binary(&Node{OpType: combine}, part, take(upd, []int64{cell}, func(e int64) int64 { return int64(t)*cell + e }))
		if err != nil {
			return nil, err
		}
		for e := int64(0); e < cell; e++ {
			out.set(off+e, sum, e)
		}
	}
	return out, nil
}

// set copies element j of src (of k's type) to element i of k.
func (k *konst) set(i int64, src *konst, j int64) {
	if k.typ.isInt() {
		k.i[i] = wrapInt(k.typ, src.exact()[j])
	} else {
		k.f[i] = roundFloat(k.typ, src.floats()[j])
	}
}

// foldTrilu keeps the upper (upper=1) or lower triangle of the last two
// dims, shifted by k diagonals; the rest is zero.
func foldTrilu(_ *converter, n *Node, in []*konst) (*konst, error) {
	x := in[0]
	r := len(x.dims)
	if r < 2 {
		return nil, fmt.Errorf("Trilu of rank %d", r)
	}
	var diag int64
	if len(in) > 1 && in[1] != nil {
		if in[1].n() != 1 {
			return nil, fmt.Errorf("Trilu k must be a scalar")
		}
		diag = in[1].ints()[0]
	}
	upper := attrs{n}.int("upper", 1) != 0
	rows, cols := x.dims[r-2], x.dims[r-1]
	zero := newFloats(nil, Double, []float64{0})
	out := copyOf(x, x.dims, func(j int64) int64 { return j })
	for j := int64(0); j < x.n(); j++ {
		d := j%cols - j/cols%rows // column - row
		if keep := (upper && d >= diag) || (!upper && d <= diag); !keep {
			out.set(j, zero, 0)
		}
	}
	return out, nil
}

// foldCumSum is the cumulative sum along an axis (exclusive, reverse).
func foldCumSum(c *converter, n *Node, in []*konst) (*konst, error) {
	if len(in) < 2 || in[1] == nil || in[1].n() != 1 {
		return nil, fmt.Errorf("CumSum needs a scalar axis")
	}
	x := in[0]
	ax, err := onnxshape.Axis(in[1].ints()[0], len(x.dims))
	if err != nil {
		return nil, err
	}
	a := attrs{n}
	excl, rev := a.int("exclusive", 0) != 0, a.int("reverse", 0) != 0
	d, inner := x.dims[ax], onnxshape.Elems(x.dims[ax+1:])
	out := copyOf(x, x.dims, func(j int64) int64 { return j })
	for o := int64(0); o < onnxshape.Elems(x.dims[:ax]); o++ {
		for e := int64(0); e < inner; e++ {
			var ai int64
			var af float64
			for s := int64(0); s < d; s++ {
				p := s
				if rev {
					p = d - 1 - s
				}
				at := (o*d+p)*inner + e
				if out.typ.isInt() {
					v := out.i[at]
					if ai = wrapInt(out.typ, ai+v); excl {
						out.i[at] = wrapInt(out.typ, ai-v)
					} else {
						out.i[at] = ai
					}
				} else {
					v := out.f[at]
					if af = roundFloat(out.typ, af+v); excl {
						out.f[at] = roundFloat(out.typ, af-v)
					} else {
						out.f[at] = af
					}
				}
			}
		}
	}
	return out, nil
}

// foldReduce is ReduceSum, ReduceProd, ReduceMax, ReduceMin and ReduceMean
// (axes from the attribute or input 1, keepdims, noop_with_empty_axes).
func foldReduce(c *converter, n *Node, in []*konst) (*konst, error) {
	x := in[0]
	a := attrs{n}
	axes := c.axesOf(n, 1)
	if len(axes) == 0 && a.int("noop_with_empty_axes", 0) != 0 {
		return x, nil
	}
	red := make([]bool, len(x.dims))
	for _, ax := range axes {
		i, err := onnxshape.Axis(ax, len(x.dims))
		if err != nil {
			return nil, err
		}
		red[i] = true
	}
	var dims, keep []int64 // output dims; kept: the output dims with reduced ones 1
	for i, d := range x.dims {
		r := len(axes) == 0 || red[i]
		switch {
		case !r:
			dims, keep = append(dims, d), append(keep, d)
		case a.int("keepdims", 1) != 0:
			dims, keep = append(dims, 1), append(keep, 1)
		default:
			keep = append(keep, 1)
		}
	}
	if x.n() == 0 {
		return nil, fmt.Errorf("%s of an empty tensor", n.OpType)
	}
	if n.OpType == "ReduceMean" && !x.typ.isFloat() {
		return nil, fmt.Errorf("ReduceMean of %v values", x.typ)
	}
	op := map[string]string{"ReduceSum": "Add", "ReduceMean": "Add", "ReduceProd": "Mul", "ReduceMax": "Max", "ReduceMin": "Min"}[n.OpType]
	node := &Node{OpType: op}
	sk, so := onnxshape.Strides(x.dims), onnxshape.Strides(keep)
	first := make([]bool, onnxshape.Elems(keep))
	out := copyOf(x, keep, func(int64) int64 { return 0 })
	fi, _ := intBinary(op, x.typ, node)
	ff, _ := floatBinary(op, node)
	for j := int64(0); j < x.n(); j++ {
		var o int64 // the output element that input j adds to
		for ax := range x.dims {
			if keep[ax] != 1 {
				o += (j / sk[ax] % x.dims[ax]) * so[ax]
			}
		}
		switch {
		case !first[o]:
			first[o] = true
			out.set(o, x, j)
		case x.typ.isInt():
			v, _ := fi(out.i[o], x.i[j])
			out.i[o] = wrapInt(x.typ, v)
		default:
			out.f[o] = roundFloat(x.typ, ff(out.f[o], x.f[j]))
		}
	}
	if n.OpType == "ReduceMean" {
		cnt := float64(x.n() / int64(len(first)))
		for o := range out.f {
			out.f[o] = roundFloat(x.typ, out.f[o]/cnt)
		}
	}
	return out.view(dims), nil
}

// foldSplit evaluates Split on a constant: sizes from input 1 or the split
// attribute, else num_outputs parts (opset 18: the last may be smaller),
// else equal parts.
func (c *converter) foldSplit(n *Node, in []*konst) ([]*konst, error) {
	x := in[0]
	ax, err := onnxshape.Axis(attrs{n}.int("axis", 0), len(x.dims))
	if err != nil {
		return nil, err
	}
	sizes, err := c.splitSizes(n, x.dims[ax])
	if err != nil {
		return nil, err
	}
	var parts []*konst
	var start int64
	inner, d := onnxshape.Elems(x.dims[ax+1:]), x.dims[ax]
	for _, size := range sizes {
		dims := slices.Clone(x.dims)
		dims[ax] = size
		off := start
		parts = append(parts, take(x, dims, func(j int64) int64 {
			outer, rest := j/(size*inner), j%(size*inner)
			return (outer*d+off)*inner + rest
		}))
		start += size
	}
	return parts, nil
}

// splitSizes returns the sizes of Split's outputs along a dim of size d.
func (c *converter) splitSizes(n *Node, d int64) ([]int64, error) {
	outs := int64(len(n.Outputs))
	sizes, ok := c.constInts(n, 1, "split")
	if ok && sizes != nil {
		var sum int64
		for _, s := range sizes {
			if s < 0 || s > d {
				return nil, fmt.Errorf("split sizes %v of dim %d", sizes, d)
			}
			sum += s
		}
		if sum != d || int64(len(sizes)) != outs {
			return nil, fmt.Errorf("split sizes %v do not divide dim %d into %d outputs", sizes, d, outs)
		}
		return sizes, nil
	}
	if outs == 0 {
		return nil, fmt.Errorf("Split without outputs")
	}
	part := d / outs
	if d%outs != 0 {
		if (attrs{n}).get("num_outputs") == nil {
			return nil, fmt.Errorf("dim %d does not split in %d equal parts", d, outs)
		}
		part = (d + outs - 1) / outs
	}
	sizes = make([]int64, outs)
	for i := range sizes {
		sizes[i] = min(part, d-int64(i)*part)
		if sizes[i] < 0 {
			return nil, fmt.Errorf("dim %d does not split in %d parts of %d", d, outs, part)
		}
	}
	return sizes, nil
}
