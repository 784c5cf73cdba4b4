package sim

import (
	"fmt"
	"math"
	"strings"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/energy"
	"github.com/cimkit/cimkit/cim/isa"
)

// Options control one simulation.
type Options struct {
	// Trace records one Span per instruction (and per wait) for timeline
	// figures. Off by default: a large layer has millions of instructions.
	Trace bool
	// BlockingMVM makes a core wait for its own MVM to finish before the
	// next instruction. By default the crossbar works on its own: only an
	// instruction that reads Out or writes In (MOV, LOAD In, STORE Out, the
	// next MVM) waits for it, so the MVM overlaps the WAIT and the
	// partial-sum LOAD that follow it (the compiler's pipeline).
	BlockingMVM bool
	// Arbiter is the bus arbitration policy; the zero value is Oldest.
	Arbiter Arbiter
	// MaxSpans caps the trace; further spans are dropped and
	// Timing.Truncated is set. 0 means DefaultMaxSpans.
	MaxSpans int
	// OnSpan, when set, receives every span as it is recorded, whether or
	// not Trace keeps them (and with no cap): a caller can aggregate a
	// timeline of any window of a run of any length in constant memory. It
	// is called from the simulation loop; spans come in issue order, not
	// sorted by time. It costs a call per instruction; Progress is cheaper.
	OnSpan func(Span)
	// Progress, when set, is called after every ProgressEvery MVMs with the
	// number of MVMs started so far, from the simulation loop: a long run
	// can report how far it is (a layer's run has cores x vectors MVMs).
	Progress func(mvms int64)
	// Tech prices the runs of RunLayerWith and RunModelWith (the energy,
	// area and TOPS/W fields of Result); nil means energy.Default().
	Tech *energy.Tech
}

// ProgressEvery is how many MVMs pass between two calls of
// Options.Progress.
const ProgressEvery = 1 << 14

// DefaultMaxSpans is the trace cap used when Options.MaxSpans is 0
// (about 24 MB of spans).
const DefaultMaxSpans = 1 << 20

// CoreStats are one core's figures, in cycles unless named otherwise.
// Busy + Bus + WaitBus + WaitOwner + Idle = End. The embedded Actions are
// what the core's units did (the energy model's input; MVMs among them).
type CoreStats struct {
	Core      int   `json:"core"`
	Instrs    int64 `json:"instrs"`     // instructions executed
	Busy      int64 `json:"busy"`       // computing: MVM and MOV
	Bus       int64 `json:"bus"`        // holding the bus (own transactions)
	WaitBus   int64 `json:"wait_bus"`   // waiting for a bus grant
	WaitOwner int64 `json:"wait_owner"` // blocked in WAIT (waiting for ownership)
	Idle      int64 `json:"idle"`       // not started yet or finished before the last core
	End       int64 `json:"end"`        // cycle at which the core's program ended
	BusBytes  int64 `json:"bus_bytes"`  // bytes the core moved over the bus
	SyncBytes int64 `json:"sync_bytes"` // of which CALL (synchronisation) bytes

	// Per unit: cycles the crossbar computed or was written (MVMs and PROGs)
	// and the digital unit worked (MOVs and VOPs), and the rest of the run
	// (Timing.Cycles) they were idle. The core's bus interface is busy for
	// Bus cycles.
	XbarBusy    int64 `json:"xbar_busy"`
	XbarIdle    int64 `json:"xbar_idle"`
	DigitalBusy int64 `json:"digital_busy"`
	DigitalIdle int64 `json:"digital_idle"`

	energy.Actions
}

// Timing is what one simulation measured.
type Timing struct {
	Cycles       int64          // makespan: the cycle at which the last core ended
	BusBusy      int64          // cycles the bus carried a transaction (AXI4: the busiest channel's)
	ReadBusy     int64          // of which LOADs: cycles the bus (AXI4: the R channel) carried reads
	WriteBusy    int64          // of which STOREs and CALLs: cycles the bus (AXI4: the W channel) carried writes
	Interconnect string         // the chip's interconnect: arch.Shared or arch.AXI4
	BusBytes     int64          // bytes carried by LOAD, STORE and CALL
	SyncBytes    int64          // bytes carried by CALL
	Transactions int64          // bus transactions
	Instrs       int64          // instructions executed, all cores
	Actions      energy.Actions // what the units did, summed over the cores
	Cores        []CoreStats    // per core, by core index
	Trace        []Span         // with Options.Trace: per instruction, in issue order
	Truncated    bool           // the trace hit Options.MaxSpans
	Marks        []Mark         // every MARK reached, in simulation order (not sorted by time)
}

