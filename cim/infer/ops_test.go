package infer

import (
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/cimkit/cimkit/cim/nn"
)

func tn(dims []int64, v ...float64) *tensor { return &tensor{dims: dims, v: v} }

// call runs digital operator op on the operands.
func call(t *testing.T, op string, opset int64, attrs []nn.Attr, args ...*tensor) *tensor {
	t.Helper()
	l := &nn.Layer{Name: "x", Kind: nn.Digital, Op: op}
	c := &opCall{l: l, op: &nn.Operator{Attrs: attrs, Opset: opset}, args: args}
	if err := c.check(); err != nil {
		t.Fatalf("%s: %v", op, err)
	}
	out, err := ops[op](c)
	if err != nil {
		t.Fatalf("%s: %v", op, err)
	}
	return out
}

func near(a, b []float64, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(a[i]-b[i]) > tol {
			return false
		}
	}
	return true
}

func ints(name string, v ...int64) nn.Attr { return nn.Attr{Name: name, Ints: v} }
func str(name, v string) nn.Attr           { return nn.Attr{Name: name, Str: v} }
func one(name string, v int64) nn.Attr     { return nn.Attr{Name: name, Int: v} }

// TestBroadcastOps: [2,1] + [3] broadcasts to [2,3]; Mul by a scalar;
// Div of a [2,3] by a [1,3] row.
func TestBroadcastOps(t *testing.T) {
	a := tn([]int64{2, 1}, 10, 20)
	b := tn([]int64{3}, 1, 2, 3)
	got := call(t, "Add", 13, nil, a, b)
	if !slices.Equal(got.dims, []int64{2, 3}) || !slices.Equal(got.v, []float64{11, 12, 13, 21, 22, 23}) {
		t.Errorf("Add: %v %v", got.dims, got.v)
	}
	if got := call(t, "Mul", 13, nil, b, tn(nil, 2)); !slices.Equal(got.v, []float64{2, 4, 6}) {
		t.Errorf("Mul by scalar: %v", got.v)
	}
	got = call(t, "Div", 13, nil, tn([]int64{2, 3}, 2, 4, 6, 8, 10, 12), tn([]int64{1, 3}, 2, 4, 6))
	if !slices.Equal(got.v, []float64{1, 1, 1, 4, 2.5, 2}) {
		t.Errorf("Div: %v", got.v)
	}
}

// TestSoftmaxOpsets: on [2,2] = [[0, ln 3], [0, 0]], opset 13 normalises
// each row: [1/4, 3/4], [1/2, 1/2]; opset 11 with axis 0 flattens the whole
// tensor into one row: exp values 1, 3, 1, 1 over 6.
func TestSoftmaxOpsets(t *testing.T) {
	x := tn([]int64{2, 2}, 0, math.Log(3), 0, 0)
	if got := call(t, "Softmax", 13, nil, x); !near(got.v, []float64{0.25, 0.75, 0.5, 0.5}, 1e-15) {
		t.Errorf("opset 13: %v", got.v)
	}
	if got := call(t, "Softmax", 11, []nn.Attr{one("axis", 0)}, x); !near(got.v, []float64{1.0 / 6, 0.5, 1.0 / 6, 1.0 / 6}, 1e-15) {
		t.Errorf("opset 11 axis 0: %v", got.v)
	}
	if got := call(t, "LogSoftmax", 13, nil, x); !near(got.v, []float64{math.Log(0.25), math.Log(0.75), math.Log(0.5), math.Log(0.5)}, 1e-15) {
		t.Errorf("LogSoftmax: %v", got.v)
	}
}

// TestResizeModes on the row [0, 10] (dims [1,1,1,2]) doubled in width:
//
//	nearest, asymmetric, floor:   x/2 -> 0, 0.5, 1, 1.5 -> 0, 0, 10, 10
//	linear, half_pixel:           (x+0.5)/2-0.5 = -0.25, 0.25, 0.75, 1.25
//	                              clamped 0, 0.25, 0.75, 1 -> 0, 2.5, 7.5, 10
//	linear, align_corners:        x*1/3 -> 0, 3.33, 6.67, 10
//	nearest, half_pixel, round_prefer_floor: -0.25 0.25 0.75 1.25 -> 0 0 1 1
func TestResizeModes(t *testing.T) {
	x := tn([]int64{1, 1, 1, 2}, 0, 10)
	scales := tn([]int64{4}, 1, 1, 1, 2)
	for _, c := range []struct {
		attrs []nn.Attr
		want  []float64
	}{
		{[]nn.Attr{str("mode", "nearest"), str("coordinate_transformation_mode", "asymmetric"), str("nearest_mode", "floor")}, []float64{0, 0, 10, 10}},
		{[]nn.Attr{str("mode", "linear")}, []float64{0, 2.5, 7.5, 10}},
		{[]nn.Attr{str("mode", "linear"), str("coordinate_transformation_mode", "align_corners")}, []float64{0, 10.0 / 3, 20.0 / 3, 10}},
		{[]nn.Attr{str("mode", "nearest")}, []float64{0, 0, 10, 10}},
	} {
		got := call(t, "Resize", 13, c.attrs, x, nil, scales)
		if !slices.Equal(got.dims, []int64{1, 1, 1, 4}) || !near(got.v, c.want, 1e-12) {
			t.Errorf("%v: %v %v, want %v", c.attrs, got.dims, got.v, c.want)
		}
	}
	sizes := tn([]int64{4}, 1, 1, 2, 1) // sizes: 2 rows, 1 column
	got := call(t, "Resize", 13, []nn.Attr{str("mode", "nearest")}, x, nil, nil, sizes)
	if !slices.Equal(got.dims, []int64{1, 1, 2, 1}) {
		t.Errorf("sizes: dims %v", got.dims)
	}
}

