package infer

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/cimkit/cimkit/cim/nn"
	"github.com/cimkit/cimkit/internal/onnxshape"
)

// opCall is one digital operator applied to its operands.
type opCall struct {
	l    *nn.Layer
	op   *nn.Operator
	args []*tensor // real values in ONNX row-major order; nil for omitted inputs
	out  []int64   // the output dims the importer computed (l.Dims)
}

// arg returns operand i, or nil when it is omitted or absent.
func (c *opCall) arg(i int) *tensor {
	if i < len(c.args) {
		return c.args[i]
	}
	return nil
}

// present returns the operands that are present (an optional input may
// be left out), or an error when there is none.
func (c *opCall) present() ([]*tensor, error) {
	var ins []*tensor
	for _, t := range c.args {
		if t != nil {
			ins = append(ins, t)
		}
	}
	if len(ins) == 0 {
		return nil, fmt.Errorf("no inputs")
	}
	return ins, nil
}

// need returns operand i or an error naming it.
func (c *opCall) need(i int) (*tensor, error) {
	if t := c.arg(i); t != nil {
		return t, nil
	}
	return nil, fmt.Errorf("input %d is missing", i)
}

// ints returns operand i (a constant) as integers, or attribute name for
// older operator sets; nil when neither is given.
func (c *opCall) ints(i int, name string) []int64 {
	if t := c.arg(i); t != nil {
		out := make([]int64, len(t.v))
		for k, x := range t.v {
			switch {
			case x >= math.MaxInt64/2:
				out[k] = math.MaxInt64 / 2
			case x <= math.MinInt64/2:
				out[k] = math.MinInt64 / 2
			default:
				out[k] = int64(x)
			}
		}
		return out
	}
	return c.op.Ints(name)
}

// opFn computes one operator. Its first input (and its second, for the
// operators in binaryInputs) is present: check checked it.
type opFn func(c *opCall) (*tensor, error)

// binaryInputs are the operators whose first two inputs are required.
var binaryInputs = map[string]bool{"MatMul": true, "Gemm": true, "Gather": true}

// check reports a required input that is missing.
func (c *opCall) check() error {
	n := 1
	if binaryInputs[c.l.Op] {
		n = 2
	}
	for i := 0; i < n; i++ {
		if _, err := c.need(i); err != nil {
			return err
		}
	}
	return nil
}

// ops lists the digital operators the executor implements, by ONNX type
// (the reference implementations follow the ONNX operator specification).
var ops map[string]opFn

func init() {
	ops = map[string]opFn{
		"Add": broadcastOp(func(a, b float64) float64 { return a + b }), "Sub": broadcastOp(func(a, b float64) float64 { return a - b }),
		"Mul": broadcastOp(func(a, b float64) float64 { return a * b }), "Div": broadcastOp(func(a, b float64) float64 { return a / b }),
		"Pow": broadcastOp(math.Pow), "Max": broadcastOp(math.Max), "Min": broadcastOp(math.Min),
		"Sum": broadcastOp(func(a, b float64) float64 { return a + b }), "Mean": mean,
		"PRelu": broadcastOp(func(x, s float64) float64 { return prelu(x, s) }),
		"Clip":  clip, "BatchNormalization": batchNorm,
		"Softmax": softmax, "LogSoftmax": softmax,
		"ReduceMean": reduce, "ReduceSum": reduce, "ReduceMax": reduce, "ReduceMin": reduce,
		"ReduceProd": reduce, "ReduceL2": reduce, "ReduceL1": reduce, "ReduceSumSquare": reduce,
		"ArgMax": argReduce, "ArgMin": argReduce,
		"MatMul": matmul, "Gemm": gemm,
		"Transpose": transpose, "Slice": slice, "Concat": concat, "Split": split, "Reshape": reshape,
		"Gather": gather, "Expand": expand, "Tile": tile, "Pad": pad,
		"DepthToSpace": depthSpace, "SpaceToDepth": depthSpace,
		"GlobalMaxPool": globalPool, "GlobalAveragePool": globalPool,
		"Resize": resize, "Upsample": resize, "ZeroInsert": zeroInsert,
	}
	for name := range unaryOps {
		ops[name] = unary
	}
}

