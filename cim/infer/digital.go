package infer

import (
	"fmt"

	"github.com/cimkit/cimkit/cim/nn"
	"github.com/cimkit/cimkit/internal/onnxshape"
)

// movesOnly lists the layers whose output elements are input elements: in
// the integer pass they keep their input's scale (no requantisation; a
// Concat's inputs share one scale, see shareScales).
var movesOnly = map[string]bool{
	string(nn.MaxPool): true, string(nn.Flatten): true, string(nn.Concat): true,
	"digital:Reshape": true, "digital:Transpose": true, "digital:Slice": true, "digital:Split": true,
	"digital:Gather": true, "digital:Expand": true, "digital:Tile": true, "digital:DepthToSpace": true,
	"digital:SpaceToDepth": true, "digital:ZeroInsert": true, "digital:GlobalMaxPool": true,
	"digital:Identity": true, "digital:Dropout": true,
}

// digital computes a layer that runs on the digital units.
func (e *engine) digital(l *nn.Layer, ins []*fmap, cal *calibration) (*fmap, error) {
	o := e.orders[l.Name]
	reals := make([][]float64, len(ins))
	for i, f := range ins {
		reals[i] = realValues(f.hwc, f.scale)
	}
	var v []float64
	var err error
	switch l.Kind {
	case nn.Activation, nn.Add:
		if err = sameOrder(l, ins, o); err == nil {
			v = add(l, reals)
		}
	case nn.Concat:
		if err = sameOrder(l, ins, nn.OrderCHW); err == nil {
			v = concatHWC(ins, reals, l.Out)
		}
	case nn.MaxPool, nn.AvgPool:
		if err = sameOrder(l, ins, nn.OrderCHW); err == nil {
			v = pool(l, reals[0], ins[0].shape)
		}
	case nn.GlobalAvgPool:
		if err = sameOrder(l, ins, nn.OrderCHW); err == nil {
			v = globalAvg(reals[0], ins[0].shape)
		}
	case nn.Flatten:
		v = realValues(ins[0].rowMajor(), ins[0].scale)
	case nn.Digital:
		var t *tensor
		if t, err = e.operator(l, ins); err == nil {
			v = newFmap(t.v, l.Out, o).hwc
		}
	default:
		err = fmt.Errorf("layer %q: kind %s is not implemented", l.Name, l.Kind)
	}
	if err != nil {
		return nil, err
	}
	out := &fmap{shape: l.Out, order: o, hwc: v}
	if cal == nil {
		return out, nil
	}
	scale := cal.layers[l.Name]
	if movesOnly[l.KindName()] {
		scale = ins[0].scale
	}
	return cal.quantize(v, out, scale), nil
}

// operator computes a Digital layer with its operator's ONNX semantics and
// returns the output tensor (row-major over l.Dims).
func (e *engine) operator(l *nn.Layer, ins []*fmap) (*tensor, error) {
	op := l.Operator
	if op == nil {
		switch l.Op {
		case "Reshape": // the importer's relayout: the elements in row-major order
			op = &nn.Operator{Args: []nn.Operand{{Input: 0, Dims: []int64{ins[0].shape.Elems()}}}}
		case "ZeroInsert":
			s := ins[0].shape
			op = &nn.Operator{Args: []nn.Operand{{Input: 0, Dims: []int64{1, int64(s.C), int64(s.H), int64(s.W)}}}}
		default:
			return nil, unsupported(l, "has no operator description (attributes and operands; only ONNX imports give them)")
		}
	}
	fn, ok := ops[l.Op]
	if !ok {
		return nil, unsupported(l, "is not implemented (the executor has: %s)", listOps())
	}
	out := l.Dims
	if out == nil {
		out = []int64{1, int64(l.Out.C), int64(l.Out.H), int64(l.Out.W)}
	}
	c := &opCall{l: l, op: op, out: out}
	for i, a := range op.Args {
		switch {
		case a.Input >= 0 && a.Input < len(ins):
			f := ins[a.Input]
			if onnxshape.Elems(a.Dims) != f.shape.Elems() {
				return nil, fmt.Errorf("layer %q: operand %d has dims %v, its producer holds %s", l.Name, i, a.Dims, f.shape)
			}
			c.args = append(c.args, &tensor{dims: a.Dims, v: realValues(f.rowMajor(), f.scale)})
		case a.Const != nil || a.Dims != nil:
			if onnxshape.Elems(a.Dims) != int64(len(a.Const)) {
				return nil, fmt.Errorf("layer %q: constant operand %d has dims %v and %d values", l.Name, i, a.Dims, len(a.Const))
			}
			c.args = append(c.args, &tensor{dims: a.Dims, v: a.Const})
		default:
			c.args = append(c.args, nil)
		}
	}
	err := c.check()
	var t *tensor
	if err == nil {
		t, err = fn(c)
	}
	if err != nil {
		return nil, unsupported(l, "%v", err)
	}
	if onnxshape.Elems(t.dims) != l.Out.Elems() {
		return nil, fmt.Errorf("layer %q (%s): computed dims %v, the network expects %v (%s)", l.Name, l.Op, t.dims, out, l.Out)
	}
	return t, nil
}
