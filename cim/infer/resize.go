package infer

import (
	"fmt"
	"math"

	"github.com/cimkit/cimkit/internal/onnxshape"
)

// resize computes Resize (operator sets 10 on: X, roi, scales, sizes; in
// set 10: X, scales) and Upsample (X, scales; or the scales attribute) in
// modes nearest and linear (multilinear over every resized axis), with the
// coordinate transformations half_pixel (the default from set 11),
// pytorch_half_pixel, align_corners, asymmetric (the only one before 11)
// and tf_half_pixel_for_nn, and the nearest modes round_prefer_floor (the
// default), round_prefer_ceil, floor and ceil. Cubic interpolation and
// tf_crop_and_resize are refused.
func resize(c *opCall) (*tensor, error) {
	x := c.args[0]
	r := len(x.dims)
	scales, sizes, err := resizeArgs(c, r)
	if err != nil {
		return nil, err
	}
	mode := c.op.Str("mode", "nearest")
	ctm := c.op.Str("coordinate_transformation_mode", "half_pixel")
	if c.l.Op == "Upsample" || (c.op.Opset != 0 && c.op.Opset < 11) {
		ctm = "asymmetric"
	}
	if mode != "nearest" && mode != "linear" && mode != "bilinear" {
		return nil, fmt.Errorf("mode %q is not implemented (nearest, linear)", mode)
	}
	dims := make([]int64, r)
	coords := make([][]float64, r) // per axis and output index: the input coordinate
	for a := 0; a < r; a++ {
		if sizes != nil {
			dims[a] = sizes[a]
			scales[a] = float64(sizes[a]) / float64(x.dims[a])
		} else {
			dims[a] = int64(math.Floor(float64(x.dims[a]) * scales[a]))
		}
		if dims[a] < 1 {
			return nil, fmt.Errorf("output dim %d on axis %d", dims[a], a)
		}
		coords[a] = make([]float64, dims[a])
		for i := range coords[a] {
			v, err := original(ctm, float64(i), scales[a], x.dims[a], dims[a])
			if err != nil {
				return nil, err
			}
			coords[a][i] = v
		}
	}
	if mode == "nearest" {
		return resizeNearest(x, dims, coords, c.op.Str("nearest_mode", "round_prefer_floor"))
	}
	return resizeLinear(x, dims, coords), nil
}

// resizeArgs reads scales (or sizes) from the inputs or the attribute.
func resizeArgs(c *opCall, r int) ([]float64, []int64, error) {
	si := 2
	if c.l.Op == "Upsample" || len(c.args) == 2 {
		si = 1
	}
	if t := c.arg(3); t != nil && len(t.v) > 0 && si == 2 {
		sizes := c.ints(3, "")
		if len(sizes) != r {
			return nil, nil, fmt.Errorf("%d sizes for rank %d", len(sizes), r)
		}
		return make([]float64, r), sizes, nil
	}
	var scales []float64
	if t := c.arg(si); t != nil && len(t.v) > 0 {
		scales = append([]float64(nil), t.v...)
	} else if a := c.op.Attr("scales"); a != nil {
		scales = append([]float64(nil), a.Floats...)
	}
	if len(scales) != r {
		return nil, nil, fmt.Errorf("%d scales for rank %d (sizes not given)", len(scales), r)
	}
	for _, s := range scales {
		if !(s > 0) {
			return nil, nil, fmt.Errorf("scale %g", s)
		}
	}
	return scales, nil, nil
}

// original maps output coordinate x to the input coordinate.
func original(ctm string, x, scale float64, in, out int64) (float64, error) {
	switch ctm {
	case "half_pixel":
		return (x+0.5)/scale - 0.5, nil
	case "pytorch_half_pixel":
		if out > 1 {
			return (x+0.5)/scale - 0.5, nil
		}
		return 0, nil
	case "align_corners":
		if out == 1 {
			return 0, nil
		}
		return x * float64(in-1) / float64(out-1), nil
	case "asymmetric":
		return x / scale, nil
	case "tf_half_pixel_for_nn":
		return (x + 0.5) / scale, nil
	}
	return 0, fmt.Errorf("coordinate_transformation_mode %q is not implemented", ctm)
}

func resizeNearest(x *tensor, dims []int64, coords [][]float64, mode string) (*tensor, error) {
	idx := make([][]int64, len(dims))
	for a := range dims {
		idx[a] = make([]int64, dims[a])
		for i, v := range coords[a] {
			var k float64
			switch mode {
			case "round_prefer_floor":
				k = math.Round(v)
				if v-math.Floor(v) == 0.5 {
					k = math.Floor(v)
				}
			case "round_prefer_ceil":
				k = math.Round(v)
			case "floor":
				k = math.Floor(v)
			case "ceil":
				k = math.Ceil(v)
			default:
				return nil, fmt.Errorf("nearest_mode %q is not implemented", mode)
			}
			idx[a][i] = min(max(int64(k), 0), x.dims[a]-1)
		}
	}
	si, so := onnxshape.Strides(x.dims), onnxshape.Strides(dims)
	out := &tensor{dims: dims, v: make([]float64, onnxshape.Elems(dims))}
	for i := range out.v {
		var j int64
		for a := range dims {
			j += idx[a][int64(i)/so[a]%dims[a]] * si[a]
		}
		out.v[i] = x.v[j]
	}
	return out, nil
}

// resizeLinear interpolates linearly along each axis whose size changes
// (coordinates clamped to the input), one axis after the other.
func resizeLinear(x *tensor, dims []int64, coords [][]float64) *tensor {
	cur := x
	for a := range dims {
		if dims[a] == cur.dims[a] && coords[a][0] == 0 && (dims[a] == 1 || coords[a][1] == 1) {
			continue // this axis keeps its size and its coordinates
		}
		next := make([]int64, len(cur.dims))
		copy(next, cur.dims)
		next[a] = dims[a]
		outer, n, inner := onnxshape.Elems(cur.dims[:a]), cur.dims[a], onnxshape.Elems(cur.dims[a+1:])
		out := &tensor{dims: next, v: make([]float64, outer*dims[a]*inner)}
		for i, v := range coords[a] {
			v = math.Min(math.Max(v, 0), float64(n-1))
			lo := int64(math.Floor(v))
			hi := min(lo+1, n-1)
			f := v - float64(lo)
			for o := int64(0); o < outer; o++ {
				src := cur.v[o*n*inner:]
				dst := out.v[(o*dims[a]+int64(i))*inner:][:inner]
				for k := range dst {
					dst[k] = src[lo*inner+int64(k)]*(1-f) + src[hi*inner+int64(k)]*f
				}
			}
		}
		cur = out
	}
	return cur
}
