package functional

import (
	"fmt"
	"math"

	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/energy"
	"github.com/cimkit/cimkit/cim/isa"
)

// core is one core's architectural state during a run.
type core struct {
	proc
	reg      int64
	in       []float64
	out, acc []float64
	pending  []int          // vector keys stored since the last CALL
	mvm      energy.MVM     // what one MVM of this core's tile does
	acts     energy.Actions // what the core did so far
}

// machine is one schedule's run.
type machine struct {
	runner
	d       *data
	p       *compile.Plan
	rep     *Report
	drop    func(int, int64, isa.Instr) bool
	ifm     []float64 // HWC
	psum    []float64 // HWC
	ofm     []float64 // HWC
	cores   []*core
	owner   []int // per vector key h*N+p
	writes  []int // stores of each key so far
	finals  []int // OFM stores of each key
	chanBlk []int // column block of each output channel
}

func (d *data) newMachine(opts *Options) *machine {
	p, g := d.p, d.g
	n := p.Vectors()
	m := &machine{d: d, p: p, drop: opts.Drop, rep: &Report{Layer: p.Map.Layer.Name, Scheme: p.Scheme, Float: d.float, Shift: d.shift}}
	m.ifm = make([]float64, len(d.input))
	for c := 0; c < g.InC; c++ {
		for i := 0; i < g.InH*g.InW; i++ {
			m.ifm[i*g.InC+c] = d.input[c*g.InH*g.InW+i]
		}
	}
	m.psum = make([]float64, int(p.Layout.Psum.Size)/max(p.Layout.Psum.ElemBytes, 1))
	m.ofm = make([]float64, g.OutC*n)
	blocks := len(p.Map.Blocks)
	m.owner = make([]int, blocks*n)
	m.writes = make([]int, blocks*n)
	m.finals = make([]int, blocks*n)
	m.chanBlk = make([]int, g.OutC)
	for h := 0; h < blocks; h++ {
		t := p.Map.Block(h)[0]
		for c := t.Col0; c < t.Col0+t.Cols; c++ {
			m.chanBlk[c] = h
		}
		for v := 0; v < n; v++ {
			m.owner[h*n+v] = p.Writer(h, v, 0)
		}
	}
	m.runner = newRunner(p.Arch, opts.hooks)
	for i := 0; i < p.Cores(); i++ {
		t := p.Map.Tiles[i]
		c := &core{in: make([]float64, t.Rows), out: make([]float64, t.Cols), acc: make([]float64, t.Cols),
			mvm: energy.MVMOf(t.Rows, t.Cols, p.Arch)}
		m.add(&c.proc, p.Stream(i))
		m.cores = append(m.cores, c)
	}
	return m
}

// run executes one schedule chosen by seed and compares the result.
func (d *data) run(seed uint64, opts *Options) *Report {
	m := d.newMachine(opts)
	m.rep.Seed = seed
	m.runner.run(seed, m, nil)
	m.rep.Steps = m.steps
	m.rep.Deadlock = m.deadlock(func(p *proc) int64 { return m.cores[p.id].reg })
	for _, c := range m.cores {
		m.rep.Actions = append(m.rep.Actions, c.acts)
	}
	m.checkFinals()
	m.compare()
	return m.rep
}

// drops implements executor: Options.Drop.
func (m *machine) drops(p *proc) bool { return m.drop != nil && m.drop(p.id, p.index, p.cur) }

// passes implements executor: the core's register has reached the WAIT's value.
func (m *machine) passes(p *proc) bool { return m.cores[p.id].reg >= int64(p.cur.Value) }

// issue implements executor: a transaction's actions count when it is issued.
func (m *machine) issue(p *proc, f *inFlight) {
	c := m.cores[p.id]
	c.acts.Count(&f.in, &c.mvm, m.p.Arch)
}

// perform implements executor: a LOAD or STORE is checked and moves its
// data, a CALL hands its vectors on.
func (m *machine) perform(p *proc, f *inFlight) {
	c := m.cores[p.id]
	if f.in.Op == isa.CALL {
		m.call(c, &f.in)
	} else {
		m.access(c, &f.in)
	}
}

