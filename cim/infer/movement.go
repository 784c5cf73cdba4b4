package infer

import (
	"fmt"
	"slices"

	"github.com/cimkit/cimkit/internal/onnxshape"
)

// The operators that only move data (and Resize, which also interpolates).

// transposeT permutes the axes of x.
func transposeT(x *tensor, perm []int64) (*tensor, error) {
	r := len(x.dims)
	if len(perm) == 0 {
		for i := r - 1; i >= 0; i-- {
			perm = append(perm, int64(i))
		}
	}
	if len(perm) != r {
		return nil, fmt.Errorf("perm %v for dims %v", perm, x.dims)
	}
	dims := make([]int64, r)
	seen := make([]bool, r)
	for i, p := range perm {
		if p < 0 || p >= int64(r) || seen[p] {
			return nil, fmt.Errorf("perm %v is not a permutation of %d axes", perm, r)
		}
		seen[p] = true
		dims[i] = x.dims[p]
	}
	si, so := onnxshape.Strides(x.dims), onnxshape.Strides(dims)
	out := &tensor{dims: dims, v: make([]float64, len(x.v))}
	for i := range out.v {
		var j int64
		for a, p := range perm {
			j += (int64(i) / so[a] % dims[a]) * si[p]
		}
		out.v[i] = x.v[j]
	}
	return out, nil
}

func transpose(c *opCall) (*tensor, error) {
	x := c.args[0]
	return transposeT(x, c.op.Ints("perm"))
}

// reshape is the relayout the importer inserts (a Digital "Reshape"): the
// elements keep their row-major order under the layer's dims.
func reshape(c *opCall) (*tensor, error) {
	x := c.args[0]
	return &tensor{dims: c.out, v: x.v}, nil
}

// slice reads starts, ends, axes and steps from inputs 1..4 (operator set
// 10 on) or the attributes.
func slice(c *opCall) (*tensor, error) {
	x := c.args[0]
	spec, err := onnxshape.Slices(x.dims, c.ints(1, "starts"), c.ints(2, "ends"), c.ints(3, "axes"), c.ints(4, "steps"))
	if err != nil {
		return nil, err
	}
	return sliceT(x, spec), nil
}

// sliceT gathers the sub-tensor that spec selects.
func sliceT(x *tensor, spec []onnxshape.Slice) *tensor {
	s := onnxshape.NewSlicer(x.dims, spec)
	out := &tensor{dims: s.Dims, v: make([]float64, onnxshape.Elems(s.Dims))}
	for i := range out.v {
		out.v[i] = x.v[s.Index(int64(i))]
	}
	return out
}

// split is one output of a Split: the slice [start, start+size) along
// axis, size being the output's dim.
func split(c *opCall) (*tensor, error) {
	x := c.args[0]
	a, err := onnxshape.Axis(c.op.Int("axis", 0), len(x.dims))
	if err != nil || len(c.out) != len(x.dims) {
		return nil, fmt.Errorf("split of dims %v into %v: %v", x.dims, c.out, err)
	}
	spec := onnxshape.Whole(x.dims)
	s := onnxshape.Slice{Start: c.op.Int("start", 0), Step: 1, Count: c.out[a]}
	if s.Start < 0 || s.Start+s.Count > x.dims[a] {
		return nil, fmt.Errorf("part [%d, %d) outside dim %d", s.Start, s.Start+s.Count, x.dims[a])
	}
	spec[a] = s
	return sliceT(x, spec), nil
}

// concat joins its inputs along axis.
func concat(c *opCall) (*tensor, error) {
	ins, err := c.present()
	if err != nil {
		return nil, err
	}
	r := len(ins[0].dims)
	a, err := onnxshape.Axis(c.op.Int("axis", 0), r)
	if err != nil {
		return nil, err
	}
	dims := slices.Clone(ins[0].dims)
	dims[a] = 0
	for _, t := range ins {
		if len(t.dims) != r {
			return nil, fmt.Errorf("inputs of ranks %d and %d", r, len(t.dims))
		}
		for i, d := range t.dims {
			if i != a && d != dims[i] {
				return nil, fmt.Errorf("dims %v and %v differ off axis %d", ins[0].dims, t.dims, a)
			}
		}
		dims[a] += t.dims[a]
	}
	out := &tensor{dims: dims, v: make([]float64, 0, onnxshape.Elems(dims))}
	outer := onnxshape.Elems(dims[:a])
	for o := int64(0); o < outer; o++ {
		for _, t := range ins {
			chunk := onnxshape.Elems(t.dims[a:])
			out.v = append(out.v, t.v[o*chunk:(o+1)*chunk]...)
		}
	}
	return out, nil
}

