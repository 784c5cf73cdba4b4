package sim

import "github.com/cimkit/cimkit/cim/isa"

// MaxSeqRegs is the most sequence registers a core may have (CALL and WAIT
// name them by Instr.Seq; per-layer programs use register 0 only).
const MaxSeqRegs = 4096

// seq returns the value of core c's sequence register r (0 until a CALL
// raises it).
func (c *core) seq(r uint16) int64 {
	if r == 0 {
		return c.reg
	}
	if int(r) <= len(c.regs) {
		return c.regs[r-1]
	}
	return 0
}

// raise sets c's sequence register r to v when v is larger: counts only
// grow. For the per-layer programs, whose CALLs to one core come from one
// caller in increasing order, it is a plain write.
func (c *core) raise(r uint16, v int64) {
	if r == 0 {
		c.reg = max(c.reg, v)
		return
	}
	for int(r) > len(c.regs) {
		c.regs = append(c.regs, 0)
	}
	c.regs[r-1] = max(c.regs[r-1], v)
}

// digitalCycles is the latency of a MOV (fixed: one crossbar output register
// in the MVM pipeline) or of a VOP (per element, see arch.VOPCycles).
func (m *machine) digitalCycles(in *isa.Instr) int64 {
	if in.Op == isa.VOP {
		return m.a.VOPCycles(int64(in.Elems))
	}
	return int64(m.a.DigitalCycles)
}

// prog starts core i's PROG once its crossbar is idle: the crossbar is
// written row by row for in.Elems rows of arch.RowWriteCycles each while the
// core goes on, as with an MVM (the next MVM or PROG waits for it; with
// Options.BlockingMVM the core waits too).
func (m *machine) prog(i int, c *core) {
	start := max(c.t, c.xbar)
	lat := int64(max(c.in.Elems, 0)) * int64(m.a.RowWriteCycles)
	if m.tracing {
		m.span(i, start, start+lat, ClassProg)
	}
	c.stats.Busy += start - c.t
	c.stats.XbarBusy += lat
	c.stats.RowWrites += int64(max(c.in.Elems, 0))
	c.stats.Instrs++
	c.has = false
	c.xbar, c.t = start+lat, start
	if m.opt.BlockingMVM {
		c.stats.Busy += lat
		c.t = c.xbar
	}
}

// Mark is a MARK instruction reached by a core: its label and the time
// when everything before it in the core's program has finished, an MVM or
// PROG still at work on the crossbar included.
type Mark struct {
	Core  int32
	Label int32
	T     int64
}

// mark records core i's MARK; it costs nothing and is not counted as an
// instruction.
func (m *machine) mark(i int, c *core) {
	m.res.Marks = append(m.res.Marks, Mark{Core: int32(i), Label: c.in.Value, T: max(c.t, c.xbar)})
	c.has = false
}
