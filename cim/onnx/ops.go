package onnx

import (
	"maps"
	"slices"

	"github.com/cimkit/cimkit/cim/nn"
	"github.com/cimkit/cimkit/internal/onnxshape"
)

// opFn converts a node whose first computed input is x.
type opFn func(c *converter, n *Node, x *value) error

// ops maps the operator types that have their own conversion (the rest
// become Digital layers). It is filled in init: its functions reach ops
// again through converter.node.
var ops map[string]opFn

func init() {
	ops = map[string]opFn{
		"Conv": (*converter).conv, "ConvTranspose": (*converter).convTranspose,
		"ConvInteger": (*converter).quantConv, "QLinearConv": (*converter).quantConv,
		"Gemm": (*converter).gemm, "MatMul": (*converter).matmul,
		"BatchNormalization": (*converter).batchNorm,
		"Relu":               (*converter).activation, "Clip": (*converter).activation,
		"LeakyRelu": (*converter).activation, "Sigmoid": (*converter).activation,
		"HardSigmoid": (*converter).activation, "HardSwish": (*converter).activation,
		"Add": (*converter).elementwise, "Sub": (*converter).elementwise,
		"Mul": (*converter).elementwise, "Div": (*converter).elementwise,
		"MaxPool": (*converter).pool, "AveragePool": (*converter).pool,
		"GlobalAveragePool": (*converter).globalPool,
		"Concat":            (*converter).concat, "Resize": (*converter).resize, "Upsample": (*converter).resize,
		"Flatten": (*converter).reshapeLike, "Reshape": (*converter).reshapeLike,
		"Squeeze": (*converter).reshapeLike, "Unsqueeze": (*converter).reshapeLike,
		"Identity": (*converter).reshapeLike, "Dropout": (*converter).reshapeLike,
		"Transpose": (*converter).transpose, "Slice": (*converter).slice,
		"ReduceMean": (*converter).reduce, "ReduceSum": (*converter).reduce,
		"ReduceMax": (*converter).reduce, "ReduceMin": (*converter).reduce,
		"ReduceProd": (*converter).reduce, "ReduceL2": (*converter).reduce,
	}
	maps.Copy(ops, shapeOps())
}

// Operators that need sub-graphs or produce sequences: cimkit cannot build
// a network through them.
var refused = map[string]bool{"If": true, "Loop": true, "Scan": true, "SequenceConstruct": true, "SplitToSequence": true}

// node converts one node.
func (c *converter) node(n *Node) error {
	if n.OpType == "Constant" {
		return c.constant(n)
	}
	if c.skip[n] {
		return nil // part of a pattern handled at its first node
	}
	if refused[n.OpType] {
		c.problem(n, "control flow and sequence operators are not supported")
		return nil
	}
	for _, in := range n.Inputs {
		if in != "" && c.vals[in] == nil {
			return nil // downstream of a node already reported
		}
	}
	dyn := c.dynamicInputs(n)
	if len(dyn) == 0 {
		return c.fold(n)
	}
	if n.OpType == "Shape" {
		return c.setKonst(n, shapeOf(n, dyn[0].dims))
	}
	if n.OpType == "Size" {
		return c.setKonst(n, scalarInt(onnxshape.Elems(dyn[0].dims)))
	}
	if f, ok := ops[n.OpType]; ok && (n.Domain == "" || n.Domain == "ai.onnx") {
		return f(c, n, dyn[0])
	}
	return c.digital(n, nil)
}

// digital adds the node as a Digital layer (Op = its type) over its
// computed inputs. dims are its output dims; nil takes them from the graph's
// value_info or, failing that, broadcasts the inputs (element-wise ops).
func (c *converter) digital(n *Node, dims []int64) error {
	dyn := c.dynamicInputs(n)
	if dims == nil {
		dims = c.info[first(n.Outputs)]
		if dims == nil || slices.Contains(dims, -1) || (len(dims) > 0 && dims[0] != 1 && len(dims) == len(dyn[0].dims) && dyn[0].dims[0] == 1) {
			dims = c.broadcastInputs(n, dyn[0].dims)
		}
	}
	if used := c.usedOutputs(n); used > 1 {
		c.problem(n, "%d of its outputs are used; cimkit layers have one output", used)
		return nil
	}
	shape, err := canon(dims)
	if err != nil {
		c.problem(n, "output %v", err)
		return nil
	}
	l := &nn.Layer{Name: c.layerName(n, ""), Kind: nn.Digital, Op: n.OpType, OutShape: shape}
	for _, v := range dyn {
		if !slices.Contains(l.Inputs, v.name) {
			l.Inputs = append(l.Inputs, v.name)
		}
	}
	c.operator(n, l)
	return c.add(n, l, dims, shape)
}

