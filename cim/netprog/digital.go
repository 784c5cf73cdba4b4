package netprog

import (
	"strings"

	"github.com/cimkit/cimkit/cim/isa"
	"github.com/cimkit/cimkit/cim/nn"
)

// dkind is how a digital layer reads its inputs (see the package doc).
type dkind uint8

const (
	dElementwise dkind = iota + 1 // pixel (y, x) of each input (1x1 inputs: their only pixel)
	dPool                         // a pooling window
	dGlobal                       // every pixel, into one
	dResize                       // nearest or interpolating source pixels
	dZeroInsert                   // every s-th pixel from the input, zeros between
	dConcat                       // each input's pixel into its channel slice
	dGeneric                      // the whole input before any output
)

// elementwiseOps are the ONNX operators (Digital layers) that compute each
// output element from the same position of their inputs (with per-channel
// or scalar broadcasting).
var elementwiseOps = map[string]bool{
	"Add": true, "Sub": true, "Mul": true, "Div": true, "Pow": true, "Max": true, "Min": true, "Mean": true,
	"Sum": true, "Relu": true, "Sigmoid": true, "HardSigmoid": true, "HardSwish": true, "Clip": true,
	"LeakyRelu": true, "PRelu": true, "Tanh": true, "Exp": true, "Log": true, "Sqrt": true, "Neg": true,
	"Abs": true, "Erf": true, "Elu": true, "Selu": true, "Softplus": true, "Softsign": true, "Reciprocal": true,
	"Floor": true, "Ceil": true, "Round": true, "Sign": true, "Cast": true, "Identity": true, "Dropout": true,
	"Mish": true, "Gelu": true, "Where": true, "Equal": true, "Less": true, "Greater": true, "Not": true,
	"And": true, "Or": true, "Xor": true, "BatchNormalization": true, "Celu": true, "ThresholdedRelu": true,
}

// kindOf classifies digital layer i.
func (p *Program) kindOf(i int) dkind {
	l := p.Place.Layers[i].Layer
	ins := p.inputs(i)
	for _, v := range ins {
		if v.flat {
			return dGeneric
		}
	}
	switch l.Kind {
	case nn.MaxPool, nn.AvgPool:
		return dPool
	case nn.GlobalAvgPool:
		return dGlobal
	case nn.Concat:
		return dConcat
	case nn.Add, nn.Activation:
		return dElementwise
	case nn.Digital:
		switch {
		case l.Op == "Resize" || l.Op == "Upsample":
			return dResize
		case l.Op == "ZeroInsert":
			return dZeroInsert
		case elementwiseOps[l.Op] && broadcastable(ins, l.Out):
			return dElementwise
		}
	}
	return dGeneric
}

// broadcastable reports whether every input has the output's shape or one
// pixel (per-channel or scalar broadcasting).
func broadcastable(ins []*view, out nn.Shape) bool {
	for _, v := range ins {
		s := v.shape
		if s != out && !(s.H == 1 && s.W == 1 && (s.C == out.C || s.C == 1)) {
			return false
		}
	}
	return true
}

// digitalUnit creates the unit and the notifier of digital layer i.
func (p *Program) digitalUnit(i int) error {
	l := &p.Place.Layers[i]
	out := l.Layer.Out
	n := out.H * out.W
	p.streams = append(p.streams, notifier{core: l.Core0, layer: i, copies: 1, width: out.W, n: n,
		perRow: p.Mode == Pipelined, c0: 0, c1: out.C})
	si := len(p.streams) - 1
	p.outputs[i] = append(p.outputs[i], si)
	p.units[l.Core0] = append(p.units[l.Core0], unit{layer: int32(i), digital: true, copies: 1, n: int32(n),
		notifier: int32(si), perRow: p.Mode == Pipelined, target: -1, chainNext: -1, bNext: -1, barrier: -1})
	return nil
}

