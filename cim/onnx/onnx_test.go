package onnx

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/cim/nn"
)

func fill(n int, v float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// convBNModel is x[1,2,4,4] -> Conv 3x3 pad 1 (2 filters, bias) ->
// BatchNormalization (parameters in Constant nodes) -> Relu.
func convBNModel() []byte {
	w := append(fill(18, 1), fill(18, 2)...)
	bn := func(name string, v ...float64) pb {
		return nodePB("Constant", name, nil, []string{name}, tensorAttr("value", tensorPB(name, []int64{2}, v)))
	}
	nodes := []pb{
		bn("gamma", 2, 8), bn("beta", 1, 0), bn("mean", 0.5, 1), bn("var", 3, 15),
		nodePB("Conv", "conv1", []string{"x", "W", "B"}, []string{"c"}, intsAttr("pads", 1, 1, 1, 1), intsAttr("kernel_shape", 3, 3)),
		nodePB("BatchNormalization", "bn1", []string{"c", "gamma", "beta", "mean", "var"}, []string{"b"}, floatAttr("epsilon", 1)),
		nodePB("Relu", "relu1", []string{"b"}, []string{"y"}),
	}
	inits := []pb{tensorPB("W", []int64{2, 2, 3, 3}, w), tensorPB("B", []int64{2}, []float64{1, 1})}
	return modelPB(nodes, inits, valueInfoPB("x", 1, 2, 4, 4), valueInfoPB("y", 1, 2, 4, 4))
}

// TestConvBatchNormRelu: the batch norm folds into the conv (scale
// gamma/sqrt(var+eps) = [1, 2], shift beta-mean*scale = [0.5, -2]) and the
// ReLU fuses: one layer with hand-computed weights and bias.
func TestConvBatchNormRelu(t *testing.T) {
	net, err := Import(convBNModel(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(net.Layers) != 1 {
		t.Fatalf("%d layers, want 1", len(net.Layers))
	}
	l := net.Layers[0]
	if l.Kind != nn.Conv2D || !l.BatchNorm || !l.Bias || l.Act != nn.ActReLU || l.Name != "conv1" {
		t.Fatalf("layer %+v", l)
	}
	if l.Out != (nn.Shape{C: 2, H: 4, W: 4}) || l.MACs() != 2*18*16 || l.PadTop != 1 || l.KernelH != 3 {
		t.Fatalf("out %v, MACs %d, pad %d", l.Out, l.MACs(), l.PadTop)
	}
	want := append(fill(18, 1), fill(18, 4)...)
	if !slices.Equal(l.Weights, want) || !slices.Equal(l.BiasValues, []float64{1.5, 0}) {
		t.Fatalf("weights %v, bias %v", l.Weights, l.BiasValues)
	}
}

// TestGemmAfterFlatten: Flatten of an image before a Gemm becomes a Flatten
// layer (CHW order), the Gemm a Dense layer with alpha*B^T and beta*C.
func TestGemmAfterFlatten(t *testing.T) {
	net, err := Import(gemmModel(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(net.Layers) != 2 || net.Layers[0].Kind != nn.Flatten || net.Layers[1].Kind != nn.Dense {
		t.Fatalf("layers %v", kinds(net))
	}
	d := net.Layers[1]
	if d.Filters != 3 || d.In[0] != (nn.Shape{C: 8, H: 1, W: 1}) || d.Weights[9] != 18 || d.Weights[23] != 46 || !slices.Equal(d.BiasValues, []float64{1, 2, 3}) {
		t.Fatalf("dense %d filters, in %v, weights %v, bias %v", d.Filters, d.In, d.Weights, d.BiasValues)
	}
}

func gemmModel() []byte {
	b := make([]float64, 24)
	for i := range b {
		b[i] = float64(i)
	}
	nodes := []pb{
		nodePB("Flatten", "flat", []string{"x"}, []string{"f"}),
		nodePB("Gemm", "fc", []string{"f", "B", "C"}, []string{"y"}, intAttr("transB", 1), floatAttr("alpha", 2), floatAttr("beta", 0.5)),
	}
	inits := []pb{tensorPB("B", []int64{3, 8}, b), tensorPB("C", []int64{3}, []float64{2, 4, 6})}
	return modelPB(nodes, inits, valueInfoPB("x", 1, 2, 2, 2), valueInfoPB("y", 1, 3))
}

func kinds(net *nn.Network) []string {
	var out []string
	for _, l := range net.Layers {
		k := string(l.Kind)
		if l.Op != "" {
			k += ":" + l.Op
		}
		out = append(out, k)
	}
	return out
}

// TestSequence: a [1, T, D] sequence is (D, T, 1); a MatMul by constant
// weights is a 1x1 conv over the T tokens with the bias Add folded in; a
// product of two computed tensors and the Softmax are digital.
func TestSequence(t *testing.T) {
	net, err := Import(sequenceModel(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := kinds(net); !slices.Equal(got, []string{"conv2d", "digital:Transpose", "digital:MatMul", "digital:Softmax"}) {
		t.Fatalf("layers %v", got)
	}
	p := net.Layers[0]
	if p.In[0] != (nn.Shape{C: 4, H: 6, W: 1}) || p.Out != (nn.Shape{C: 5, H: 6, W: 1}) || p.MACs() != 6*4*5 || !p.Bias {
		t.Fatalf("proj in %v out %v MACs %d", p.In, p.Out, p.MACs())
	}
	// weights (F, K): W^T; W[k][f] = 5k+f.
	if p.Weights[1] != 5 || p.Weights[4] != 1 || !slices.Equal(p.BiasValues, []float64{1, 2, 3, 4, 5}) {
		t.Fatalf("weights %v bias %v", p.Weights, p.BiasValues)
	}
	if s := net.Layers[2]; s.Out != (nn.Shape{C: 6, H: 6, W: 1}) || len(s.Inputs) != 2 {
		t.Fatalf("scores %v inputs %v", s.Out, s.Inputs)
	}
}

func sequenceModel() []byte {
	w := make([]float64, 20)
	for i := range w {
		w[i] = float64(i)
	}
	nodes := []pb{
		nodePB("MatMul", "proj", []string{"x", "W"}, []string{"p"}),
		nodePB("Add", "proj_bias", []string{"p", "Bv"}, []string{"q"}),
		nodePB("Transpose", "kt", []string{"q"}, []string{"k"}, intsAttr("perm", 0, 2, 1)),
		nodePB("MatMul", "scores", []string{"q", "k"}, []string{"s"}),
		nodePB("Softmax", "attn", []string{"s"}, []string{"y"}, intAttr("axis", -1)),
	}
	inits := []pb{tensorPB("W", []int64{4, 5}, w), tensorPB("Bv", []int64{5}, []float64{1, 2, 3, 4, 5})}
	return modelPB(nodes, inits, valueInfoPB("x", 1, 6, 4), valueInfoPB("y", 1, 6, 6))
}

// TestDigitalAndShapes: an operator cimkit does not know becomes a Digital
// layer; shape arithmetic on Shape/Gather/Concat folds into a Reshape
// target; symbolic input dims take Options.InputH/InputW.
func TestDigitalAndShapes(t *testing.T) {
	net, err := Import(shapesModel(), Options{InputH: 5, InputW: 7})
	if err != nil {
		t.Fatal(err)
	}
	if got := kinds(net); !slices.Equal(got, []string{"digital:Erf", "activation"}) {
		t.Fatalf("layers %v", got)
	}
	if net.Input != (nn.Shape{C: 3, H: 5, W: 7}) || net.Layers[1].Out != net.Input {
		t.Fatalf("input %v, relu out %v", net.Input, net.Layers[1].Out)
	}
}

func shapesModel() []byte {
	idx := nodePB("Constant", "i0", nil, []string{"i0"}, tensorAttr("value", tensorPB("i0", nil, []float64{1})))
	minus := nodePB("Constant", "m1", nil, []string{"m1"}, tensorAttr("value", tensorPB("m1", []int64{1}, []float64{-1})))
	nodes := []pb{
		idx, minus,
		nodePB("Erf", "erf", []string{"x"}, []string{"e"}),
		nodePB("Shape", "shape", []string{"e"}, []string{"s"}),
		nodePB("Gather", "gather", []string{"s", "i0"}, []string{"c"}),
		nodePB("Unsqueeze", "unsq", []string{"c"}, []string{"c1"}, intsAttr("axes", 0)),
		nodePB("Concat", "cat", []string{"c1", "m1"}, []string{"shp"}, intAttr("axis", 0)),
		nodePB("Reshape", "reshape", []string{"e", "shp"}, []string{"r"}),
		nodePB("Relu", "relu", []string{"r"}, []string{"y"}),
	}
	return modelPB(nodes, nil, valueInfoPB("x", -1, 3, -1, -1), valueInfoPB("y", 3, -1))
}

// TestHostile: broken or hostile bytes give clear errors, never a panic.
func TestHostile(t *testing.T) {
	good := convBNModel()
	vi := valueInfoPB("x", 1, 1, 4, 4)
	out := valueInfoPB("y", 1, 1, 4, 4)
	relu := func(in, o string) pb { return nodePB("Relu", "r_"+o, []string{in}, []string{o}) }
	external := tensorPB("W", []int64{1, 1, 1, 1}, []float64{1}).varint(14, 1)
	nest := pb{}.str(2, "body")
	for i := 0; i < 6; i++ {
		nest = pb{}.str(2, "g").bytes(1, nodePB("If", "if", []string{"x"}, []string{"y"}, pb{}.str(1, "then_branch").varint(20, 5).bytes(6, nest)))
	}
	cases := []struct {
		name string
		data []byte
		opt  Options
		want string
	}{
		{"truncated", good[:len(good)/2], Options{}, "truncated"},
		{"wrong wire type", pb{}.varint(7, 5), Options{}, "wire type"},
		{"group", protowire_group(), Options{}, "groups are not accepted"},
		{"huge dims", modelPB(nil, []pb{pb{}.varint(1, 1<<40).varint(1, 1<<40).varint(2, 1).str(8, "W")}, vi, out), Options{}, "exceed"},
		{"raw size", modelPB([]pb{nodePB("Conv", "c", []string{"x", "W"}, []string{"y"})}, []pb{tensorPB("W", []int64{1, 1, 3, 3}, fill(4, 1))}, vi, out), Options{}, "raw_data has 16 bytes"},
		{"external data", modelPB([]pb{nodePB("Conv", "c", []string{"x", "W"}, []string{"y"})}, []pb{external}, vi, out), Options{}, "external data"},
		{"cycle", modelPB([]pb{relu("b", "a"), relu("a", "b"), relu("x", "y")}, nil, vi, out), Options{}, "cycle"},
		{"nesting", modelPB([]pb{nodePB("If", "if", []string{"x"}, []string{"y"}, pb{}.str(1, "then_branch").varint(20, 5).bytes(6, nest))}, nil, vi, out), Options{}, "nested more than 4 deep"},
		{"node count", good, Options{Limits: Limits{MaxNodes: 3}}, "more than 3 nodes"},
		{"file size", good, Options{Limits: Limits{MaxFileBytes: 100}}, "at most 100 are accepted"},
		{"missing value", modelPB([]pb{relu("nope", "y")}, nil, vi, out), Options{}, `reads "nope"`},
		{"symbolic input", modelPB([]pb{relu("x", "y")}, nil, valueInfoPB("x", -1, 3, -1, -1), out), Options{}, "give the input size"},
		{"loop", modelPB([]pb{nodePB("Loop", "loop1", []string{"x"}, []string{"y"})}, nil, vi, out), Options{}, `Loop node "loop1"`},
		{"constant op", modelPB([]pb{nodePB("Einsum", "ein", []string{"W"}, []string{"e"}), relu("x", "y")}, []pb{tensorPB("W", []int64{1}, []float64{1})}, vi, out), Options{}, `Einsum node "ein"`},
		{"bad output info", modelPB(nil, nil, vi, pb{}.str(1, "y").varint(2, 5)), Options{}, "graph.output[0]: type"},
		{"not a model", []byte("hello, world"), Options{}, "is this an ONNX model file?"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Import(c.data, c.opt)
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, ErrFormat) && !errors.Is(err, ErrUnsupported) {
				t.Errorf("error %q wraps neither ErrFormat nor ErrUnsupported", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not mention %q", err, c.want)
			}
		})
	}
}

func protowire_group() []byte {
	return []byte{0x3b, 0x3c} // field 7 start group, end group
}

// hardSwishModel is x[1,1,2,2] -> Conv 1x1 -> x*Clip(x+3, 0, 6)/6 (the
// way Paddle exports HardSwish); extra adds a Relu that also reads the
// conv output.
func hardSwishModel(extra bool) []byte {
	k := func(name string, v float64) pb { return tensorPB(name, nil, []float64{v}) }
	nodes := []pb{
		nodePB("Conv", "conv", []string{"x", "W"}, []string{"c"}),
		nodePB("Add", "add3", []string{"c", "three"}, []string{"a"}),
		nodePB("Clip", "clip", []string{"a", "zero", "six"}, []string{"cl"}),
		nodePB("Mul", "mul", []string{"c", "cl"}, []string{"m"}),
		nodePB("Div", "div6", []string{"m", "six"}, []string{"y"}),
	}
	if extra {
		nodes = append(nodes, nodePB("Relu", "relu", []string{"c"}, []string{"r"}))
	}
	inits := []pb{tensorPB("W", []int64{2, 1, 1, 1}, []float64{1, 2}), k("three", 3), k("zero", 0), k("six", 6)}
	return modelPB(nodes, inits, valueInfoPB("x", 1, 1, 2, 2), valueInfoPB("y", 1, 2, 2, 2))
}

// TestHardSwishPattern: the four nodes fuse into the conv's activation, or
// become one Activation layer when the conv output has another reader.
func TestHardSwishPattern(t *testing.T) {
	net, err := Import(hardSwishModel(false), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := kinds(net); !slices.Equal(got, []string{"conv2d"}) || net.Layers[0].Act != nn.ActHardSwish {
		t.Fatalf("layers %v, act %q", got, net.Layers[0].Act)
	}
	net, err = Import(hardSwishModel(true), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := kinds(net); !slices.Equal(got, []string{"conv2d", "activation", "activation"}) ||
		net.Layers[0].Act != nn.ActNone || net.Layers[1].Act != nn.ActHardSwish || net.Layers[2].Act != nn.ActReLU {
		t.Fatalf("layers %v", got)
	}
}

// TestShapeChangingDigital: Pad, Split and GlobalMaxPool are digital layers
// with their own output dims, and a conv after a Split reads its part.
func TestShapeChangingDigital(t *testing.T) {
	nodes := []pb{
		nodePB("Pad", "pad", []string{"x", "pads"}, []string{"p"}),
		nodePB("Split", "split", []string{"p", "sizes"}, []string{"a", "b"}, intAttr("axis", 1)),
		nodePB("Conv", "conv", []string{"b", "W"}, []string{"y"}),
		nodePB("GlobalMaxPool", "gmp", []string{"a"}, []string{"g"}),
	}
	inits := []pb{tensorPB("pads", []int64{8}, []float64{0, 0, 1, 1, 0, 0, 1, 1}), tensorPB("sizes", []int64{2}, []float64{1, 3}),
		tensorPB("W", []int64{2, 3, 3, 3}, fill(54, 1))}
	net, err := Import(modelPB(nodes, inits, valueInfoPB("x", 1, 4, 3, 3), valueInfoPB("y", 1, 2, 3, 3)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := kinds(net); !slices.Equal(got, []string{"digital:Pad", "digital:Split", "digital:Split", "conv2d", "digital:GlobalMaxPool"}) {
		t.Fatalf("layers %v", got)
	}
	want := []nn.Shape{{C: 4, H: 5, W: 5}, {C: 1, H: 5, W: 5}, {C: 3, H: 5, W: 5}, {C: 2, H: 3, W: 3}, {C: 1, H: 1, W: 1}}
	for i, l := range net.Layers {
		if l.Out != want[i] {
			t.Errorf("%s: out %v, want %v", l.Name, l.Out, want[i])
		}
	}
}

// TestConstantsAndReadFile: weights given as a graph input through
// Options.Constants (NewTensor); ReadFile refuses a file above the limit
// before reading it.
func TestConstantsAndReadFile(t *testing.T) {
	nodes := []pb{nodePB("Conv", "conv", []string{"x", "W"}, []string{"y"}, intsAttr("strides", 2, 2))}
	g := modelPB(nodes, nil, valueInfoPB("x", 1, 1, 4, 4), valueInfoPB("y", 1, 1, 2, 2))
	if _, err := Import(g, Options{}); !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), `reads "W"`) {
		t.Fatalf("weights that nothing provides: error %v", err)
	}
	m, err := Decode(g, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	m.Graph.Inputs = append(m.Graph.Inputs, ValueInfo{Name: "W", ElemType: Float, Dims: []int64{1, 1, 2, 2}, HasShape: true})
	if _, err := m.Network(Options{}); !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "Options.Constants") {
		t.Fatalf("weights as a second input: error %v", err)
	}
	net, err := m.Network(Options{Constants: map[string]*Tensor{"W": NewTensor("W", []int64{1, 1, 2, 2}, []float64{1, 2, 3, 4})}})
	if err != nil {
		t.Fatal(err)
	}
	if l := net.Layers[0]; l.Out != (nn.Shape{C: 1, H: 2, W: 2}) || !slices.Equal(l.Weights, []float64{1, 2, 3, 4}) || l.StrideH != 2 {
		t.Fatalf("layer %+v", l)
	}
	path := filepath.Join(t.TempDir(), "m.onnx")
	if err := os.WriteFile(path, g, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(path, Limits{MaxFileBytes: 10}); !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "at most 10") {
		t.Fatalf("ReadFile over the limit: %v", err)
	}
	if _, err := ImportFile(filepath.Join(t.TempDir(), "none.onnx"), Options{}); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
}

// gatedModel is x[1, 1, 2, 2] -> Conv 1x1 (2 filters) -> c, then the
// given nodes, which end in y; "zero", "one", "half", "two", "three",
// "six", "sixth" and "sqrt2" are scalar constants, Wg a second 1x1 conv's
// weights.
func gatedModel(nodes ...pb) []byte {
	k := func(name string, v float64) pb { return tensorPB(name, nil, []float64{v}) }
	all := append([]pb{nodePB("Conv", "conv", []string{"x", "W"}, []string{"c"})}, nodes...)
	inits := []pb{tensorPB("W", []int64{2, 1, 1, 1}, []float64{1, 2}), tensorPB("Wg", []int64{2, 2, 1, 1}, fill(4, 1)),
		k("three", 3), k("zero", 0), k("six", 6), k("sixth", 1.0/6), k("one", 1), k("half", 0.5), k("sqrt2", math.Sqrt2), k("two", 2)}
	return modelPB(all, inits, valueInfoPB("x", 1, 1, 2, 2), valueInfoPB("y", 1, 2, 2, 2))
}

// TestSelfGatedActivations: an activation multiplied by its own input is
// one activation fused into the conv: x*Sigmoid(x) is SiLU, and
// HardSwish as PyTorch exports it below opset 14 (x*HardSigmoid(x) with
// alpha 1/6) or as code writes it (x*(relu6(x+3)/6), with /6 or *1/6);
// they were an activation plus a digital Mul. GELU's erf form,
// x*0.5*(1+erf(x/sqrt(2))), was five digital layers. A sigmoid gate on another
// tensor, HardSigmoid's default slope 0.2 and a conv output read
// elsewhere are converted as before.
func TestSelfGatedActivations(t *testing.T) {
	hs := func(alpha float64) pb {
		return nodePB("HardSigmoid", "hsig", []string{"c"}, []string{"h"}, floatAttr("alpha", alpha), floatAttr("beta", 0.5))
	}
	relu6 := []pb{
		nodePB("Add", "add3", []string{"c", "three"}, []string{"a"}),
		nodePB("Clip", "clip", []string{"a", "zero", "six"}, []string{"r"}),
	}
	cases := []struct {
		name  string
		nodes []pb
		kinds []string
		acts  []nn.Act
	}{
		{"silu", []pb{nodePB("Sigmoid", "sig", []string{"c"}, []string{"s"}), nodePB("Mul", "mul", []string{"c", "s"}, []string{"y"})},
			[]string{"conv2d"}, []nn.Act{nn.ActSiLU}},
		{"silu, operands swapped", []pb{nodePB("Sigmoid", "sig", []string{"c"}, []string{"s"}), nodePB("Mul", "mul", []string{"s", "c"}, []string{"y"})},
			[]string{"conv2d"}, []nn.Act{nn.ActSiLU}},
		{"hardswish opset 13", []pb{hs(1.0 / 6), nodePB("Mul", "mul", []string{"c", "h"}, []string{"y"})},
			[]string{"conv2d"}, []nn.Act{nn.ActHardSwish}},
		{"x*(relu6(x+3)/6)", append(slices.Clone(relu6), nodePB("Div", "div6", []string{"r", "six"}, []string{"d"}), nodePB("Mul", "mul", []string{"c", "d"}, []string{"y"})),
			[]string{"conv2d"}, []nn.Act{nn.ActHardSwish}},
		{"x*(relu6(x+3)*(1/6))", append(slices.Clone(relu6), nodePB("Mul", "by6", []string{"r", "sixth"}, []string{"d"}), nodePB("Mul", "mul", []string{"d", "c"}, []string{"y"})),
			[]string{"conv2d"}, []nn.Act{nn.ActHardSwish}},
		{"gelu as torch exports it", []pb{nodePB("Div", "div", []string{"c", "sqrt2"}, []string{"d"}), nodePB("Erf", "erf", []string{"d"}, []string{"e"}),
			nodePB("Add", "add1", []string{"e", "one"}, []string{"a"}), nodePB("Mul", "mulx", []string{"c", "a"}, []string{"m"}), nodePB("Mul", "half", []string{"m", "half"}, []string{"y"})},
			[]string{"conv2d"}, []nn.Act{nn.ActGELU}},
		{"gelu, halved first, divided by 2", []pb{nodePB("Div", "div", []string{"c", "sqrt2"}, []string{"d"}), nodePB("Erf", "erf", []string{"d"}, []string{"e"}),
			nodePB("Add", "add1", []string{"one", "e"}, []string{"a"}), nodePB("Div", "halve", []string{"a", "two"}, []string{"h"}), nodePB("Mul", "mulx", []string{"h", "c"}, []string{"y"})},
			[]string{"conv2d"}, []nn.Act{nn.ActGELU}},
		{"erf without the product by x", []pb{nodePB("Div", "div", []string{"c", "sqrt2"}, []string{"d"}), nodePB("Erf", "erf", []string{"d"}, []string{"y"})},
			[]string{"conv2d", "digital:Erf"}, []nn.Act{nn.ActNone, nn.ActNone}}, // the division folds into the conv
		{"sigmoid gate", []pb{nodePB("Conv", "gate", []string{"c", "Wg"}, []string{"g"}), nodePB("Sigmoid", "sig", []string{"g"}, []string{"s"}), nodePB("Mul", "mul", []string{"c", "s"}, []string{"y"})},
			[]string{"conv2d", "conv2d", "digital:Mul"}, []nn.Act{nn.ActNone, nn.ActSigmoid, nn.ActNone}},
		{"hardsigmoid slope 0.2", []pb{hs(0.2), nodePB("Mul", "mul", []string{"c", "h"}, []string{"y"})},
			[]string{"conv2d", "digital:HardSigmoid", "digital:Mul"}, []nn.Act{nn.ActNone, nn.ActNone, nn.ActNone}},
		{"silu of a value read elsewhere", []pb{nodePB("Sigmoid", "sig", []string{"c"}, []string{"s"}), nodePB("Mul", "mul", []string{"c", "s"}, []string{"y"}), nodePB("Relu", "relu", []string{"c"}, []string{"z"})},
			[]string{"conv2d", "activation", "activation"}, []nn.Act{nn.ActNone, nn.ActSiLU, nn.ActReLU}},
	}
	for _, c := range cases {
		net, err := Import(gatedModel(c.nodes...), Options{})
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		var acts []nn.Act
		for _, l := range net.Layers {
			acts = append(acts, l.Act)
		}
		if got := kinds(net); !slices.Equal(got, c.kinds) || !slices.Equal(acts, c.acts) {
			t.Errorf("%s: layers %v with activations %q, want %v with %q", c.name, got, acts, c.kinds, c.acts)
		}
	}
}

// TestScatterGatherDims: a digital ScatterND has its data's dims and
// GatherElements its indices' dims; broadcasting the operands gave [3, 4]
// for a scatter into [1, 4] (updates [3, 1]) and [1, 4] for a gather of
// [1, 2] indices.
func TestScatterGatherDims(t *testing.T) {
	for _, c := range []struct {
		node pb
		want nn.Shape
	}{
		{nodePB("ScatterND", "scatter", []string{"x", "idx3", "upd"}, []string{"y"}), nn.Shape{C: 4, H: 1, W: 1}},
		{nodePB("GatherElements", "gather", []string{"x", "idx2"}, []string{"y"}, intAttr("axis", 1)), nn.Shape{C: 2, H: 1, W: 1}},
	} {
		inits := []pb{int64PB("idx3", []int64{3, 1, 2}, 0, 1, 0, 2, 0, 3), tensorPB("upd", []int64{3, 1}, []float64{7, 8, 9}),
			int64PB("idx2", []int64{1, 2}, 3, 0)}
		net, err := Import(modelPB([]pb{c.node}, inits, valueInfoPB("x", 1, 4), valueInfoPB("y", 1, 4)), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if l := net.Layers[0]; l.Out != c.want {
			t.Errorf("%s: out %v, want %v", l.Op, l.Out, c.want)
		}
	}
}
