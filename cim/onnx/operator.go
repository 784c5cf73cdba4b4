package onnx

import (
	"slices"

	"github.com/cimkit/cimkit/cim/nn"
)

// What executors need beyond shapes: every layer records the ONNX dims its
// output holds (nn.Layer.Dims, related to its (C, H, W) shape by
// nn.TensorOrder), and Digital layers and pools record their node's
// attributes and operands (nn.Layer.Operator).

// held returns the ONNX dims of the tensor that v's producer holds: v's own
// dims, unless v is a reshaped view of it (the same elements in row-major
// order, under other dims).
func (c *converter) held(v *value) []int64 {
	switch {
	case v.layer != nil && v.layer.Dims != nil:
		return v.layer.Dims
	case v.name == nn.InputName:
		return c.net.InputDims
	}
	return v.dims
}

// sameOrder reports whether v's producer holds v's elements in the order
// that shape want gives a tensor of the given dims: then a layer may read
// v's producer directly as want.
func (c *converter) sameOrder(v *value, want nn.Shape, dims []int64) bool {
	if v.shape != want {
		return false
	}
	if want.C == 1 || want.H*want.W == 1 {
		return true // both orders visit the elements alike
	}
	have, ok1 := nn.TensorOrder(c.held(v), v.shape)
	need, ok2 := nn.TensorOrder(dims, want)
	return ok1 && ok2 && have == need
}

// operator records node n's attributes and operands on layer l (whose
// Inputs name the computed operands).
func (c *converter) operator(n *Node, l *nn.Layer) {
	op := &nn.Operator{Attrs: make([]nn.Attr, 0, len(n.Attrs)), Opset: c.opset}
	for _, a := range n.Attrs {
		at := nn.Attr{Name: a.Name, Int: a.I, Float: a.F, Str: a.S, Ints: a.Ints, Floats: a.Floats}
		if a.T != nil && !c.opt.SkipWeights {
			at.Floats, _ = a.T.Values()
		}
		op.Attrs = append(op.Attrs, at)
	}
	for i := range n.Inputs {
		v := c.in(n, i)
		switch {
		case v == nil:
			op.Args = append(op.Args, nn.Operand{Input: -1})
		case v.k != nil:
			op.Args = append(op.Args, nn.Operand{Input: -1, Dims: v.k.dims, Const: c.weightValues(v.k)})
		default:
			op.Args = append(op.Args, nn.Operand{Input: slices.Index(l.Inputs, v.name), Dims: v.dims})
		}
	}
	l.Operator = op
}
