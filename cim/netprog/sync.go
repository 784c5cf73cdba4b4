package netprog

import (
	"fmt"

	"github.com/cimkit/cimkit/cim/isa"
)

// notifier is one core that declares a layer's output pixels final (or,
// for a folded layer, a round's partial sums complete), in the raster order
// of its pixel list, by CALLs to its listeners. The value it sends counts
// its pixels done: k*n + i for i pixels of image k. A listener waiting for
// rows < R of image k waits for k*n + before(R).
type notifier struct {
	core      int // the core that CALLs
	layer     int // placement layer
	copy      int // pixel list: p with p mod copies == copy
	copies    int
	width     int // pixels per row of the layer's output
	n         int // pixels per image in the list
	perRow    bool
	c0, c1    int // channels covered [c0, c1) (output streams)
	listeners []listener
}

// listener is a core and the sequence register it is told through.
type listener struct {
	core int32
	reg  uint16
}

// before is the number of the notifier's pixels in rows < rows.
func (s *notifier) before(rows int) int {
	end := int64(rows) * int64(s.width)
	if end <= int64(s.copy) {
		return 0
	}
	return int(min(int64(s.n), (end-int64(s.copy)-1)/int64(s.copies)+1))
}

// dep is a dependency of a unit: a notifier, the register it arrives in,
// and which input of the layer it covers.
type dep struct {
	stream int
	reg    uint16
	input  int
}

// RegKind says what a sequence register is for (see the package doc).
type RegKind uint8

// The register kinds.
const (
	OwnerReg RegKind = iota + 1 // ownership within a conflict group (the paper's register)
	ChainReg                    // the chain of a cyclic group's last writers
	DepReg                      // a notifier's count: an input or an earlier round's partial sums
)

// String is "owner", "chain" or "dep".
func (k RegKind) String() string {
	switch k {
	case OwnerReg:
		return "owner"
	case ChainReg:
		return "chain"
	case DepReg:
		return "dep"
	}
	return fmt.Sprintf("RegKind(%d)", uint8(k))
}

// RegKind returns what core's register r is for (0 if it has no such
// register).
func (p *Program) RegKind(core int, r uint16) RegKind {
	if core < 0 || core >= p.Cores || int(r) >= len(p.kinds[core]) {
		return 0
	}
	return p.kinds[core][r]
}

// newReg returns a fresh register of core c for kind.
func (p *Program) newReg(c int, kind RegKind) (uint16, error) {
	r := p.regs[c]
	if r >= maxRegs {
		return 0, fmt.Errorf("netprog: %w: core %d needs more than %d sequence registers", ErrRegisters, c, maxRegs)
	}
	p.regs[c]++
	p.kinds[c] = append(p.kinds[c], kind)
	return uint16(r), nil
}

// listen makes core c a listener of notifier s and returns the register it
// is told through (one per core and notifier, whatever the number of
// units of the core that wait on it).
func (p *Program) listen(c, s int) (uint16, error) {
	if r, ok := p.listenReg[c][s]; ok {
		return r, nil
	}
	r, err := p.newReg(c, DepReg)
	if err != nil {
		return 0, err
	}
	if p.listenReg[c] == nil {
		p.listenReg[c] = map[int]uint16{}
	}
	p.listenReg[c][s] = r
	p.streams[s].listeners = append(p.streams[s].listeners, listener{core: int32(c), reg: r})
	return r, nil
}

// waitFor appends to buf a WAIT for rows < rows of image k of d's
// notifier, unless it is implied by the last WAIT on that register
// (last[i] for deps[i]).
func (p *Program) waitFor(buf []isa.Instr, d *dep, last *int32, k, rows int) []isa.Instr {
	s := &p.streams[d.stream]
	b := s.before(rows)
	if b == 0 {
		return buf
	}
	v := int32(k*s.n + b)
	if v <= *last {
		return buf
	}
	*last = v
	return append(buf, isa.Instr{Op: isa.WAIT, Seq: d.reg, Value: v, Vec: -1})
}

// notify appends the CALLs of notifier s with value v.
func (p *Program) notify(buf []isa.Instr, s int, v int32) []isa.Instr {
	for _, l := range p.streams[s].listeners {
		buf = append(buf, p.call(int(l.core), l.reg, v))
	}
	return buf
}

// call is a CALL of core's register r with value v.
func (p *Program) call(core int, r uint16, v int32) isa.Instr {
	return isa.Instr{Op: isa.CALL, Target: int32(core), Seq: r, Value: v, Vec: -1,
		Addr: p.seqAddr(core, r), Bytes: int32(p.Arch.SeqRegBytes)}
}
