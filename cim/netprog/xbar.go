package netprog

import (
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/isa"
	"github.com/cimkit/cimkit/cim/mapping"
	"github.com/cimkit/cimkit/cim/place"
)

// unit is one core's job: a tile of a crossbar layer (one copy, one round)
// or a digital layer, run for every image.
type unit struct {
	layer   int32
	digital bool
	copy    int32
	copies  int32
	tile    int32 // index in the mapping's tiles
	round   int32
	prog    bool // reprogram the crossbar before the first image

	// The core's role in its conflict group (as compile's schemes).
	j, pv    int32
	n        int32 // pixels per image in the copy's list
	start    int32 // first walk step's list position (cyclic)
	firstN   int32 // steps < firstN: first writer
	lastFrom int32 // steps >= lastFrom: last writer
	waitBase int32 // ownership WAIT at step i: k*n + i - waitBase + 1
	own      uint16
	target   int32 // ownership successor's core (-1: none)
	tOwn     uint16
	carryIn  bool // first writers load the partial sums of an earlier round
	carryOut bool // last writers store partial sums for a later round

	notifier  int32 // the notifier this unit sends for (-1: none)
	perRow    bool  // it notifies at row ends (else at image end)
	chainWait bool  // cyclic chain: wait on chainReg before passing on
	chainReg  uint16
	chainNext int32 // core of the next chain member (-1: the end)
	chainNReg uint16

	bWait   bool   // layer mode: wait on bReg for the previous notifier of the layer
	bReg    uint16 // layer mode: the barrier chain register
	bNext   int32  // layer mode: core of the next notifier of the layer (-1: none)
	bNReg   uint16
	barrier int32 // layer mode: the layer's barrier this unit tells (-1: none)

	deps     []dep // per pixel (pipelined) inputs, and the carry (input -1)
	pre      []dep // layer mode: WAIT at the start of image k for image k - preLag
	preLag   int
	preFirst []dep // layer mode: WAIT at the start of image 0 for the last image
}

// crossbarUnits creates the units and notifiers of crossbar layer i: per
// copy and column block, one group per round it spans.
func (p *Program) crossbarUnits(i int) error {
	l := &p.Place.Layers[i]
	m := l.Map
	vecs := m.Vectors
	for d := 0; d < l.Copies; d++ {
		n := (vecs - d + l.Copies - 1) / l.Copies
		for h := range m.Blocks {
			blk := m.Block(h)
			carry := -1
			for s := 0; s < len(blk); {
				_, r := p.Place.CoreOf(l, d, blk[s].Core)
				e := s
				for e < len(blk) {
					if _, re := p.Place.CoreOf(l, d, blk[e].Core); re != r {
						break
					}
					e++
				}
				next, err := p.group(l, d, n, r, blk[s:e], s > 0, e < len(blk), carry)
				if err != nil {
					return err
				}
				carry = next
				s = e
			}
		}
	}
	return nil
}

// group creates the units of one conflict group (or a round's part of
// one) and its notifier; it returns the notifier's index.
func (p *Program) group(l *place.Layer, d, n, round int, tiles []mapping.Tile, carryIn, carryOut bool, carry int) (int, error) {
	pv := len(tiles)
	cores := make([]int, pv)
	for j, t := range tiles {
		cores[j], _ = p.Place.CoreOf(l, d, t.Core)
	}
	cyclic := p.Scheme == compile.Cyclic && pv > 1
	notifyAt := pv - 1 // the last writer (linear, sequential, one core)
	if cyclic {
		notifyAt = 0 // the writer of the last segment ends the chain
	}
	s := notifier{core: cores[notifyAt], layer: l.Index, copy: d, copies: l.Copies, width: l.Layer.Out.W, n: n,
		perRow: (carryOut || p.Mode == Pipelined) && !cyclic, c0: tiles[0].Col0, c1: tiles[0].Col0 + tiles[0].Cols}
	p.streams = append(p.streams, s)
	si := len(p.streams) - 1
	if !carryOut {
		p.outputs[l.Index] = append(p.outputs[l.Index], si)
	}
	us := make([]unit, pv)
	for j, t := range tiles {
		u := &us[j]
		*u = unit{layer: int32(l.Index), copy: int32(d), copies: int32(l.Copies), tile: int32(t.Core), round: int32(round),
			prog: l.Segment > 0 || round > 0, j: int32(j), pv: int32(pv), n: int32(n), target: -1,
			carryIn: carryIn, carryOut: carryOut, notifier: -1, chainNext: -1, bNext: -1, barrier: -1}
		p.role(u, cores)
		if pv > 1 {
			r, err := p.newReg(cores[j], OwnerReg)
			if err != nil {
				return 0, err
			}
			u.own = r
		}
		if j == notifyAt {
			u.notifier, u.perRow = int32(si), s.perRow
		}
		if carryIn {
			u.deps = append(u.deps, dep{stream: carry, input: -1})
		}
	}
	for j := range us {
		if t := us[j].target; t >= 0 {
			us[j].tOwn = us[t].own
			us[j].target = int32(cores[t])
		}
	}
	if cyclic {
		if err := p.chain(us, cores); err != nil {
			return 0, err
		}
	}
	for j := range us {
		p.units[cores[j]] = append(p.units[cores[j]], us[j])
	}
	return si, nil
}

