package onnx

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/cimkit/cimkit/cim/nn"
)

// checkOrders fails unless every layer's Dims are a view of its output
// shape (nn.TensorOrder) and every Digital layer made from a node has its
// Operator, with one operand per computed input.
func checkOrders(t *testing.T, net *nn.Network) {
	t.Helper()
	if _, ok := nn.TensorOrder(net.InputDims, net.Input); !ok || net.InputDims == nil {
		t.Errorf("input dims %v do not give the input %s", net.InputDims, net.Input)
	}
	for _, l := range net.Layers {
		if _, ok := nn.TensorOrder(l.Dims, l.Out); !ok || l.Dims == nil {
			t.Errorf("layer %s (%s): dims %v do not give its output %s", l.Name, l.Kind, l.Dims, l.Out)
		}
		if l.Kind != nn.Digital || l.Op == "Reshape" || l.Op == "ZeroInsert" {
			continue
		}
		if l.Operator == nil {
			t.Errorf("digital layer %s (%s) has no operator", l.Name, l.Op)
			continue
		}
		seen := map[int]bool{}
		for _, a := range l.Operator.Args {
			if a.Input >= len(l.Inputs) || (a.Input < 0 && !a.Omitted() && a.Const == nil) {
				t.Errorf("layer %s: operand %+v", l.Name, a)
			}
			seen[a.Input] = true
		}
		for i := range l.Inputs {
			if !seen[i] {
				t.Errorf("layer %s: input %d (%s) is no operand", l.Name, i, l.Inputs[i])
			}
		}
	}
}

// TestOperatorAndOrders: x [1,3,2,2] (an image, CHW) is reshaped to
// [1,3,4], transposed to [1,4,3] (a Digital Transpose whose output is a
// sequence, HWC), multiplied by a constant (3,5) matrix (a 1x1 Conv2D over
// the 4 rows, HWC) and shifted by a constant row vector that does not fold
// (a Digital Add with its constant). The Transpose reads its operand with
// the reshaped dims; every layer's dims are a view of its shape.
func TestOperatorAndOrders(t *testing.T) {
	nodes := []pb{
		nodePB("Constant", "shape", nil, []string{"shape"}, tensorAttr("value", tensorPB("shape", []int64{3}, []float64{1, 3, 4}))),
		nodePB("Reshape", "r", []string{"x", "shape"}, []string{"r"}),
		nodePB("Transpose", "t", []string{"r"}, []string{"t"}, intsAttr("perm", 0, 2, 1)),
		nodePB("MatMul", "mm", []string{"t", "W"}, []string{"m"}),
		nodePB("Mul", "scale", []string{"m", "m"}, []string{"sq"}),
		nodePB("Add", "shift", []string{"sq", "B"}, []string{"y"}),
	}
	inits := []pb{tensorPB("W", []int64{3, 5}, fill(15, 1)), tensorPB("B", []int64{4, 5}, fill(20, 2))}
	net, err := Import(modelPB(nodes, inits, valueInfoPB("x", 1, 3, 2, 2), valueInfoPB("y", 1, 4, 5)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkOrders(t, net)
	tr := net.Layer("t")
	if tr == nil || tr.Op != "Transpose" || !slices.Equal(tr.Operator.Ints("perm"), []int64{0, 2, 1}) {
		t.Fatalf("transpose layer %+v", tr)
	}
	if a := tr.Operator.Args; len(a) != 1 || a[0].Input != 0 || !slices.Equal(a[0].Dims, []int64{1, 3, 4}) {
		t.Errorf("transpose operands %+v, want the input as [1 3 4]", a)
	}
	if o, _ := nn.TensorOrder(tr.Dims, tr.Out); o != nn.OrderHWC || !slices.Equal(tr.Dims, []int64{1, 4, 3}) {
		t.Errorf("transpose dims %v order %s, want [1 4 3] HWC", tr.Dims, o)
	}
	if o, _ := nn.TensorOrder(net.InputDims, net.Input); o != nn.OrderCHW {
		t.Errorf("input order %s, want CHW", o)
	}
	sq := net.Layer("scale")
	if a := sq.Operator.Args; len(sq.Inputs) != 1 || len(a) != 2 || a[0].Input != 0 || a[1].Input != 0 {
		t.Errorf("x*x: inputs %v, operands %+v: want one input read twice", sq.Inputs, a)
	}
	add := net.Layer("shift")
	if add == nil || add.Kind != nn.Digital || len(add.Operator.Args) != 2 {
		t.Fatalf("shift layer %+v", add)
	}
	if b := add.Operator.Args[1]; b.Input != -1 || !slices.Equal(b.Dims, []int64{4, 5}) || len(b.Const) != 20 || b.Const[0] != 2 {
		t.Errorf("constant operand %+v", b)
	}
}

// TestRelayoutOrder: a conv output [1,4,3,1] (held CHW) reshaped to
// [1,3,4] has the (C, H, W) shape 4x3x1 that a MatMul over its 3 rows
// wants, but its elements are in the other order: the importer must insert
// a relayout, not read the conv's output directly.
func TestRelayoutOrder(t *testing.T) {
	nodes := []pb{
		nodePB("Constant", "shape", nil, []string{"shape"}, tensorAttr("value", tensorPB("shape", []int64{3}, []float64{1, 3, 4}))),
		nodePB("Conv", "conv", []string{"x", "K"}, []string{"c"}, intsAttr("kernel_shape", 1, 1)),
		nodePB("Reshape", "r", []string{"c", "shape"}, []string{"r"}),
		nodePB("MatMul", "mm", []string{"r", "W"}, []string{"y"}),
	}
	inits := []pb{tensorPB("K", []int64{4, 2, 1, 1}, fill(8, 1)), tensorPB("W", []int64{4, 5}, fill(20, 1))}
	net, err := Import(modelPB(nodes, inits, valueInfoPB("x", 1, 2, 3, 1), valueInfoPB("y", 1, 3, 5)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkOrders(t, net)
	mm := net.Layer("mm")
	if mm == nil || len(mm.Inputs) != 1 || mm.Inputs[0] != "mm.relayout" {
		t.Fatalf("MatMul layer %+v: want it to read a relayout of the conv", mm)
	}
}

// TestModelOrders: in the PaddleOCR models every layer's dims are a view
// of its shape, and every digital operator carries its operands.
func TestModelOrders(t *testing.T) {
	dir := modelDir(t)
	for _, m := range ocrModels {
		net, err := ImportFile(filepath.Join(dir, m.file), Options{InputH: m.h, InputW: m.w})
		if err != nil {
			t.Fatal(err)
		}
		checkOrders(t, net)
	}
}

// TestNetworkOutput: the graph output, a flattened view of the last
// digital layer, is named with its own dims.
func TestNetworkOutput(t *testing.T) {
	nodes := []pb{
		nodePB("Softmax", "sm", []string{"x"}, []string{"s"}, intAttr("axis", 1)),
		nodePB("Flatten", "fl", []string{"s"}, []string{"y"}),
	}
	net, err := Import(modelPB(nodes, nil, valueInfoPB("x", 1, 3, 2, 2), valueInfoPB("y", 1, 12)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if net.Output != "sm" || !slices.Equal(net.OutputDims, []int64{1, 12}) || !slices.Equal(net.Layers[0].Dims, []int64{1, 3, 2, 2}) {
		t.Errorf("output %q dims %v, layer dims %v; want sm [1 12], [1 3 2 2]", net.Output, net.OutputDims, net.Layers[0].Dims)
	}
}
