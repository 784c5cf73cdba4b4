package compile

import (
	"github.com/cimkit/cimkit/cim/isa"
	"github.com/cimkit/cimkit/cim/mapping"
)

// Segment is a run of a tile's rows that share (group, ky, kx):
// consecutive input channels of one input pixel, loaded together.
type Segment struct {
	Off    int32 // first In register element
	N      int32 // elements
	KY, KX int   // kernel position
	Ch     int   // first input channel (absolute)
}

// role is what one core does at each step of its walk over the vectors.
type role struct {
	v, pv, n int
	start    int // first vector visited (cyclic offset)
	firstN   int // steps i < firstN: first writer (no WAIT, no partial-sum load)
	lastFrom int // steps i >= lastFrom: last writer (bias, activation, OFM store)
	waitBase int // WAIT value at step i is i - waitBase + 1 (per-vector schemes)
	target   int // CALL target core (-1: none)
	perVec   bool
}

// stream generates one core's instructions, one vector at a time.
type stream struct {
	p    *Plan
	tile mapping.Tile
	r    role
	segs []Segment
	buf  []isa.Instr
	pos  int
	i    int // next walk step
	pro  bool
	epi  bool
}

// emptyStream is the stream of a core out of range: it has no instructions.
type emptyStream struct{}

// Next implements isa.Stream.
func (emptyStream) Next(*isa.Instr) bool { return false }

// Stream returns a fresh generator of core's instructions (an empty stream
// for a core out of range). Each call starts from the beginning; the
// generator keeps O(crossbar rows) memory.
func (p *Plan) Stream(core int) isa.Stream {
	if core < 0 || core >= p.Cores() {
		return emptyStream{}
	}
	s := &stream{p: p, tile: p.Map.Tiles[core], r: p.role(core)}
	s.segs = Segments(&p.Geom, s.tile)
	s.buf = make([]isa.Instr, 0, min(2*len(s.segs)+8, 16))
	return s
}

// MVMShape returns the rows and columns of the core's tile: the part of
// the crossbar every MVM of the stream drives and reads (the timed
// simulator counts DAC and ADC conversions from it).
func (s *stream) MVMShape() (rows, cols int) { return s.tile.Rows, s.tile.Cols }

// role computes the walk of core in its group (see the package doc).
func (p *Plan) role(core int) role {
	h, v, pv := p.GroupOf(core)
	n := p.Vectors()
	blk := p.Map.Block(h)
	r := role{v: v, pv: pv, n: n, target: -1, perVec: p.Scheme != Sequential}
	if pv == 1 {
		r.firstN, r.lastFrom = n, 0
		return r
	}
	switch p.Scheme {
	case Cyclic:
		r.start = segStart(v, n, pv)
		own := segStart(v+1, n, pv) - r.start
		prev := (v + pv - 1) % pv
		r.firstN = own
		r.lastFrom = n - (segStart(prev+1, n, pv) - segStart(prev, n, pv))
		r.waitBase = own
		r.target = blk[prev].Core
	default: // Linear, Sequential
		r.firstN, r.lastFrom = 0, n
		if v == 0 {
			r.firstN = n
		}
		if v == pv-1 {
			r.lastFrom = 0
		} else {
			r.target = blk[v+1].Core
		}
	}
	return r
}

// Segments splits tile t's rows of geometry g's weight matrix into runs of
// one input pixel each.
func Segments(g *Geometry, t mapping.Tile) []Segment {
	cg := g.CinPerGroup
	rpg := g.KH * g.KW * cg
	var out []Segment
	for r := t.Row0; r < t.Row0+t.Rows; {
		gi, local := r/rpg, r%rpg
		c := local % cg
		n := min(cg-c, t.Row0+t.Rows-r)
		out = append(out, Segment{Off: int32(r - t.Row0), N: int32(n),
			KY: local / (g.KW * cg), KX: (local / cg) % g.KW, Ch: gi*cg + c})
		r += n
	}
	return out
}

// Next implements isa.Stream.
func (s *stream) Next(in *isa.Instr) bool {
	for s.pos >= len(s.buf) {
		if !s.refill() {
			return false
		}
	}
	*in = s.buf[s.pos]
	s.pos++
	return true
}

// refill generates the next batch of instructions (prologue, one vector, or
// epilogue); false at the end.
func (s *stream) refill() bool {
	s.buf, s.pos = s.buf[:0], 0
	r := &s.r
	switch {
	case !s.pro:
		s.pro = true
		if !r.perVec && r.v > 0 && r.pv > 1 {
			s.buf = append(s.buf, isa.Instr{Op: isa.WAIT, Value: int32(r.n), Vec: -1})
		}
	case s.i < r.n:
		s.vector()
		s.i++
	case !s.epi:
		s.epi = true
		if !r.perVec && r.target >= 0 {
			s.buf = append(s.buf, s.call(int32(r.n), -1))
		}
	default:
		return false
	}
	return true
}