// chain links a cyclic group's last writers in segment order: segment j's
// last writer is member j+1 (mod pv).
func (p *Program) chain(us []unit, cores []int) error {
	pv := len(us)
	for pos := 1; pos < pv; pos++ {
		u := &us[(pos+1)%pv]
		r, err := p.newReg(cores[(pos+1)%pv], ChainReg)
		if err != nil {
			return err
		}
		u.chainWait, u.chainReg = true, r
	}
	for pos := 0; pos < pv-1; pos++ {
		next := (pos + 2) % pv
		us[(pos+1)%pv].chainNext, us[(pos+1)%pv].chainNReg = int32(cores[next]), us[next].chainReg
	}
	return nil
}

// role fills in the walk of member u.j of a group of u.pv over u.n pixels
// (see package compile); target is left as a member index.
func (p *Program) role(u *unit, cores []int) {
	j, pv, n := int(u.j), int(u.pv), int(u.n)
	if pv == 1 {
		u.firstN, u.lastFrom = int32(n), 0
		return
	}
	if p.Scheme == compile.Cyclic {
		seg := func(v int) int { return int(int64(v) * int64(n) / int64(pv)) }
		prev := (j + pv - 1) % pv
		own := seg(j+1) - seg(j)
		u.start, u.firstN, u.waitBase = int32(seg(j)), int32(own), int32(own)
		u.lastFrom = int32(n - (seg(prev+1) - seg(prev)))
		u.target = int32(prev)
		return
	}
	u.firstN, u.lastFrom = 0, int32(n)
	if j == 0 {
		u.firstN = int32(n)
	}
	if j == pv-1 {
		u.lastFrom = 0
	} else {
		u.target = int32(j + 1)
	}
}

// xgen generates one crossbar unit's instructions for one image.
type xgen struct {
	p      *Program
	u      *unit
	k      int
	g      *compile.Geometry
	tile   mapping.Tile
	segs   []compile.Segment
	in     view // the input as the tile reads it (flattened views as one pixel)
	out    *view
	psum   *Buffer
	kyMax  int
	allRow int // rows needed by every pixel (flattened input), else -1
	last   []int32
	i      int
	phase  int
}

// newXgen prepares unit u's generator (its tile's segments are computed
// once and kept across images).
func (p *Program) newXgen(u *unit, x *xgen) {
	l := &p.Place.Layers[u.layer]
	g := &p.geoms[u.layer]
	*x = xgen{p: p, u: u, g: g, tile: l.Map.Tiles[u.tile], out: &p.views[u.layer], allRow: -1,
		segs: x.segs[:0], last: x.last[:0]}
	x.segs = append(x.segs, compile.Segments(g, x.tile)...)
	for _, s := range x.segs {
		x.kyMax = max(x.kyMax, s.KY)
	}
	src := p.inputs(int(u.layer))[0]
	x.in = *src
	if src.flat {
		x.allRow = src.shape.H
		x.in.shape.C, x.in.shape.H, x.in.shape.W = int(src.shape.Elems()), 1, 1
		x.in.stride = x.in.shape.C
	}
	if b := p.psum[u.layer]; b >= 0 {
		x.psum = &p.Layout.Regions[b]
	}
	for range u.deps {
		x.last = append(x.last, 0)
	}
}

// begin starts image k.
func (x *xgen) begin(k int) {
	x.k, x.i, x.phase = k, 0, 0
	for j := range x.last {
		x.last[j] = 0
	}
}

// vec is the output pixel of walk step i.
func (x *xgen) vec(i int) int {
	u := x.u
	pos := (int(u.start) + i) % int(u.n)
	return int(u.copy) + pos*int(u.copies)
}

