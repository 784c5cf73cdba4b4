package onnx

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/cim/nn"
)

// foldOp evaluates one operator on constants (inputs x0, x1, ...) as the
// importer folds it; Split has two outputs, the others one.
func foldOp(op string, attrList []*Attribute, in ...*konst) ([]*konst, error) {
	c := newConverter(&Graph{}, Options{})
	n := &Node{OpType: op, Attrs: attrList, Outputs: []string{"y"}}
	if op == "Split" {
		n.Outputs = append(n.Outputs, "y2")
	}
	for i, k := range in {
		n.Inputs = append(n.Inputs, fmt.Sprintf("x%d", i))
		c.vals[n.Inputs[i]] = &value{k: k}
	}
	f, ok := folds[op]
	if !ok {
		return nil, errors.New("no fold for " + op)
	}
	return f(c, n, in)
}

func ints(t DataType, v ...int64) *konst {
	return newInts([]int64{int64(len(v))}, t, slices.Clone(v))
}

func floats(t DataType, v ...float64) *konst {
	return newFloats([]int64{int64(len(v))}, t, slices.Clone(v))
}

func intAttrOf(name string, v int64) *Attribute { return &Attribute{Name: name, Type: AttrInt, I: v} }

func strAttrOf(name, v string) *Attribute { return &Attribute{Name: name, Type: AttrString, S: v} }

