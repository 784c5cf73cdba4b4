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

// txn is one transaction of a core in flight on AXI4.
type txn struct {
	in    isa.Instr
	order uint64 // issue order within the core
	grant int64  // cycle of its address phase; -1 until granted
	data  int64  // end of its data beats: a LOAD's data has arrived, a write's has left the register
	done  int64  // a LOAD's data arrived, a write's response back
}

// axiCore is one core's side of the interconnect.
type axiCore struct {
	tx        []txn  // AXIOutstanding slots
	used      uint64 // bit per slot in flight
	next      uint64 // order of the next transaction issued
	presented [2]int // per channel: the slot whose address waits at the arbiter, -1 none
	park      int    // slot whose grant the core waits for, -1 none
}

// delivery is a CALL's write of a sequence register, performed at t.
type delivery struct {
	t      int64
	order  uint64 // tie-break: deliveries of one cycle in grant order
	target int32
	seq    uint16
	value  int32
}

// axiBus is the state of the AXI4 interconnect.
type axiBus struct {
	lat      int64
	arb      [2]*arbiter
	addrFree [2]int64 // the address channel is free from this cycle
	dataFree [2]int64 // the data channel's last scheduled beat ends here
	busy     [2]int64 // beats carried by each data channel
	addrs    [2]int64 // address phases on each address channel
	cores    []axiCore
	dl       []delivery // heap by (t, order)
	dlNext   uint64
}

func newAXIBus(m *machine) *axiBus {
	n := len(m.cores)
	b := &axiBus{lat: int64(m.a.AXILatencyCycles), cores: make([]axiCore, n)}
	for ch := range b.arb {
		b.arb[ch] = newArbiter(m.opt.Arbiter, n)
	}
	slots := make([]txn, n*m.a.AXIOutstanding)
	for i := range b.cores {
		b.cores[i] = axiCore{tx: slots[i*m.a.AXIOutstanding : (i+1)*m.a.AXIOutstanding : (i+1)*m.a.AXIOutstanding],
			presented: [2]int{-1, -1}, park: -1}
	}
	return b
}

// loopAXI is the event loop on AXI4. At equal times a delivery goes first,
// then cores (by index), then the grants (reads before writes), so that
// every request made at a cycle takes part in its arbitration.
func (m *machine) loopAXI() error {
	b := m.axi
	for i := range m.cores {
		if err := m.advance(i); err != nil {
			return err
		}
	}
	for {
		th, td := int64(math.MaxInt64), int64(math.MaxInt64)
		if len(m.heap) > 0 {
			th = m.heap[0].t
		}
		if len(b.dl) > 0 {
			td = b.dl[0].t
		}
		tg, ch := b.nextGrant(m.now)
		switch {
		case td <= th && td <= tg && td < math.MaxInt64:
			d := b.popDelivery()
			m.now = d.t
			if err := m.deliver(int(d.target), d.seq, d.value); err != nil {
				return err
			}
		case th <= tg && th < math.MaxInt64:
			e := m.pop()
			m.now = e.t
			if err := m.advance(int(e.c)); err != nil {
				return err
			}
		case tg < math.MaxInt64:
			m.now = tg
			if err := m.axiGrant(ch); err != nil {
				return err
			}
		default:
			return m.deadlock()
		}
	}
}

// nextGrant is the first cycle at or after now at which an address channel
// with a waiting request can grant it (math.MaxInt64 if none), and the
// channel.
func (b *axiBus) nextGrant(now int64) (int64, int) {
	best, ch := int64(math.MaxInt64), -1
	for c := range b.arb {
		if b.arb[c].count == 0 {
			continue
		}
		lead := int64(1) // the write data follows its address
		if c == chRead {
			lead += b.lat
		}
		if t := max(now, b.addrFree[c], b.dataFree[c]-lead); t < best {
			best, ch = t, c
		}
	}
	return best, ch
}

// axiGrant grants the address channel ch to the core its arbiter picks and
// schedules the transaction's data and response.
func (m *machine) axiGrant(ch int) error {
	b := m.axi
	i := b.arb[ch].grant()
	x := &b.cores[i]
	s := x.presented[ch]
	t := &x.tx[s]
	c := &m.cores[i]
	g := m.now
	beats := m.busCost(t.in.Bytes).beats
	m.countTransfer(c, &t.in, beats)
	t.grant = g
	b.addrFree[ch] = g + 1
	b.addrs[ch]++
	start := max(g+1, b.dataFree[ch])
	if ch == chRead {
		start = max(g+1+b.lat, b.dataFree[ch])
	}
	t.data = start + beats
	t.done = t.data
	if ch == chWrite {
		t.done += b.lat
	}
	b.dataFree[ch] = t.data
	b.busy[ch] += beats
	if m.tracing {
		m.span(i, start, t.data, classOf(t.in.Op))
	}
	if t.in.Op == isa.CALL {
		b.pushDelivery(delivery{t: t.done, target: t.in.Target, seq: t.in.Seq, value: t.in.Value})
	}
	x.presented[ch] = -1
	m.axiPresent(i, ch)
	if x.park != s {
		return nil
	}
	x.park = -1
	if g > c.t {
		c.stats.WaitBus += g - c.t
		m.span(i, c.t, g, ClassBusWait)
		c.t = g
	}
	return m.advance(i)
}