// rows is the number of input rows (from the top) that output pixel vec
// needs: those its tile's kernel rows reach, clipped.
func (x *xgen) rows(vec int) int {
	if x.allRow >= 0 {
		return x.allRow
	}
	g := x.g
	oy := vec / g.OutW
	iy := oy*g.SH - g.PadTop + x.kyMax*g.DH
	if iy < 0 {
		return 0
	}
	return min(iy, g.InH-1) + 1
}

// next appends the next batch of instructions; false at the end of the
// image.
func (x *xgen) next(buf []isa.Instr) ([]isa.Instr, bool) {
	u, p := x.u, x.p
	switch {
	case x.phase == 0:
		x.phase = 1
		buf = x.prologue(buf)
	case x.i < int(u.n):
		buf = x.vector(buf)
		x.i++
	case x.phase == 1:
		x.phase = 2
		buf = x.epilogue(buf)
		buf = append(buf, isa.Instr{Op: isa.MARK, Value: p.Label(int(u.layer), x.k, true), Vec: -1})
	default:
		return buf, false
	}
	return buf, true
}

// prologue: reprogramming (first image only), the layer-mode WAITs and
// the sequential scheme's wait for the whole group before.
func (x *xgen) prologue(buf []isa.Instr) []isa.Instr {
	u, p := x.u, x.p
	if u.prog && x.k == 0 {
		buf = p.reprogram(buf, x.tile, u)
	}
	buf = p.preWaits(buf, u, x.k)
	if p.Scheme == compile.Sequential && u.j > 0 {
		buf = append(buf, isa.Instr{Op: isa.WAIT, Seq: u.own, Value: int32((x.k + 1) * int(u.n)), Vec: -1})
	}
	return buf
}

// reprogram writes tile t into the crossbar: per row, a LOAD of its
// weights and a PROG.
func (p *Program) reprogram(buf []isa.Instr, t mapping.Tile, u *unit) []isa.Instr {
	rowBytes := int32((int64(t.Cols)*int64(p.Arch.WeightBits) + 7) / 8)
	base := p.Layout.Weights.Base + p.weightOff[u.layer] + int64(u.tile)*int64(p.Arch.XbarRows)*int64(rowBytes)
	buf = append(buf, isa.Instr{Op: isa.MARK, Value: p.ProgLabel(int(u.layer), false), Vec: -1})
	for r := 0; r < t.Rows; r++ {
		buf = append(buf,
			isa.Instr{Op: isa.LOAD, Reg: isa.Acc, Elems: int32(t.Cols), Addr: base + int64(r)*int64(rowBytes), Bytes: rowBytes, Vec: -1},
			isa.Instr{Op: isa.PROG, Elems: 1, Vec: -1})
	}
	return append(buf, isa.Instr{Op: isa.MARK, Value: p.ProgLabel(int(u.layer), true), Vec: -1})
}

// preWaits appends the layer-mode WAITs of image k: the predecessor's
// image k - preLag complete, and for the first image of a segment's first
// layer the previous segment's last image complete.
func (p *Program) preWaits(buf []isa.Instr, u *unit, k int) []isa.Instr {
	if k == 0 {
		for _, d := range u.preFirst {
			buf = append(buf, isa.Instr{Op: isa.WAIT, Seq: d.reg, Value: int32(p.Images * p.streams[d.stream].n), Vec: -1})
		}
	}
	if img := k - u.preLag; img >= 0 {
		for _, d := range u.pre {
			buf = append(buf, isa.Instr{Op: isa.WAIT, Seq: d.reg, Value: int32((img + 1) * p.streams[d.stream].n), Vec: -1})
		}
	}
	return buf
}

