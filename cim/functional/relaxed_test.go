package functional

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/isa"
	"github.com/cimkit/cimkit/cim/nn/nntest"
)

// axiPlan is pv3 on an AXI4 chip with k transactions in flight per core:
// its schedules are relaxed.
func axiPlan(t *testing.T, s compile.Scheme, k int) *compile.Plan {
	p := pv3(t, s)
	p.Arch.Interconnect, p.Arch.AXIOutstanding = arch.AXI4, k
	return p
}

// TestRelaxedRandomLayers: random layers on AXI4 chips (1 to 8
// transactions in flight) in every scheme, integer and float, over relaxed
// schedules: always the reference, no violation, no deadlock.
func TestRelaxedRandomLayers(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 17))
	trials := 100
	if testing.Short() {
		trials = 20
	}
	for trial := range trials {
		l, in := nntest.RandomLayer(rng, 9)
		a := smallArch(1+rng.IntN(24), 1+rng.IntN(8))
		a.Interconnect, a.AXIOutstanding = arch.AXI4, 1+rng.IntN(8)
		for _, s := range compile.Schemes() {
			p := plan(t, l, in, a, s)
			for _, float := range []bool{false, true} {
				rep, err := Run(p, Options{Seed: uint64(trial) * 100, Seeds: 4, Float: float, DataSeed: uint64(trial)})
				if err != nil {
					t.Fatal(err)
				}
				if !rep.OK() {
					t.Fatalf("trial %d, %+v on %v, xbar %dx%d (PV %d), %d in flight: %s", trial, *l, in,
						a.XbarRows, a.XbarCols, p.Map.PV, a.AXIOutstanding, rep)
				}
			}
		}
	}
}

// TestRelaxedReorders: the relaxed schedules do perform transactions out
// of program order: over a few seeds, a LOAD is performed while an earlier
// STORE of its core to other bytes is still in flight (the reordering the
// AXI4 model allows), and the run still matches the reference. On the
// shared bus nothing is ever in flight.
func TestRelaxedReorders(t *testing.T) {
	for _, s := range compile.Schemes() {
		overtakes := 0
		opts := Options{Seeds: 10, hooks: hooks{onPerform: func(_ int, done isa.Instr, older []isa.Instr) {
			for _, o := range older {
				if done.Op == isa.LOAD && o.Op == isa.STORE && isa.MustWait(&o, &done) == isa.NoWait {
					overtakes++
				}
			}
		}}}
		rep, err := Run(axiPlan(t, s, 4), opts)
		if err != nil || !rep.OK() {
			t.Fatalf("%s: %v %v", s, err, rep)
		}
		if overtakes == 0 {
			t.Errorf("%s: no LOAD overtook a STORE in 10 relaxed schedules", s)
		}
		performed := 0
		opts.onPerform = func(int, isa.Instr, []isa.Instr) { performed++ }
		shared := pv3(t, s)
		shared.Arch.Interconnect = arch.Shared
		if rep, err := Run(shared, opts); err != nil || !rep.OK() || performed != 0 {
			t.Errorf("%s on the shared bus: %d transactions performed late (%v %v)", s, performed, err, rep)
		}
	}
}

// TestRelaxedMissingWaitAndCall: on AXI4 the checker still reports a
// dropped WAIT (a partial sum touched by a core that does not own it) and a
// dropped CALL (deadlock).
func TestRelaxedMissingWaitAndCall(t *testing.T) {
	for _, s := range compile.Schemes() {
		p := axiPlan(t, s, 4)
		rep, err := Run(p, Options{Seeds: 50, Drop: dropFirstWait(1)})
		if err != nil {
			t.Fatal(err)
		}
		if rep.ViolationCount == 0 || !strings.Contains(rep.String(), "does not own") {
			t.Errorf("%s: missing WAIT of core 1 not reported in 50 relaxed schedules: %s", s, rep)
		}
		dropCall, _ := dropLastCall(p, 0)
		rep, err = Run(p, Options{Seed: 3, Drop: dropCall})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Deadlock == nil {
			t.Errorf("%s: missing CALL: no deadlock: %s", s, rep)
		}
	}
}

// TestCallNeedsWriteResponse: a CALL that went ahead of the STORE it
// publishes (no release) lets the next writer load the partial sum before
// it is stored: the checker reports it under some relaxed schedule. With
// the release (the CALL waits for the STORE's write response) no schedule
// does.
func TestCallNeedsWriteResponse(t *testing.T) {
	for _, s := range []compile.Scheme{compile.Linear, compile.Cyclic} {
		p := axiPlan(t, s, 4)
		rep, err := Run(p, Options{Seeds: 50, hooks: hooks{unfenced: everyCall}})
		if err != nil {
			t.Fatal(err)
		}
		if rep.OK() {
			t.Errorf("%s: CALLs without release went unnoticed in 50 schedules", s)
		}
		if rep, err := Run(p, Options{Seeds: 50}); err != nil || !rep.OK() {
			t.Errorf("%s with release: %v %v", s, err, rep)
		}
	}
}

// everyCall is a hooks.unfenced that lets every CALL go ahead.
func everyCall(int, isa.Instr) bool { return true }