// TestFoldIntegers: integer operators follow ONNX (C++) semantics per
// element type: Div truncates toward zero, Mod takes the divisor's sign
// (fmod=1: the dividend's), arithmetic wraps modulo the width, uint64 is
// unsigned, int64 beyond 2^53 stays exact. Each expected value is worked
// out by hand in the case's name or comment.
func TestFoldIntegers(t *testing.T) {
	const big = 1<<53 + 1 // not a float64
	cases := []foldCase{
		// PyTorch's chunk(3) of 2304: (2304 + 3 - 1) / 3 = 768, not 768.67.
		{"chunk size", "Div", nil, []*konst{ints(Int64, 2306), ints(Int64, 3)}, ints(Int64, 768)},
		{"div truncates", "Div", nil, []*konst{ints(Int32, 7, -7, 7, -7), ints(Int32, 2, 2, -2, -2)}, ints(Int32, 3, -3, -3, 3)},
		{"div int8 min / -1 wraps", "Div", nil, []*konst{ints(Int8, -128), ints(Int8, -1)}, ints(Int8, -128)},
		{"div uint8", "Div", nil, []*konst{ints(Uint8, 255, 7), ints(Uint8, 2, 3)}, ints(Uint8, 127, 2)},
		{"div uint64 above 2^63", "Div", nil, []*konst{ints(Uint64, -2), ints(Uint64, 2)}, ints(Uint64, math.MaxInt64)},
		{"div int64 exact", "Div", nil, []*konst{ints(Int64, big), ints(Int64, 1)}, ints(Int64, big)},
		// -7 = -4*2 + 1 (divisor's sign); fmod: -7 = -3*2 - 1.
		{"mod sign of divisor", "Mod", nil, []*konst{ints(Int64, -7, 7, -7, 7), ints(Int64, 2, -2, -2, 2)}, ints(Int64, 1, -1, -1, 1)},
		{"mod fmod", "Mod", []*Attribute{intAttrOf("fmod", 1)}, []*konst{ints(Int16, -7, 7), ints(Int16, 2, -2)}, ints(Int16, -1, 1)},
		{"mod uint32", "Mod", nil, []*konst{ints(Uint32, 4294967295), ints(Uint32, 10)}, ints(Uint32, 5)},
		{"mod float fmod", "Mod", []*Attribute{intAttrOf("fmod", 1)}, []*konst{floats(Float, -7.5), floats(Float, 2)}, floats(Float, -1.5)},
		// 100*2 = 200 = -56 mod 256; 65536^2 = 2^32 = 0 mod 2^32; 2^62*4 = 2^64.
		{"mul wraps int8", "Mul", nil, []*konst{ints(Int8, 100), ints(Int8, 2)}, ints(Int8, -56)},
		{"mul wraps int32", "Mul", nil, []*konst{ints(Int32, 65536), ints(Int32, 65536)}, ints(Int32, 0)},
		{"mul wraps int64", "Mul", nil, []*konst{ints(Int64, 1<<62), ints(Int64, 4)}, ints(Int64, 0)},
		{"mul uint8", "Mul", nil, []*konst{ints(Uint8, 200), ints(Uint8, 2)}, ints(Uint8, 144)},
		{"add wraps int8", "Add", nil, []*konst{ints(Int8, 127), ints(Int8, 1)}, ints(Int8, -128)},
		{"sub wraps uint8", "Sub", nil, []*konst{ints(Uint8, 0), ints(Uint8, 1)}, ints(Uint8, 255)},
		{"add int64 exact", "Add", nil, []*konst{ints(Int64, 1<<53), ints(Int64, 1)}, ints(Int64, big)},
		{"pow int64", "Pow", nil, []*konst{ints(Int64, 2, 3, -2), ints(Int64, 10, 0, 3)}, ints(Int64, 1024, 1, -8)},
		// 2^-1 = 0.5 truncates to 0; (-1)^-3 = -1; 1^-5 = 1.
		{"pow negative exponent", "Pow", nil, []*konst{ints(Int32, 2, -1, 1), ints(Int32, -1, -3, -5)}, ints(Int32, 0, -1, 1)},
		{"pow int base float exponent", "Pow", nil, []*konst{ints(Int64, 2, 9), floats(Float, 0.5, 0.5)}, ints(Int64, 1, 3)},
		{"pow float base int exponent", "Pow", nil, []*konst{floats(Float, 1.5), ints(Int64, 2)}, floats(Float, 2.25)},
		// 3^21 = 10460353203 = 2*2^32 + 1870418611 (int32 wraps).
		{"pow wraps int32", "Pow", nil, []*konst{ints(Int32, 3), ints(Int32, 21)}, ints(Int32, 1870418611)},
		{"shift left uint8", "BitShift", []*Attribute{strAttrOf("direction", "LEFT")}, []*konst{ints(Uint8, 1, 3), ints(Uint8, 8, 6)}, ints(Uint8, 0, 192)},
		{"shift right uint16", "BitShift", []*Attribute{strAttrOf("direction", "RIGHT")}, []*konst{ints(Uint16, 0x8000), ints(Uint16, 15)}, ints(Uint16, 1)},
		{"shift left uint64", "BitShift", []*Attribute{strAttrOf("direction", "LEFT")}, []*konst{ints(Uint64, 1, 1), ints(Uint64, 63, 64)}, ints(Uint64, math.MinInt64, 0)},
		{"shift right uint64 logical", "BitShift", []*Attribute{strAttrOf("direction", "RIGHT")}, []*konst{ints(Uint64, math.MinInt64), ints(Uint64, 63)}, ints(Uint64, 1)},
		{"neg int8 min", "Neg", nil, []*konst{ints(Int8, -128, 5)}, ints(Int8, -128, -5)},
		{"abs int32 min", "Abs", nil, []*konst{ints(Int32, math.MinInt32, -3)}, ints(Int32, math.MinInt32, 3)},
		{"abs int64 min", "Abs", nil, []*konst{ints(Int64, math.MinInt64)}, ints(Int64, math.MinInt64)},
		{"sign int", "Sign", nil, []*konst{ints(Int16, -9, 0, 4)}, ints(Int16, -1, 0, 1)},
		{"max int64 exact", "Max", nil, []*konst{ints(Int64, big), ints(Int64, 1<<53)}, ints(Int64, big)},
		{"max uint64 unsigned", "Max", nil, []*konst{ints(Uint64, math.MinInt64), ints(Uint64, 1)}, ints(Uint64, math.MinInt64)},
		{"min of three", "Min", nil, []*konst{ints(Int32, 5, 1), ints(Int32, 3, 4), ints(Int32, 4, 0)}, ints(Int32, 3, 0)},
		{"sum of three wraps", "Sum", nil, []*konst{ints(Uint8, 200), ints(Uint8, 50), ints(Uint8, 10)}, ints(Uint8, 4)},
		{"mean", "Mean", nil, []*konst{floats(Float, 1), floats(Float, 2), floats(Float, 4)}, floats(Float, float64(float32(7.0/3)))},
		{"less uint64", "Less", nil, []*konst{ints(Uint64, 1), ints(Uint64, math.MinInt64)}, ints(Bool, 1)},
		{"equal int64 exact", "Equal", nil, []*konst{ints(Int64, big, big), ints(Int64, 1<<53, big)}, ints(Bool, 0, 1)},
		{"compare nan", "Greater", nil, []*konst{floats(Float, math.NaN(), 2), floats(Float, 1, 1)}, ints(Bool, 0, 1)},
		{"bitwise", "BitwiseXor", nil, []*konst{ints(Int8, -1), ints(Int8, 0x0f)}, ints(Int8, -16)},
		{"and", "And", nil, []*konst{ints(Bool, 1, 1, 0), ints(Bool, 1, 0, 0)}, ints(Bool, 1, 0, 0)},
		{"not", "Not", nil, []*konst{ints(Bool, 1, 0)}, ints(Bool, 0, 1)},
		{"float32 division rounds", "Div", nil, []*konst{floats(Float, 1), floats(Float, 3)}, floats(Float, float64(float32(1.0/3)))},
		{"double division", "Div", nil, []*konst{floats(Double, 1), floats(Double, 3)}, floats(Double, 1.0/3)},
	}
	checkFolds(t, cases)
}