// vector appends the instructions of walk step x.i.
func (x *xgen) vector(buf []isa.Instr) []isa.Instr {
	p, u, t := x.p, x.u, x.tile
	i, k, n := x.i, x.k, int(u.n)
	vec := x.vec(i)
	v32 := int32(vec)
	first := i < int(u.firstN)
	for j := range u.deps {
		if d := &u.deps[j]; d.input >= 0 {
			buf = p.waitFor(buf, d, &x.last[j], k, x.rows(vec))
		}
	}
	if i == 0 && u.notifier >= 0 {
		buf = append(buf, isa.Instr{Op: isa.MARK, Value: p.Label(int(u.layer), k, false), Vec: -1})
	}
	buf = x.loadInput(buf, vec)
	buf = append(buf, isa.Instr{Op: isa.MVM, Vec: v32})
	cols := int32(t.Cols)
	var psum int64
	psBytes := cols * int32(p.Arch.PsumBytes)
	if x.psum != nil {
		psum = x.psum.Slot(k) + (int64(vec)*int64(x.g.OutC)+int64(t.Col0))*int64(p.Arch.PsumBytes)
	}
	if !first || u.carryIn {
		if first {
			for j := range u.deps {
				if d := &u.deps[j]; d.input < 0 {
					buf = p.waitFor(buf, d, &x.last[j], k, vec/x.g.OutW+1)
				}
			}
		} else if p.Scheme != compile.Sequential {
			buf = append(buf, isa.Instr{Op: isa.WAIT, Seq: u.own, Value: int32(k*n + i - int(u.waitBase) + 1), Vec: v32})
		}
		buf = append(buf,
			isa.Instr{Op: isa.LOAD, Reg: isa.Acc, Elems: cols, Addr: psum, Bytes: psBytes, Vec: v32},
			isa.Instr{Op: isa.MOV, Fn: isa.Add, Reg: isa.Out, Elems: cols, Vec: v32})
	}
	if i < int(u.lastFrom) {
		buf = append(buf, isa.Instr{Op: isa.STORE, Reg: isa.Out, Elems: cols, Addr: psum, Bytes: psBytes, Vec: v32})
		if p.Scheme != compile.Sequential {
			buf = append(buf, p.call(int(u.target), u.tOwn, int32(k*n+i+1)))
			buf[len(buf)-1].Vec = v32
		}
		return buf
	}
	if u.carryOut {
		buf = append(buf, isa.Instr{Op: isa.STORE, Reg: isa.Out, Elems: cols, Addr: psum, Bytes: psBytes, Vec: v32})
	} else {
		ofm := p.addr(x.out, k, vec/x.g.OutW, vec%x.g.OutW, t.Col0)
		buf = append(buf,
			isa.Instr{Op: isa.MOV, Fn: isa.Bias, Reg: isa.Out, Elems: cols, Vec: v32},
			isa.Instr{Op: isa.MOV, Fn: isa.Act, Reg: isa.Out, Elems: cols, Vec: v32},
			isa.Instr{Op: isa.STORE, Reg: isa.Out, Elems: cols, Addr: ofm, Bytes: cols * int32(p.Arch.ActBytes), Vec: v32})
	}
	if u.notifier >= 0 && u.perRow && (i == n-1 || x.vec(i+1)/x.g.OutW != vec/x.g.OutW) {
		buf = p.notify(buf, int(u.notifier), int32(k*n+i+1))
	}
	return buf
}

// epilogue: the sequential hand-over, the cyclic chain, and the
// end-of-image notification.
func (x *xgen) epilogue(buf []isa.Instr) []isa.Instr {
	u, p, k, n := x.u, x.p, x.k, int(x.u.n)
	if p.Scheme == compile.Sequential && u.target >= 0 {
		buf = append(buf, p.call(int(u.target), u.tOwn, int32((k+1)*n)))
	}
	if u.chainWait {
		buf = append(buf, isa.Instr{Op: isa.WAIT, Seq: u.chainReg, Value: int32(k + 1), Vec: -1})
	}
	if u.chainNext >= 0 {
		buf = append(buf, p.call(int(u.chainNext), u.chainNReg, int32(k+1)))
	}
	if u.notifier >= 0 && !u.perRow {
		buf = p.endOfImage(buf, u, k)
	}
	return buf
}

// endOfImage appends a notifier's end-of-image notification: for a
// layer's output in layer mode its step of the layer's barrier chain, else
// the count of the whole image (a cyclic group's, or a folded round's
// partial sums).
func (p *Program) endOfImage(buf []isa.Instr, u *unit, k int) []isa.Instr {
	if p.Mode != LayerByLayer || u.carryOut {
		return p.notify(buf, int(u.notifier), int32((k+1)*int(u.n)))
	}
	if u.bWait {
		buf = append(buf, isa.Instr{Op: isa.WAIT, Seq: u.bReg, Value: int32(k + 1), Vec: -1})
	}
	if u.bNext >= 0 {
		buf = append(buf, p.call(int(u.bNext), u.bNReg, int32(k+1)))
	}
	if u.barrier >= 0 {
		buf = p.notify(buf, int(u.barrier), int32(k+1))
	}
	return buf
}

// loadInput appends the LOADs (and MOV zeros for padding) that fill In with
// the tile's rows of vec's im2col vector.
func (x *xgen) loadInput(buf []isa.Instr, vec int) []isa.Instr {
	b := &x.p.Layout.Regions[x.in.buf]
	v := compile.InputView{Base: b.Slot(x.k), Stride: x.in.stride, ChOff: x.in.chOff, ElemBytes: b.ElemBytes}
	return compile.AppendLoads(buf, x.g, x.segs, v, vec)
}
