// Package onnx reads ONNX model files into cimkit networks (nn.Network), so
// that trained models exported from PyTorch, TensorFlow or Paddle can be
// mapped and simulated like the built-in zoo.
//
// # Reader
//
// Decode parses the parts of ModelProto, GraphProto, NodeProto,
// AttributeProto, TensorProto and ValueInfoProto that cimkit needs, directly
// from the protobuf wire format (google.golang.org/protobuf/encoding/protowire;
// no generated code). Tensor values are decoded on demand (Tensor.Values)
// from raw_data or the typed fields (float, double, int32/int64 with the
// 8/16-bit and float16/bfloat16 types, uint64). Weights come from
// initializers, Constant nodes, or graph inputs given in Options.Constants.
//
// Values are decoded only when the conversion needs them: with
// Options.SkipWeights the weights are never decoded (nor moved: folds on
// constants are evaluated on first use), and ImportFile reads the file's
// structure and leaves large initializers' data in the file until they are
// decoded, so a shapes-only import of a 553 MB VGG-16 allocates about
// 300 KB (BenchmarkImportVGG16).
//
// Limits (DefaultLimits) bound the file size (2 GiB, protobuf's limit),
// the number of nodes, the elements of one tensor and of all constants,
// sub-graph nesting and tensor rank, and are checked before anything is
// allocated. Truncated data, wrong
// wire types, protobuf groups, huge dims, graph cycles and external-data
// tensors are errors wrapping ErrFormat, never a panic.
//
// # Conversion
//
// Network (and Import, ImportFile) turns the graph into an inferred
// nn.Network of batch 1. Each ONNX tensor computed by the network is held in
// one nn layer's output with a (C, H, W) shape:
//
//   - rank 4 and above ([N, C, H, W] images; N = 1): C is the product of
//     all but the last two dims, H and W the last two;
//   - rank 3 and below ([N, T, D] sequences, [N, D] vectors): C is the last
//     dim (features), H the product of the other dims (tokens), W = 1.
//
// Reshape, Flatten, Squeeze, Unsqueeze, Identity and Dropout move no data
// and add no layer; a layer that needs another (C, H, W) view of its input
// gets a Flatten or a Digital "Reshape" layer inserted (named
// "<node>.relayout"). Operators map as follows:
//
//   - Conv (group, pads, strides, dilations, auto_pad): Conv2D with the
//     real weights. ConvTranspose: a Digital "ZeroInsert" layer (StrideH-1
//     and StrideW-1 zeros between input pixels, PadTop.. zero borders),
//     then a stride-1 Conv2D with the flipped, transposed kernel: the same
//     result, computed on crossbars. ConvInteger and QLinearConv: Conv2D
//     with the dequantized weights ((w - zero point) * scale); activation
//     scales and zero points (requantisation) are not modelled.
//   - Gemm, and MatMul by a constant 2-D matrix: Dense for one row, else a
//     1x1 Conv2D over the rows (tokens). MatMul of two computed tensors
//     (attention) is a Digital "MatMul", whose multiply-accumulates
//     nn.Layer.DigitalMACs counts.
//   - BatchNormalization after a Conv2D (its only reader): folded into the
//     weights and bias, BatchNorm set; elsewhere Digital.
//   - Add, Sub, Mul, Div with a constant that is one value or one per output
//     channel, after a Conv2D/Dense read by nothing else: folded into its
//     bias or weights. Add of two computed tensors of equal dims: Add. Other
//     element-wise operations: Digital.
//   - Relu, Clip (0..6 is ReLU6, 0..inf ReLU), Sigmoid, HardSwish,
//     HardSigmoid (alpha 1/6, beta 0.5), LeakyRelu (alpha 0.01): fused
//     into a Conv2D, Dense or Add that nothing else reads, else an
//     Activation layer; other parameters give a Digital layer. Activations
//     written out are one activation: x*Sigmoid(x) is SiLU; x*HardSigmoid(x)
//     (PyTorch below opset 14) and x*Clip(x+3, 0, 6)/6 in any order of the
//     product and the division (Paddle, hand-written) are HardSwish;
//     x*0.5*(1+Erf(x/sqrt(2))) is GELU. A product of an activation with
//     another tensor (a squeeze-and-excitation gate) stays a Digital Mul.
//   - MaxPool, AveragePool, GlobalAveragePool: the pooling kinds; Concat of
//     images on channels: Concat; Resize, Transpose (when it moves data),
//     Slice, Softmax, Reduce*, Pad, GlobalMaxPool, Gather, Expand, Tile,
//     DepthToSpace, SpaceToDepth, ArgMax/ArgMin, ScatterND, ScatterElements,
//     Trilu, CumSum, GatherElements (each with its output dims computed),
//     Split (one Digital layer per used output), and every other
//     operator: Digital layers with Op set to the operator type, executed on
//     the digital units. MaxPool and AveragePool over other than 2 spatial
//     dims are Digital too. An unknown operator's output dims come from the
//     graph's value_info when given, else from broadcasting its inputs
//     (right for element-wise operators).
//   - Operators whose inputs are all constant are evaluated at import
//     (constant folding): shape arithmetic (Shape with start/end, Size,
//     Gather, Concat, Slice with steps, Reshape, Squeeze and Unsqueeze in
//     both opset forms, Transpose, Cast, CastLike, Range,
//     ConstantOfShape, Expand, Tile, Split), masks and indices (Where,
//     Equal, Less, Greater, LessOrEqual, GreaterOrEqual, Not, And, Or,
//     Xor, Trilu, ScatterND, CumSum, IsNaN, IsInf), element-wise math
//     (Add, Sub, Mul, Div, Mod, Pow, Sum, Mean, Min, Max, BitShift,
//     Bitwise*, Neg, Abs, Sign, Relu, Sqrt, Exp, Log, Floor, Ceil, Round,
//     Reciprocal, Sigmoid, Erf, Tanh, Sin, Cos, Softplus), Reduce{Sum,
//     Prod,Max,Min,Mean} and DequantizeLinear (weights of QDQ models).
//     Values keep their ONNX element type and its semantics, as ONNX
//     Runtime computes them: integers are exact (int64 beyond 2^53
//     included), integer Div truncates toward zero (PyTorch's chunk(3) of
//     2304 is (2304+2)/3 = 768), Mod takes the divisor's sign unless
//     fmod=1, arithmetic wraps modulo the type's width (int8 127+1 is
//     -128, the negation of the most negative value is itself), uint64 is
//     unsigned, BitShift is logical; float, float16 and bfloat16 results
//     are rounded to their type; Cast truncates toward zero into integer
//     types and wraps between them. What ONNX leaves undefined (integer
//     division by zero, 0 to a negative power, a Cast of NaN or of a
//     value out of the target's range) is refused, naming the node. Shape
//     of a computed tensor is a constant too, since every dim is known.
//
// A graph that cannot be built (control flow, weights computed at run
// time, an operator on constants that cimkit cannot evaluate, several used
// outputs of a digital operator) gives an error wrapping ErrUnsupported
// that lists the operator types and node names.
//
// Symbolic input dims (dynamic H and W) take Options.InputH and InputW; the
// batch dim is 1. Options.Warn is told when the file fixes the input size,
// so that InputH and InputW are not used.
package onnx