// BusUtilization is BusBusy / Cycles (0 for an empty run).
func (t *Timing) BusUtilization() float64 {
	if t.Cycles == 0 {
		return 0
	}
	return float64(t.BusBusy) / float64(t.Cycles)
}

// core is one simulated core. The fields an event touches come first, so
// that they share the first cache lines of the core: its first 64 bytes
// hold the held instruction and the core's times, the next 64 its AXI4
// state, what a grant reads of the core (TestCoreLayout).
type core struct {
	in      isa.Instr // the held (fetched, not yet finished) instruction
	has     bool      // in is valid
	done    bool
	ended   bool  // the stream has no more instructions
	blocked bool  // in WAIT, register below the awaited value
	t       int64 // local time: the held instruction may start at t
	xbar    int64 // the crossbar is busy with an MVM until xbar

	ax axiCore // the core's transactions on AXI4 (unused on the shared bus)

	idx   int64 // index of the held instruction in the program
	reg   int64 // sequence register 0 (the paper's one; more in regs)
	since int64 // start of the current bus request or WAIT block
	s     isa.Stream
	stats CoreStats
	xfer  [4]transfers // bus transactions by xferKind: LOAD, STORE, CALL

	mvm    energy.MVM // what one of this core's MVMs does (its tile's shape)
	tiles  TileShaper // the stream, when its tile changes during the run
	priced int64      // MVMs already added to stats at earlier tiles
	regs   []int64    // sequence registers 1, 2, ... (whole-network programs)
}

// transfers counts the bus transactions of one kind: how many, their bytes
// and their beats.
type transfers struct{ n, bytes, beats int64 }

// event says core c reaches a bus instruction or a WAIT at time t.
type event struct {
	t int64
	c int32
}

// machine is the state of one simulation.
type machine struct {
	a        arch.Arch
	opt      Options
	cores    []core
	now      int64
	heap     []event
	arb      *arbiter // cores waiting for the bus
	axi      *axiBus  // the AXI4 interconnect, when the chip has one (else the shared bus)
	busBusy  bool
	busOwner int
	busFree  int64
	res      Timing
	maxSpans int
	mvms     int64     // MVMs started, for Options.Progress
	tracing  bool      // Trace or OnSpan: spans are needed
	busTab   []busCost // bus time and beats of small transfers, by size
}

// busCost is what one transfer costs the bus: its cycles (arch.BusCycles)
// and beats (energy.Beats).
type busCost struct{ cycles, beats int64 }

// MVMShaper is implemented by streams whose MVMs use part of the crossbar:
// MVMShape returns the rows and columns of the core's tile (the compiler's
// streams implement it). The simulator asks once per stream and the shape
// holds for the whole stream, so the hot loop only counts MVMs: finish
// (priceMVMs) multiplies the count by the shape's rows, columns and
// conversions.
// Streams with neither MVMShaper nor TileShaper use the whole crossbar.
type MVMShaper interface {
	MVMShape() (rows, cols int)
}

// TileShaper is implemented by streams whose core holds different tiles
// during the run: a whole network's program (cim/netprog) reprograms a
// core's crossbar between segments and rounds. TileShape returns the rows
// and columns of the tile of the instruction Next handed out last; the
// simulator asks at every MVM of such a stream (instead of MVMShape once),
// so that each MVM is priced on the tile it reads.
type TileShaper interface {
	TileShape() (rows, cols int)
}