// Operators lists the digital operators the executor implements, sorted.
func Operators() []string {
	names := make([]string, 0, len(ops))
	for n := range ops {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ErrOperator is wrapped by the error for a digital operator that the
// executor does not implement (or cannot run with the given attributes).
var ErrOperator = fmt.Errorf("operator not supported by the inference executor")

// unsupported names the operator and layer.
func unsupported(l *nn.Layer, format string, a ...any) error {
	return fmt.Errorf("%w: layer %q: %s %s", ErrOperator, l.Name, l.Op, fmt.Sprintf(format, a...))
}

func prelu(x, s float64) float64 {
	if x < 0 {
		return x * s
	}
	return x
}

// unaryOps are the element-wise operators of one input (attributes read
// by unaryFn).
var unaryOps = map[string]bool{
	"Relu": true, "Sigmoid": true, "Tanh": true, "Exp": true, "Log": true, "Sqrt": true, "Abs": true,
	"Neg": true, "Reciprocal": true, "Erf": true, "Floor": true, "Ceil": true, "Round": true, "Sign": true,
	"Identity": true, "Dropout": true, "HardSigmoid": true, "HardSwish": true, "LeakyRelu": true, "Elu": true,
	"Selu": true, "Softplus": true, "Softsign": true, "Gelu": true, "Sin": true, "Cos": true, "Mish": true,
	"Celu": true, "ThresholdedRelu": true,
}

// unaryFn returns the function of unary operator c.l.Op with its
// attributes (defaults from the ONNX specification).
func unaryFn(c *opCall) func(float64) float64 {
	o := c.op
	switch c.l.Op {
	case "Relu":
		return func(x float64) float64 { return math.Max(x, 0) }
	case "Sigmoid":
		return sigmoid
	case "Tanh":
		return math.Tanh
	case "Exp":
		return math.Exp
	case "Log":
		return math.Log
	case "Sqrt":
		return math.Sqrt
	case "Abs":
		return math.Abs
	case "Neg":
		return func(x float64) float64 { return -x }
	case "Reciprocal":
		return func(x float64) float64 { return 1 / x }
	case "Erf":
		return math.Erf
	case "Floor":
		return math.Floor
	case "Ceil":
		return math.Ceil
	case "Round":
		return math.RoundToEven
	case "Sign":
		return func(x float64) float64 { return float64(sign(x)) }
	case "HardSigmoid":
		alpha, beta := o.Float("alpha", 0.2), o.Float("beta", 0.5)
		return func(x float64) float64 { return math.Max(0, math.Min(1, alpha*x+beta)) }
	case "HardSwish":
		return func(x float64) float64 { return x * math.Max(0, math.Min(1, x/6+0.5)) }
	case "LeakyRelu":
		alpha := o.Float("alpha", 0.01)
		return func(x float64) float64 { return prelu(x, alpha) }
	case "Elu", "Celu":
		alpha := o.Float("alpha", 1)
		div := 1.0 // Elu: alpha*(exp(x)-1) below 0; Celu: alpha*(exp(x/alpha)-1)
		if c.l.Op == "Celu" {
			div = alpha
		}
		return func(x float64) float64 {
			if x < 0 {
				return alpha * (math.Exp(x/div) - 1)
			}
			return x
		}
	case "Selu":
		alpha, gamma := o.Float("alpha", 1.67326319217681884765625), o.Float("gamma", 1.05070102214813232421875)
		return func(x float64) float64 {
			if x <= 0 {
				return gamma * alpha * (math.Exp(x) - 1)
			}
			return gamma * x
		}
	case "Softplus":
		return func(x float64) float64 { return math.Log1p(math.Exp(x)) }
	case "Softsign":
		return func(x float64) float64 { return x / (1 + math.Abs(x)) }
	case "Gelu":
		if o.Str("approximate", "none") == "tanh" {
			return func(x float64) float64 {
				return 0.5 * x * (1 + math.Tanh(math.Sqrt(2/math.Pi)*(x+0.044715*x*x*x)))
			}
		}
		return func(x float64) float64 { return 0.5 * x * (1 + math.Erf(x/math.Sqrt2)) }
	case "Sin":
		return math.Sin
	case "Cos":
		return math.Cos
	case "Mish":
		return func(x float64) float64 { return x * math.Tanh(math.Log1p(math.Exp(x))) }
	case "ThresholdedRelu":
		alpha := o.Float("alpha", 1)
		return func(x float64) float64 { return x * b2f(x > alpha) }
	}
	return func(x float64) float64 { return x } // Identity, Dropout (inference)
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

func sign(x float64) int {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func unary(c *opCall) (*tensor, error) {
	x := c.args[0]
	f := unaryFn(c)
	out := &tensor{dims: x.dims, v: make([]float64, len(x.v))}
	for i, v := range x.v {
		out.v[i] = f(v)
	}
	return out, nil
}

// broadcastOp is an element-wise operator of two or more inputs with
// multidirectional broadcasting, folded left to right.
func broadcastOp(f func(a, b float64) float64) opFn {
	return func(c *opCall) (*tensor, error) {
		ins, err := c.present()
		if err != nil {
			return nil, err
		}
		acc := ins[0]
		for _, b := range ins[1:] {
			if acc, err = zip(acc, b, f); err != nil {
				return nil, err
			}
		}
		return acc, nil
	}
}

// zip applies f element-wise to a and b broadcast together.
func zip(a, b *tensor, f func(a, b float64) float64) (*tensor, error) {
	dims, err := onnxshape.Broadcast(a.dims, b.dims)
	if err != nil {
		return nil, err
	}
	out := &tensor{dims: dims, v: make([]float64, onnxshape.Elems(dims))}
	ba, bb := onnxshape.NewBroadcaster(dims, a.dims), onnxshape.NewBroadcaster(dims, b.dims)
	for i := range out.v {
		out.v[i] = f(a.v[ba.Index(int64(i))], b.v[bb.Index(int64(i))])
	}
	return out, nil
}

func mean(c *opCall) (*tensor, error) {
	s, err := broadcastOp(func(a, b float64) float64 { return a + b })(c)
	if err != nil {
		return nil, err
	}
	n := 0
	for _, t := range c.args {
		if t != nil {
			n++
		}
	}
	for i := range s.v {
		s.v[i] /= float64(n)
	}
	return s, nil
}

// clip bounds x by min and max: inputs 1 and 2 (opset 11 on) or the
// attributes (before).
func clip(c *opCall) (*tensor, error) {
	x := c.args[0]
	lo, hi := c.op.Float("min", math.Inf(-1)), c.op.Float("max", math.Inf(1))
	for i, b := range []*float64{&lo, &hi} {
		if t := c.arg(i + 1); t != nil {
			if len(t.v) != 1 {
				return nil, fmt.Errorf("bound %d has %d values, want 1", i+1, len(t.v))
			}
			*b = t.v[0]
		}
	}
	out := &tensor{dims: x.dims, v: make([]float64, len(x.v))}
	for i, v := range x.v {
		out.v[i] = math.Min(math.Max(v, lo), hi)
	}
	return out, nil
}

// batchNorm is inference batch normalisation over axis 1:
// y = (x - mean) / sqrt(var + epsilon) * scale + B.
func batchNorm(c *opCall) (*tensor, error) {
	x := c.args[0]
	if len(x.dims) < 2 {
		return nil, fmt.Errorf("input dims %v: want [N, C, ...]", x.dims)
	}
	ch := x.dims[1]
	var p [4][]float64
	for i := range p {
		t, err := c.need(i + 1)
		if err != nil {
			return nil, err
		}
		if int64(len(t.v)) != ch {
			return nil, fmt.Errorf("parameter %d has %d values, want %d", i+1, len(t.v), ch)
		}
		p[i] = t.v
	}
	eps := c.op.Float("epsilon", 1e-5)
	inner := onnxshape.Elems(x.dims[2:])
	out := &tensor{dims: x.dims, v: make([]float64, len(x.v))}
	for i, v := range x.v {
		k := int64(i) / inner % ch
		out.v[i] = (v-p[2][k])/math.Sqrt(p[3][k]+eps)*p[0][k] + p[1][k]
	}
	return out, nil
}

// softmax computes Softmax or LogSoftmax. From operator set 13 on it
// normalises along one axis (default -1); before, the input is seen as a
// matrix [product of dims before axis, product of the rest] (default axis
// 1) and each row is normalised.
func softmax(c *opCall) (*tensor, error) {
	x := c.args[0]
	r := len(x.dims)
	def := int64(-1)
	if c.op.Opset != 0 && c.op.Opset < 13 {
		def = 1
	}
	ax, err := onnxshape.Axis(c.op.Int("axis", def), max(r, 1))
	if err != nil {
		return nil, err
	}
	var outer, n, inner int64
	if def == 1 {
		outer, n, inner = onnxshape.Elems(x.dims[:ax]), onnxshape.Elems(x.dims[ax:]), 1
	} else {
		outer, n, inner = onnxshape.Elems(x.dims[:ax]), x.dims[ax], onnxshape.Elems(x.dims[ax+1:])
	}
	out := &tensor{dims: x.dims, v: make([]float64, len(x.v))}
	log := c.l.Op == "LogSoftmax"
	for o := int64(0); o < outer; o++ {
		for in := int64(0); in < inner; in++ {
			base := o*n*inner + in
			m := math.Inf(-1)
			for k := int64(0); k < n; k++ {
				m = math.Max(m, x.v[base+k*inner])
			}
			var s float64
			for k := int64(0); k < n; k++ {
				s += math.Exp(x.v[base+k*inner] - m)
			}
			for k := int64(0); k < n; k++ {
				i := base + k*inner
				if log {
					out.v[i] = x.v[i] - m - math.Log(s)
				} else {
					out.v[i] = math.Exp(x.v[i]-m) / s
				}
			}
		}
	}
	return out, nil
}

// reduceAxes reads the axes (attribute, or input 1 in newer operator sets)
// and returns a flag per axis; no axes means all, unless
// noop_with_empty_axes.
func reduceAxes(c *opCall, rank int) ([]bool, error) {
	axes := c.ints(1, "axes")
	red := make([]bool, rank)
	if len(axes) == 0 {
		if c.op.Int("noop_with_empty_axes", 0) != 0 {
			return red, nil
		}
		for i := range red {
			red[i] = true
		}
		return red, nil
	}
	for _, a := range axes {
		i, err := onnxshape.Axis(a, rank)
		if err != nil {
			return nil, err
		}
		red[i] = true
	}
	return red, nil
}

// reduce computes the Reduce* operators over the chosen axes.
func reduce(c *opCall) (*tensor, error) {
	x := c.args[0]
	red, err := reduceAxes(c, len(x.dims))
	if err != nil {
		return nil, err
	}
	kept := make([]int64, len(x.dims)) // dims with reduced axes set to 1
	var dims []int64
	for i, d := range x.dims {
		kept[i] = d
		if red[i] {
			kept[i] = 1
		}
		if !red[i] || c.op.Int("keepdims", 1) != 0 {
			dims = append(dims, kept[i])
		}
	}
	n := onnxshape.Elems(kept)
	init, step, fin := reducer(c.l.Op, float64(onnxshape.Elems(x.dims)/max(n, 1)))
	acc := make([]float64, n)
	for i := range acc {
		acc[i] = init
	}
	b := onnxshape.NewBroadcaster(x.dims, kept) // maps an input index to its output cell
	for i, v := range x.v {
		j := b.Index(int64(i))
		acc[j] = step(acc[j], v)
	}
	for i := range acc {
		acc[i] = fin(acc[i])
	}
	return &tensor{dims: dims, v: acc}, nil
}

// reducer returns the start value, the accumulation and the final step of
// Reduce op over count elements per output.
func reducer(op string, count float64) (float64, func(a, x float64) float64, func(a float64) float64) {
	id := func(a float64) float64 { return a }
	sum := func(a, x float64) float64 { return a + x }
	switch op {
	case "ReduceMean":
		return 0, sum, func(a float64) float64 { return a / count }
	case "ReduceMax":
		return math.Inf(-1), math.Max, id
	case "ReduceMin":
		return math.Inf(1), math.Min, id
	case "ReduceProd":
		return 1, func(a, x float64) float64 { return a * x }, id
	case "ReduceL2":
		return 0, func(a, x float64) float64 { return a + x*x }, math.Sqrt
	case "ReduceL1":
		return 0, func(a, x float64) float64 { return a + math.Abs(x) }, id
	case "ReduceSumSquare":
		return 0, func(a, x float64) float64 { return a + x*x }, id
	}
	return 0, sum, id // ReduceSum
}

// argReduce computes ArgMax and ArgMin along one axis.
func argReduce(c *opCall) (*tensor, error) {
	x := c.args[0]
	ax, err := onnxshape.Axis(c.op.Int("axis", 0), len(x.dims))
	if err != nil {
		return nil, err
	}
	outer, n, inner := onnxshape.Elems(x.dims[:ax]), x.dims[ax], onnxshape.Elems(x.dims[ax+1:])
	last := c.op.Int("select_last_index", 0) != 0
	better := func(v, best float64) bool {
		if c.l.Op == "ArgMin" {
			v, best = -v, -best
		}
		return v > best || (last && v == best)
	}
	dims := slices.Clone(x.dims)
	dims[ax] = 1
	if c.op.Int("keepdims", 1) == 0 {
		dims = slices.Delete(dims, ax, ax+1)
	}
	out := &tensor{dims: dims, v: make([]float64, outer*inner)}
	for o := int64(0); o < outer; o++ {
		for in := int64(0); in < inner; in++ {
			base := o*n*inner + in
			k := int64(0)
			for j := int64(1); j < n; j++ {
				if better(x.v[base+j*inner], x.v[base+k*inner]) {
					k = j
				}
			}
			out.v[o*inner+in] = float64(k)
		}
	}
	return out, nil
}

// listOps writes the implemented operators for messages.
func listOps() string { return strings.Join(Operators(), ", ") }