// broadcastInputs broadcasts dims with the dims of every input (computed
// or constant) that broadcasts with them: the output of an element-wise
// operator.
func (c *converter) broadcastInputs(n *Node, dims []int64) []int64 {
	for i := range n.Inputs {
		v := c.in(n, i)
		if v == nil {
			continue
		}
		if b, err := onnxshape.Broadcast(dims, v.tensorDims()); err == nil && onnxshape.Elems(b) <= nn.MaxElems {
			dims = b
		}
	}
	return dims
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// usedOutputs counts the node's outputs that are used (the first always
// counts).
func (c *converter) usedOutputs(n *Node) int {
	k := 0
	for i, o := range n.Outputs {
		if o != "" && (i == 0 || c.uses[o] > 0) {
			k++
		}
	}
	return k
}

// fusable reports whether v's producer is a layer of one of the kinds,
// without an activation, and v has no other reader, so that an operation
// on v can be folded into it.
func (c *converter) fusable(name string, kinds ...nn.Kind) bool {
	return c.fusableUses(name, 1, kinds...)
}

// fusableUses is fusable for a value that the fused operation reads uses
// times.
func (c *converter) fusableUses(name string, uses int, kinds ...nn.Kind) bool {
	v := c.vals[name]
	return v != nil && v.own && v.layer != nil && v.layer.Act == nn.ActNone && c.uses[name] == uses &&
		slices.Contains(kinds, v.layer.Kind)
}

// reshapeLike handles Flatten, Reshape, Squeeze, Unsqueeze, Identity and
// Dropout on a computed tensor: no data moves, only the dims change.
func (c *converter) reshapeLike(n *Node, x *value) error {
	if c.in(n, 0) != x {
		c.problem(n, "the data input must be the computed tensor")
		return nil
	}
	var dims []int64
	var err error
	a := attrs{n}
	switch n.OpType {
	case "Flatten":
		dims, err = flattenDims(x.dims, a.int("axis", 1))
	case "Reshape":
		s := c.in(n, 1)
		if s == nil || s.k == nil {
			c.problem(n, "the target shape must be computable at import")
			return nil
		}
		dims, err = reshapeDims(x.dims, s.k.ints(), a.int("allowzero", 0) != 0)
	case "Squeeze":
		dims, err = squeezeDims(x.dims, c.axesOf(n, 1))
	case "Unsqueeze":
		dims, err = unsqueezeDims(x.dims, c.axesOf(n, 1))
	default:
		dims = x.dims
	}
	if err != nil {
		c.problem(n, "%v", err)
		return nil
	}
	if _, err := canon(dims); err != nil {
		c.problem(n, "%v", err)
		return nil
	}
	c.alias(n, x, dims)
	return nil
}

// transpose moves data unless only size-1 dims move.
func (c *converter) transpose(n *Node, x *value) error {
	perm := attrs{n}.ints("perm")
	dims, err := transposeDims(x.dims, perm)
	if err != nil {
		c.problem(n, "%v", err)
		return nil
	}
	if len(perm) > 0 && !movesData(x.dims, perm) {
		c.alias(n, x, dims)
		return nil
	}
	return c.digital(n, dims)
}

func (c *converter) slice(n *Node, x *value) error {
	if c.in(n, 0) != x {
		c.problem(n, "the data input must be the computed tensor")
		return nil
	}
	starts, ends, axes, steps, err := c.sliceArgs(n)
	if err != nil {
		c.problem(n, "slice bounds must be constant: %v", err)
		return nil
	}
	spec, err := onnxshape.Slices(x.dims, starts, ends, axes, steps)
	if err != nil {
		c.problem(n, "%v", err)
		return nil
	}
	return c.digital(n, onnxshape.NewSlicer(x.dims, spec).Dims)
}

func (c *converter) reduce(n *Node, x *value) error {
	axes := c.axesOf(n, 1)
	keep := attrs{n}.int("keepdims", 1) != 0
	red := make([]bool, len(x.dims))
	for _, a := range axes {
		i, err := onnxshape.Axis(a, len(x.dims))
		if err != nil {
			c.problem(n, "%v", err)
			return nil
		}
		red[i] = true
	}
	var dims []int64
	for i, d := range x.dims {
		switch {
		case len(axes) > 0 && !red[i]:
			dims = append(dims, d)
		case keep:
			dims = append(dims, 1)
		}
	}
	if len(dims) == 0 {
		dims = []int64{1}
	}
	return c.digital(n, dims)
}

func (c *converter) resize(n *Node, x *value) error {
	var dims []int64
	if s := c.in(n, 3); s != nil && s.k != nil && s.k.n() > 0 {
		dims = s.k.ints()
	} else {
		idx := 2
		if n.OpType == "Upsample" || len(n.Inputs) == 2 {
			idx = 1
		}
		sc := c.in(n, idx)
		if sc == nil || sc.k == nil || sc.k.n() != int64(len(x.dims)) {
			c.problem(n, "scales or sizes must be constant and match the input rank")
			return nil
		}
		dims = make([]int64, len(x.dims))
		for i, d := range x.dims {
			dims[i] = clampInt(float64(d) * sc.k.floats()[i]) // NaN and infinities: refused by canon
		}
	}
	if len(dims) != len(x.dims) {
		c.problem(n, "sizes %v do not match the input rank %d", dims, len(x.dims))
		return nil
	}
	return c.digital(n, dims)
}

func (c *converter) concat(n *Node, x *value) error {
	list := make([][]int64, len(n.Inputs))
	allDyn := true
	for i := range n.Inputs {
		v := c.in(n, i)
		if v == nil {
			c.problem(n, "input %d missing", i)
			return nil
		}
		allDyn = allDyn && v.k == nil
		list[i] = v.tensorDims()
	}
	dims, ax, err := concatDims(list, attrs{n}.int("axis", 1))
	if err != nil {
		c.problem(n, "%v", err)
		return nil
	}
	if !allDyn || len(dims) != 4 || ax != 1 || dims[0] != 1 {
		return c.digital(n, dims)
	}
	s, err := canon(dims)
	if err != nil {
		c.problem(n, "output %v", err)
		return nil
	}
	l := &nn.Layer{Name: c.layerName(n, ""), Kind: nn.Concat}
	for i := range n.Inputs {
		name, ok, err := c.image(n, c.in(n, i))
		if err != nil || !ok {
			return err
		}
		l.Inputs = append(l.Inputs, name)
	}
	return c.add(n, l, dims, s)
}