// foldCase is one operator evaluated on constants, with its expected
// result.
type foldCase struct {
	name string
	op   string
	attr []*Attribute
	in   []*konst
	want *konst
}

// checkFolds folds every case and compares its first output exactly.
func checkFolds(t *testing.T, cases []foldCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := foldOp(c.op, c.attr, c.in...)
			if err != nil {
				t.Fatal(err)
			}
			if err := sameKonst(out[0], c.want); err != nil {
				t.Error(err)
			}
		})
	}
}

// sameKonst compares type, dims and values exactly (NaN equals NaN).
func sameKonst(got, want *konst) error {
	if got.typ != want.typ || !slices.Equal(got.dims, want.dims) {
		return fmt.Errorf("got %v %v, want %v %v", got.typ, got.dims, want.typ, want.dims)
	}
	if want.typ.isInt() {
		if !slices.Equal(got.exact(), want.exact()) {
			return fmt.Errorf("got %v, want %v", got.exact(), want.exact())
		}
		return nil
	}
	g, w := got.floats(), want.floats()
	for j := range w {
		if g[j] != w[j] && !(math.IsNaN(g[j]) && math.IsNaN(w[j])) {
			return fmt.Errorf("got %v, want %v", g, w)
		}
	}
	return nil
}

// TestFoldErrors: results ONNX leaves undefined are refused with an error
// naming the operator, not folded into an arbitrary value.
func TestFoldErrors(t *testing.T) {
	for _, c := range []struct {
		op   string
		attr []*Attribute
		in   []*konst
		want string
	}{
		{"Div", nil, []*konst{ints(Int64, 1), ints(Int64, 0)}, "division by zero"},
		{"Mod", nil, []*konst{ints(Uint8, 1), ints(Uint8, 0)}, "division by zero"},
		{"Pow", nil, []*konst{ints(Int32, 0), ints(Int32, -1)}, "negative power"},
		{"Mod", nil, []*konst{floats(Float, 1), floats(Float, 2)}, "fmod=1"},
		{"Cast", []*Attribute{intAttrOf("to", int64(Uint8))}, []*konst{floats(Float, 300)}, "does not fit uint8"},
		{"Cast", []*Attribute{intAttrOf("to", int64(Int32))}, []*konst{floats(Float, math.NaN())}, "does not fit int32"},
		{"Sqrt", nil, []*konst{ints(Int64, 4)}, "not defined"},
	} {
		_, err := foldOp(c.op, c.attr, c.in...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", c.op, err, c.want)
		}
	}
}

