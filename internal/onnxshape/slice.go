package onnxshape

import "fmt"

// Slice is what a slice takes of one axis: Count elements, the first at
// Start and each Step after the one before (Step may be negative).
type Slice struct{ Start, Step, Count int64 }

// SliceAxis returns the slice [start, end) with step of an axis of size d,
// clamped as ONNX's Slice operator does: negative start and end count from
// the end, and both are clamped to the axis (to [0, d] for a positive
// step, to [-1, d-1] for a negative one).
func SliceAxis(d, start, end, step int64) Slice {
	if start < 0 {
		start += d
	}
	if end < 0 {
		end += d
	}
	var n int64
	if step > 0 {
		start, end = min(max(start, 0), d), min(max(end, 0), d)
		n = (end - start + step - 1) / step
	} else {
		start, end = min(max(start, 0), d-1), min(max(end, -1), d-1)
		n = (start - end - step - 1) / -step
	}
	return Slice{Start: start, Step: step, Count: max(n, 0)}
}

// Whole returns the slices that take every element of a tensor of dims.
func Whole(dims []int64) []Slice {
	s := make([]Slice, len(dims))
	for i, d := range dims {
		s[i] = Slice{Step: 1, Count: d}
	}
	return s
}

// Slices returns the slice of every axis of a tensor of dims that ONNX's
// Slice operator takes with starts, ends, axes and steps (axes nil: the
// first len(starts) axes; steps nil: 1). Lengths that differ, an axis out
// of range and a step of 0 are errors.
func Slices(dims, starts, ends, axes, steps []int64) ([]Slice, error) {
	if len(ends) != len(starts) || (axes != nil && len(axes) != len(starts)) || (steps != nil && len(steps) != len(starts)) {
		return nil, fmt.Errorf("slice: starts %v, ends %v, axes %v, steps %v differ in length", starts, ends, axes, steps)
	}
	spec := Whole(dims)
	for k := range starts {
		a := int64(k)
		if axes != nil {
			a = axes[k]
		}
		i, err := Axis(a, len(dims))
		if err != nil {
			return nil, err
		}
		step := int64(1)
		if steps != nil {
			step = steps[k]
		}
		if step == 0 {
			return nil, fmt.Errorf("slice: step 0 on axis %d", i)
		}
		spec[i] = SliceAxis(dims[i], starts[k], ends[k], step)
	}
	return spec, nil
}

// Slicer maps the flat index of an element of a slice of a tensor to the
// flat index of that element in the tensor.
type Slicer struct {
	Dims   []int64 // the slice's dims
	spec   []Slice
	si, so []int64 // strides of the tensor and of the slice
}

// NewSlicer returns the map for the slice spec (one Slice per axis) of a
// tensor of dims.
func NewSlicer(dims []int64, spec []Slice) Slicer {
	out := make([]int64, len(spec))
	for i, s := range spec {
		out[i] = s.Count
	}
	return Slicer{Dims: out, spec: spec, si: Strides(dims), so: Strides(out)}
}

// Index returns the tensor's flat index for the slice's flat index i.
func (s Slicer) Index(i int64) int64 {
	var j int64
	for a, x := range s.spec {
		j += (x.Start + (i/s.so[a]%s.Dims[a])*x.Step) * s.si[a]
	}
	return j
}