// TestMovement: Transpose, Slice with a negative step, Concat, Split part,
// reflect Pad, DepthToSpace (DCR), Gather, Tile and Expand on small
// hand-checked tensors.
func TestMovement(t *testing.T) {
	x := tn([]int64{2, 3}, 1, 2, 3, 4, 5, 6)
	check := func(name string, got *tensor, dims []int64, v ...float64) {
		t.Helper()
		if !slices.Equal(got.dims, dims) || !slices.Equal(got.v, v) {
			t.Errorf("%s: %v %v, want %v %v", name, got.dims, got.v, dims, v)
		}
	}
	check("Transpose", call(t, "Transpose", 13, []nn.Attr{ints("perm", 1, 0)}, x), []int64{3, 2}, 1, 4, 2, 5, 3, 6)
	// columns from the end to the start, step -2: indices 2, 0
	check("Slice", call(t, "Slice", 13, nil, x, tn([]int64{1}, -1), tn([]int64{1}, -100), tn([]int64{1}, 1), tn([]int64{1}, -2)),
		[]int64{2, 2}, 3, 1, 6, 4)
	check("Concat", call(t, "Concat", 13, []nn.Attr{one("axis", 1)}, x, tn([]int64{2, 1}, 7, 8)), []int64{2, 4}, 1, 2, 3, 7, 4, 5, 6, 8)
	c := &opCall{l: &nn.Layer{Name: "s", Op: "Split"}, op: &nn.Operator{Attrs: []nn.Attr{one("axis", 1), one("start", 1)}},
		args: []*tensor{x}, out: []int64{2, 2}}
	sp, err := split(c)
	if err != nil {
		t.Fatal(err)
	}
	check("Split", sp, []int64{2, 2}, 2, 3, 5, 6)
	// reflect by 2 on the left of [1 2 3]: [3 2 | 1 2 3]
	check("Pad", call(t, "Pad", 13, []nn.Attr{str("mode", "reflect")}, tn([]int64{3}, 1, 2, 3), tn([]int64{2}, 2, 0)), []int64{5}, 3, 2, 1, 2, 3)
	// DCR: 4 channels of 1x1 become a 2x2 image: channel k goes to (k/2, k%2)
	check("DepthToSpace", call(t, "DepthToSpace", 13, []nn.Attr{one("blocksize", 2)}, tn([]int64{1, 4, 1, 1}, 1, 2, 3, 4)),
		[]int64{1, 1, 2, 2}, 1, 2, 3, 4)
	check("Gather", call(t, "Gather", 13, []nn.Attr{one("axis", 1)}, x, tn([]int64{2}, 2, -3)), []int64{2, 2}, 3, 1, 6, 4)
	check("Tile", call(t, "Tile", 13, nil, tn([]int64{1, 2}, 1, 2), tn([]int64{2}, 2, 2)), []int64{2, 4}, 1, 2, 1, 2, 1, 2, 1, 2)
	check("Expand", call(t, "Expand", 13, nil, tn([]int64{2, 1}, 1, 2), tn([]int64{2}, 1, 3)), []int64{2, 3}, 1, 1, 1, 2, 2, 2)
}

