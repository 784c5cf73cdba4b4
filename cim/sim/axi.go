package sim

import (
	"math"
	"math/bits"

	"github.com/cimkit/cimkit/cim/isa"
)

// The AXI4 interconnect (arch.AXI4). Shared memory and the cores' sequence
// registers sit behind one interconnect with five channels: read address
// (AR), read data (R), write address (AW), write data (W) and write
// response (B).
//
//   - A LOAD is a read: one address phase on AR (one cycle), then its beats
//     on R, the first arch.AXILatencyCycles after the address. A STORE or a
//     CALL is a write: one address phase on AW, its beats on W from the next
//     cycle, and its write response AXILatencyCycles after the last beat; the
//     write is performed (a CALL raises its target's register) then.
//   - R and W carry transfers at the same time; each carries one burst at a
//     time, in the order of their address phases (one slave, in order).
//   - Address phases overlap the data of earlier bursts: AR (AW) is granted
//     no earlier than the cycle that lets the new burst's data follow the
//     channel's last scheduled beat with no gap, so that the arbiter chooses
//     among the cores that asked by then, as on the shared bus. A transfer
//     longer than arch.BurstBeats is modelled as back-to-back bursts whose
//     later addresses overlap the data.
//   - AR and AW each have an arbiter of the run's policy (Options.Arbiter).
//     A core presents one address per channel at a time, its oldest.
//   - A core issues a LOAD, STORE or CALL and goes on; it holds at most
//     arch.AXIOutstanding of them in flight (issued, not yet done: a LOAD is
//     done when its data has arrived, a write when its response is back).
//     Later instructions wait for them only as isa.MustWait says: register
//     interlocks, overlapping memory bytes, and CALL as a release that waits
//     for every earlier transaction's completion.
//
// Without contention a transfer of n beats costs the core 1 + latency + n
// cycles, as on the shared bus with 1 + latency cycles of overhead.

// Channel indices of axiBus: reads (AR and R) and writes (AW, W and B).
const (
	chRead = iota
	chWrite
)

// channel is the channel a bus instruction goes on.
func channel(op isa.Op) int {
	if op == isa.LOAD {
		return chRead
	}
	return chWrite
}

// txn is one transaction of a core in flight on AXI4 (64 bytes: one cache
// line).
type txn struct {
	in      isa.Instr
	done    int64   // a LOAD's data has arrived, a write's response is back; math.MaxInt64 until granted
	order   uint32  // issue order within the core (wraps; compared as a difference)
	regs    uint8   // in.Regs()
	granted bool    // its address phase has been granted: done is known
	_       [8]byte // to 64 bytes, so that no slot straddles two cache lines
}

// data is the end of t's data beats: a LOAD's data has arrived, a write's
// has left its register (its response comes lat cycles later).
func (t *txn) data(lat int64) int64 {
	if t.in.Op == isa.LOAD {
		return t.done
	}
	return t.done - lat
}

// older reports whether t was issued before u (orders wrap around).
func (t *txn) older(u *txn) bool { return int32(t.order-u.order) < 0 }

// axiCore is one core's side of the interconnect, in 64 bytes (slots are
// below arch.MaxOutstanding, 64: an int8 holds one), so that a grant reads
// little of the core besides the slot.
type axiCore struct {
	tx        []txn     // AXIOutstanding slots
	used      uint64    // bit per slot in flight
	waiting   [2]uint64 // per channel: bit per slot with no grant yet
	next      uint32    // order of the next transaction issued
	presented [2]int8   // per channel: the slot whose address waits at the arbiter, -1 none
	park      int8      // slot whose grant the core waits for, -1 none
	parkData  bool      // ... and then only for its data to leave the register (a write)
	resume    bool      // the park's slot was the last used one: see axiHold
	regs      uint8     // isa.Instr.Regs of the slots in flight (a superset: some may be done)
}

