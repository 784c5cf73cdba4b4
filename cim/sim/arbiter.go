package sim

import (
	"fmt"
	"math/bits"
	"slices"
	"strings"
)

// Arbiter is a bus arbitration policy. Both are fair: no waiting core is
// passed over twice.
type Arbiter uint8

// The arbitration policies.
const (
	// Oldest, the default, grants the core that has waited longest (first
	// come, first served) and breaks ties among cores that asked in the same
	// cycle round-robin. See the package doc for why it is the default.
	Oldest Arbiter = iota
	// RoundRobin grants the first waiting core at or after a pointer that
	// moves past each granted core, whenever it asked.
	RoundRobin
)

// String is the policy's name as ParseArbiter reads it: rr or oldest.
func (a Arbiter) String() string {
	switch a {
	case RoundRobin:
		return "rr"
	case Oldest:
		return "oldest"
	}
	return fmt.Sprintf("Arbiter(%d)", uint8(a))
}

// ParseArbiter reads "rr" (or "round-robin") or "oldest" (or "fcfs").
func ParseArbiter(s string) (Arbiter, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "rr", "round-robin", "roundrobin":
		return RoundRobin, nil
	case "oldest", "fcfs":
		return Oldest, nil
	}
	return 0, fmt.Errorf("arbiter %q: want rr or oldest", s)
}

// arbiter holds the cores waiting for one bus (or one channel of it) and
// picks the next to serve under its policy. A core has at most one request
// waiting at an arbiter at a time. Both policies share a round-robin
// pointer rr: the core considered first at the next grant, just past the
// last core granted.
type arbiter struct {
	policy Arbiter
	n      int // cores
	rr     int
	count  int      // requests waiting
	bitset []uint64 // RoundRobin: bit per waiting core
	fifo   oldestQueue
}

func newArbiter(policy Arbiter, cores int) *arbiter {
	a := &arbiter{policy: policy, n: cores}
	if policy == RoundRobin {
		a.bitset = make([]uint64, (cores+63)/64)
	}
	return a
}

// request queues core i, which asks at cycle t (never earlier than a
// previous request).
func (a *arbiter) request(t int64, i int) {
	a.count++
	if a.policy == RoundRobin {
		a.bitset[i>>6] |= 1 << (i & 63)
		return
	}
	a.fifo.push(t, i)
}

// grant removes and returns the core to serve; the caller checks that a
// request is waiting.
func (a *arbiter) grant() int {
	var i int
	switch {
	case a.count == 1 && a.policy == Oldest && a.fifo.left == 0:
		// The one request waiting is the fifo's only item (no tie group
		// is open): it wins, and the emptied fifo starts again at the
		// front of its array, which then stays in the cache. This is
		// three grants in four on AXI4 (each channel has an arbiter),
		// one in three on the shared bus.
		q := &a.fifo
		i = int(q.fifo[q.head].c)
		q.fifo, q.head = q.fifo[:0], 0
	case a.policy == RoundRobin:
		i = a.pickRR()
		a.bitset[i>>6] &^= 1 << (i & 63)
	default:
		i = a.fifo.pop(a.rr, a.n)
	}
	a.count--
	a.rr = i + 1
	if a.rr == a.n {
		a.rr = 0
	}
	return i
}

// pickRR returns the waiting core with the smallest index at or after rr,
// wrapping around.
func (a *arbiter) pickRR() int {
	w, b := a.rr>>6, uint(a.rr&63)
	if x := a.bitset[w] >> b << b; x != 0 {
		return w<<6 + bits.TrailingZeros64(x)
	}
	for k := 1; k <= len(a.bitset); k++ {
		j := (w + k) % len(a.bitset)
		if x := a.bitset[j]; x != 0 {
			return j<<6 + bits.TrailingZeros64(x)
		}
	}
	panic("sim: round-robin grant with no waiting core") // unreachable: callers check count
}

// oldestQueue is the Oldest policy's queue: requests in the order they
// were made, and the tie group taken from its head. The oldest request
// wins; among requests of the same cycle (a tie group), the first core at
// or after the round-robin pointer. Since the pointer then moves just past
// the winner, the next winner of the same group is the next of its cores in
// cyclic index order: so the group is sorted once (O(k log k) for k cores)
// and walked with a cursor, amortised O(log k) per grant, where a scan of the
// group per grant would cost O(k^2) (minutes with 10^5 cores asking in the
// same cycle).
type oldestQueue struct {
	fifo []event // requests not yet in the tie group, in order, from head
	head int
	tie  []int32 // the tie group: the oldest requests, sorted by core
	tieT int64   // their cycle
	pos  int     // cursor: the next winner is tie[pos], if the pointer agrees
	left int     // cores of the group not yet granted: tie[pos], tie[pos+1], ... cyclically
	tmp  []int32
}

// push queues core i asking at cycle t.
func (q *oldestQueue) push(t int64, i int) { q.fifo = append(q.fifo, event{t, int32(i)}) }

// pop removes and returns the oldest request's core; ties go to the first
// core at or after rr, of n cores, cyclically.
func (q *oldestQueue) pop(rr, n int) int {
	if q.left == 0 {
		f := q.fifo[q.head:]
		if len(f) == 1 || f[1].t != f[0].t { // no tie: the common case
			i := int(f[0].c)
			q.advance(1)
			return i
		}
		q.tie, q.tieT = q.tie[:0], f[0].t
		q.regroup(rr)
	} else if q.head < len(q.fifo) && q.fifo[q.head].t == q.tieT {
		// A request of the group's cycle came after grants from it (a
		// zero-cycle transfer ended and its core asked again in the
		// same cycle): rebuild the group from the cores left and the new
		// ones.
		q.tmp = q.tmp[:0]
		for k := range q.left {
			q.tmp = append(q.tmp, q.tie[(q.pos+k)%len(q.tie)])
		}
		q.tie = append(q.tie[:0], q.tmp...)
		q.regroup(rr)
	}
	i := q.tie[q.pos]
	q.pos++
	if q.pos == len(q.tie) {
		q.pos = 0
	}
	q.left--
	return int(i)
}

// regroup moves the requests of cycle tieT from the fifo into the tie
// group, sorts it and points the cursor at the first core at or after rr.
func (q *oldestQueue) regroup(rr int) {
	k := 0
	for f := q.fifo[q.head:]; k < len(f) && f[k].t == q.tieT; k++ {
		q.tie = append(q.tie, f[k].c)
	}
	q.advance(k)
	slices.Sort(q.tie)
	q.pos, _ = slices.BinarySearch(q.tie, int32(rr))
	if q.pos == len(q.tie) {
		q.pos = 0
	}
	q.left = len(q.tie)
}

// advance drops k requests from the fifo's head, compacting it when the
// dropped part is at least half of it.
func (q *oldestQueue) advance(k int) {
	q.head += k
	if q.head >= 64 && 2*q.head >= len(q.fifo) {
		q.fifo = q.fifo[:copy(q.fifo, q.fifo[q.head:])]
		q.head = 0
	}
}
