package netprog

import (
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/isa"
	"github.com/cimkit/cimkit/cim/place"
)

// stream is one core's program: its units in order, each for every image.
type stream struct {
	p     *Program
	core  int
	units []unit
	ui    int // current unit
	k     int // current image
	on    bool
	x     xgen
	d     dgen
	buf   []isa.Instr
	pos   int
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

// TileShape returns the rows and columns of the tile of the job whose
// instructions Next hands out (every batch holds one job's), for cim/sim,
// which prices each MVM on its tile (sim.TileShaper): a core's tile changes
// when it is reprogrammed between segments or rounds. A digital job, and
// the end of the stream, give the whole crossbar.
func (s *stream) TileShape() (rows, cols int) {
	if s.ui < len(s.units) {
		if u := &s.units[s.ui]; !u.digital {
			t := &s.p.Place.Layers[u.layer].Map.Tiles[u.tile]
			return t.Rows, t.Cols
		}
	}
	return s.p.Arch.XbarRows, s.p.Arch.XbarCols
}

// refill generates the next batch of instructions; false at the end.
func (s *stream) refill() bool {
	s.buf, s.pos = s.buf[:0], 0
	for {
		if s.ui >= len(s.units) {
			return false
		}
		u := &s.units[s.ui]
		if !s.on {
			if s.k == 0 {
				if u.digital {
					s.p.newDgen(u, &s.d)
				} else {
					s.p.newXgen(u, &s.x)
				}
			}
			if u.digital {
				s.d.begin(s.k)
			} else {
				s.x.begin(s.k)
			}
			s.on = true
		}
		var more bool
		if u.digital {
			s.buf, more = s.d.next(s.buf)
		} else {
			s.buf, more = s.x.next(s.buf)
		}
		if more {
			return true
		}
		s.on = false
		if s.k++; s.k == s.p.Images {
			s.k, s.ui = 0, s.ui+1
		}
	}
}

// dependencies makes every unit a listener of the notifiers it waits for:
// in pipelined mode the producers of the channels it reads (and, for a
// round continuing a folded group, the earlier round); in layer mode the
// barrier of its predecessor in the order layer by layer (see layerDeps).
func (p *Program) dependencies() error {
	if p.Mode == LayerByLayer {
		if err := p.barriers(); err != nil {
			return err
		}
	}
	for c := range p.units {
		for ui := range p.units[c] {
			u := &p.units[c][ui]
			for j := range u.deps { // the carry of a folded round
				r, err := p.listen(c, u.deps[j].stream)
				if err != nil {
					return err
				}
				u.deps[j].reg = r
			}
			var err error
			if p.Mode == LayerByLayer {
				err = p.layerDeps(c, u)
			} else {
				err = p.inputDeps(c, u)
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// layerDeps adds unit u's layer-mode waits. Layer by layer, the chip runs
// one (layer, image) at a time, segment by segment: within a segment,
// image after image, each image through the segment's layers in network
// order. So image k of a layer waits for the same image of the previous
// layer of its segment; the segment's first layer waits for the segment's
// last layer's previous image (unless the segment is one folded layer,
// whose rounds each run every image), and for its first image for the
// previous segment's last layer's last image.
func (p *Program) layerDeps(c int, u *unit) error {
	seg := p.Place.Layers[u.layer].Segment
	var first, last, prevSeg = -1, -1, -1
	prev := -1
	for _, i := range p.timed {
		switch s := p.Place.Layers[i].Segment; {
		case s == seg:
			if first < 0 {
				first = i
			}
			if i == int(u.layer) {
				prev = last
			}
			last = i
		case s < seg:
			prevSeg = i
		}
	}
	add := func(dst *[]dep, layer int) error {
		r, err := p.listen(c, p.barrier[layer])
		if err != nil {
			return err
		}
		*dst = append(*dst, dep{stream: p.barrier[layer], reg: r})
		return nil
	}
	if prev >= 0 {
		return add(&u.pre, prev)
	}
	u.preLag = 1
	if p.Images > 1 && !p.Place.Layers[last].Folded() { // a folded layer's rounds run each image in turn
		if err := add(&u.pre, last); err != nil {
			return err
		}
	}
	if prevSeg >= 0 {
		return add(&u.preFirst, prevSeg)
	}
	return nil
}

// inputDeps adds unit u's pipelined input dependencies: for each input,
// the notifiers of the channels it reads.
func (p *Program) inputDeps(c int, u *unit) error {
	ins := p.inputs(int(u.layer))
	var chans [][2]int // channels of input 0 a tile reads (nil: all)
	if !u.digital && !ins[0].flat {
		l := &p.Place.Layers[u.layer]
		for _, s := range compile.Segments(&p.geoms[u.layer], l.Map.Tiles[u.tile]) {
			chans = append(chans, [2]int{s.Ch, s.Ch + int(s.N)})
		}
	}
	for j, v := range ins {
		if v.src < 0 {
			continue // the network input is there from the start
		}
		var err error
		p.notifiersOf(v.src, 0, func(s, c0, c1 int) {
			if err != nil || !overlaps(chans, c0, c1) {
				return
			}
			var r uint16
			if r, err = p.listen(c, s); err == nil {
				u.deps = append(u.deps, dep{stream: s, reg: r, input: j})
			}
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// overlaps reports whether [c0, c1) meets any of the ranges (nil: all).
func overlaps(ranges [][2]int, c0, c1 int) bool {
	if ranges == nil {
		return true
	}
	for _, r := range ranges {
		if r[0] < c1 && c0 < r[1] {
			return true
		}
	}
	return false
}

// notifiersOf calls fn for every notifier of layer i's output with the
// channels it covers, shifted by shift (a concatenation written in place
// is covered by its inputs' notifiers).
func (p *Program) notifiersOf(i, shift int, fn func(s, c0, c1 int)) {
	l := &p.Place.Layers[i]
	if l.Role == place.Alias {
		off := shift
		for _, v := range p.inputs(i) {
			if v.src >= 0 {
				p.notifiersOf(v.src, off, fn)
			}
			off += v.shape.C
		}
		return
	}
	for _, s := range p.outputs[i] {
		fn(s, p.streams[s].c0+shift, p.streams[s].c1+shift)
	}
}

// barriers links, in layer mode, the notifiers of each layer's output into
// a chain (see the package doc) whose last member tells the layer's
// barrier notifier: one count per image, so that the next layer's cores
// need one register for it, not one per notifier.
func (p *Program) barriers() error {
	owner := map[int]*unit{} // notifier -> the unit that sends it
	core := map[int]int{}
	for c := range p.units {
		for ui := range p.units[c] {
			if u := &p.units[c][ui]; u.notifier >= 0 {
				owner[int(u.notifier)], core[int(u.notifier)] = u, c
			}
		}
	}
	p.barrier = make([]int, len(p.Place.Layers))
	for _, i := range p.timed {
		outs := p.outputs[i]
		last := outs[len(outs)-1]
		p.streams = append(p.streams, notifier{core: core[last], layer: i, copies: 1, width: 1, n: 1})
		p.barrier[i] = len(p.streams) - 1
		for j, s := range outs {
			u := owner[s]
			u.bNext = -1
			if j > 0 {
				r, err := p.newReg(core[s], ChainReg)
				if err != nil {
					return err
				}
				u.bWait, u.bReg = true, r
				prev := owner[outs[j-1]]
				prev.bNext, prev.bNReg = int32(core[s]), r
			}
			if j == len(outs)-1 {
				u.barrier = int32(p.barrier[i])
			}
		}
	}
	return nil
}