// item is an event queued at cycle t about core: a parked core resumes, or
// a CALL's write raises the core's sequence register seq to value.
type item struct {
	t     int64
	core  int32
	value int32
	seq   uint16
}

// queue is a queue of items whose times never decrease (each is the end
// of a transfer on one channel, and a channel's transfers end in the order
// of their grants), so that no heap is needed.
type queue struct {
	items []item
	head  int
}

func (q *queue) push(v item) { q.items = append(q.items, v) }

// front is the time of the first item, math.MaxInt64 if none.
func (q *queue) front() int64 {
	if q.head == len(q.items) {
		return math.MaxInt64
	}
	return q.items[q.head].t
}

func (q *queue) pop() (v item) {
	v = q.items[q.head]
	q.head++
	if q.head >= 64 && 2*q.head >= len(q.items) {
		q.items = q.items[:copy(q.items, q.items[q.head:])]
		q.head = 0
	}
	return v
}

// The queues of axiBus: CALLs' writes performed (first, so that a WAIT of
// the same cycle sees them); parked cores resumed when a read's data has
// arrived, a write's data has left its register, or a write's response is
// back.
const (
	qDeliver = iota
	qRead
	qWriteData
	qWriteDone
	queues
)

// axiChannel is one side of the AXI4 interconnect: reads (AR, R) or
// writes (AW, W, B).
type axiChannel struct {
	arb      *arbiter
	lead     int64 // from the address phase to the end of the first data beat: 1, and the latency for a read
	resp     int64 // from the last data beat to done: the latency for a write (its response), 0 for a read
	dataFree int64 // the data channel's last scheduled beat ends here
	ready    int64 // the address channel may grant from this cycle (see axiGrant)
	gate     int64 // ready while the channel's arbiter holds a request, else math.MaxInt64
	busy     int64 // beats carried by the data channel
	addrs    int64 // address phases on the address channel
}

// axiBus is the state of the AXI4 interconnect.
type axiBus struct {
	lat   int64
	all   uint64 // the mask of every slot of a core: when its used is all, no slot is free
	ch    [2]axiChannel
	gates int64 // the earlier gate: the next grant is at max(now, gates) (see grantChannel)
	qs    [queues]queue
	// fronts holds the time at the front of each queue, math.MaxInt64
	// for an empty one; next is the earliest of them and nextQ its queue
	// (the lower queue first at equal times).
	fronts [queues]int64
	next   int64
	nextQ  int
}

// enqueue adds v to queue q.
func (b *axiBus) enqueue(q int, v item) {
	b.qs[q].push(v)
	if b.fronts[q] == math.MaxInt64 {
		b.fronts[q] = v.t
	}
	if v.t < b.next || (v.t == b.next && q < b.nextQ) {
		b.next, b.nextQ = v.t, q
	}
}

// dequeue removes and returns the earliest item, and its queue.
func (b *axiBus) dequeue() (item, int) {
	q := b.nextQ
	v := b.qs[q].pop()
	b.fronts[q] = b.qs[q].front()
	f := &b.fronts // the four fronts compared one by one: cheaper than a loop
	b.next, b.nextQ = f[0], 0
	if f[1] < b.next {
		b.next, b.nextQ = f[1], 1
	}
	if f[2] < b.next {
		b.next, b.nextQ = f[2], 2
	}
	if f[3] < b.next {
		b.next, b.nextQ = f[3], 3
	}
	return v, q
}

func newAXIBus(m *machine) *axiBus {
	n := len(m.cores)
	k := m.a.AXIOutstanding
	lat := int64(m.a.AXILatencyCycles)
	b := &axiBus{lat: lat, next: math.MaxInt64, all: math.MaxUint64 >> (64 - k), gates: math.MaxInt64}
	for q := range b.fronts {
		b.fronts[q] = math.MaxInt64
	}
	for ch := range b.ch {
		b.ch[ch] = axiChannel{arb: newArbiter(m.opt.Arbiter, n), lead: 1, gate: math.MaxInt64}
	}
	b.ch[chRead].lead += lat
	b.ch[chWrite].resp = lat
	slots := make([]txn, n*k)
	for i := range m.cores {
		m.cores[i].ax = axiCore{tx: slots[i*k : (i+1)*k : (i+1)*k], presented: [2]int8{-1, -1}, park: -1}
	}
	return b
}