// dgen generates a digital unit's instructions for one image, one output
// row (or, for a generic operator's reading phase, one input row) per
// batch.
type dgen struct {
	p     *Program
	u     *unit
	l     *nn.Layer
	kind  dkind
	ins   []*view
	out   *view
	k     int
	y     int // next output row
	ry    int // next input row to read (generic, global pool)
	gc    int // first channel of the global pool's chunk at work
	phase int
	cw    int // channels per chunk
	last  []int32
	s     int // zero-insertion stride
}

func (p *Program) newDgen(u *unit, d *dgen) {
	i := int(u.layer)
	*d = dgen{p: p, u: u, l: p.Place.Layers[i].Layer, kind: p.kindOf(i), ins: p.inputs(i), out: &p.views[i],
		cw: min(p.Arch.XbarCols, p.Place.Layers[i].Layer.Out.C), last: d.last[:0], s: 1}
	for range u.deps {
		d.last = append(d.last, 0)
	}
	if d.kind == dZeroInsert {
		if in := d.ins[0].shape; in.H > 1 {
			d.s = max((d.l.Out.H-1)/(in.H-1), 1)
		} else if in.W > 1 {
			d.s = max((d.l.Out.W-1)/(in.W-1), 1)
		}
	}
}

func (d *dgen) begin(k int) {
	d.k, d.y, d.ry, d.gc, d.phase = k, 0, 0, 0, 0
	for j := range d.last {
		d.last[j] = 0
	}
}

// next appends the next batch; false at the end of the image.
func (d *dgen) next(buf []isa.Instr) ([]isa.Instr, bool) {
	p, u, out := d.p, d.u, d.l.Out
	switch {
	case d.phase == 0:
		d.phase = 1
		buf = p.preWaits(buf, u, d.k)
		if d.kind == dGeneric || d.kind == dGlobal {
			for j := range u.deps {
				buf = p.waitFor(buf, &u.deps[j], &d.last[j], d.k, d.ins[u.deps[j].input].shape.H)
			}
			buf = append(buf, isa.Instr{Op: isa.MARK, Value: p.Label(int(u.layer), d.k, false), Vec: -1})
		}
	case d.kind == dGeneric && d.ry < d.maxInH():
		buf = d.readRow(buf, d.ry)
		d.ry++
	case d.kind == dGlobal && d.y < out.H:
		buf = d.globalRow(buf)
	case d.y < out.H:
		buf = d.row(buf, d.y)
		d.y++
	case d.phase == 1:
		d.phase = 2
		if !u.perRow {
			buf = p.endOfImage(buf, u, d.k)
		}
		buf = append(buf, isa.Instr{Op: isa.MARK, Value: p.Label(int(u.layer), d.k, true), Vec: -1})
	default:
		return buf, false
	}
	return buf, true
}

func (d *dgen) maxInH() int {
	h := 0
	for _, v := range d.ins {
		h = max(h, v.shape.H)
	}
	return h
}

// rowsFor is the number of rows of input j that output row y needs.
func (d *dgen) rowsFor(j, y int) int {
	in := d.ins[j].shape
	out := d.l.Out
	switch d.kind {
	case dElementwise, dConcat:
		if in.H == 1 && in.W == 1 {
			return 1
		}
		return y + 1
	case dPool:
		sh, _ := d.l.Stride()
		dh, _ := d.l.Dilation()
		iy := y*sh - d.l.PadTop + (d.l.KernelH-1)*dh
		if iy < 0 {
			return 0
		}
		return min(iy, in.H-1) + 1
	case dResize:
		return min(in.H, ((y+1)*in.H+out.H-1)/out.H+1)
	case dZeroInsert:
		return min(in.H, y/d.s+1)
	}
	return in.H
}