// TestFoldCast: Cast truncates floats toward zero into integer types,
// wraps integers modulo the target width, rounds to the target's float
// precision (ties to even), and maps non-zero to true.
func TestFoldCast(t *testing.T) {
	to := func(t DataType) []*Attribute { return []*Attribute{intAttrOf("to", int64(t))} }
	cases := []foldCase{
		{"float to int64 truncates", "Cast", to(Int64), []*konst{floats(Float, 2.7, -2.7, 768.666)}, ints(Int64, 2, -2, 768)},
		{"int64 to uint8 wraps", "Cast", to(Uint8), []*konst{ints(Int64, 300, -1)}, ints(Uint8, 44, 255)},
		{"int64 to uint32 wraps", "Cast", to(Uint32), []*konst{ints(Int64, -1)}, ints(Uint32, 4294967295)},
		{"int32 to int8 wraps", "Cast", to(Int8), []*konst{ints(Int32, 200)}, ints(Int8, -56)},
		{"double to float rounds", "Cast", to(Float), []*konst{floats(Double, 0.1)}, floats(Float, float64(float32(0.1)))},
		// 0.1 in binary16: 1.1001100110011...b * 2^-4 rounds to 1638/16384.
		{"double to float16", "Cast", to(Float16), []*konst{floats(Double, 0.1, 65520, 1e-8)}, floats(Float16, 1638.0/16384, math.Inf(1), 0)},
		// bfloat16 keeps 8 significant bits: 1 + 1/256 is a tie, to even (1).
		{"float to bfloat16 ties to even", "Cast", to(BFloat16), []*konst{floats(Float, 1+1.0/256, 1+3.0/256)}, floats(BFloat16, 1, 1+1.0/64)},
		// 2^53+1 is not a float64; 2^24+1 is not a float32 (single rounding).
		{"int64 to double", "Cast", to(Double), []*konst{ints(Int64, 1<<53+1)}, floats(Double, 1<<53)},
		{"int64 to float", "Cast", to(Float), []*konst{ints(Int64, 1<<24+1, 1<<24+3)}, floats(Float, 1<<24, 1<<24+4)},
		{"uint64 to float", "Cast", to(Float), []*konst{ints(Uint64, -1)}, floats(Float, 1<<64)},
		{"float to bool", "Cast", to(Bool), []*konst{floats(Float, 0, -0.5, math.NaN())}, ints(Bool, 0, 1, 1)},
		{"bool to float", "Cast", to(Float), []*konst{ints(Bool, 1, 0)}, floats(Float, 1, 0)},
		{"float to uint64 above 2^63", "Cast", to(Uint64), []*konst{floats(Double, 1<<63+4096)}, ints(Uint64, math.MinInt64+4096)},
	}
	checkFolds(t, cases)
}

// TestRoundBinary checks the float16 and bfloat16 rounding against
// float32 rounding done by Go, on the float32 format itself.
func TestRoundBinary(t *testing.T) {
	for _, x := range []float64{0.1, 1.0 / 3, 1e-40, 1e-45, 3.4028235e38, 3.4028236e38, -2.5e-42, 123456.789} {
		want := float64(float32(x))
		if got := roundBinary(x, 23, -126, 127); got != want {
			t.Errorf("roundBinary(%g) as float32: %g, want %g", x, got, want)
		}
	}
	// float16: largest 65504, smallest subnormal 2^-24 (2^-25 ties to 0).
	for x, want := range map[float64]float64{65504: 65504, 65519: 65504, 0x1p-24: 0x1p-24, 0x1p-25: 0, 0x1.8p-25: 0x1p-24, -1.00048828125: -1} {
		if got := roundFloat(Float16, x); got != want {
			t.Errorf("float16 %g: %g, want %g", x, got, want)
		}
	}
}