// Execute simulates the programs, one stream per core, on chip a. Stream i
// runs on core i and its CALLs name cores by that index. It returns an error
// for an invalid chip, an invalid instruction (naming core and index), or a
// deadlock.
func Execute(a arch.Arch, streams []isa.Stream, opt Options) (*Timing, error) {
	if err := a.Validate(); err != nil {
		return nil, fmt.Errorf("sim: %w", err)
	}
	if len(streams) > arch.MaxCores {
		return nil, fmt.Errorf("sim: %d streams, at most %d cores", len(streams), arch.MaxCores)
	}
	m := &machine{a: a, opt: opt, cores: make([]core, len(streams)),
		arb: newArbiter(opt.Arbiter, len(streams)), maxSpans: opt.MaxSpans,
		tracing: opt.Trace || opt.OnSpan != nil}
	m.busTab = make([]busCost, busTabSize)
	for n := range m.busTab {
		m.busTab[n] = m.cost(int32(n))
	}
	if m.maxSpans <= 0 {
		m.maxSpans = DefaultMaxSpans
	}
	for i, s := range streams {
		if s == nil {
			return nil, fmt.Errorf("sim: stream %d is nil", i)
		}
		rows, cols := a.XbarRows, a.XbarCols
		if sh, ok := s.(MVMShaper); ok {
			rows, cols = sh.MVMShape()
		}
		m.cores[i] = core{s: s, idx: -1, mvm: energy.MVMOf(rows, cols, a)}
		if ts, ok := s.(TileShaper); ok {
			m.cores[i].tiles = ts
		}
	}
	loop := m.loop
	if a.Interconnect == arch.AXI4 {
		m.axi = newAXIBus(m)
		loop = m.loopAXI
	}
	if err := loop(); err != nil {
		return nil, err
	}
	m.finish()
	return &m.res, nil
}

// loop is the event loop. At equal times a bus completion goes first, then
// cores reaching bus instructions or WAITs (by core index), then the bus
// grant, so that every request made at a cycle takes part in its
// arbitration.
func (m *machine) loop() error {
	for i := range m.cores {
		if err := m.advance(i); err != nil {
			return err
		}
	}
	for {
		th := int64(math.MaxInt64)
		if len(m.heap) > 0 {
			th = m.heap[0].t
		}
		switch {
		case m.busBusy && m.busFree <= th:
			m.now = m.busFree
			if err := m.complete(); err != nil {
				return err
			}
		case !m.busBusy && m.arb.count > 0 && th > m.now:
			m.grant()
		case len(m.heap) > 0:
			e := m.pop()
			m.now = e.t
			if err := m.advance(int(e.c)); err != nil {
				return err
			}
		default:
			return m.deadlock()
		}
	}
}

// advance runs core i from the current time until it ends, blocks, requests
// the bus, or reaches a bus instruction or WAIT in the future.
func (m *machine) advance(i int) error {
	c := &m.cores[i]
	for {
		if !c.has {
			if c.ended || !c.s.Next(&c.in) {
				c.ended = true
				c.t = max(c.t, c.xbar)
				if m.axi != nil && m.axiDrain(i, c) {
					return nil
				}
				c.done = true
				c.stats.End = c.t
				return nil
			}
			c.has = true
			c.idx++
		}
		switch c.in.Op {
		case isa.MVM:
			if m.axi != nil && c.ax.used != 0 && m.axiHold(i, c) {
				return nil
			}
			m.mvm(i, c)
		case isa.MOV, isa.VOP:
			m.stall(c)
			if m.axi != nil && c.ax.used != 0 && m.axiHold(i, c) {
				return nil
			}
			lat := m.digitalCycles(&c.in)
			if m.tracing {
				m.span(i, c.t, c.t+lat, ClassMOV)
			}
			c.t += lat
			c.stats.Busy += lat
			c.stats.DigitalBusy += lat
			c.stats.AddMOV(c.in.Fn, c.in.Elems)
			c.stats.Instrs++
			c.has = false
		case isa.WAIT:
			if int(c.in.Seq) >= MaxSeqRegs {
				return fmt.Errorf("sim: core %d instruction %d: WAIT on sequence register %d, at most %d per core",
					i, c.idx, c.in.Seq, MaxSeqRegs)
			}
			if c.t > m.now {
				m.push(c.t, i)
				return nil
			}
			if c.seq(c.in.Seq) < int64(c.in.Value) {
				c.blocked, c.since = true, m.now
				return nil
			}
			c.stats.Waits++
			c.stats.Instrs++
			c.has = false
		case isa.PROG:
			if m.axi != nil && c.ax.used != 0 && m.axiHold(i, c) {
				return nil
			}
			m.prog(i, c)
		case isa.MARK:
			m.mark(i, c)
		case isa.LOAD, isa.STORE, isa.CALL:
			if c.in.Op != isa.CALL && c.in.Reg != isa.Acc {
				m.stall(c) // LOAD In, STORE Out: the crossbar must be done
			}
			if m.axi != nil && c.ax.used != 0 && m.axiHold(i, c) {
				return nil
			}
			if c.t > m.now {
				m.push(c.t, i)
				return nil
			}
			if err := m.checkBus(i, c); err != nil {
				return err
			}
			if m.axi == nil {
				m.request(i, c)
				return nil
			}
			m.axiIssue(i, c)
		default:
			return fmt.Errorf("sim: core %d instruction %d: unknown operation %v", i, c.idx, c.in.Op)
		}
	}
}