// loopAXI is the event loop on AXI4. At equal times a delivery goes first,
// then the wakes of parked cores, then the other cores (by index), then the
// grants (reads before writes), so that every request made at a cycle takes
// part in its arbitration.
func (m *machine) loopAXI() error {
	b := m.axi
	for i := range m.cores {
		if err := m.advance(i); err != nil {
			return err
		}
	}
	for {
		// The first of the queues and the heap (the queues first at equal
		// times), unless a grant comes before it. A grant is never
		// earlier than now, so one due now needs no look at the grants.
		t, fromQueue := b.next, true
		if len(m.heap) > 0 && m.heap[0].t < t {
			t, fromQueue = m.heap[0].t, false
		}
		if t > m.now {
			if tg := max(m.now, b.gates); tg < t {
				m.now = tg
				m.axiGrant(b.grantChannel(tg))
				continue
			}
			if t == math.MaxInt64 {
				return m.deadlock()
			}
		}
		var err error
		if fromQueue {
			v, q := b.dequeue()
			m.now = v.t
			if q == qDeliver {
				err = m.deliver(int(v.core), v.seq, v.value)
			} else {
				m.stallBus(&m.cores[v.core], v.t)
				err = m.advance(int(v.core))
			}
		} else {
			e := m.pop()
			m.now = e.t
			err = m.advance(int(e.c))
		}
		if err != nil {
			return err
		}
	}
}

// grantChannel is the channel that grants at cycle tg, the next grant's
// cycle: the read channel if it can (reads first), else the write channel.
//
// The next grant is at max(now, gates), the first cycle at or after now at
// which an address channel with a waiting request can grant it
// (math.MaxInt64 if none): the event loop finds it with one comparison,
// where looking at both channels on every event cost 3% of the run.
func (b *axiBus) grantChannel(tg int64) int {
	if b.ch[chRead].gate <= tg {
		return chRead
	}
	return chWrite
}

// setGate sets channel ch's gate and the earlier of the two.
func (b *axiBus) setGate(ch int, g int64) {
	b.ch[ch].gate = g
	b.gates = min(b.ch[chRead].gate, b.ch[chWrite].gate)
}

// request puts core i's address before channel ch's arbiter at cycle now.
func (b *axiBus) request(ch int, now int64, i int) {
	k := &b.ch[ch]
	k.arb.request(now, i)
	// The gate was ready already or math.MaxInt64: it can only fall.
	k.gate = k.ready
	b.gates = min(b.gates, k.gate)
}

// axiGrant grants the address channel ch to the core its arbiter picks and
// schedules the transaction's data and response. A core parked for it is
// queued to resume when the transaction has moved far enough.
func (m *machine) axiGrant(ch int) {
	b := m.axi
	k := &b.ch[ch]
	i := k.arb.grant()
	c := &m.cores[i]
	x := &c.ax
	s := int(x.presented[ch])
	t := &x.tx[s]
	g := m.now
	beats := m.busCost(t.in.Bytes).beats
	m.countTransfer(c, &t.in, beats)
	t.granted = true
	x.waiting[ch] &^= slotBit(s)
	k.addrs++
	// The data follows the address (a read's after the latency) and the
	// channel's last scheduled beat; the next address may be granted when
	// its data can follow this burst's with no gap, and not in this cycle.
	end := max(g+k.lead, k.dataFree) + beats
	t.done = end + k.resp
	k.dataFree = end
	k.ready = max(g+1, end-k.lead)
	gate := int64(math.MaxInt64)
	if k.arb.count > 0 {
		gate = k.ready
	}
	b.setGate(ch, gate)
	k.busy += beats
	if m.tracing {
		m.span(i, end-beats, end, classOf(t.in.Op))
	}
	if t.in.Op == isa.CALL {
		b.enqueue(qDeliver, item{t: t.done, core: t.in.Target, seq: t.in.Seq, value: t.in.Value})
	}
	x.presented[ch] = -1
	if x.waiting[ch] != 0 {
		m.axiPresent(i, ch)
	}
	if int(x.park) != s {
		return
	}
	x.park = -1
	if g > c.t {
		c.stats.WaitBus += g - c.t
		m.span(i, c.t, g, ClassBusWait)
		c.t = g
	}
	q, at := qWriteDone, t.done
	switch {
	case ch == chRead:
		q = qRead
	case x.parkData:
		q, at = qWriteData, end
	}
	b.enqueue(q, item{t: at, core: int32(i)})
}

