// Package nn is cimkit's network description: layers with their
// hyper-parameters, the graph that connects them, and shape inference.
//
// A Network is a list of layers in topological order. Each layer names the
// layers it reads (Inputs); the name "input" (InputName) is the network's
// input tensor, and a layer with no Inputs reads the previous layer (or the
// network input, for the first). All tensors are batch 1, channels-first
// (C, H, W); a dense layer's output is (units, 1, 1).
//
// Conv2D and Dense layers are the ones that run on crossbars. Batch
// normalisation is folded into the preceding conv (the BatchNorm flag keeps
// its parameters in the count), and activations are fused into the layer that
// produces their input (Act). Everything else (pooling, residual Add, Concat,
// Flatten, and the Digital catch-all used by the ONNX reader) runs on the
// cores' digital units.
//
// Infer checks every layer and fills in the shapes; MACs and Params then give
// the work and the weights per layer.
package nn

import (
	"errors"
	"fmt"
)

// InputName is the name by which layers refer to the network input.
const InputName = "input"

// Kind says what a layer computes.
type Kind string

// The layer kinds.
const (
	Conv2D        Kind = "conv2d"        // 2-D convolution, grouped and depthwise included
	Dense         Kind = "dense"         // fully connected layer (implicitly flattens its input)
	MaxPool       Kind = "maxpool"       // max pooling
	AvgPool       Kind = "avgpool"       // average pooling
	GlobalAvgPool Kind = "globalavgpool" // average over H and W, to (C, 1, 1)
	Add           Kind = "add"           // element-wise sum of inputs of equal shape (residual)
	Concat        Kind = "concat"        // concatenation along channels
	Flatten       Kind = "flatten"       // (C, H, W) to (C*H*W, 1, 1)
	Activation    Kind = "activation"    // a stand-alone activation (Act)
	Digital       Kind = "digital"       // any other operator, run on the digital units (Op names it)
)

// Act is an activation function applied to a layer's output.
type Act string

// The activations.
const (
	ActNone      Act = ""
	ActReLU      Act = "relu"
	ActReLU6     Act = "relu6"
	ActSigmoid   Act = "sigmoid"
	ActHardSwish Act = "hardswish"
	ActHardSigm  Act = "hardsigmoid"
	ActLeakyReLU Act = "leakyrelu"
	ActSiLU      Act = "silu" // x*sigmoid(x) (swish)
	ActGELU      Act = "gelu" // x*(1+erf(x/sqrt(2)))/2
)

// Shape is a batch-1 tensor shape, channels first.
type Shape struct {
	C, H, W int
}

// Elems is the number of elements.
func (s Shape) Elems() int64 { return int64(s.C) * int64(s.H) * int64(s.W) }

// String writes the shape as CxHxW, e.g. "3x224x224".
func (s Shape) String() string { return fmt.Sprintf("%dx%dx%d", s.C, s.H, s.W) }

// Layer is one operation of a network. Which fields matter depends on Kind:
// kernel, stride, padding and dilation for Conv2D and the pools; Filters and
// Groups for Conv2D; Filters for Dense.
type Layer struct {
	Name   string
	Kind   Kind
	Inputs []string // producers, by name; empty means the previous layer

	KernelH, KernelW     int // kernel size (Conv2D, pools)
	StrideH, StrideW     int // stride; 0 means 1
	PadTop, PadBottom    int // zero padding (implicit -inf for MaxPool)
	PadLeft, PadRight    int
	DilationH, DilationW int  // dilation; 0 means 1
	CeilMode             bool // pools: round the output size up (as PyTorch ceil_mode)
	Groups               int  // Conv2D: groups; 0 means 1; equal to input channels for depthwise
	Filters              int  // Conv2D output channels, Dense units
	Bias                 bool // the layer has a bias vector
	BatchNorm            bool // a batch norm (gamma, beta) was folded into this layer
	Act                  Act  // activation fused on the output

	Op       string // Digital: the operator's name (e.g. "Resize", "Softmax")
	OutShape Shape  // Digital: the output shape, when it differs from the first input's

	// Operator, when set (ONNX imports: Digital layers and the pools), gives
	// the node's attributes and operands, for executors.
	Operator *Operator
	// Dims, when set (ONNX imports), are the ONNX dims of the tensor that the
	// layer's output holds, batch included; TensorOrder relates them to the
	// (C, H, W) output.
	Dims []int64

	// Weights and BiasValues optionally hold real parameters (from an ONNX
	// file): Weights in (Filters, C/Groups, KernelH, KernelW) order.
	Weights    []float64
	BiasValues []float64

	// Filled in by Network.Infer.
	In  []Shape
	Out Shape
}