// mvm starts core i's MVM once its crossbar is free. The crossbar then
// works for MVMCycles while the core goes on (unless Options.BlockingMVM).
func (m *machine) mvm(i int, c *core) {
	start := max(c.t, c.xbar)
	lat := int64(m.a.MVMCycles)
	if m.tracing {
		m.span(i, start, start+lat, ClassMVM)
	}
	c.stats.Busy += start - c.t
	if c.tiles != nil {
		m.retile(c)
	}
	c.stats.MVMs++ // the rest of the MVM's actions are filled in by priceMVMs
	c.stats.XbarBusy += lat
	c.stats.Instrs++
	c.has = false
	c.xbar, c.t = start+lat, start
	if m.opt.Progress != nil {
		if m.mvms++; m.mvms%ProgressEvery == 0 {
			m.opt.Progress(m.mvms)
		}
	}
	if m.opt.BlockingMVM {
		c.stats.Busy += lat
		c.t = c.xbar
	}
}

// retile takes the tile of core c's MVM at hand (TileShaper): when it
// differs from the last one, the MVMs so far are priced on the last one.
func (m *machine) retile(c *core) {
	r, cl := c.tiles.TileShape()
	if int64(r) == c.mvm.Rows && int64(cl) == c.mvm.Cols {
		return
	}
	c.priceMVMs()
	c.mvm = energy.MVMOf(r, cl, m.a)
}

// priceMVMs adds the rows, columns, cells and conversions of core c's MVMs
// since its tile last changed (all of them for most streams) to its
// actions: every one of them has the shape c.mvm.
func (c *core) priceMVMs() {
	s := &c.stats
	n := s.MVMs - c.priced
	s.Rows, s.Cols, s.Cells = s.Rows+n*c.mvm.Rows, s.Cols+n*c.mvm.Cols, s.Cells+n*c.mvm.Cells
	s.DACs, s.ADCs = s.DACs+n*c.mvm.DACs, s.ADCs+n*c.mvm.ADCs
	c.priced = s.MVMs
}

// stall holds core c until its crossbar has finished: the held instruction
// reads Out or writes In. The stall counts as busy time.
func (m *machine) stall(c *core) {
	if c.t < c.xbar {
		c.stats.Busy += c.xbar - c.t
		c.t = c.xbar
	}
}

// checkBus checks core i's held bus instruction.
func (m *machine) checkBus(i int, c *core) error {
	if c.in.Bytes < 0 {
		return fmt.Errorf("sim: core %d instruction %d (%v): negative byte count %d", i, c.idx, c.in.Op, c.in.Bytes)
	}
	if c.in.Op == isa.CALL && (c.in.Target < 0 || int(c.in.Target) >= len(m.cores)) {
		return fmt.Errorf("sim: core %d instruction %d: CALL target core %d, the program has cores 0..%d",
			i, c.idx, c.in.Target, len(m.cores)-1)
	}
	if c.in.Op == isa.CALL && int(c.in.Seq) >= MaxSeqRegs {
		return fmt.Errorf("sim: core %d instruction %d: CALL to sequence register %d, at most %d per core",
			i, c.idx, c.in.Seq, MaxSeqRegs)
	}
	return nil
}