// row appends output row y: the input WAITs (pipelined), every pixel's
// chunks, the row's notification.
func (d *dgen) row(buf []isa.Instr, y int) []isa.Instr {
	p, u := d.p, d.u
	if d.kind != dGeneric && d.kind != dGlobal {
		for j := range u.deps {
			dp := &u.deps[j]
			buf = p.waitFor(buf, dp, &d.last[j], d.k, d.rowsFor(dp.input, y))
		}
		if y == 0 {
			buf = append(buf, isa.Instr{Op: isa.MARK, Value: p.Label(int(u.layer), d.k, false), Vec: -1})
		}
	}
	out := d.l.Out
	for x := 0; x < out.W; x++ {
		for c0 := 0; c0 < out.C; c0 += d.cw {
			buf = d.pixel(buf, y, x, c0, min(d.cw, out.C-c0))
		}
	}
	if u.perRow {
		buf = p.notify(buf, int(u.notifier), int32(d.k*int(u.n)+(y+1)*out.W))
	}
	return buf
}

// load appends a LOAD into Acc of channels [c0, c0+n) of pixel (y, x) of
// input view v (broadcast inputs: their channel 0 when they have one).
func (d *dgen) load(buf []isa.Instr, v *view, y, x, c0, n int) []isa.Instr {
	if v.shape.H == 1 && v.shape.W == 1 {
		y, x = 0, 0
	}
	if v.shape.C == 1 {
		c0, n = 0, 1
	}
	ab := int32(d.p.Arch.ActBytes)
	return append(buf, isa.Instr{Op: isa.LOAD, Reg: isa.Acc, Elems: int32(n), Addr: d.p.addr(v, d.k, y, x, c0),
		Bytes: int32(n) * ab, Vec: -1})
}

func vop(fn isa.Fn, n int) isa.Instr {
	return isa.Instr{Op: isa.VOP, Fn: fn, Reg: isa.Out, Elems: int32(n), Vec: -1}
}

// pixel appends the work of channels [c0, c0+n) of output pixel (y, x).
func (d *dgen) pixel(buf []isa.Instr, y, x, c0, n int) []isa.Instr {
	l, out := d.l, d.l.Out
	switch d.kind {
	case dElementwise:
		fn := isa.Other
		if l.Kind == nn.Add || l.Op == "Add" || l.Op == "Sum" {
			fn = isa.Add
		}
		for j, v := range d.ins {
			buf = d.load(buf, v, y, x, c0, n)
			if j == 0 {
				buf = append(buf, vop(isa.Copy, n))
			} else {
				buf = append(buf, vop(fn, n))
			}
		}
		if len(d.ins) == 1 && l.Kind != nn.Add {
			buf = append(buf, vop(isa.Other, n))
		}
	case dPool:
		buf = d.pool(buf, y, x, c0, n)
	case dResize:
		in := d.ins[0].shape
		taps := 1
		if mode := l.Operator.Str("mode", "nearest"); strings.Contains(mode, "linear") {
			taps = 4
		} else if strings.Contains(mode, "cubic") {
			taps = 16
		}
		sy, sx := y*in.H/out.H, x*in.W/out.W
		for t := 0; t < taps; t++ {
			buf = d.load(buf, d.ins[0], min(sy+t/2%2, in.H-1), min(sx+t%2, in.W-1), c0, n)
			buf = append(buf, vop(firstFn(t == 0, isa.Other), n))
		}
	case dZeroInsert:
		if y%d.s == 0 && x%d.s == 0 && y/d.s < d.ins[0].shape.H && x/d.s < d.ins[0].shape.W {
			buf = d.load(buf, d.ins[0], y/d.s, x/d.s, c0, n)
			buf = append(buf, vop(isa.Copy, n))
		} else {
			buf = append(buf, vop(isa.Zero, n))
		}
	case dConcat:
		return d.concat(buf, y, x, c0, n)
	case dGeneric:
		buf = append(buf, vop(isa.Other, n))
	}
	if l.Act != nn.ActNone {
		buf = append(buf, vop(isa.Act, n))
	}
	return d.store(buf, y, x, c0, n)
}

func firstFn(first bool, fn isa.Fn) isa.Fn {
	if first {
		return isa.Copy
	}
	return fn
}