// Network is a model: an input shape and layers in topological order.
type Network struct {
	Name   string
	Input  Shape
	Layers []*Layer
	// InputDims, when set (ONNX imports), are the ONNX dims of the input
	// tensor, batch included (see TensorOrder).
	InputDims []int64
	// Output, when set (ONNX imports), names the layer that holds the
	// network's (first) output, and OutputDims are that output's ONNX dims
	// (a reshaped view of the layer's Dims, same elements in row-major
	// order). Otherwise the output is the last layer's.
	Output     string
	OutputDims []int64
}

// OnCrossbar reports whether the layer's weights are mapped onto crossbars.
func (l *Layer) OnCrossbar() bool { return l.Kind == Conv2D || l.Kind == Dense }

func orOne(v int) int {
	if v == 0 {
		return 1
	}
	return v
}

// Stride returns the effective strides (0 read as 1).
func (l *Layer) Stride() (h, w int) { return orOne(l.StrideH), orOne(l.StrideW) }

// Dilation returns the effective dilations (0 read as 1).
func (l *Layer) Dilation() (h, w int) { return orOne(l.DilationH), orOne(l.DilationW) }

// GroupCount returns the effective number of groups (0 read as 1).
func (l *Layer) GroupCount() int { return orOne(l.Groups) }

// Depthwise reports whether a Conv2D has one input channel per group.
func (l *Layer) Depthwise() bool {
	return l.Kind == Conv2D && len(l.In) > 0 && l.GroupCount() > 1 && l.GroupCount() == l.In[0].C
}

// Im2col returns the shape of the layer's weight matrix as it is laid on
// crossbars: rows = KernelH*KernelW*C/Groups per group, cols = Filters/Groups
// per group, and the number of output vectors (output pixels; 1 for Dense).
// For Groups > 1 the whole matrix is block diagonal with Groups blocks of
// that size. Only valid after Infer, for Conv2D and Dense.
func (l *Layer) Im2col() (rowsPerGroup, colsPerGroup, groups, vectors int) {
	switch l.Kind {
	case Conv2D:
		g := l.GroupCount()
		return l.KernelH * l.KernelW * l.In[0].C / g, l.Filters / g, g, l.Out.H * l.Out.W
	case Dense:
		return int(l.In[0].Elems()), l.Filters, 1, 1
	}
	return 0, 0, 0, 0
}

// MACs is the number of multiply-accumulates of one inference on the
// crossbars (0 for layers that do not multiply by weights; a product of two
// computed tensors on the digital units is counted by DigitalMACs).
func (l *Layer) MACs() int64 {
	if !l.OnCrossbar() {
		return 0
	}
	r, c, g, n := l.Im2col()
	return int64(r) * int64(c) * int64(g) * int64(n)
}

// Params is the number of trainable parameters: weights, bias, and the
// folded batch norm's scale and shift (as PyTorch counts them).
func (l *Layer) Params() int64 {
	if !l.OnCrossbar() {
		return 0
	}
	r, c, g, _ := l.Im2col()
	p := int64(r) * int64(c) * int64(g)
	if l.Bias {
		p += int64(l.Filters)
	}
	if l.BatchNorm {
		p += 2 * int64(l.Filters)
	}
	return p
}

// MACs is the network's total of multiply-accumulates on the crossbars
// (DigitalMACs adds the digital units' matrix products).
func (n *Network) MACs() int64 {
	var s int64
	for _, l := range n.Layers {
		s += l.MACs()
	}
	return s
}

// Params is the network's total of trainable parameters.
func (n *Network) Params() int64 {
	var s int64
	for _, l := range n.Layers {
		s += l.Params()
	}
	return s
}

// Layer returns the layer with the given name, or nil.
func (n *Network) Layer(name string) *Layer {
	for _, l := range n.Layers {
		if l.Name == name {
			return l
		}
	}
	return nil
}

// CrossbarLayers returns the Conv2D and Dense layers, in order.
func (n *Network) CrossbarLayers() []*Layer {
	var out []*Layer
	for _, l := range n.Layers {
		if l.OnCrossbar() {
			out = append(out, l)
		}
	}
	return out
}

// Limits on what Infer accepts, so that hostile or mistyped input cannot ask
// for absurd amounts of memory or time further down.
const (
	MaxDim    = 1 << 16 // largest H, W, C, kernel, stride, padding or filter count
	MaxLayers = 1 << 16 // most layers in a network
	MaxElems  = 1 << 31 // largest tensor, in elements
)

// ErrInvalid is wrapped by every error Infer returns.
var ErrInvalid = errors.New("invalid network")

func invalid(l *Layer, format string, a ...any) error {
	return fmt.Errorf("%w: layer %q (%s): %s", ErrInvalid, l.Name, l.Kind, fmt.Sprintf(format, a...))
}