// TestFoldWhere: Where selects X or Y by the condition, also when the
// chosen value is NaN (the old fold used NaN as its "not chosen" marker
// and took Y instead), and keeps integer values exact.
func TestFoldWhere(t *testing.T) {
	out, err := foldOp("Where", nil, ints(Bool, 1, 0, 1), floats(Float, math.NaN(), 1, 2), floats(Float, 7))
	if err != nil {
		t.Fatal(err)
	}
	if err := sameKonst(out[0], floats(Float, math.NaN(), 7, 2)); err != nil {
		t.Error(err)
	}
	out, err = foldOp("Where", nil, ints(Bool, 0, 1), ints(Int64, 1<<53+1), ints(Int64, -1))
	if err != nil {
		t.Fatal(err)
	}
	if err := sameKonst(out[0], ints(Int64, -1, 1<<53+1)); err != nil {
		t.Error(err)
	}
}

// TestFoldShapeOperators checks the data-movement operators exporters
// emit on constants, on small cases worked out by hand.
func TestFoldShapeOperators(t *testing.T) {
	m23 := newFloats([]int64{2, 3}, Float, []float64{1, 2, 3, 4, 5, 6})
	cases := []foldCase{
		// A ViT class token [1, 1, 2] expanded to batch 1 keeps its
		// values; [2, 1] against [3] broadcasts to [2, 3].
		{"expand class token", "Expand", nil, []*konst{newFloats([]int64{1, 1, 2}, Float, []float64{0.5, -1}), ints(Int64, 1, 1, 1)},
			newFloats([]int64{1, 1, 2}, Float, []float64{0.5, -1})},
		{"expand bidirectional", "Expand", nil, []*konst{newInts([]int64{2, 1}, Int64, []int64{1, 2}), ints(Int64, 3)},
			newInts([]int64{2, 3}, Int64, []int64{1, 1, 1, 2, 2, 2})},
		{"tile", "Tile", nil, []*konst{newFloats([]int64{1, 2}, Float, []float64{1, 2}), ints(Int64, 2, 2)},
			newFloats([]int64{2, 4}, Float, []float64{1, 2, 1, 2, 1, 2, 1, 2})},
		// (10 - 1) / 3 rounds up to 3 elements; exact for int64 beyond 2^53.
		{"range int", "Range", nil, []*konst{scalarInt(1), scalarInt(10), scalarInt(3)}, ints(Int64, 1, 4, 7)},
		{"range negative", "Range", nil, []*konst{newInts(nil, Int32, []int64{10}), newInts(nil, Int32, []int64{6}), newInts(nil, Int32, []int64{-3})}, ints(Int32, 10, 7)},
		{"range big", "Range", nil, []*konst{scalarInt(1 << 53), scalarInt(1<<53 + 2), scalarInt(1)}, ints(Int64, 1<<53, 1<<53+1)},
		{"constant of shape int", "ConstantOfShape", []*Attribute{{Name: "value", T: intTensor(Int64, 7)}}, []*konst{ints(Int64, 2)}, ints(Int64, 7, 7)},
		{"constant of shape default", "ConstantOfShape", nil, []*konst{ints(Int64, 1, 2)}, newFloats([]int64{1, 2}, Float, []float64{0, 0})},
		// Data [4] zeros; indices [[1], [3]]; updates [5, 6].
		{"scatternd", "ScatterND", nil, []*konst{ints(Int64, 0, 0, 0, 0), newInts([]int64{2, 1}, Int64, []int64{1, 3}), ints(Int64, 5, 6)}, ints(Int64, 0, 5, 0, 6)},
		{"scatternd add", "ScatterND", []*Attribute{strAttrOf("reduction", "add")}, []*konst{ints(Int64, 1, 1), newInts([]int64{2, 1}, Int64, []int64{0, 0}), ints(Int64, 5, 6)}, ints(Int64, 12, 1)},
		{"trilu upper", "Trilu", nil, []*konst{m23}, newFloats([]int64{2, 3}, Float, []float64{1, 2, 3, 0, 5, 6})},
		{"trilu lower k=-1", "Trilu", []*Attribute{intAttrOf("upper", 0)}, []*konst{m23, scalarInt(-1)}, newFloats([]int64{2, 3}, Float, []float64{0, 0, 0, 4, 0, 0})},
		{"slice negative step", "Slice", nil, []*konst{ints(Int64, 0, 1, 2, 3, 4), ints(Int64, -1), ints(Int64, math.MinInt64), ints(Int64, 0), ints(Int64, -2)}, ints(Int64, 4, 2, 0)},
		{"slice to the end", "Slice", nil, []*konst{ints(Int64, 0, 1, 2, 3, 4), ints(Int64, 1), ints(Int64, math.MaxInt64)}, ints(Int64, 1, 2, 3, 4)},
		{"gather negative index", "Gather", []*Attribute{intAttrOf("axis", 1)}, []*konst{m23, ints(Int64, -1, 0)}, newFloats([]int64{2, 2}, Float, []float64{3, 1, 6, 4})},
		{"unsqueeze axes input", "Unsqueeze", nil, []*konst{scalarInt(768), ints(Int64, 0)}, ints(Int64, 768)},
		{"squeeze axes input", "Squeeze", nil, []*konst{newInts([]int64{1, 2}, Int64, []int64{3, 4}), ints(Int64, -2)}, ints(Int64, 3, 4)},
		{"cumsum reverse exclusive", "CumSum", []*Attribute{intAttrOf("reverse", 1), intAttrOf("exclusive", 1)}, []*konst{ints(Int32, 1, 2, 3), scalarInt(0)}, ints(Int32, 5, 3, 0)},
		{"reduce prod", "ReduceProd", []*Attribute{{Name: "axes", Ints: []int64{1}}, intAttrOf("keepdims", 0)}, []*konst{m23}, floats(Float, 6, 120)},
		{"reduce sum int all", "ReduceSum", []*Attribute{intAttrOf("keepdims", 0)}, []*konst{ints(Int64, 1<<53, 1)}, newInts(nil, Int64, []int64{1<<53 + 1})},
		{"dequantize per axis", "DequantizeLinear", []*Attribute{intAttrOf("axis", 0)},
			[]*konst{newInts([]int64{2, 2}, Int8, []int64{-128, 127, 10, 20}), floats(Float, 0.5, 2), ints(Int8, 0, 10)},
			newFloats([]int64{2, 2}, Float, []float64{-64, 63.5, 0, 20})},
	}
	checkFolds(t, cases)
	parts, err := foldOp("Split", []*Attribute{intAttrOf("axis", 1)}, m23, ints(Int64, 1, 2))
	if err != nil || len(parts) != 2 || sameKonst(parts[1], newFloats([]int64{2, 2}, Float, []float64{2, 3, 5, 6})) != nil {
		t.Errorf("Split: %v, %v", parts, err)
	}
}

func intTensor(t DataType, v int64) *Tensor {
	return &Tensor{Type: t, Dims: []int64{1}, raw: []byte{byte(v), 0, 0, 0, 0, 0, 0, 0}}
}

// TestCanonOverflow: the channels of [2^31, 2^31, 4, 1, 1] multiply to
// 2^64, which wrapped to 0 (an empty shape, not an error); sizes are
// bounded before they are multiplied.
func TestCanonOverflow(t *testing.T) {
	if s, err := canon([]int64{1 << 31, 1 << 31, 4, 1, 1}); err == nil {
		t.Errorf("canon gave %v", s)
	}
	if s, err := canon([]int64{1, 3, 1 << 16, 7}); err != nil || s != (nn.Shape{C: 3, H: 1 << 16, W: 7}) {
		t.Errorf("canon: %v, %v", s, err)
	}
}