func (s *stream) call(value, vec int32) isa.Instr {
	return isa.Instr{Op: isa.CALL, Target: int32(s.r.target), Value: value, Vec: vec,
		Addr: s.p.Layout.SeqReg(s.r.target), Bytes: int32(s.p.Arch.SeqRegBytes)}
}

// vector appends the instructions of walk step s.i.
func (s *stream) vector() {
	p, r, t := s.p, &s.r, s.tile
	i := s.i
	vec := (r.start + i) % r.n
	v32 := int32(vec)
	s.loadInput(vec)
	s.buf = append(s.buf, isa.Instr{Op: isa.MVM, Vec: v32})
	cols := int32(t.Cols)
	elem := int64(vec)*int64(p.Geom.OutC) + int64(t.Col0)
	psum := p.Layout.Psum.Base + elem*int64(p.Arch.PsumBytes)
	psBytes := cols * int32(p.Arch.PsumBytes)
	if i >= r.firstN {
		if r.perVec {
			s.buf = append(s.buf, isa.Instr{Op: isa.WAIT, Value: int32(i - r.waitBase + 1), Vec: v32})
		}
		s.buf = append(s.buf,
			isa.Instr{Op: isa.LOAD, Reg: isa.Acc, Elems: cols, Addr: psum, Bytes: psBytes, Vec: v32},
			isa.Instr{Op: isa.MOV, Fn: isa.Add, Reg: isa.Out, Elems: cols, Vec: v32})
	}
	if i >= r.lastFrom {
		ofm := p.Layout.OFM.Base + elem*int64(p.Arch.ActBytes)
		s.buf = append(s.buf,
			isa.Instr{Op: isa.MOV, Fn: isa.Bias, Reg: isa.Out, Elems: cols, Vec: v32},
			isa.Instr{Op: isa.MOV, Fn: isa.Act, Reg: isa.Out, Elems: cols, Vec: v32},
			isa.Instr{Op: isa.STORE, Reg: isa.Out, Elems: cols, Addr: ofm, Bytes: cols * int32(p.Arch.ActBytes), Vec: v32})
		return
	}
	s.buf = append(s.buf, isa.Instr{Op: isa.STORE, Reg: isa.Out, Elems: cols, Addr: psum, Bytes: psBytes, Vec: v32})
	if r.perVec {
		s.buf = append(s.buf, s.call(int32(i+1), v32))
	}
}

// loadInput appends the LOADs (and MOV zeros for padding) that fill In with
// the tile's rows of vec's im2col vector.
func (s *stream) loadInput(vec int) {
	g := &s.p.Geom
	s.buf = AppendLoads(s.buf, g, s.segs, InputView{Base: s.p.Layout.IFM.Base, Stride: g.InC, ElemBytes: s.p.Arch.ActBytes}, vec)
}

// InputView is where an input feature map lies in shared memory: HWC from
// Base, Stride elements per pixel (its channels, or more for a channel
// slice of a wider map), its channel 0 at element ChOff of a pixel.
type InputView struct {
	Base      int64
	Stride    int
	ChOff     int
	ElemBytes int
}

// AppendLoads appends to buf the LOADs (and MOV zeros for padding) that
// fill In with the rows segs of output pixel vec's im2col vector, read
// from v, merging runs that are contiguous in memory (LOAD) or in the
// register (MOV zero).
func AppendLoads(buf []isa.Instr, g *Geometry, segs []Segment, v InputView, vec int) []isa.Instr {
	ab := int64(v.ElemBytes)
	oy, ox := vec/g.OutW, vec%g.OutW
	v32 := int32(vec)
	for _, sg := range segs {
		iy := oy*g.SH - g.PadTop + sg.KY*g.DH
		ix := ox*g.SW - g.PadLeft + sg.KX*g.DW
		last := len(buf) - 1
		if iy < 0 || iy >= g.InH || ix < 0 || ix >= g.InW {
			if last >= 0 && buf[last].Op == isa.MOV && buf[last].Fn == isa.Zero && buf[last].Off+buf[last].Elems == sg.Off {
				buf[last].Elems += sg.N
				continue
			}
			buf = append(buf, isa.Instr{Op: isa.MOV, Fn: isa.Zero, Reg: isa.In, Off: sg.Off, Elems: sg.N, Vec: v32})
			continue
		}
		addr := v.Base + ((int64(iy)*int64(g.InW)+int64(ix))*int64(v.Stride)+int64(v.ChOff+sg.Ch))*ab
		if last >= 0 && buf[last].Op == isa.LOAD && buf[last].Reg == isa.In && buf[last].Addr+int64(buf[last].Bytes) == addr {
			buf[last].Elems += sg.N
			buf[last].Bytes += sg.N * int32(ab)
			continue
		}
		buf = append(buf, isa.Instr{Op: isa.LOAD, Reg: isa.In, Off: sg.Off, Elems: sg.N, Addr: addr, Bytes: sg.N * int32(ab), Vec: v32})
	}
	return buf
}
