package netprog

import "github.com/cimkit/cimkit/cim/nn"

// Operand is where a tensor lies in shared memory: pixel (y, x), channel c
// of image k is element Index(y, x, c) of slot k of Layout.Regions[Buffer].
// A concatenation written in place holds its inputs as channel slices of
// its buffer; a flattened tensor is a view of its source (Flat).
type Operand struct {
	Buffer int      // index in Layout.Regions
	Shape  nn.Shape // the tensor's (C, H, W); a flattened tensor: its source's
	Stride int      // elements per pixel in the buffer
	ChOff  int      // the tensor's first channel within a pixel of the buffer
	// Flat marks a Flatten of Shape: a dense layer reads it as one vector,
	// the source's elements in the buffer's HWC order.
	Flat bool
	// Source is the placement layer that writes the tensor (a Flatten's
	// source; an in-place concatenation itself, its inputs writing its
	// slices; -1 for the network input).
	Source int
}

// Index is the element of pixel (y, x), channel c within an image's slot.
func (o Operand) Index(y, x, c int) int64 {
	return (int64(y)*int64(o.Shape.W)+int64(x))*int64(o.Stride) + int64(o.ChOff+c)
}

func (v *view) operand() Operand {
	return Operand{Buffer: v.buf, Shape: v.shape, Stride: v.stride, ChOff: v.chOff, Flat: v.flat, Source: v.src}
}

// Operands returns where the tensors placement layer i reads lie, in the
// order of its inputs (the network input included).
func (p *Program) Operands(i int) []Operand {
	if i < 0 || i >= len(p.views) {
		return nil
	}
	ins := p.inputs(i)
	out := make([]Operand, len(ins))
	for j, v := range ins {
		out[j] = v.operand()
	}
	return out
}

// Output returns where placement layer i's output lies (a Flatten's is its
// source's, marked Flat); ok is false for an index out of range.
func (p *Program) Output(i int) (o Operand, ok bool) {
	if i < 0 || i >= len(p.views) {
		return Operand{}, false
	}
	return p.views[i].operand(), true
}
