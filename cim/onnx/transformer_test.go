package onnx

import (
	"slices"
	"testing"

	"github.com/cimkit/cimkit/cim/nn"
)

// Graph fragments as PyTorch 1.13 exports them at opset 13 for
// transformers (torchvision's ViT, nn.MultiheadAttention), computed on
// shapes at run time; every shape value is known at import, so they fold.

// chunkModel is x[1, 2, 8] -> MatMul by W[8, 2304] -> qkv.chunk(3, dim=-1)
// as torch.onnx writes a chunk of a dim it does not know statically:
// size = (dim + 3 - 1) / 3 (integer Div), sizes = Concat(Expand(size, [2]),
// dim - 2*size), Split. With slices, the three parts are cut by Slice
// with bounds i*size, (i+1)*size instead. Each part is then projected.
func chunkModel(slices bool) []byte {
	n := []pb{
		constPB("W", tensorPB("W", []int64{8, 2304}, fill(8*2304, 0.5))),
		constPB("P", tensorPB("P", []int64{768, 4}, fill(768*4, 1))),
		constPB("axis", int64PB("axis", nil, 2)),
		constPB("three", int64PB("three", nil, 3)),
		constPB("one", int64PB("one", []int64{1}, 1)),
		constPB("two", int64PB("two", []int64{1}, 2)),
		nodePB("MatMul", "qkv_proj", []string{"x", "W"}, []string{"qkv"}),
		nodePB("Shape", "shape", []string{"qkv"}, []string{"s"}),
		nodePB("Gather", "dim", []string{"s", "axis"}, []string{"d"}, intAttr("axis", 0)),
		nodePB("Sub", "chunks_1", []string{"three", "one"}, []string{"c1"}),
		nodePB("Add", "round_up", []string{"d", "c1"}, []string{"dc"}),
		nodePB("Div", "chunk_size", []string{"dc", "three"}, []string{"size"}),
	}
	if slices {
		n = append(n,
			nodePB("Mul", "size2", []string{"size", "two"}, []string{"s2"}),
			nodePB("Add", "size3", []string{"s2", "size"}, []string{"s3"}),
			constPB("zero", int64PB("zero", []int64{1}, 0)),
			constPB("ax", int64PB("ax", []int64{1}, -1)),
			nodePB("Slice", "q", []string{"qkv", "zero", "size", "ax"}, []string{"q"}),
			nodePB("Slice", "k", []string{"qkv", "size", "s2", "ax"}, []string{"k"}),
			nodePB("Slice", "v", []string{"qkv", "s2", "s3", "ax"}, []string{"v"}),
		)
	} else {
		n = append(n,
			nodePB("Shape", "c1_shape", []string{"c1"}, []string{"c1s"}),
			nodePB("ConstantOfShape", "ones", []string{"c1s"}, []string{"ones"}, tensorAttr("value", int64PB("v", []int64{1}, 1))),
			nodePB("Expand", "sizes2", []string{"size", "c1"}, []string{"sz2"}),
			nodePB("Mul", "used", []string{"size", "c1"}, []string{"used"}),
			nodePB("Sub", "last", []string{"d", "used"}, []string{"last"}),
			nodePB("Concat", "sizes", []string{"sz2", "last"}, []string{"sizes"}, intAttr("axis", 0)),
			nodePB("Split", "split", []string{"qkv", "sizes"}, []string{"q", "k", "v"}, intAttr("axis", 2)),
		)
	}
	n = append(n,
		nodePB("MatMul", "pq", []string{"q", "P"}, []string{"yq"}),
		nodePB("MatMul", "pk", []string{"k", "P"}, []string{"yk"}),
		nodePB("MatMul", "pv", []string{"v", "P"}, []string{"yv"}),
		nodePB("Add", "qk", []string{"yq", "yk"}, []string{"qk"}),
		nodePB("Add", "qkv_sum", []string{"qk", "yv"}, []string{"y"}),
	)
	return modelPB(n, nil, valueInfoPB("x", 1, 2, 8), valueInfoPB("y", 1, 2, 4))
}

// TestChunkQKV: the Q, K and V parts of a 2304-wide projection are 768
// wide each, whether cut by Split or by Slice (integer Div: 2306/3 = 768;
// in float64 it was 768.67, giving 768, 769 and 767), and each projection
// by P[768, 4] reads its 768 features.
func TestChunkQKV(t *testing.T) {
	for _, sliced := range []bool{false, true} {
		net, err := Import(chunkModel(sliced), Options{})
		if err != nil {
			t.Errorf("slices %v: %v", sliced, err)
			continue
		}
		op := map[bool]string{false: "Split", true: "Slice"}[sliced]
		var parts int
		for _, l := range net.Layers {
			if l.Kind == nn.Digital && l.Op == op {
				parts++
				if l.Out != (nn.Shape{C: 768, H: 2, W: 1}) {
					t.Errorf("%s part %s: %v, want 768x2x1", op, l.Name, l.Out)
				}
			}
		}
		for _, name := range []string{"pq", "pk", "pv"} {
			if l := net.Layer(name); l == nil || l.In[0].C != 768 || l.MACs() != 2*768*4 {
				t.Errorf("%s: %+v", name, l)
			}
		}
		if parts != 3 {
			t.Errorf("%d %s layers, want 3", parts, op)
		}
	}
}

