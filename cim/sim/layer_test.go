package sim

import (
	"math"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/nn"
)

// smallNet has two layers for hand-worked timings on 32x32 crossbars:
// "conv" is a 1x1 conv from 64 channels to 4 over a 1x2 image (PV = 2,
// two output vectors); "fc" a dense layer from 128 inputs to 4 units (PV = 4,
// one output vector).
func smallNet(t testing.TB) *nn.Network {
	net := &nn.Network{Name: "small", Input: nn.Shape{C: 64, H: 1, W: 2}, Layers: []*nn.Layer{
		{Name: "conv", Kind: nn.Conv2D, KernelH: 1, KernelW: 1, Filters: 64},
		{Name: "fc", Kind: nn.Dense, Filters: 4},
	}}
	if err := net.Infer(); err != nil {
		t.Fatal(err)
	}
	return net
}

// small32 is tinyArch with 32x32 crossbars. Transfers: 32 B = 8 beats + 2
// = 10 cycles, a 16-byte partial sum 6, a 4-byte CALL or result 3.
func small32() arch.Arch {
	a := tinyArch()
	a.XbarRows, a.XbarCols = 32, 32
	return a
}

// approx reports whether a and b agree to 1e-12.
func approx(a, b float64) bool { return math.Abs(a-b) < 1e-12 }

// TestPV2HandWorked checks "conv" with only 4 output channels, with the
// default overlapping MVM and bus arbiter (every conflict below is a tie,
// broken round-robin, or has a single waiter, so both arbiters agree). A
// LOAD in or STORE out waits for the core's own crossbar ("stall"); LOAD acc
// and WAIT do not.
//
// Sequential (core 1 starts with WAIT 2): c0 LOAD 0-10, MVM 10-20, STORE
// stalls to 20 and runs 20-26, LOAD 26-36, MVM 36-46, STORE 46-52, CALL
// 52-55. c1 wakes at 55; per vector LOAD in 10, MVM 10 with LOAD acc
// overlapped (6), 3 MOVs, STORE 3: 26 cycles, ends at 55 + 52 = 107.
//
// Linear: c0 LOAD 0-10, c1 LOAD 10-20 (waited 10). c0 MVM 10-20, STORE
// 20-26, CALL 26-29 (c1 register 1); c1 MVM 20-30, WAIT 1 blocks 20-29.
// At 29 both ask: rr points at c1, LOAD acc 29-35; c0 LOAD in 35-45. c1 MOVs
// 35-38 (its MVM ended at 30), STORE waits 38-45, runs 45-48, LOAD in
// 48-58, MVM 58-68, WAIT 2 blocks at 58. c0 MVM 45-55, STORE waits 55-58,
// runs 58-64, CALL 64-67 (c0 ends). c1 wakes at 67: LOAD acc 67-73, MOVs
// 73-76, STORE 76-79.
//
// Cyclic: core 1 starts at vector 1. c0 LOAD 0-10, c1 LOAD 10-20; c0 MVM
// 10-20, STORE 20-26, CALL 26-29, LOAD v1 29-39, MVM 39-49, WAIT 1 blocks
// 39-48; c1 MVM 20-30, STORE waits 30-39, runs 39-45, CALL 45-48 (c0
// register 1). At 48 rr points at c0: LOAD acc 48-54, MOVs 54-57, STORE
// waits 57-64 and runs 64-67 (c0 ends); c1 LOAD v0 54-64, MVM 64-74, WAIT
// passes, LOAD acc waits 64-67, runs 67-73, MOVs stall to 74, 74-77, STORE
// 77-80.
func TestPV2HandWorked(t *testing.T) {
	net := smallNet(t)
	net.Layers[0].Filters = 4
	net.Layers = net.Layers[:1]
	if err := net.Infer(); err != nil {
		t.Fatal(err)
	}
	want := map[compile.Scheme]int64{compile.Sequential: 107, compile.Linear: 79, compile.Cyclic: 80}
	for s, cyc := range want {
		r, err := RunLayer(net, "conv", small32(), s)
		if err != nil {
			t.Fatal(err)
		}
		if r.Cycles != cyc || r.SeqCycles != 107 || !approx(r.Speedup, 107/float64(cyc)) ||
			!approx(r.Efficiency, 107/float64(cyc)/2) || r.Limit != 2 {
			t.Errorf("%s: cycles %d seq %d speedup %v eff %v limit %d; want %d 107", s, r.Cycles, r.SeqCycles,
				r.Speedup, r.Efficiency, r.Limit, cyc)
		}
		// Bytes: per vector 2x32 in + 16 psum store + 16 psum load + 4 final,
		// and 4 B per CALL: 1 in sequential, 2 in the others.
		calls := int64(2)
		if s == compile.Sequential {
			calls = 1
		}
		if r.BusBytesTotal != 2*(64+36)+4*calls || r.SyncBytes != 4*calls ||
			!approx(r.Overhead, float64(4*calls)/float64(200+4*calls)) {
			t.Errorf("%s: bus bytes %d sync %d overhead %v", s, r.BusBytesTotal, r.SyncBytes, r.Overhead)
		}
		// Bus busy: per vector 10+10+6+6+3 = 35, plus 3 per CALL.
		busy := 70 + 3*calls
		if !approx(r.BusUtilization, float64(busy)/float64(cyc)) {
			t.Errorf("%s: bus utilization %v, want %d/%d", s, r.BusUtilization, busy, cyc)
		}
		if s != compile.Sequential && !approx(r.BusLimit, 107/float64(busy)) {
			t.Errorf("%s: bus limit %v, want 107/%d", s, r.BusLimit, busy)
		}
		if r.PV != 2 || r.PH != 1 || r.Cores != 2 || r.Vectors != 2 || !r.Fits || r.IFMBytes != 128 ||
			r.PsumBytes != 32 || r.OFMBytes != 8 || r.SyncMemBytes != 8 || r.PumaAttrBytes != 84 ||
			!approx(r.XbarUtilization, 64*4/(2*32*32.0)) {
			t.Errorf("%s: static fields %+v", s, r)
		}
	}
}

