package sim

import (
	"math/rand/v2"
	"testing"
)

// scanOldest is the Oldest arbiter as first written: it scans every request
// of the oldest cycle for the first core at or after the round-robin pointer
// (quadratic when many cores ask in the same cycle). The tests hold the new
// queue to its choices.
type scanOldest struct {
	q  []event
	rr int
	n  int
}

func (s *scanOldest) request(t int64, i int) { s.q = append(s.q, event{t, int32(i)}) }

func (s *scanOldest) grant() int {
	best, bestKey := 0, s.n
	for k := 0; k < len(s.q) && s.q[k].t == s.q[0].t; k++ {
		key := int(s.q[k].c) - s.rr
		if key < 0 {
			key += s.n
		}
		if key < bestKey {
			best, bestKey = k, key
		}
	}
	i := int(s.q[best].c)
	s.q = append(s.q[:best], s.q[best+1:]...)
	s.rr = (i + 1) % s.n
	return i
}

// TestOldestMatchesScan drives the Oldest arbiter and scanOldest with the
// same random request patterns: cycles that advance by 0 to 2 (so that many
// cores ask in the same cycle), bursts of requests from idle cores, grants
// in between, and requests that join the oldest cycle's group after grants
// from it (a zero-cycle transfer that ends in the cycle it began). Every
// grant must name the same core.
func TestOldestMatchesScan(t *testing.T) {
	for seed := range uint64(200) {
		rng := rand.New(rand.NewPCG(seed, 7))
		n := 1 + rng.IntN(300)
		arb, ref := newArbiter(Oldest, n), &scanOldest{n: n}
		waiting := make([]bool, n)
		var now int64
		for step := range 2000 {
			if rng.IntN(4) == 0 {
				now += int64(rng.IntN(3))
			}
			for range rng.IntN(8) {
				i := rng.IntN(n)
				if !waiting[i] {
					waiting[i] = true
					arb.request(now, i)
					ref.request(now, i)
				}
			}
			for range rng.IntN(6) {
				if arb.count == 0 {
					break
				}
				got, want := arb.grant(), ref.grant()
				if got != want {
					t.Fatalf("seed %d step %d (%d cores): granted core %d, the scan grants %d", seed, step, n, got, want)
				}
				waiting[got] = false
			}
		}
		if arb.count != len(ref.q) {
			t.Fatalf("seed %d: %d requests waiting, the scan has %d", seed, arb.count, len(ref.q))
		}
	}
}

// TestOldestTieOrder: cores 6, 2, 4, 0, 5 ask in cycle 0 and core 1 in
// cycle 1, with the pointer at 2. The group of cycle 0, sorted 0 2 4 5 6,
// is served from the first core at or after 2: 2, 4, 5, 6, then 0 (the
// pointer wraps), and only then the younger request of core 1.
func TestOldestTieOrder(t *testing.T) {
	a := newArbiter(Oldest, 8)
	for _, i := range []int{6, 2, 4, 0, 5} {
		a.request(0, i)
	}
	a.request(1, 1)
	a.rr = 2
	var order []int
	for a.count > 0 {
		order = append(order, a.grant())
	}
	want := []int{2, 4, 5, 6, 0, 1}
	for k := range want {
		if order[k] != want[k] {
			t.Fatalf("grant order %v, want %v", order, want)
		}
	}
}