func (m *machine) violate(c *core, in *isa.Instr, key int, msg string, a ...any) {
	m.rep.ViolationCount++
	if len(m.rep.Violations) >= MaxViolations {
		return
	}
	v := Violation{Core: c.id, Index: c.index, Instr: *in, Vector: -1, Block: -1, Owner: -1, Msg: fmt.Sprintf(msg, a...)}
	if key >= 0 {
		n := m.p.Vectors()
		v.Vector, v.Block, v.Owner = key%n, key/n, m.owner[key]
	}
	m.rep.Violations = append(m.rep.Violations, v)
}

// exec implements executor: it carries out one instruction.
func (m *machine) exec(p *proc, in *isa.Instr) {
	c := m.cores[p.id]
	c.acts.Count(in, &c.mvm, m.p.Arch)
	switch in.Op {
	case isa.MVM:
		m.mvm(c)
	case isa.LOAD, isa.STORE:
		m.access(c, in)
	case isa.MOV:
		m.mov(c, in)
	case isa.CALL:
		m.call(c, in)
	case isa.WAIT:
	default:
		m.violate(c, in, -1, "unknown operation")
	}
}

func (m *machine) mvm(c *core) { m.d.mvm(&m.p.Map.Tiles[c.id], c.in, c.out) }

// register returns the slice [Off, Off+Elems) of the register in names
// (In, Out or Acc), or nil if it is out of range.
func register(in *isa.Instr, rin, out, acc []float64) []float64 {
	var r []float64
	switch in.Reg {
	case isa.In:
		r = rin
	case isa.Out:
		r = out
	case isa.Acc:
		r = acc
	}
	if in.Off < 0 || in.Elems < 0 || int(in.Off)+int(in.Elems) > len(r) {
		return nil
	}
	return r[in.Off : in.Off+in.Elems]
}

func (m *machine) mov(c *core, in *isa.Instr) {
	r := register(in, c.in, c.out, c.acc)
	if r == nil {
		m.violate(c, in, -1, "register range out of bounds")
		return
	}
	if !m.d.mov(in, &m.p.Map.Tiles[c.id], r, c.acc) {
		m.violate(c, in, -1, "unknown MOV function")
	}
}

func (m *machine) call(c *core, in *isa.Instr) {
	t := int(in.Target)
	if t < 0 || t >= len(m.cores) || in.Addr != m.p.Layout.SeqReg(t) {
		m.violate(c, in, -1, "CALL to an invalid core or sequence-register address")
		return
	}
	for _, key := range c.pending {
		n := m.p.Vectors()
		if next := m.p.Writer(key/n, key%n, m.writes[key]); next != t {
			m.violate(c, in, key, "hands the vector to core %d, its next writer is core %d", t, next)
		}
		m.owner[key] = t
	}
	c.pending = c.pending[:0]
	tc := m.cores[t]
	tc.acts.SeqWrites++
	tc.reg = max(tc.reg, int64(in.Value))
	if tc.blocked && m.passes(&tc.proc) {
		m.wake(&tc.proc)
	}
}

// access executes a LOAD or STORE, checking the address and ownership.
func (m *machine) access(c *core, in *isa.Instr) {
	r := register(in, c.in, c.out, c.acc)
	if r == nil {
		m.violate(c, in, -1, "register range out of bounds")
		return
	}
	lay := &m.p.Layout
	n := int64(in.Bytes)
	var mem []float64
	var region compile.Region
	switch {
	case lay.IFM.Contains(in.Addr, n):
		mem, region = m.ifm, lay.IFM
	case lay.Psum.Contains(in.Addr, n):
		mem, region = m.psum, lay.Psum
	case lay.OFM.Contains(in.Addr, n):
		mem, region = m.ofm, lay.OFM
	default:
		m.violate(c, in, -1, "address 0x%x+%d outside IFM, partial sums and OFM", in.Addr, n)
		return
	}
	eb := int64(region.ElemBytes)
	off := in.Addr - region.Base
	if off%eb != 0 || n != int64(in.Elems)*eb {
		m.violate(c, in, -1, "%d bytes at 0x%x do not match %d %d-byte elements", n, in.Addr, in.Elems, eb)
		return
	}
	e := int(off / eb)
	if region.Name == "ifm" {
		if in.Op == isa.STORE {
			m.violate(c, in, -1, "STORE into the input feature map")
			return
		}
		copy(r, mem[e:])
		return
	}
	if !m.owns(c, in, e, len(r)) {
		return
	}
	if in.Op == isa.LOAD {
		copy(r, mem[e:e+len(r)])
		return
	}
	m.store(c, region.Name == "psum", mem[e:e+len(r)], r, m.key(e))
}