// gather takes the entries of data at the given indices along axis.
func gather(c *opCall) (*tensor, error) {
	x := c.args[0]
	idx := c.args[1]
	a, err := onnxshape.Axis(c.op.Int("axis", 0), len(x.dims))
	if err != nil {
		return nil, err
	}
	outer, d, inner := onnxshape.Elems(x.dims[:a]), x.dims[a], onnxshape.Elems(x.dims[a+1:])
	dims := append(append(slices.Clone(x.dims[:a]), idx.dims...), x.dims[a+1:]...)
	out := &tensor{dims: dims, v: make([]float64, 0, onnxshape.Elems(dims))}
	for o := int64(0); o < outer; o++ {
		for _, f := range idx.v {
			k := int64(f)
			if k < 0 {
				k += d
			}
			if k < 0 || k >= d {
				return nil, fmt.Errorf("index %g out of range for dim %d", f, d)
			}
			base := (o*d + k) * inner
			out.v = append(out.v, x.v[base:base+inner]...)
		}
	}
	return out, nil
}

// expand broadcasts x to the shape of input 1.
func expand(c *opCall) (*tensor, error) {
	x := c.args[0]
	dims, err := onnxshape.Broadcast(x.dims, c.ints(1, ""))
	if err != nil {
		return nil, err
	}
	out := &tensor{dims: dims, v: make([]float64, onnxshape.Elems(dims))}
	b := onnxshape.NewBroadcaster(dims, x.dims)
	for i := range out.v {
		out.v[i] = x.v[b.Index(int64(i))]
	}
	return out, nil
}

// tile repeats x along every axis as often as input 1 says.
func tile(c *opCall) (*tensor, error) {
	x := c.args[0]
	rep := c.ints(1, "")
	if len(rep) != len(x.dims) {
		return nil, fmt.Errorf("%d repeats for dims %v", len(rep), x.dims)
	}
	dims := slices.Clone(x.dims)
	for i, r := range rep {
		dims[i] *= r
	}
	si, so := onnxshape.Strides(x.dims), onnxshape.Strides(dims)
	out := &tensor{dims: dims, v: make([]float64, onnxshape.Elems(dims))}
	for i := range out.v {
		var j int64
		for a := range dims {
			j += (int64(i) / so[a] % dims[a] % x.dims[a]) * si[a]
		}
		out.v[i] = x.v[j]
	}
	return out, nil
}

// pad pads (or, with negative pads, crops) x: pads from input 1 (operator
// set 11 on) or the attribute, the constant from input 2 or the attribute
// value, optional axes from input 3; modes constant, edge, reflect, wrap.
func pad(c *opCall) (*tensor, error) {
	x := c.args[0]
	r := len(x.dims)
	pads := c.ints(1, "pads")
	axes := c.ints(3, "")
	if axes == nil {
		for i := 0; i < r; i++ {
			axes = append(axes, int64(i))
		}
	}
	if len(pads) != 2*len(axes) {
		return nil, fmt.Errorf("%d pads for %d axes", len(pads), len(axes))
	}
	value := c.op.Float("value", 0)
	if t := c.arg(2); t != nil && len(t.v) > 0 {
		value = t.v[0]
	}
	before := make([]int64, r)
	dims := slices.Clone(x.dims)
	for k, ax := range axes {
		a, err := onnxshape.Axis(ax, r)
		if err != nil {
			return nil, err
		}
		before[a] = pads[k]
		dims[a] += pads[k] + pads[k+len(axes)]
		if dims[a] < 0 {
			return nil, fmt.Errorf("pads %v empty dims %v", pads, x.dims)
		}
	}
	mode := c.op.Str("mode", "constant")
	si, so := onnxshape.Strides(x.dims), onnxshape.Strides(dims)
	out := &tensor{dims: dims, v: make([]float64, onnxshape.Elems(dims))}
	for i := range out.v {
		var j int64
		inside := true
		for a := range dims {
			p := int64(i)/so[a]%dims[a] - before[a]
			n := x.dims[a]
			if p < 0 || p >= n {
				switch mode {
				case "edge":
					p = min(max(p, 0), n-1)
				case "reflect":
					p = reflect(p, n)
				case "wrap":
					p = ((p % n) + n) % n
				default:
					inside = false
				}
			}
			j += p * si[a]
		}
		if inside {
			out.v[i] = x.v[j]
		} else {
			out.v[i] = value
		}
	}
	return out, nil
}

