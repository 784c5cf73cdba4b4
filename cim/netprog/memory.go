package netprog

import (
	"fmt"
	"sort"

	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/nn"
	"github.com/cimkit/cimkit/cim/place"
)

// Layout is the whole network's memory map: a slot per image of every
// feature map and of every crossbar layer's partial sums in shared memory,
// then the memory-mapped sequence registers and the weights that
// reprogramming reads (off-chip, above shared memory).
type Layout struct {
	// Regions are the shared-memory buffers in address order: "input",
	// then one per layer that writes a feature map (named after the layer;
	// a concatenation written in place by its inputs holds them) and
	// "LAYER.psum" for crossbar layers whose conflict groups have more than
	// one core. Each holds Images slots of SlotBytes.
	Regions []Buffer
	// SharedBytes is the shared memory used (the end of the last region).
	SharedBytes int64
	// SeqRegs are the cores' sequence registers, RegsPerCore each, memory
	// mapped above shared memory (they live in the cores).
	SeqRegs compile.Region
	// RegsPerCore is the stride of SeqRegs: the most registers of any core.
	RegsPerCore int
	// Weights is where reprogramming reads the weights of later segments
	// and folded rounds: one tile after the other, off-chip.
	Weights compile.Region
}

// Buffer is one region of shared memory with a slot per image.
type Buffer struct {
	Name      string
	Base      int64 // first byte of slot 0
	SlotBytes int64 // bytes per image (rounded up to the alignment)
	ElemBytes int   // bytes per element
	Shape     nn.Shape
	Psum      bool // partial sums (else a feature map)
	Layer     int  // the placement layer that writes it (-1: the network input)
}

// Slot returns the address of image k's slot.
func (b *Buffer) Slot(k int) int64 { return b.Base + int64(k)*b.SlotBytes }

// End is the first address after the last slot, for images slots.
func (b *Buffer) End(images int) int64 { return b.Slot(images) }

// align is the alignment of every buffer and slot.
const align = 64

func roundUp(v, a int64) int64 { return (v + a - 1) / a * a }

// view is how a layer's output (or the network input) lies in a buffer:
// a channel slice of it (a concatenation's input) or all of it.
type view struct {
	buf    int      // index in Layout.Regions
	shape  nn.Shape // the tensor's own shape
	stride int      // elements per pixel in the buffer (its channels)
	chOff  int      // first channel of the tensor in the buffer
	flat   bool     // a flattened view: a reader needs every row
	src    int      // producing placement layer; -1 for the network input
}

// addr is the byte address of element (y, x, c) of image k.
func (p *Program) addr(v *view, k, y, x, c int) int64 {
	b := &p.Layout.Regions[v.buf]
	e := (int64(y)*int64(v.shape.W)+int64(x))*int64(v.stride) + int64(v.chOff+c)
	return b.Slot(k) + e*int64(b.ElemBytes)
}

