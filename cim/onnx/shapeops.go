package onnx

import (
	"slices"

	"github.com/cimkit/cimkit/cim/nn"
	"github.com/cimkit/cimkit/internal/onnxshape"
)

// shapeOps are the Digital operators that change the dims of their input:
// their output dims are computed here rather than taken from the input.
// The ops table includes them.
func shapeOps() map[string]opFn {
	return map[string]opFn{
		"Pad": (*converter).pad, "GlobalMaxPool": (*converter).globalMax,
		"Gather": (*converter).gather, "Expand": (*converter).expand, "Tile": (*converter).tile,
		"DepthToSpace": (*converter).depthSpace, "SpaceToDepth": (*converter).depthSpace,
		"ArgMax": (*converter).argReduce, "ArgMin": (*converter).argReduce,
		"Split":     (*converter).split,
		"ScatterND": likeInput(0), "ScatterElements": likeInput(0),
		"Scatter": likeInput(0), "Trilu": likeInput(0), "CumSum": likeInput(0),
		"GatherElements": likeInput(1),
	}
}

// likeInput is the conversion of an operator whose output has the dims of
// its input i (the data a scatter writes into, the indices GatherElements
// reads by), which broadcasting the inputs would get wrong.
func likeInput(i int) opFn {
	return func(c *converter, n *Node, _ *value) error {
		v := c.in(n, i)
		if v == nil {
			c.problem(n, "input %d missing", i)
			return nil
		}
		return c.digital(n, v.tensorDims())
	}
}

// constInts returns constant input i as ints (attr name for old opsets).
func (c *converter) constInts(n *Node, i int, attr string) ([]int64, bool) {
	if v := c.in(n, i); v != nil {
		if v.k == nil {
			return nil, false
		}
		return v.k.ints(), true
	}
	a := attrs{n}.ints(attr)
	return a, a != nil
}

func (c *converter) pad(n *Node, x *value) error {
	pads, ok := c.constInts(n, 1, "pads")
	if !ok || c.in(n, 0) != x {
		c.problem(n, "pads must be constant")
		return nil
	}
	axes, _ := c.constInts(n, 3, "")
	if axes == nil {
		for i := range x.dims {
			axes = append(axes, int64(i))
		}
	}
	if len(pads) != 2*len(axes) {
		c.problem(n, "%d pads for %d axes", len(pads), len(axes))
		return nil
	}
	dims := slices.Clone(x.dims)
	for k, a := range axes {
		i, err := onnxshape.Axis(a, len(dims))
		if err != nil {
			c.problem(n, "%v", err)
			return nil
		}
		dims[i] += pads[k] + pads[k+len(axes)]
		if dims[i] < 1 {
			c.problem(n, "pads %v empty the input %v", pads, x.dims)
			return nil
		}
	}
	return c.digital(n, dims)
}

func (c *converter) globalMax(n *Node, x *value) error {
	if len(x.dims) < 3 {
		return c.digital(n, nil)
	}
	dims := slices.Clone(x.dims)
	for i := 2; i < len(dims); i++ {
		dims[i] = 1
	}
	return c.digital(n, dims)
}

func (c *converter) gather(n *Node, x *value) error {
	data, idx := c.in(n, 0), c.in(n, 1)
	if idx == nil {
		c.problem(n, "indices missing")
		return nil
	}
	dd, id := data.tensorDims(), idx.tensorDims() // data: computed (or a constant table, as in embeddings)
	ax, err := onnxshape.Axis(attrs{n}.int("axis", 0), len(dd))
	if err != nil {
		c.problem(n, "%v", err)
		return nil
	}
	dims := append(append(slices.Clone(dd[:ax]), id...), dd[ax+1:]...)
	if len(dims) == 0 {
		dims = []int64{1}
	}
	return c.digital(n, dims)
}

func (c *converter) expand(n *Node, x *value) error {
	shape, ok := c.constInts(n, 1, "")
	if !ok || c.in(n, 0) != x {
		c.problem(n, "the target shape must be constant")
		return nil
	}
	dims, err := onnxshape.Broadcast(x.dims, shape)
	if err != nil {
		c.problem(n, "%v", err)
		return nil
	}
	return c.digital(n, dims)
}