// reflect mirrors index p into 0..n-1 without repeating the edge.
func reflect(p, n int64) int64 {
	if n == 1 {
		return 0
	}
	period := 2 * (n - 1)
	p = ((p % period) + period) % period
	if p >= n {
		p = period - p
	}
	return p
}

// depthSpace computes DepthToSpace (modes DCR and CRD) and SpaceToDepth as
// a reshape, a transpose and a reshape, as the ONNX specification defines
// them.
func depthSpace(c *opCall) (*tensor, error) {
	x := c.args[0]
	b := c.op.Int("blocksize", 0)
	if len(x.dims) != 4 || b < 1 {
		return nil, fmt.Errorf("dims %v, blocksize %d: want an image and a blocksize", x.dims, b)
	}
	n, ch, h, w := x.dims[0], x.dims[1], x.dims[2], x.dims[3]
	var tmp []int64
	var perm []int64
	var dims []int64
	switch {
	case c.l.Op == "SpaceToDepth":
		tmp, perm, dims = []int64{n, ch, h / b, b, w / b, b}, []int64{0, 3, 5, 1, 2, 4}, []int64{n, ch * b * b, h / b, w / b}
	case c.op.Str("mode", "DCR") == "CRD":
		tmp, perm, dims = []int64{n, ch / (b * b), b, b, h, w}, []int64{0, 1, 4, 2, 5, 3}, []int64{n, ch / (b * b), h * b, w * b}
	default:
		tmp, perm, dims = []int64{n, b, b, ch / (b * b), h, w}, []int64{0, 3, 4, 1, 5, 2}, []int64{n, ch / (b * b), h * b, w * b}
	}
	if onnxshape.Elems(tmp) != onnxshape.Elems(x.dims) {
		return nil, fmt.Errorf("dims %v do not divide by blocksize %d", x.dims, b)
	}
	t, err := transposeT(&tensor{dims: tmp, v: x.v}, perm)
	if err != nil {
		return nil, err
	}
	return &tensor{dims: dims, v: t.v}, nil
}

// globalPool is GlobalMaxPool or GlobalAveragePool over all dims after
// the second.
func globalPool(c *opCall) (*tensor, error) {
	x := c.args[0]
	if len(x.dims) < 3 {
		return nil, fmt.Errorf("dims %v: want [N, C, spatial...]", x.dims)
	}
	outer, inner := onnxshape.Elems(x.dims[:2]), onnxshape.Elems(x.dims[2:])
	dims := slices.Clone(x.dims)
	for i := 2; i < len(dims); i++ {
		dims[i] = 1
	}
	out := &tensor{dims: dims, v: make([]float64, outer)}
	for o := range out.v {
		row := x.v[int64(o)*inner : int64(o+1)*inner]
		if c.l.Op == "GlobalMaxPool" {
			out.v[o] = slices.Max(row)
			continue
		}
		var s float64
		for _, v := range row {
			s += v
		}
		out.v[o] = s / float64(inner)
	}
	return out, nil
}

// zeroInsert spreads an image for a transposed convolution, as the
// importer defines the Digital "ZeroInsert" layer: StrideH-1 and StrideW-1
// zeros between pixels, PadTop.. zero rows and columns around.
func zeroInsert(c *opCall) (*tensor, error) {
	x := c.args[0]
	l := c.l
	sh, sw := l.Stride()
	if len(x.dims) != 4 || len(c.out) != 4 {
		return nil, fmt.Errorf("dims %v: want an image", x.dims)
	}
	ch, h, w := x.dims[1], x.dims[2], x.dims[3]
	oh, ow := c.out[2], c.out[3]
	if (h-1)*int64(sh)+1+int64(l.PadTop+l.PadBottom) != oh || (w-1)*int64(sw)+1+int64(l.PadLeft+l.PadRight) != ow {
		return nil, fmt.Errorf("input %v does not give output %v", x.dims, c.out)
	}
	out := &tensor{dims: c.out, v: make([]float64, ch*oh*ow)}
	for k := int64(0); k < ch; k++ {
		for y := int64(0); y < h; y++ {
			for xx := int64(0); xx < w; xx++ {
				out.v[(k*oh+int64(l.PadTop)+y*int64(sh))*ow+int64(l.PadLeft)+xx*int64(sw)] = x.v[(k*h+y)*w+xx]
			}
		}
	}
	return out, nil
}