// axiPresent puts core i's oldest transaction of channel ch that has no
// grant yet before the channel's arbiter (if it has one and none is there).
func (m *machine) axiPresent(i, ch int) {
	x := &m.cores[i].ax
	if x.presented[ch] >= 0 || x.waiting[ch] == 0 {
		return
	}
	best := -1
	for u := x.waiting[ch]; u != 0; u &= u - 1 {
		if s := bits.TrailingZeros64(u); best < 0 || x.tx[s].older(&x.tx[best]) {
			best = s
		}
	}
	x.presented[ch] = int8(best)
	m.axi.request(ch, m.now, i)
}

// axiHold holds core i's held instruction back while an in-flight
// transaction it depends on (isa.MustWait) is not far enough, and a bus
// instruction until one of the core's slots is free. A granted transaction
// has known times: the core stalls on its local clock (counted as Bus). One
// not granted parks the core until its grant; axiHold then reports true.
// The caller skips it when nothing is in flight.
func (m *machine) axiHold(i int, c *core) bool {
	x := &c.ax
	in := &c.in
	if x.resume {
		// The core parked for slot s's grant and has now been woken at
		// the time s let it go on. A second look at the slots would find
		// every other one it waits for granted and passed (those before
		// s, looked at when it parked; there were none after s) and free
		// the slots done by now: only the freeing is left to do. This
		// spares most wake-ups their look at the slots.
		x.resume = false
		m.axiRetire(x, c.t)
		return (in.Op == isa.LOAD || in.Op == isa.STORE || in.Op == isa.CALL) && x.used == m.axi.all && m.axiFull(c)
	}
	var bus bool
	var inRegs uint8 // in.Regs()
	switch in.Op {
	case isa.LOAD, isa.STORE:
		bus, inRegs = true, 1<<in.Reg
	case isa.CALL:
		bus = true
	default:
		if inRegs = in.Regs(); inRegs&x.regs == 0 {
			return false // no register in common with a transaction in flight
		}
	}
	regs := uint8(0)
	for u := x.used; u != 0; u &= u - 1 {
		s := bits.TrailingZeros64(u)
		t := &x.tx[s]
		if t.done <= c.t {
			x.used &^= slotBit(s) // done: the slot is free
			continue
		}
		// isa.MustWait's rules, the quick case: with no register in
		// common, only a CALL (release) or overlapping memory bytes (a
		// STORE then a LOAD or STORE, a LOAD then a STORE) make in wait.
		if inRegs&t.regs == 0 && in.Op != isa.STORE && in.Op != isa.CALL &&
			(in.Op != isa.LOAD || t.in.Op != isa.STORE) {
			regs |= t.regs
			continue
		}
		// isa.MustWait, its two commonest answers without the call: a
		// CALL (a release) waits for every earlier transaction to be done,
		// an MVM for a LOAD into In or Out (here, with a register in
		// common) to have its data.
		w := isa.WaitDone
		switch {
		case in.Op == isa.CALL:
		case in.Op == isa.MVM && t.in.Op == isa.LOAD:
			w = isa.WaitData
		default:
			w = isa.MustWait(&t.in, in)
		}
		if w != isa.NoWait {
			if !t.granted {
				x.park, x.parkData = int8(s), w == isa.WaitData
				x.resume = x.used&^(slotBit(s)<<1-1) == 0 // no used slot after s
				return true
			}
			until := t.done
			if w == isa.WaitData {
				until = t.data(m.axi.lat)
			}
			m.stallBus(c, until)
			if t.done <= c.t {
				x.used &^= slotBit(s)
				continue
			}
		}
		regs |= t.regs
	}
	x.regs = regs
	return bus && x.used == m.axi.all && m.axiFull(c)
}