// layout allocates the buffers and the views of every tensor.
func (p *Program) layout() error {
	a := p.Arch
	pl := p.Place
	add := func(name string, s nn.Shape, layer int, psum bool) int {
		elemBytes := a.ActBytes
		if psum {
			elemBytes = a.PsumBytes
		}
		var base int64
		if n := len(p.Layout.Regions); n > 0 {
			base = roundUp(p.Layout.Regions[n-1].End(p.Images), align)
		}
		slot := roundUp(s.Elems()*int64(elemBytes), align)
		p.Layout.Regions = append(p.Layout.Regions, Buffer{Name: name, Base: base, SlotBytes: slot, ElemBytes: elemBytes,
			Shape: s, Psum: psum, Layer: layer})
		return len(p.Layout.Regions) - 1
	}
	p.input = view{buf: add("input", pl.Net.Input, -1, false), shape: pl.Net.Input, stride: pl.Net.Input.C, src: -1}
	p.views = make([]view, len(pl.Layers))
	p.psum = make([]int, len(pl.Layers))
	byName := map[string]*view{nn.InputName: &p.input}
	// A concatenation written in place owns the buffer; its inputs write
	// their channel slices of it.
	into := map[string]int{} // input name -> in-place concatenation
	for i := range pl.Layers {
		if l := &pl.Layers[i]; l.Role == place.Alias && l.Layer.Kind == nn.Concat {
			for _, in := range pl.Inputs(l) {
				into[in] = i
			}
		}
	}
	concatBuf := map[int]int{}
	bufferOf := func(i int) int {
		l := &pl.Layers[i]
		if b, ok := concatBuf[i]; ok {
			return b
		}
		b := add(l.Layer.Name, l.Layer.Out, i, false)
		concatBuf[i] = b
		return b
	}
	for i := range pl.Layers {
		l := &pl.Layers[i]
		out := l.Layer.Out
		p.psum[i] = -1
		switch {
		case l.Role == place.Alias && l.Layer.Kind == nn.Flatten:
			src := *byName[pl.Inputs(l)[0]]
			src.flat = true
			p.views[i] = src
		case l.Role == place.Alias: // concatenation in place
			p.views[i] = view{buf: bufferOf(i), shape: out, stride: out.C, src: i}
		default:
			p.views[i] = view{shape: out, stride: out.C, src: i}
			if c, ok := into[l.Layer.Name]; ok {
				cat := &pl.Layers[c]
				p.views[i].buf, p.views[i].stride = bufferOf(c), cat.Layer.Out.C
				for _, in := range pl.Inputs(cat) {
					if in == l.Layer.Name {
						break
					}
					p.views[i].chOff += pl.Net.Layer(in).Out.C
				}
			} else {
				p.views[i].buf = add(l.Layer.Name, out, i, false)
			}
			if l.Role == place.Crossbar && (l.Map.PV > 1 || l.Folded()) {
				p.psum[i] = add(l.Layer.Name+".psum", out, i, true)
			}
		}
		byName[l.Layer.Name] = &p.views[i]
	}
	last := p.Layout.Regions[len(p.Layout.Regions)-1]
	p.Layout.SharedBytes = last.End(p.Images)
	if p.Layout.SharedBytes > a.SharedMemBytes {
		return fmt.Errorf("netprog: %w: network %q with %d image(s) needs %d B of shared memory (feature maps and partial sums, %d B per image), the chip has %d B",
			ErrMemory, pl.Net.Name, p.Images, p.Layout.SharedBytes, p.Layout.SharedBytes/int64(p.Images), a.SharedMemBytes)
	}
	return nil
}

// finishLayout places the sequence registers and the weights once the
// registers are counted.
func (p *Program) finishLayout() {
	a := p.Arch
	l := &p.Layout
	l.RegsPerCore = 1
	for _, n := range p.regs {
		l.RegsPerCore = max(l.RegsPerCore, n)
	}
	l.SeqRegs = compile.Region{Name: "seqreg", Base: roundUp(a.SharedMemBytes, align),
		Size: int64(p.Cores) * int64(l.RegsPerCore) * int64(a.SeqRegBytes), ElemBytes: a.SeqRegBytes}
	var w int64
	p.weightOff = make([]int64, len(p.Place.Layers))
	for i := range p.Place.Layers {
		p.weightOff[i] = w
		if m := p.Place.Layers[i].Map; m != nil {
			w += int64(m.Cores) * int64(m.Xbar[0]) * ((int64(m.Xbar[1])*int64(a.WeightBits) + 7) / 8)
		}
	}
	l.Weights = compile.Region{Name: "weights", Base: roundUp(l.SeqRegs.End(), align), Size: w, ElemBytes: 1}
}

// seqAddr is the address of core's sequence register r.
func (p *Program) seqAddr(core int, r uint16) int64 {
	return p.Layout.SeqRegs.Base + (int64(core)*int64(p.Layout.RegsPerCore)+int64(r))*int64(p.Arch.SeqRegBytes)
}

// Region returns the index in Layout.Regions of the buffer that holds
// address addr, or -1 (sequence registers, weights, or nothing).
func (l *Layout) Region(addr int64, images int) int {
	i := sort.Search(len(l.Regions), func(i int) bool { return l.Regions[i].Base > addr }) - 1
	if i < 0 || addr >= l.Regions[i].End(images) {
		return -1
	}
	return i
}