// store appends the STORE of channels [c0, c0+n) of output pixel (y, x).
func (d *dgen) store(buf []isa.Instr, y, x, c0, n int) []isa.Instr {
	return append(buf, isa.Instr{Op: isa.STORE, Reg: isa.Out, Elems: int32(n), Addr: d.p.addr(d.out, d.k, y, x, c0),
		Bytes: int32(n) * int32(d.p.Arch.ActBytes), Vec: -1})
}

// pool appends a pooling window's loads and VOPs.
func (d *dgen) pool(buf []isa.Instr, y, x, c0, n int) []isa.Instr {
	l := d.l
	in := d.ins[0].shape
	sh, sw := l.Stride()
	dh, dw := l.Dilation()
	fn := isa.Max
	if l.Kind == nn.AvgPool {
		fn = isa.Add
	}
	first := true
	for ky := 0; ky < l.KernelH; ky++ {
		iy := y*sh - l.PadTop + ky*dh
		if iy < 0 || iy >= in.H {
			continue
		}
		for kx := 0; kx < l.KernelW; kx++ {
			ix := x*sw - l.PadLeft + kx*dw
			if ix < 0 || ix >= in.W {
				continue
			}
			buf = d.load(buf, d.ins[0], iy, ix, c0, n)
			buf = append(buf, vop(firstFn(first, fn), n))
			first = false
		}
	}
	if l.Kind == nn.AvgPool {
		buf = append(buf, vop(isa.Scale, n))
	}
	return buf
}

// concat copies each input's channels of pixel (y, x) that fall in
// [c0, c0+n) into the output.
func (d *dgen) concat(buf []isa.Instr, y, x, c0, n int) []isa.Instr {
	off := 0
	for _, v := range d.ins {
		lo, hi := max(c0, off), min(c0+n, off+v.shape.C)
		if lo < hi {
			buf = d.load(buf, v, y, x, lo-off, hi-lo)
			buf[len(buf)-1].Reg = isa.Out // the STORE reads it: it waits for the data on AXI4
			buf = d.store(buf, y, x, lo, hi-lo)
		}
		off += v.shape.C
	}
	return buf
}

// readRow appends a generic operator's reading of input row y of every
// input that has it: a LOAD and a VOP per chunk.
func (d *dgen) readRow(buf []isa.Instr, y int) []isa.Instr {
	for _, v := range d.ins {
		if y >= v.shape.H {
			continue
		}
		cw := min(d.p.Arch.XbarCols, v.shape.C)
		for x := 0; x < v.shape.W; x++ {
			for c0 := 0; c0 < v.shape.C; c0 += cw {
				w := min(cw, v.shape.C-c0)
				buf = d.load(buf, v, y, x, c0, w)
				buf = append(buf, vop(isa.Other, w))
			}
		}
	}
	return buf
}

// globalRow appends one input row of the global pool's channel chunk at
// work (a LOAD and a VOP per pixel; chunk after chunk, since the digital
// unit accumulates one chunk at a time), and after the chunk's last row
// its scaling and STORE; after the last chunk the output row is done.
func (d *dgen) globalRow(buf []isa.Instr) []isa.Instr {
	in, out := d.ins[0].shape, d.l.Out
	n := min(d.cw, out.C-d.gc)
	for x := 0; x < in.W; x++ {
		buf = d.load(buf, d.ins[0], d.ry, x, d.gc, n)
		buf = append(buf, vop(firstFn(d.ry == 0 && x == 0, isa.Add), n))
	}
	if d.ry++; d.ry < in.H {
		return buf
	}
	buf = append(buf, vop(isa.Scale, n))
	if d.l.Act != nn.ActNone {
		buf = append(buf, vop(isa.Act, n))
	}
	buf = d.store(buf, 0, 0, d.gc, n)
	d.ry, d.gc = 0, d.gc+d.cw
	if d.gc >= out.C {
		d.y = out.H
		if d.u.perRow {
			buf = d.p.notify(buf, int(d.u.notifier), int32(d.k*int(d.u.n)+1))
		}
	}
	return buf
}