// request queues core i's held bus instruction for the shared bus.
func (m *machine) request(i int, c *core) {
	c.since = m.now
	m.arb.request(m.now, i)
}

// grant gives the idle bus to the waiting core the arbiter picks.
func (m *machine) grant() {
	i := m.arb.grant()
	c := &m.cores[i]
	c.stats.WaitBus += m.now - c.since
	bc := m.busCost(c.in.Bytes)
	d := bc.cycles
	m.countTransfer(c, &c.in, bc.beats)
	m.busBusy, m.busOwner, m.busFree = true, i, m.now+d
	m.res.BusBusy += d
	if c.in.Op == isa.LOAD {
		m.res.ReadBusy += d
	} else {
		m.res.WriteBusy += d
	}
	c.stats.Bus += d
	if m.tracing {
		m.span(i, c.since, m.now, ClassBusWait)
		m.span(i, m.now, m.busFree, classOf(c.in.Op))
	}
}

// xferKind is the index of core.xfer that counts a LOAD, STORE or CALL:
// the operation's two low bits, distinct for the three (2, 3 and 5), so
// that four counters do (and the index needs no bounds check).
func xferKind(op isa.Op) int { return int(op & 3) }

// countTransfer counts core c's transaction in at its grant.
func (m *machine) countTransfer(c *core, in *isa.Instr, beats int64) {
	x := &c.xfer[xferKind(in.Op)]
	x.n++
	x.bytes += int64(in.Bytes)
	x.beats += beats
}

// busCost is the bus time and beats of an n-byte transfer, from a table
// for small transfers.
func (m *machine) busCost(n int32) busCost {
	if int(n) < len(m.busTab) {
		return m.busTab[n]
	}
	return m.cost(n)
}

// cost computes a busCost.
func (m *machine) cost(n int32) busCost {
	return busCost{m.a.BusCycles(int64(n)), energy.Beats(int64(n), m.a)}
}

// busTabSize is the number of transfer sizes whose bus time is tabulated.
const busTabSize = 4096

// complete ends the bus transaction in flight: a CALL writes its target's
// sequence register now, waking the target if its WAIT is satisfied.
func (m *machine) complete() error {
	i := m.busOwner
	m.busBusy = false
	c := &m.cores[i]
	c.stats.Instrs++
	c.has, c.t = false, m.now
	if c.in.Op == isa.CALL {
		if err := m.deliver(int(c.in.Target), c.in.Seq, c.in.Value); err != nil {
			return err
		}
	}
	return m.advance(i)
}

// deliver performs a CALL's write: core tg's sequence register seq is raised
// to value now, waking tg if its WAIT is satisfied.
func (m *machine) deliver(tg int, seq uint16, value int32) error {
	t := &m.cores[tg]
	t.raise(seq, int64(value))
	t.stats.SeqWrites++
	if t.blocked && t.in.Seq == seq && t.seq(t.in.Seq) >= int64(t.in.Value) {
		t.blocked = false
		t.stats.WaitOwner += m.now - t.since
		m.span(tg, t.since, m.now, ClassWait)
		t.stats.Waits++
		t.stats.Instrs++
		t.has, t.t = false, m.now
		return m.advance(tg)
	}
	return nil
}

// deadlock is the error for a loop that has nothing left to do: either
// every core ended (nil) or the unfinished ones all wait.
func (m *machine) deadlock() error {
	var b strings.Builder
	n := 0
	for i := range m.cores {
		c := &m.cores[i]
		if c.done {
			continue
		}
		if n < maxDeadlockCores {
			w := c.in
			w.Vec = -1 // "WAIT 5", "WAIT r2, 5"
			fmt.Fprintf(&b, "\n  core %d at instruction %d (%s): register = %d", i, c.idx, w, c.seq(c.in.Seq))
		}
		n++
	}
	if n == 0 {
		return nil
	}
	if n > maxDeadlockCores {
		fmt.Fprintf(&b, "\n  ... and %d more blocked cores", n-maxDeadlockCores)
	}
	return fmt.Errorf("sim: deadlock at cycle %d: %d unfinished cores all wait:%s", m.now, n, b.String())
}