// axiPresent puts core i's oldest transaction of channel ch that has no
// grant yet before the channel's arbiter (if it has one and none is there).
func (m *machine) axiPresent(i, ch int) {
	x := &m.axi.cores[i]
	if x.presented[ch] >= 0 {
		return
	}
	best := -1
	for u := x.used; u != 0; u &= u - 1 {
		s := bits.TrailingZeros64(u)
		t := &x.tx[s]
		if t.grant < 0 && channel(t.in.Op) == ch && (best < 0 || t.order < x.tx[best].order) {
			best = s
		}
	}
	if best >= 0 {
		x.presented[ch] = best
		m.axi.arb[ch].request(m.now, i)
	}
}

// axiHold holds core i's held instruction back while an in-flight
// transaction it depends on (isa.MustWait) is not far enough, and a bus
// instruction until one of the core's slots is free. A granted transaction
// has known times: the core stalls on its local clock (counted as Bus). One
// not granted parks the core until its grant; axiHold then reports true.
func (m *machine) axiHold(i int, c *core) bool {
	x := &m.axi.cores[i]
	for u := x.used; u != 0; u &= u - 1 {
		s := bits.TrailingZeros64(u)
		t := &x.tx[s]
		w := isa.MustWait(&t.in, &c.in)
		if w == isa.NoWait {
			continue
		}
		if t.grant < 0 {
			x.park = s
			return true
		}
		until := t.data
		if w == isa.WaitDone {
			until = t.done
		}
		m.stallBus(c, until)
	}
	if c.in.Op != isa.LOAD && c.in.Op != isa.STORE && c.in.Op != isa.CALL {
		return false
	}
	m.axiRetire(x, c.t)
	if bits.OnesCount64(x.used) < len(x.tx) {
		return false
	}
	// Every slot is in flight: wait for the first to finish, or for the
	// oldest's grant when none has one yet.
	first, oldest := int64(math.MaxInt64), -1
	for u := x.used; u != 0; u &= u - 1 {
		s := bits.TrailingZeros64(u)
		t := &x.tx[s]
		if t.grant >= 0 {
			first = min(first, t.done)
		} else if oldest < 0 || t.order < x.tx[oldest].order {
			oldest = s
		}
	}
	if first == math.MaxInt64 {
		x.park = oldest
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
		if tx := &x.tx[s]; tx.grant >= 0 && tx.done <= t {
			x.used &^= 1 << s
		}
	}
}

// axiIssue puts core i's held bus instruction in a free slot and before
// its channel's arbiter; the core goes on.
func (m *machine) axiIssue(i int, c *core) {
	x := &m.axi.cores[i]
	s := bits.TrailingZeros64(^x.used)
	x.used |= 1 << s
	x.tx[s] = txn{in: c.in, order: x.next, grant: -1}
	x.next++
	c.stats.Instrs++
	c.has = false
	m.axiPresent(i, channel(c.in.Op))
}

// axiDrain holds core i at the end of its program until its transactions
// are done; it reports true when the core parked for a grant.
func (m *machine) axiDrain(i int, c *core) bool {
	x := &m.axi.cores[i]
	for u := x.used; u != 0; u &= u - 1 {
		s := bits.TrailingZeros64(u)
		if x.tx[s].grant < 0 {
			x.park = s
			return true
		}
	}
	for u := x.used; u != 0; u &= u - 1 {
		m.stallBus(c, x.tx[bits.TrailingZeros64(u)].done)
	}
	x.used = 0
	return false
}

// pushDelivery adds a delivery to the heap.
func (b *axiBus) pushDelivery(d delivery) {
	d.order = b.dlNext
	b.dlNext++
	h := append(b.dl, d)
	j := len(h) - 1
	for j > 0 {
		p := (j - 1) / 2
		if !h[j].before(&h[p]) {
			break
		}
		h[j], h[p] = h[p], h[j]
		j = p
	}
	b.dl = h
}

// popDelivery removes the earliest delivery.
func (b *axiBus) popDelivery() delivery {
	h := b.dl
	top := h[0]
	n := len(h) - 1
	h[0] = h[n]
	h = h[:n]
	j := 0
	for {
		l := 2*j + 1
		if l >= n {
			break
		}
		if r := l + 1; r < n && h[r].before(&h[l]) {
			l = r
		}
		if !h[l].before(&h[j]) {
			break
		}
		h[j], h[l] = h[l], h[j]
		j = l
	}
	b.dl = h
	return top
}

func (d *delivery) before(e *delivery) bool { return d.t < e.t || (d.t == e.t && d.order < e.order) }