// TestPV4HandWorked checks "fc": four cores, one output vector.
//
// Linear: the four input LOADs go in core order, 0-10, 10-20, 20-30, 30-40,
// and the MVMs end at 20, 30, 40, 50. Core 0's STORE, asked at 20 after its
// crossbar, waits for cores 2 and 3 (who asked at 0) and runs 40-46, CALL
// 46-49. Cores 1 and 2 each take LOAD acc 6 + MOV 1 + STORE 6 + CALL 3 = 16
// after their wake-up: 49-65, 65-81. Core 3: LOAD acc 81-87, three MOVs
// 87-90, STORE 90-93.
//
// Sequential: core 0 takes LOAD 10 + MVM 10 + STORE 6 + CALL 3 = 29; cores
// 1 and 2 each LOAD 10 + MVM 10 (LOAD acc overlapped) + MOV 1 + STORE 6 +
// CALL 3 = 30; core 3 LOAD 10 + MVM 10 + 3 MOVs + STORE 3 = 26: 115.
func TestPV4HandWorked(t *testing.T) {
	net := smallNet(t)
	r, err := RunLayer(net, "fc", small32(), compile.Linear)
	if err != nil {
		t.Fatal(err)
	}
	if r.Cycles != 93 || r.SeqCycles != 115 || r.PV != 4 || r.Vectors != 1 || r.SyncBytes != 12 {
		t.Errorf("fc: cycles %d seq %d pv %d vectors %d sync %d; want 93 115 4 1 12",
			r.Cycles, r.SeqCycles, r.PV, r.Vectors, r.SyncBytes)
	}
}

func TestNotFitting(t *testing.T) {
	a := small32()
	a.Cores = 3
	r, err := RunLayer(smallNet(t), "fc", a, compile.Cyclic)
	if err != nil {
		t.Fatal(err)
	}
	if r.Fits || r.Cycles != 0 || r.Speedup != 0 || r.Cores != 4 || r.CoresBudget != 3 || r.Reason != "needs 4 cores, budget 3" {
		t.Errorf("not fitting: %+v", r)
	}
	if _, err := RunLayer(smallNet(t), "nope", a, compile.Cyclic); err == nil || !strings.Contains(err.Error(), `no layer "nope"`) {
		t.Errorf("unknown layer: %v", err)
	}
}

// Issue 12 item 10: a layer over the shared memory is a record with fits
// false and the reason, not an error that drops every record. conv: IFM
// 64x1x2 = 128 B at 0, PV 2 so partial sums 128 x 4 = 512 B at 128, OFM
// 128 B at 640: 768 B. fc: IFM 128 B, partial sums 16 B at 128, OFM 4 B at
// 192 (64-byte aligned): 196 B, within 200.
func TestSharedMemoryNotFitting(t *testing.T) {
	a := small32()
	a.SharedMemBytes = 200
	rs, err := RunModel(smallNet(t), a, compile.Linear)
	if err != nil {
		t.Fatal(err)
	}
	want := "IFM 128 B + partial sums 512 B + OFM 128 B = 768 B do not fit the shared memory of 200 B"
	if len(rs) != 3 || rs[0].Fits || rs[0].Reason != want || rs[0].Cycles != 0 {
		t.Fatalf("conv: %+v", rs[0])
	}
	if !rs[1].Fits || rs[1].Reason != "" || rs[1].Cycles == 0 {
		t.Errorf("fc: %+v", rs[1])
	}
	if tot := rs[2]; tot.Fits || tot.Reason != "1 of 2 layers do not fit" || tot.Cycles != rs[1].Cycles {
		t.Errorf("total: %+v", tot)
	}
}

func TestRunModelTotal(t *testing.T) {
	rs, err := RunModel(smallNet(t), small32(), compile.Linear)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 3 || rs[2].Layer != TotalLayer {
		t.Fatalf("got %d records", len(rs))
	}
	tot, a, b := rs[2], rs[0], rs[1]
	if tot.Cycles != a.Cycles+b.Cycles || tot.SeqCycles != a.SeqCycles+b.SeqCycles ||
		tot.BusBytesTotal != a.BusBytesTotal+b.BusBytesTotal || tot.PV != 4 || !tot.Fits ||
		!approx(tot.Speedup, float64(tot.SeqCycles)/float64(tot.Cycles)) {
		t.Errorf("total %+v", tot)
	}
	ideal := float64(a.SeqCycles)/2 + float64(b.SeqCycles)/4
	if !approx(tot.Efficiency, tot.Speedup*ideal/float64(tot.SeqCycles)) {
		t.Errorf("total efficiency %v", tot.Efficiency)
	}
}