// maxDeadlockCores caps the cores listed in a deadlock report.
const maxDeadlockCores = 1024

// finish fills in the totals.
func (m *machine) finish() {
	r := &m.res
	r.Interconnect = arch.Shared
	if b := m.axi; b != nil {
		r.Interconnect = arch.AXI4
		r.ReadBusy, r.WriteBusy = b.ch[chRead].busy, b.ch[chWrite].busy
		r.BusBusy = max(r.ReadBusy, r.WriteBusy, b.ch[chRead].addrs, b.ch[chWrite].addrs)
	}
	r.Cores = make([]CoreStats, len(m.cores))
	for i := range m.cores {
		c := &m.cores[i]
		c.priceMVMs()
		s := c.stats
		s.Core = i
		s.CellWrites = s.RowWrites * energy.CellsPerRow(m.a)
		ld, st, cl := &c.xfer[xferKind(isa.LOAD)], &c.xfer[xferKind(isa.STORE)], &c.xfer[xferKind(isa.CALL)]
		s.Loads, s.LoadBytes, s.LoadBeats = ld.n, ld.bytes, ld.beats
		s.Stores, s.StoreBytes, s.StoreBeats = st.n, st.bytes, st.beats
		s.Calls, s.CallBytes, s.CallBeats = cl.n, cl.bytes, cl.beats
		s.BusBytes, s.SyncBytes = ld.bytes+st.bytes+cl.bytes, cl.bytes
		r.Transactions += ld.n + st.n + cl.n
		r.Cycles = max(r.Cycles, s.End)
		r.Instrs += s.Instrs
		r.BusBytes += s.BusBytes
		r.SyncBytes += s.SyncBytes
		r.Actions.Add(&s.Actions)
		r.Cores[i] = s
	}
	for i := range r.Cores {
		s := &r.Cores[i]
		s.Idle = r.Cycles - s.Busy - s.Bus - s.WaitBus - s.WaitOwner
		s.XbarIdle = r.Cycles - s.XbarBusy
		s.DigitalIdle = r.Cycles - s.DigitalBusy
	}
}

// span hands a span to Options.OnSpan and records it in the trace, as the
// options ask.
func (m *machine) span(i int, start, end int64, cl Class) {
	if !m.tracing || end <= start {
		return
	}
	s := Span{Core: int32(i), Class: cl, Start: start, End: end}
	if m.opt.OnSpan != nil {
		m.opt.OnSpan(s)
	}
	if !m.opt.Trace {
		return
	}
	if len(m.res.Trace) >= m.maxSpans {
		m.res.Truncated = true
		return
	}
	m.res.Trace = append(m.res.Trace, s)
}

// The event heap is 4-ary (shallower than a binary heap: fewer cache
// lines touched per push and pop) and ordered by time, then core index. A
// core has at most one event in it, so the order of events is total.

// push adds an event.
func (m *machine) push(t int64, i int) {
	h := append(m.heap, event{t, int32(i)})
	j := len(h) - 1
	for j > 0 {
		p := (j - 1) / 4
		if !less(h[j], h[p]) {
			break
		}
		h[j], h[p] = h[p], h[j]
		j = p
	}
	m.heap = h
}

// pop removes the earliest event.
func (m *machine) pop() event {
	h := m.heap
	top := h[0]
	n := len(h) - 1
	h[0] = h[n]
	h = h[:n]
	j := 0
	for {
		first := 4*j + 1
		if first >= n {
			break
		}
		best := first
		for k := first + 1; k < min(first+4, n); k++ {
			if less(h[k], h[best]) {
				best = k
			}
		}
		if !less(h[best], h[j]) {
			break
		}
		h[j], h[best] = h[best], h[j]
		j = best
	}
	m.heap = h
	return top
}

// less orders events by time, then core index.
func less(a, b event) bool { return a.t < b.t || (a.t == b.t && a.c < b.c) }