func (c *converter) tile(n *Node, x *value) error {
	rep, ok := c.constInts(n, 1, "")
	if !ok || c.in(n, 0) != x || len(rep) != len(x.dims) {
		c.problem(n, "repeats must be constant, one per dim")
		return nil
	}
	dims := slices.Clone(x.dims)
	for i, r := range rep {
		if r < 1 || r > nn.MaxDim {
			c.problem(n, "repeat %d", r)
			return nil
		}
		dims[i] *= r
	}
	return c.digital(n, dims)
}

func (c *converter) depthSpace(n *Node, x *value) error {
	b := attrs{n}.int("blocksize", 0)
	if len(x.dims) != 4 || b < 1 || b > nn.MaxDim {
		c.problem(n, "want an image [N, C, H, W] and a blocksize in 1..%d, have dims %v and blocksize %d", nn.MaxDim, x.dims, b)
		return nil
	}
	d := slices.Clone(x.dims)
	if n.OpType == "DepthToSpace" {
		if d[1]%(b*b) != 0 {
			c.problem(n, "channels %d not divisible by %d", d[1], b*b)
			return nil
		}
		d[1], d[2], d[3] = d[1]/(b*b), d[2]*b, d[3]*b
	} else {
		if d[2]%b != 0 || d[3]%b != 0 {
			c.problem(n, "size %dx%d not divisible by %d", d[2], d[3], b)
			return nil
		}
		d[1], d[2], d[3] = d[1]*b*b, d[2]/b, d[3]/b
	}
	return c.digital(n, d)
}

func (c *converter) argReduce(n *Node, x *value) error {
	ax, err := onnxshape.Axis(attrs{n}.int("axis", 0), len(x.dims))
	if err != nil {
		c.problem(n, "%v", err)
		return nil
	}
	dims := slices.Clone(x.dims)
	if (attrs{n}).int("keepdims", 1) != 0 {
		dims[ax] = 1
	} else {
		dims = slices.Delete(dims, ax, ax+1)
	}
	if len(dims) == 0 {
		dims = []int64{1}
	}
	return c.digital(n, dims)
}

// split adds one Digital "Split" layer per used output, each reading x.
func (c *converter) split(n *Node, x *value) error {
	ax, err := onnxshape.Axis(attrs{n}.int("axis", 0), len(x.dims))
	if err != nil {
		c.problem(n, "%v", err)
		return nil
	}
	if c.in(n, 0) != x || len(n.Outputs) == 0 {
		c.problem(n, "the data input must be the computed tensor, and there must be outputs")
		return nil
	}
	sizes, ok := c.constInts(n, 1, "split")
	if !ok || sizes == nil {
		k := int64(len(n.Outputs))
		if x.dims[ax]%k != 0 {
			c.problem(n, "dim %d does not split in %d equal parts", x.dims[ax], k)
			return nil
		}
		sizes = make([]int64, k)
		for i := range sizes {
			sizes[i] = x.dims[ax] / k
		}
	}
	var sum int64
	for _, s := range sizes {
		sum += s
	}
	if len(sizes) != len(n.Outputs) || sum != x.dims[ax] {
		c.problem(n, "split sizes %v do not divide dim %d into %d outputs", sizes, x.dims[ax], len(n.Outputs))
		return nil
	}
	var start int64
	for i, o := range n.Outputs {
		start += sizes[i]
		if o == "" || c.uses[o] == 0 || sizes[i] < 1 {
			continue
		}
		dims := slices.Clone(x.dims)
		dims[ax] = sizes[i]
		shape, err := canon(dims)
		if err != nil {
			c.problem(n, "%v", err)
			return nil
		}
		part := &Node{Name: n.Name, OpType: n.OpType, Outputs: []string{o}}
		l := &nn.Layer{Name: c.layerName(part, "."+o), Kind: nn.Digital, Op: "Split", OutShape: shape, Inputs: []string{x.name},
			Operator: splitPart(ax, start-sizes[i], x.dims)}
		if err := c.add(part, l, dims, shape); err != nil {
			return err
		}
	}
	return nil
}

// splitPart is the operator of one Split output: the slice [start,
// start+size) of the input along axis (Attrs "axis" and "start"; the size is
// the output's dim).
func splitPart(ax int, start int64, dims []int64) *nn.Operator {
	return &nn.Operator{Attrs: []nn.Attr{{Name: "axis", Int: int64(ax)}, {Name: "start", Int: start}},
		Args: []nn.Operand{{Input: 0, Dims: dims}}}
}
