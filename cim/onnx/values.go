package onnx

import (
	"fmt"
	"strconv"

	"github.com/cimkit/cimkit/cim/nn"
)

// value is an ONNX value during conversion: a constant (k != nil), or a
// tensor computed by the network, held in the output of nn layer name
// (nn.InputName for the network input) with ONNX dims and the (C, H, W)
// shape that layer gives it.
type value struct {
	k     *konst
	name  string
	layer *nn.Layer // nil for the network input
	dims  []int64
	shape nn.Shape
	own   bool // dims are layer's own output (not a reshape of it)
	ch    int  // own: the axis of dims that holds the layer's output channels
}

// tensorDims returns v's ONNX dims, whether it is a constant or computed.
func (v *value) tensorDims() []int64 {
	if v.k != nil {
		return v.k.dims
	}
	return v.dims
}

// boundedElems multiplies sizes in 1..nn.MaxElems, stopping at the first
// product above nn.MaxElems (which it returns): it cannot overflow.
func boundedElems(dims []int64) int64 {
	p := int64(1)
	for _, d := range dims {
		if p *= d; p > nn.MaxElems {
			break
		}
	}
	return p
}

// canon is the (C, H, W) shape cimkit gives an ONNX tensor of these dims
// (batch included):
//
//   - rank 4 and more, [N, C, H, W] images: C is the product of all but
//     the last two dims (N = 1 for images), H and W the last two;
//   - rank 3 and less, [N, T, D] sequences, [N, D] vectors: C is the last
//     dim (features), H the product of the others (tokens), W = 1.
//
// A matrix multiplication by constant weights then works on C with H*W
// output vectors, exactly as a 1x1 convolution.
func canon(dims []int64) (nn.Shape, error) {
	for _, d := range dims {
		if d <= 0 || d > nn.MaxElems {
			return nn.Shape{}, fmt.Errorf("dims %v: every size must be in 1..%d", dims, int64(nn.MaxElems))
		}
	}
	var c, h, w int64 = 1, 1, 1
	switch r := len(dims); {
	case r >= 4:
		c = boundedElems(dims[:r-2])
		h, w = dims[r-2], dims[r-1]
	case r >= 1:
		c = dims[r-1]
		h = boundedElems(dims[:r-1])
	}
	if c > nn.MaxDim || h > nn.MaxDim || w > nn.MaxDim {
		return nn.Shape{}, fmt.Errorf("dims %v give shape %dx%dx%d, sizes above %d are not accepted", dims, c, h, w, nn.MaxDim)
	}
	return nn.Shape{C: int(c), H: int(h), W: int(w)}, nil
}

// layerName picks a unique nn layer name for a node: its name, else its
// first output, with a suffix when taken.
func (c *converter) layerName(n *Node, suffix string) string {
	base := nodeName(n)
	if base == "" {
		base = n.OpType
	}
	base += suffix
	name := base
	for i := 2; c.names[name]; i++ {
		name = base + "#" + strconv.Itoa(i)
	}
	c.names[name] = true
	return name
}

// add appends layer l (reading the named values) and binds the node's first
// output to it with the given dims and shape.
func (c *converter) add(n *Node, l *nn.Layer, dims []int64, shape nn.Shape) error {
	return c.addCh(n, l, dims, shape, 1)
}

// addCh is add for a layer whose output channels are on axis ch of dims.
func (c *converter) addCh(n *Node, l *nn.Layer, dims []int64, shape nn.Shape, ch int) error {
	if l.Dims == nil {
		l.Dims = dims
	}
	if err := c.appendLayer(l); err != nil {
		return err
	}
	c.bind(n, &value{name: l.Name, layer: l, dims: dims, shape: shape, own: true, ch: ch})
	return nil
}

// appendLayer appends l to the network, up to nn.MaxLayers layers.
func (c *converter) appendLayer(l *nn.Layer) error {
	if len(c.net.Layers) >= nn.MaxLayers {
		return fmt.Errorf("%w: more than %d layers", ErrUnsupported, nn.MaxLayers)
	}
	c.net.Layers = append(c.net.Layers, l)
	return nil
}

// alias binds the node's first output to the same data as v with new dims
// (reshapes, squeezes: no data moves).
func (c *converter) alias(n *Node, v *value, dims []int64) {
	c.bind(n, &value{name: v.name, layer: v.layer, dims: dims, shape: v.shape})
}

// bind makes v the value of the node's first output, if it has one.
func (c *converter) bind(n *Node, v *value) {
	if len(n.Outputs) > 0 && n.Outputs[0] != "" {
		c.vals[n.Outputs[0]] = v
	}
}

// layout returns the name of a layer holding v in shape want, as the view
// of a tensor of the given dims (see nn.TensorOrder), adding a relayout
// layer when v is held in another shape or order: a Flatten when want is a
// vector, else a Digital "Reshape" (both keep the row-major order of the
// elements).
func (c *converter) layout(n *Node, v *value, want nn.Shape, dims []int64) (string, error) {
	if c.sameOrder(v, want, dims) {
		return v.name, nil
	}
	l := &nn.Layer{Name: c.layerName(n, ".relayout"), Inputs: []string{v.name}, Dims: dims}
	if want.H == 1 && want.W == 1 {
		l.Kind, l.Dims = nn.Flatten, []int64{1, int64(want.C)}
	} else {
		l.Kind, l.Op, l.OutShape = nn.Digital, "Reshape", want
	}
	if err := c.appendLayer(l); err != nil {
		return "", err
	}
	return l.Name, nil
}

// image checks that v is a batch-1 rank-4 tensor and returns a layer
// holding it as (C, H, W).
func (c *converter) image(n *Node, v *value) (string, bool, error) {
	if len(v.dims) != 4 || v.dims[0] != 1 {
		c.problem(n, "input dims %v: want a batch-1 image [1, C, H, W]", v.dims)
		return "", false, nil
	}
	name, err := c.layout(n, v, nn.Shape{C: int(v.dims[1]), H: int(v.dims[2]), W: int(v.dims[3])}, v.dims)
	return name, err == nil, err
}

// attrs gives typed access to a node's attributes.
type attrs struct{ n *Node }

func (a attrs) get(name string) *Attribute {
	for _, at := range a.n.Attrs {
		if at.Name == name {
			return at
		}
	}
	return nil
}

func (a attrs) int(name string, def int64) int64 {
	if at := a.get(name); at != nil {
		return at.I
	}
	return def
}

func (a attrs) float(name string, def float64) float64 {
	if at := a.get(name); at != nil {
		return at.F
	}
	return def
}

func (a attrs) str(name, def string) string {
	if at := a.get(name); at != nil {
		return at.S
	}
	return def
}

func (a attrs) ints(name string) []int64 {
	if at := a.get(name); at != nil {
		return at.Ints
	}
	return nil
}

// in returns the node's i-th input value (nil when omitted).
func (c *converter) in(n *Node, i int) *value {
	if i < 0 || i >= len(n.Inputs) || n.Inputs[i] == "" {
		return nil
	}
	return c.vals[n.Inputs[i]]
}

// dynamicInputs returns the inputs computed by the network.
func (c *converter) dynamicInputs(n *Node) []*value {
	var out []*value
	for i := range n.Inputs {
		if v := c.in(n, i); v != nil && v.k == nil {
			out = append(out, v)
		}
	}
	return out
}
