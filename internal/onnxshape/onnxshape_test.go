package onnxshape

import (
	"reflect"
	"strings"
	"testing"
)

// Broadcasting right-aligns the dims; 1 and missing dims stretch.
func TestBroadcast(t *testing.T) {
	for _, c := range []struct {
		in   [][]int64
		want []int64
	}{
		{[][]int64{{2, 3}, {3}}, []int64{2, 3}},
		{[][]int64{{4, 1, 5}, {3, 1}, nil}, []int64{4, 3, 5}},
		{[][]int64{{0}, {1}}, []int64{0}},
		{[][]int64{{1}, {0}}, []int64{0}},
		{nil, []int64{}},
	} {
		got, err := Broadcast(c.in...)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("Broadcast(%v) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	if _, err := Broadcast([]int64{2, 3}, []int64{4}); err == nil || !strings.Contains(err.Error(), "[2 3] and [4]") {
		t.Errorf("2x3 with 4: err = %v", err)
	}
}

// A 2x3 result of a 3-vector operand (rows repeat) and of a 2x1 one
// (columns repeat): result element i comes from the operand elements
// worked out here.
func TestBroadcaster(t *testing.T) {
	out := []int64{2, 3}
	for _, c := range []struct {
		d    []int64
		want []int64
	}{
		{[]int64{3}, []int64{0, 1, 2, 0, 1, 2}},
		{[]int64{2, 1}, []int64{0, 0, 0, 1, 1, 1}},
		{[]int64{1}, []int64{0, 0, 0, 0, 0, 0}},
		{[]int64{2, 3}, []int64{0, 1, 2, 3, 4, 5}},
	} {
		b := NewBroadcaster(out, c.d)
		var got []int64
		for i := int64(0); i < 6; i++ {
			got = append(got, b.Index(i))
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("operand %v: indices %v, want %v", c.d, got, c.want)
		}
	}
}

// ONNX Slice's clamping, worked out on an axis of 10: negative bounds
// count from the end, bounds past the axis are clamped, a negative step
// walks back from start to just after end.
func TestSliceAxis(t *testing.T) {
	for _, c := range []struct {
		start, end, step int64
		want             Slice
	}{
		{2, 7, 2, Slice{2, 2, 3}},                              // 2 4 6
		{-3, 1 << 40, 1, Slice{7, 1, 3}},                       // 7 8 9
		{5, 2, 1, Slice{5, 1, 0}},                              // empty
		{-1, -1 << 40, -1, Slice{9, -1, 10}},                   // 9 down to 0
		{8, 1, -3, Slice{8, -3, 3}},                            // 8 5 2
		{1 << 40, 0, -4, Slice{9, -4, 3}},                      // 9 5 1
		{0, 3, 1 << 40, Slice{0, 1 << 40, 1}},                  // 0
		{-20, -15, 1, Slice{0, 1, 0}},                          // before the axis
		{3, 3, -1, Slice{Start: 3, Step: -1}},                  // empty
		{-1 << 40, 1 << 40, 3, Slice{0, 3, 4}},                 // 0 3 6 9
		{2, -1 << 40, -2, Slice{Start: 2, Step: -2, Count: 2}}, // 2 0
	} {
		if got := SliceAxis(10, c.start, c.end, c.step); got != c.want {
			t.Errorf("SliceAxis(10, %d, %d, %d) = %+v, want %+v", c.start, c.end, c.step, got, c.want)
		}
	}
}

// Slicing a 3x4 tensor (values 0..11) to rows 2 down to 0 step -2 and
// columns 1..3: rows 2 and 0, columns 1 and 2, i.e. 9 10 1 2.
func TestSlicer(t *testing.T) {
	dims := []int64{3, 4}
	spec, err := Slices(dims, []int64{-1, 1}, []int64{-4, 3}, []int64{0, 1}, []int64{-2, 1})
	if err != nil {
		t.Fatal(err)
	}
	s := NewSlicer(dims, spec)
	var got []int64
	for i := int64(0); i < Elems(s.Dims); i++ {
		got = append(got, s.Index(i))
	}
	if !reflect.DeepEqual(s.Dims, []int64{2, 2}) || !reflect.DeepEqual(got, []int64{9, 10, 1, 2}) {
		t.Errorf("dims %v, indices %v; want [2 2], [9 10 1 2]", s.Dims, got)
	}
	for _, bad := range []struct {
		starts, ends, axes, steps []int64
		want                      string
	}{
		{[]int64{0}, []int64{1, 2}, nil, nil, "differ in length"},
		{[]int64{0}, []int64{1}, []int64{2}, nil, "axis 2 out of range"},
		{[]int64{0}, []int64{1}, nil, []int64{0}, "step 0"},
	} {
		if _, err := Slices(dims, bad.starts, bad.ends, bad.axes, bad.steps); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("Slices(%v, %v, %v, %v): err = %v, want %q", bad.starts, bad.ends, bad.axes, bad.steps, err, bad.want)
		}
	}
}
