package functional

import (
	"fmt"
	"math"
	"math/bits"
	"strings"

	"github.com/cimkit/cimkit/cim/isa"
	"github.com/cimkit/cimkit/cim/netprog"
	"github.com/cimkit/cimkit/cim/place"
)

// NetOptions control a whole-network run (RunNetwork).
type NetOptions struct {
	// Seed is the first scheduler seed; Seeds schedules (default 1) are run
	// with seeds Seed, Seed+1, ...
	Seed  uint64
	Seeds int
	// Drop, when set, is asked about every instruction (the layer of the
	// core's job, the core, the instruction's index in the core's program,
	// the instruction); returning true removes it.
	Drop func(layer string, core int, index int64, in isa.Instr) bool
	// Values, when set, runs the program on real data (see NetValues);
	// else only the order of accesses is checked.
	Values *NetValues

	hooks // tests only
}

// NetReport is the outcome of a whole-network run.
type NetReport struct {
	Network string // the network's name
	Scheme  string // the synchronisation scheme inside layers
	Mode    string // layer or pipelined
	Seed    uint64 // the scheduler seed this report is about
	Seeds   int    // schedules run (stops at the first failing one)
	Steps   int64  // instructions executed in the reported schedule

	Violations     []Violation // the first MaxViolations
	ViolationCount int         // all of them
	Deadlock       *Deadlock   // nil unless the run deadlocked

	// Valued runs: feature-map elements that differ from the first
	// schedule's (a result that depends on the schedule), and the first.
	Differs   int
	FirstDiff string

	p   *netprog.Program
	mem [][]float64 // valued runs: shared memory at the end of the reported schedule
}

// OK reports whether the run had no violation, no deadlock and, valued, the
// same results under every schedule.
func (r *NetReport) OK() bool { return r.ViolationCount == 0 && r.Deadlock == nil && r.Differs == 0 }