// axiFull holds core c, whose every slot is in flight, at a bus
// instruction: until the first transaction is done, or, when none has a
// grant yet, parked until the oldest's (axiFull then reports true).
func (m *machine) axiFull(c *core) bool {
	x := &c.ax
	first, oldest := int64(math.MaxInt64), -1
	for u := x.used; u != 0; u &= u - 1 {
		s := bits.TrailingZeros64(u)
		t := &x.tx[s]
		if t.granted {
			first = min(first, t.done)
		} else if oldest < 0 || t.older(&x.tx[oldest]) {
			oldest = s
		}
	}
	if first == math.MaxInt64 {
		x.park, x.parkData = int8(oldest), false
		return true
	}
	m.stallBus(c, first)
	m.axiRetire(x, c.t)
	return false
}

// stallBus holds core c until cycle t for its own transactions.
func (m *machine) stallBus(c *core, t int64) {
	if t > c.t {
		c.stats.Bus += t - c.t
		c.t = t
	}
}

// axiRetire frees the slots of transactions done by cycle t.
func (m *machine) axiRetire(x *axiCore, t int64) {
	for u := x.used; u != 0; u &= u - 1 {
		s := bits.TrailingZeros64(u)
		if x.tx[s].done <= t {
			x.used &^= slotBit(s)
		}
	}
}

// slotBit is slot s's bit in the masks of axiCore. The mask of s (always
// below 64, arch.MaxOutstanding) spares the shift its check for counts of
// 64 and more, on every issue, grant and freed slot.
func slotBit(s int) uint64 { return 1 << (uint(s) & 63) }

// busRegs is the isa.Instr.Regs of a LOAD, STORE or CALL: a LOAD's or
// STORE's register, none for a CALL (cheaper than Regs in the hot path).
func busRegs(in *isa.Instr) uint8 {
	if in.Op == isa.CALL {
		return 0
	}
	return 1 << in.Reg
}

// axiIssue puts core i's held bus instruction in a free slot and before
// its channel's arbiter; the core goes on.
func (m *machine) axiIssue(i int, c *core) {
	x := &c.ax
	s := bits.TrailingZeros64(^x.used)
	x.used |= slotBit(s)
	t := &x.tx[s]
	t.in, t.done, t.order, t.regs, t.granted = c.in, math.MaxInt64, x.next, busRegs(&c.in), false
	x.next++
	x.regs |= t.regs
	c.stats.Instrs++
	c.has = false
	ch := channel(c.in.Op)
	x.waiting[ch] |= slotBit(s)
	if x.presented[ch] < 0 { // then no other transaction of ch waits for a grant
		x.presented[ch] = int8(s)
		m.axi.request(ch, m.now, i)
	}
}

// axiDrain holds core i at the end of its program until its transactions
// are done; it reports true when the core parked for a grant.
func (m *machine) axiDrain(i int, c *core) bool {
	x := &c.ax
	for u := x.used; u != 0; u &= u - 1 {
		s := bits.TrailingZeros64(u)
		if !x.tx[s].granted {
			x.park, x.parkData = int8(s), false
			return true
		}
	}
	for u := x.used; u != 0; u &= u - 1 {
		m.stallBus(c, x.tx[bits.TrailingZeros64(u)].done)
	}
	x.used, x.regs = 0, 0
	return false
}