// key is the vector key h*N+p of output element e (HWC).
func (m *machine) key(e int) int {
	oc := m.d.g.OutC
	return m.chanBlk[e%oc]*m.p.Vectors() + e/oc
}

// owns checks that the elements [e, e+k) lie in one output vector of one
// column block, owned by c.
func (m *machine) owns(c *core, in *isa.Instr, e, k int) bool {
	oc := m.d.g.OutC
	key := m.key(e)
	if k > 0 && (e/oc != (e+k-1)/oc || m.chanBlk[e%oc] != m.chanBlk[(e+k-1)%oc]) {
		m.violate(c, in, key, "access spans two output vectors or column blocks")
		return false
	}
	if m.owner[key] != c.id {
		m.violate(c, in, key, "core %d does not own the vector", c.id)
	}
	return true
}

func (m *machine) store(c *core, psum bool, dst, src []float64, key int) {
	if psum {
		copy(dst, src)
		m.writes[key]++
		c.pending = append(c.pending, key)
		return
	}
	for i, v := range src {
		dst[i] = m.d.activation(v)
	}
	m.writes[key]++
	m.finals[key]++
}

// checkFinals reports output vectors whose final value was not stored
// exactly once (as violations of core -1).
func (m *machine) checkFinals() {
	n := m.p.Vectors()
	for key, k := range m.finals {
		if k != 1 {
			m.rep.ViolationCount++
			if len(m.rep.Violations) < MaxViolations {
				m.rep.Violations = append(m.rep.Violations, Violation{Core: -1, Index: -1, Vector: key % n, Block: key / n,
					Owner: m.owner[key], Msg: fmt.Sprintf("final value stored %d times, want once", k)})
			}
		}
	}
}

// FloatTolerance is the relative tolerance of float mode: a finite output
// y matches the reference r when |y - r| <= FloatTolerance * (1 + |r|)
// (absolute near zero, relative for large values). The executor adds the
// partial sums in another order than the reference, so the last bits may
// differ.
const FloatTolerance = 1e-9

// sameFloat reports whether a float output matches its reference: NaN
// matches NaN (a NaN weight or input gives NaN in both), an infinity the
// infinity of the same sign, and finite values within FloatTolerance.
func sameFloat(got, want float64) bool {
	switch {
	case math.IsNaN(want) || math.IsNaN(got):
		return math.IsNaN(want) && math.IsNaN(got)
	case math.IsInf(want, 0) || math.IsInf(got, 0):
		return got == want
	}
	return math.Abs(got-want) <= FloatTolerance*(1+math.Abs(want))
}

// compare reads the OFM back in CHW order and compares it with the reference.
func (m *machine) compare() {
	g := m.d.g
	hw := g.OutH * g.OutW
	out := make([]float64, len(m.ofm))
	for i := 0; i < hw; i++ {
		for c := 0; c < g.OutC; c++ {
			out[c*hw+i] = m.ofm[i*g.OutC+c]
		}
	}
	rep := m.rep
	rep.Output, rep.Reference, rep.OFM = out, m.d.ref, m.ofm
	for i, want := range m.d.ref {
		got := out[i]
		ok := got == want
		if m.d.float {
			ok = sameFloat(got, want)
		}
		if diff := math.Abs(got - want); !ok && math.IsNaN(diff) {
			rep.MaxAbsDiff = math.Inf(1) // a NaN where a number was due, or the reverse
		} else if !math.IsNaN(diff) && !math.IsInf(want, 0) && diff > rep.MaxAbsDiff {
			rep.MaxAbsDiff = diff
		}
		if !ok {
			rep.Mismatches++
			if rep.First == nil {
				rep.First = &Mismatch{Channel: i / hw, Y: i % hw / g.OutW, X: i % g.OutW, Got: got, Want: want}
			}
		}
	}
	rep.Match = rep.Mismatches == 0
}
