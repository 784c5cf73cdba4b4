package nn

// Operator is what a layer made from an ONNX node computes, as the graph
// states it: the node's attributes and its operands. The ONNX importer sets
// it on Digital layers (and on the pools, for attributes such as
// count_include_pad) so that an executor can compute the operator with the
// semantics of the ONNX specification. Shape inference never reads it.
type Operator struct {
	Attrs []Attr    // the node's attributes, as in the file
	Args  []Operand // the node's inputs, in order (omitted ones included)
	Opset int64     // the model's operator set version (default domain); semantics change with it (Softmax: 13)
}

// Operand is one input of an Operator: a tensor computed by the network
// (Input >= 0) or a constant (Const), read with the ONNX dims Dims.
type Operand struct {
	// Input indexes Layer.Inputs for a computed tensor; -1 for a constant
	// or an omitted optional input.
	Input int
	// Dims are the ONNX dims with which the operator reads the operand
	// (nil when omitted). A computed operand's elements, in row-major order,
	// are those of its producer's output (see TensorOrder): a reshape moves
	// no data.
	Dims []int64
	// Const holds a constant's values in row-major order (nil for computed
	// and omitted operands).
	Const []float64
}

// Omitted reports whether the operand is an omitted optional input.
func (o Operand) Omitted() bool { return o.Input < 0 && o.Const == nil && o.Dims == nil }

// Attr is one operator attribute. Which value field is set depends on the
// attribute; a tensor attribute (rare outside Constant nodes) has its
// values in Floats.
type Attr struct {
	Name   string
	Int    int64
	Float  float64
	Str    string
	Ints   []int64
	Floats []float64
}

// Attr returns the attribute with the given name, or nil.
func (o *Operator) Attr(name string) *Attr {
	if o == nil {
		return nil
	}
	for i := range o.Attrs {
		if o.Attrs[i].Name == name {
			return &o.Attrs[i]
		}
	}
	return nil
}

// Int returns the integer attribute name, or def when absent.
func (o *Operator) Int(name string, def int64) int64 {
	if a := o.Attr(name); a != nil {
		return a.Int
	}
	return def
}

// Float returns the float attribute name, or def when absent.
func (o *Operator) Float(name string, def float64) float64 {
	if a := o.Attr(name); a != nil {
		return a.Float
	}
	return def
}

// Str returns the string attribute name, or def when absent.
func (o *Operator) Str(name, def string) string {
	if a := o.Attr(name); a != nil {
		return a.Str
	}
	return def
}

// Ints returns the integer-list attribute name (nil when absent).
func (o *Operator) Ints(name string) []int64 {
	if a := o.Attr(name); a != nil {
		return a.Ints
	}
	return nil
}

// Order says how a layer's output, stored on the chip in HWC order (the
// layout of every feature map in shared memory), holds an ONNX tensor.
type Order int

// The two orders. An ONNX tensor of dims [d0, ..., dk] becomes a (C, H, W)
// shape in one of two ways (see package cim/onnx):
const (
	// OrderCHW: images [N, C, H, W] (rank 4 and above): C is the product
	// of all but the last two dims, H and W the last two. The tensor's
	// row-major order is the CHW order of the shape.
	OrderCHW Order = iota
	// OrderHWC: sequences and matrices [..., D]: C is the last dim, H the
	// product of the others, W = 1. The tensor's row-major order is the
	// HWC order of the shape: the order in which the chip stores it.
	OrderHWC
)

// String is "CHW" or "HWC".
func (o Order) String() string {
	if o == OrderHWC {
		return "HWC"
	}
	return "CHW"
}

// TensorOrder returns the order in which shape s holds a tensor of ONNX
// dims: OrderHWC when s is (last dim, product of the others, 1), else
// OrderCHW when s is (product of all but the last two, second last, last).
// When both hold, the two orders visit the elements identically (C = 1 and
// W = 1). Without dims (zoo networks, whose tensors are all images) the
// order is OrderCHW. ok is false when s is neither view of dims.
func TensorOrder(dims []int64, s Shape) (o Order, ok bool) {
	if dims == nil {
		return OrderCHW, true
	}
	r := len(dims)
	prod := func(d []int64) int64 {
		p := int64(1)
		for _, x := range d {
			p *= x
		}
		return p
	}
	if r >= 1 && int64(s.C) == dims[r-1] && int64(s.H) == prod(dims[:r-1]) && s.W == 1 {
		return OrderHWC, true
	}
	c, h, w := int64(1), int64(1), int64(1)
	switch {
	case r >= 2:
		c, h, w = prod(dims[:r-2]), dims[r-2], dims[r-1]
	case r == 1:
		w = dims[0]
	}
	return OrderCHW, int64(s.C) == c && int64(s.H) == h && int64(s.W) == w
}