// String summarises the report in one line.
func (r *NetReport) String() string {
	if r.OK() {
		return fmt.Sprintf("%s %s %s: ok (%d schedules, %d instructions each)", r.Network, r.Scheme, r.Mode, r.Seeds, r.Steps)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s seed %d: FAIL", r.Network, r.Scheme, r.Mode, r.Seed)
	if r.Deadlock != nil {
		b.WriteString("; " + r.Deadlock.String())
	}
	if r.ViolationCount > 0 {
		fmt.Fprintf(&b, "; %d violations, first: %s", r.ViolationCount, r.Violations[0])
	}
	if r.Differs > 0 {
		fmt.Fprintf(&b, "; %d elements differ from the first schedule's, first: %s", r.Differs, r.FirstDiff)
	}
	return b.String()
}

// Values returns tensor o (see netprog.Program.Operands and Output) of
// image k as a valued run's reported schedule left it in shared memory:
// HWC over o.Shape, NaN for elements never written. It returns nil for a
// run without values or an operand or image out of range.
func (r *NetReport) Values(o netprog.Operand, k int) []float64 {
	if r.mem == nil || o.Buffer < 0 || o.Buffer >= len(r.mem) || k < 0 || k >= r.p.Images {
		return nil
	}
	v := &netValues{p: r.p, mem: r.mem}
	return v.tensor(o, k, nil)
}

// RunNetwork runs a whole-network program (cim/netprog) under random
// schedules, as Run does for one layer, and checks the order of its data
// (with opt.Values it also computes, see below):
//
//   - Inter-layer: every element of a feature map (the network input
//     excepted) must be stored exactly once per image, and a LOAD may read
//     only elements already stored. A consumer that runs ahead of its
//     producer, because an inter-layer WAIT is missing or waits for too
//     little, reads an element not yet written: a Violation.
//   - Within a layer: each MVM result stands for the tile's row block of
//     the pixel; adding a loaded partial sum unites the row blocks it
//     holds, and adding one twice is a violation; a final value (a STORE
//     into a feature map by a crossbar core) must hold every row block of
//     its column group, or a writer's contribution was lost or read stale.
//     This checks the ownership protocol of every scheme, across the
//     rounds of folded layers too.
//
// The scheduler, slow cores and deadlock report are those of Run, and so
// are the relaxed schedules of an AXI4 chip (arch.AXI4; one
// implementation for both): a core's LOADs, STOREs and CALLs are performed
// later, in any order isa.MustWait allows, and each is checked when it is
// performed. An inter-layer CALL is a release like any other: a consumer
// it wakes finds the producer's STOREs before it done. A digital core's
// STORE must also be performed after every LOAD its core issued before
// it (the values it stores are computed from them; the program must make
// it wait through its registers, see cim/netprog).
//
// With opt.Values the program also computes (see NetValues), and every
// schedule must leave the same values in every feature map as the first
// (NetReport.Differs); an error of the digital layers' operators is
// returned as the error.
func RunNetwork(p *netprog.Program, opt NetOptions) (*NetReport, error) {
	if p == nil {
		return nil, fmt.Errorf("functional: no network program")
	}
	var val *netValues
	if opt.Values != nil {
		var err error
		if val, err = newNetValues(p, opt.Values); err != nil {
			return nil, err
		}
	}
	seeds := max(opt.Seeds, 1)
	var rep *NetReport
	var first [][]float64
	for i := 0; i < seeds; i++ {
		m := newNetMachine(p, &opt, val)
		rep = m.run(opt.Seed + uint64(i))
		rep.Seeds = i + 1
		if val != nil {
			if val.err != nil {
				return nil, val.err
			}
			rep.mem = val.mem
			if first == nil {
				first = val.mem
			} else {
				m.differ(first)
			}
		}
		if !rep.OK() {
			break
		}
	}
	return rep, nil
}

// differ counts the feature-map elements that differ from the first
// schedule's memory (NaN equals NaN).
func (m *netMachine) differ(first [][]float64) {
	lay := &m.p.Layout
	for b, mem := range m.val.mem {
		if lay.Regions[b].Psum {
			continue
		}
		n := lay.Regions[b].Shape.Elems()
		for e, x := range mem {
			if y := first[b][e]; x == y || (math.IsNaN(x) && math.IsNaN(y)) {
				continue
			}
			if m.rep.Differs++; m.rep.FirstDiff == "" {
				m.rep.FirstDiff = fmt.Sprintf("%s image %d element %d: %g, first schedule %g", lay.Regions[b].Name, int64(e)/n, int64(e)%n, x, first[b][e])
			}
		}
	}
}

// blocks is a set of row blocks (bit v: row block v).
type blocks []uint64

func (b blocks) reset(n int) blocks {
	w := (n + 63) / 64
	if cap(b) < w {
		b = make(blocks, w)
	}
	b = b[:w]
	clear(b)
	return b
}

// netCore is one core of a whole-network run.
type netCore struct {
	proc
	regs   map[uint16]int64
	jobs   []netprog.Job
	job, k int    // current job and image
	out    blocks // row blocks in Out
	acc    blocks // row blocks in Acc
	val    *coreValues
}

type netMachine struct {
	runner
	p       *netprog.Program
	drop    func(string, int, int64, isa.Instr) bool
	val     *netValues // nil: order only
	rep     *NetReport
	cores   []*netCore
	written [][]uint64         // per feature-map buffer: a bit per element, every image
	psum    map[int64][]uint64 // partial sums: row blocks, by address
}

func newNetMachine(p *netprog.Program, opt *NetOptions, val *netValues) *netMachine {
	m := &netMachine{runner: newRunner(p.Arch, opt.hooks), p: p, drop: opt.Drop, val: val, psum: map[int64][]uint64{},
		rep: &NetReport{Network: p.Place.Net.Name, Scheme: string(p.Scheme), Mode: string(p.Mode), p: p}}
	if val != nil {
		val.start()
	}
	m.written = make([][]uint64, len(p.Layout.Regions))
	for i := range p.Layout.Regions {
		b := &p.Layout.Regions[i]
		if b.Psum {
			continue
		}
		n := b.Shape.Elems() * int64(p.Images)
		m.written[i] = make([]uint64, (n+63)/64)
		if b.Layer < 0 { // the network input is there from the start
			for e := int64(0); e < n; e++ {
				m.written[i][e/64] |= 1 << (e % 64)
			}
		}
	}
	for c := 0; c < p.Cores; c++ {
		nc := &netCore{regs: map[uint16]int64{}, jobs: p.Jobs(c)}
		if val != nil {
			nc.val = newCoreValues(p.Arch)
		}
		m.runner.add(&nc.proc, p.Stream(c))
		m.cores = append(m.cores, nc)
	}
	return m
}

func (m *netMachine) run(seed uint64) *NetReport {
	m.rep.Seed = seed
	m.runner.run(seed, m, func() bool { return m.val != nil && m.val.err != nil })
	m.rep.Steps = m.steps
	m.rep.Deadlock = m.deadlock(func(p *proc) int64 { return m.cores[p.id].regs[p.cur.Seq] })
	if m.rep.Deadlock == nil {
		m.checkWritten()
	}
	return m.rep
}

// drops implements executor: NetOptions.Drop.
func (m *netMachine) drops(p *proc) bool {
	return m.drop != nil && m.drop(m.cores[p.id].layer(), p.id, p.index, p.cur)
}

// passes implements executor: the WAIT's register has reached its value.
func (m *netMachine) passes(p *proc) bool {
	return m.cores[p.id].regs[p.cur.Seq] >= int64(p.cur.Value)
}

// issue implements executor: a transaction keeps the job and image it
// belongs to.
func (m *netMachine) issue(p *proc, f *inFlight) {
	c := m.cores[p.id]
	f.job, f.k = c.job, c.k
}

// perform implements executor: the transaction is carried out and checked
// in the job and image it was issued in. A digital core's STORE must also
// come after the LOADs it issued before it: the values it stores come
// from them, through its registers (see NetValues).
func (m *netMachine) perform(p *proc, f *inFlight) {
	c := m.cores[p.id]
	job, k := c.job, c.k
	c.job, c.k = f.job, f.k
	if f.in.Op == isa.STORE && m.digital(c) {
		for _, g := range p.flight {
			if g.in.Op == isa.LOAD && g.index < f.index {
				m.violate(c, &f.in, -1, "stores before its LOAD at instr %d has arrived, which it does not wait for through the registers", g.index)
				break
			}
		}
	}
	m.exec(p, &f.in)
	c.job, c.k = job, k
}

// digital reports whether c works on a digital layer now.
func (m *netMachine) digital(c *netCore) bool {
	return c.job < len(c.jobs) && m.p.Place.Layers[c.jobs[c.job].Layer].Role == place.Digital
}

// layer names the layer of c's current job ("" after its last).
func (c *netCore) layer() string {
	if c.job < len(c.jobs) {
		return c.jobs[c.job].Name
	}
	return ""
}

func (m *netMachine) violate(c *netCore, in *isa.Instr, vec int, msg string, a ...any) {
	m.rep.ViolationCount++
	if len(m.rep.Violations) < MaxViolations {
		m.rep.Violations = append(m.rep.Violations, Violation{Core: c.id, Index: c.index, Instr: *in, Vector: vec,
			Block: -1, Owner: -1, Msg: fmt.Sprintf(msg, a...)})
	}
}

// tile returns the row block v of the tile the core works on now and the
// number of row blocks in its column block; ok is false for a digital job
// and after the core's last job.
func (m *netMachine) tile(c *netCore) (v, size int, ok bool) {
	if c.job >= len(c.jobs) {
		return 0, 0, false
	}
	j := c.jobs[c.job]
	l := &m.p.Place.Layers[j.Layer]
	if l.Role != place.Crossbar {
		return 0, 0, false
	}
	t := l.Map.Tiles[j.Tile]
	return t.V, len(l.Map.Block(t.H)), true
}

// exec implements executor: it carries out one instruction.
func (m *netMachine) exec(p *proc, in *isa.Instr) {
	c := m.cores[p.id]
	switch in.Op {
	case isa.MVM:
		if v, size, ok := m.tile(c); ok {
			c.out = c.out.reset(size)
			c.out[v/64] |= 1 << (v % 64)
		}
		if m.val != nil {
			m.valueOp(c, in)
		}
	case isa.LOAD, isa.STORE:
		m.access(c, in)
	case isa.MOV:
		if in.Fn == isa.Add {
			m.add(c, in)
		}
		if m.val != nil {
			m.valueOp(c, in)
		}
	case isa.CALL:
		if t := int(in.Target); t < 0 || t >= len(m.cores) {
			m.violate(c, in, -1, "CALL to core %d, the program has cores 0..%d", t, len(m.cores)-1)
		} else {
			tc := m.cores[t]
			tc.regs[in.Seq] = max(tc.regs[in.Seq], int64(in.Value))
			if tc.blocked && tc.cur.Seq == in.Seq && m.passes(&tc.proc) {
				m.wake(&tc.proc)
			}
		}
	case isa.MARK:
		if _, _, end, prog := m.p.Unlabel(in.Value); end && !prog {
			if c.k++; c.k == m.p.Images {
				c.k, c.job = 0, c.job+1
			}
		}
	case isa.WAIT, isa.VOP, isa.PROG:
	default:
		m.violate(c, in, -1, "unknown operation")
	}
}

// add is MOV add: Out gains Acc's row blocks, none twice.
func (m *netMachine) add(c *netCore, in *isa.Instr) {
	if _, _, ok := m.tile(c); !ok || len(c.acc) != len(c.out) {
		return
	}
	for i := range c.out {
		if c.out[i]&c.acc[i] != 0 {
			m.violate(c, in, int(in.Vec), "adds a row block twice (partial sum read after it already held this core's part)")
		}
		c.out[i] |= c.acc[i]
	}
}

// access checks a LOAD or STORE against the memory map, the written
// elements and the partial sums' row blocks.
func (m *netMachine) access(c *netCore, in *isa.Instr) {
	lay := &m.p.Layout
	b := lay.Region(in.Addr, m.p.Images)
	if b < 0 {
		if in.Op == isa.LOAD && in.Addr >= lay.Weights.Base && in.Addr+int64(in.Bytes) <= lay.Weights.End() {
			return // reprogramming reads weights
		}
		m.violate(c, in, int(in.Vec), "address 0x%x+%d outside every buffer", in.Addr, in.Bytes)
		return
	}
	buf := &lay.Regions[b]
	off := in.Addr - buf.Base
	eb := int64(buf.ElemBytes)
	if off%eb != 0 || int64(in.Bytes) != int64(in.Elems)*eb || in.Addr+int64(in.Bytes) > buf.End(m.p.Images) {
		m.violate(c, in, int(in.Vec), "%d bytes at 0x%x do not match %d elements of %s", in.Bytes, in.Addr, in.Elems, buf.Name)
		return
	}
	k := off / buf.SlotBytes
	e0 := k*buf.Shape.Elems() + (off%buf.SlotBytes)/eb
	if (off%buf.SlotBytes)/eb+int64(in.Elems) > buf.Shape.Elems() {
		m.violate(c, in, int(in.Vec), "%d elements at 0x%x run past image %d's slot of %s", in.Elems, in.Addr, k, buf.Name)
		return
	}
	if m.val != nil {
		defer m.valueAccess(c, in, b, e0)
	}
	if buf.Psum {
		m.psumAccess(c, in, buf)
		return
	}
	w := m.written[b]
	for e := e0; e < e0+int64(in.Elems); e++ {
		set := w[e/64]&(1<<(e%64)) != 0
		switch {
		case in.Op == isa.LOAD && !set:
			m.violate(c, in, int(in.Vec), "reads %s image %d element %d before it was written", buf.Name, k, e-k*buf.Shape.Elems())
			return
		case in.Op == isa.STORE && set:
			m.violate(c, in, int(in.Vec), "writes %s image %d element %d a second time", buf.Name, k, e-k*buf.Shape.Elems())
			return
		}
		w[e/64] |= 1 << (e % 64)
	}
	if in.Op == isa.STORE {
		m.final(c, in, buf)
	}
}

// final checks that a crossbar core's final value holds every row block.
func (m *netMachine) final(c *netCore, in *isa.Instr, buf *netprog.Buffer) {
	_, size, ok := m.tile(c)
	if !ok {
		return
	}
	n := 0
	for _, w := range c.out {
		n += bits.OnesCount64(w)
	}
	if n != size || len(c.out) == 0 {
		m.violate(c, in, int(in.Vec), "final value of %s holds %d of the %d row blocks of its group", buf.Name, n, size)
	}
}

// psumAccess loads or stores the row blocks of a partial sum.
func (m *netMachine) psumAccess(c *netCore, in *isa.Instr, buf *netprog.Buffer) {
	if _, _, ok := m.tile(c); !ok {
		m.violate(c, in, int(in.Vec), "a digital core touches partial sums %s", buf.Name)
		return
	}
	if in.Op == isa.LOAD {
		got, ok := m.psum[in.Addr]
		if !ok {
			m.violate(c, in, int(in.Vec), "reads a partial sum of %s that was never stored", buf.Name)
			c.acc = c.acc.reset(len(c.out))
			return
		}
		c.acc = append(c.acc[:0], got...)
		return
	}
	m.psum[in.Addr] = append(m.psum[in.Addr][:0], c.out...)
}

// checkWritten reports feature-map elements never written.
func (m *netMachine) checkWritten() {
	lay := &m.p.Layout
	for b, w := range m.written {
		buf := &lay.Regions[b]
		if w == nil || buf.Layer < 0 {
			continue
		}
		n := buf.Shape.Elems() * int64(m.p.Images)
		for e := int64(0); e < n; e++ {
			if w[e/64]&(1<<(e%64)) == 0 {
				m.rep.ViolationCount++
				if len(m.rep.Violations) < MaxViolations {
					m.rep.Violations = append(m.rep.Violations, Violation{Core: -1, Index: -1, Vector: -1, Block: -1, Owner: -1,
						Msg: fmt.Sprintf("%s image %d element %d is never written", buf.Name, e/buf.Shape.Elems(), e%buf.Shape.Elems())})
				}
				break
			}
		}
	}
}