// vitModel is the stem of torchvision's VisionTransformer, as exported:
// a 4x4 patch conv with stride 4 on x[1, 3, 8, 8] gives 2x2 patches of 4
// features, reshaped and transposed to tokens [1, 4, 4]; the class token
// cls[1, 1, 4] is expanded to the batch (torch writes expand(n, -1, -1)
// with Shape, Gather, Unsqueeze, Concat and, for the -1s,
// ConstantOfShape, Mul, Equal, Where), concatenated before the tokens,
// the position embedding added, and a linear layer applied.
func vitModel() []byte {
	n := []pb{
		constPB("Wp", tensorPB("Wp", []int64{4, 3, 4, 4}, fill(4*3*16, 1))),
		constPB("cls", tensorPB("cls", []int64{1, 1, 4}, []float64{1, 2, 3, 4})),
		constPB("pos", tensorPB("pos", []int64{1, 5, 4}, fill(20, 0.25))),
		constPB("Wl", tensorPB("Wl", []int64{4, 6}, fill(24, 1))),
		constPB("flat", int64PB("flat", []int64{3}, 1, 4, -1)),
		constPB("i0", int64PB("i0", nil, 0)),
		constPB("ax0", int64PB("ax0", []int64{1}, 0)),
		constPB("m1", int64PB("m1", []int64{1}, -1)),
		constPB("neg", int64PB("neg", nil, -1)),
		nodePB("Conv", "patch", []string{"x", "Wp"}, []string{"p"}, intsAttr("kernel_shape", 4, 4), intsAttr("strides", 4, 4)),
		nodePB("Reshape", "to_seq", []string{"p", "flat"}, []string{"ps"}),
		nodePB("Transpose", "tokens", []string{"ps"}, []string{"tok"}, intsAttr("perm", 0, 2, 1)),
		nodePB("Shape", "xs", []string{"x"}, []string{"xs"}),
		nodePB("Gather", "batch", []string{"xs", "i0"}, []string{"b"}, intAttr("axis", 0)),
		nodePB("Unsqueeze", "b1", []string{"b", "ax0"}, []string{"b1"}),
		nodePB("Concat", "size", []string{"b1", "m1", "m1"}, []string{"size"}, intAttr("axis", 0)),
		nodePB("Shape", "size_shape", []string{"size"}, []string{"ss"}),
		nodePB("ConstantOfShape", "ones", []string{"ss"}, []string{"ones"}, tensorAttr("value", int64PB("v", []int64{1}, 1))),
		nodePB("Mul", "neg_ones", []string{"ones", "neg"}, []string{"negs"}),
		nodePB("Equal", "is_neg", []string{"size", "negs"}, []string{"eq"}),
		nodePB("Where", "size1", []string{"eq", "ones", "size"}, []string{"sz"}),
		nodePB("Expand", "cls_expand", []string{"cls", "sz"}, []string{"clsb"}),
		nodePB("Concat", "with_cls", []string{"clsb", "tok"}, []string{"seq"}, intAttr("axis", 1)),
		nodePB("Add", "add_pos", []string{"seq", "pos"}, []string{"e"}),
		nodePB("MatMul", "linear", []string{"e", "Wl"}, []string{"y"}),
	}
	return modelPB(n, nil, valueInfoPB("x", 1, 3, 8, 8), valueInfoPB("y", 1, 5, 6))
}

// TestViTClassToken: the class token's Expand folds (it could not), the
// sequence is 5 tokens of 4 features, and the linear layer is a 1x1 conv
// over 5 rows.
func TestViTClassToken(t *testing.T) {
	net, err := Import(vitModel(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"conv2d", "digital:Transpose", "digital:Concat", "digital:Add", "conv2d"}
	if got := kinds(net); !slices.Equal(got, want) {
		t.Fatalf("layers %v, want %v", got, want)
	}
	if cat := net.Layer("with_cls"); cat.Out != (nn.Shape{C: 4, H: 5, W: 1}) || len(cat.Inputs) != 1 {
		t.Errorf("concat: out %v, inputs %v", cat.Out, cat.Inputs)
	}
	if l := net.Layer("linear"); l.In[0] != (nn.Shape{C: 4, H: 5, W: 1}) || l.MACs() != 5*4*6 {
		t.Errorf("linear: in %v, MACs %d", l.In, l.MACs())
	}
}