// TestReduceAndMatMul: ReduceMean over axis 1 with and without keepdims,
// ArgMax, a batched MatMul broadcasting a [2,3] matrix over batch 2, and
// BatchNormalization (x - 1) / sqrt(3 + 1) * 2 + 0.5.
func TestReduceAndMatMul(t *testing.T) {
	x := tn([]int64{2, 3}, 1, 2, 3, 4, 5, 9)
	got := call(t, "ReduceMean", 13, []nn.Attr{ints("axes", 1)}, x)
	if !slices.Equal(got.dims, []int64{2, 1}) || !slices.Equal(got.v, []float64{2, 6}) {
		t.Errorf("ReduceMean: %v %v", got.dims, got.v)
	}
	got = call(t, "ReduceMax", 13, []nn.Attr{ints("axes", 0), one("keepdims", 0)}, x)
	if !slices.Equal(got.dims, []int64{3}) || !slices.Equal(got.v, []float64{4, 5, 9}) {
		t.Errorf("ReduceMax: %v %v", got.dims, got.v)
	}
	if got := call(t, "ArgMax", 13, []nn.Attr{one("axis", 1)}, x); !slices.Equal(got.v, []float64{2, 2}) {
		t.Errorf("ArgMax: %v", got.v)
	}
	a := tn([]int64{2, 1, 2}, 1, 2, 3, 4) // two 1x2 rows
	b := tn([]int64{2, 3}, 1, 0, 1, 0, 1, 1)
	got = call(t, "MatMul", 13, nil, a, b)
	if !slices.Equal(got.dims, []int64{2, 1, 3}) || !slices.Equal(got.v, []float64{1, 2, 3, 3, 4, 7}) {
		t.Errorf("MatMul: %v %v", got.dims, got.v)
	}
	p := func(v float64) *tensor { return tn([]int64{1}, v) }
	got = call(t, "BatchNormalization", 13, []nn.Attr{{Name: "epsilon", Float: 1}}, tn([]int64{1, 1, 2}, 1, 5), p(2), p(0.5), p(1), p(3))
	if !slices.Equal(got.v, []float64{0.5, 4.5}) {
		t.Errorf("BatchNormalization: %v", got.v)
	}
}

// TestPool: a 3x3 single-channel image [[1..3],[4..6],[7..9]] with a 2x2
// window, stride 2, padding 1 on every side: output 2x2. Without the
// padding in the count, the top-left window holds only pixel 1 (average
// 1); with count_include_pad it is 1/4. The bottom-right window holds 5, 6,
// 8, 9 (max 9, average 7).
func TestPool(t *testing.T) {
	in := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9}
	s := nn.Shape{C: 1, H: 3, W: 3}
	mk := func(kind nn.Kind, inc int64) *nn.Layer {
		l := &nn.Layer{Name: "p", Kind: kind, KernelH: 2, KernelW: 2, StrideH: 2, StrideW: 2,
			PadTop: 1, PadLeft: 1, PadBottom: 1, PadRight: 1, Operator: &nn.Operator{Attrs: []nn.Attr{one("count_include_pad", inc)}}}
		net := &nn.Network{Input: s, Layers: []*nn.Layer{l}}
		if err := net.Infer(); err != nil {
			t.Fatal(err)
		}
		return l
	}
	for _, c := range []struct {
		l    *nn.Layer
		want []float64
	}{
		{mk(nn.MaxPool, 0), []float64{1, 3, 7, 9}},
		{mk(nn.AvgPool, 0), []float64{1, 2.5, 5.5, 7}},
		{mk(nn.AvgPool, 1), []float64{0.25, 1.25, 2.75, 7}},
	} {
		if got := pool(c.l, in, s); !slices.Equal(got, c.want) {
			t.Errorf("%s include pad %d: %v, want %v", c.l.Kind, c.l.Operator.Int("count_include_pad", 0), got, c.want)
		}
	}
}

// TestUnsupported: an operator outside the table names itself and the
// layer, and wraps ErrOperator.
func TestUnsupported(t *testing.T) {
	l := &nn.Layer{Name: "nms", Kind: nn.Digital, Op: "NonMaxSuppression", Operator: &nn.Operator{}, Out: nn.Shape{C: 1, H: 1, W: 1}}
	e := &engine{orders: map[string]nn.Order{"nms": nn.OrderCHW}}
	_, err := e.digital(l, []*fmap{{shape: nn.Shape{C: 1, H: 1, W: 1}, hwc: []float64{0}}}, nil)
	if !errors.Is(err, ErrOperator) || !contains(err.Error(), `layer "nms": NonMaxSuppression is not implemented`) {
		t.Errorf("error %v", err)
	}
}

// TestMissingInput: a MatMul without its second operand is an error, not
// a panic.
func TestMissingInput(t *testing.T) {
	c := &opCall{l: &nn.Layer{Name: "mm", Op: "MatMul"}, op: &nn.Operator{}, args: []*tensor{tn([]int64{1}, 1), nil}}
	if err := c.check(); err == nil || !contains(err.Error(), "input 1 is missing") {
		t.Errorf("error %v", err)
	}
}
