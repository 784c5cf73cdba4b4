package sim

import (
	"reflect"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/energy"
	"github.com/cimkit/cimkit/cim/isa"
)

// tinyArch has round numbers for hand-worked timings: MVM 10 cycles, MOV 1,
// a 4-byte shared bus with 2 cycles of overhead per transaction.
func tinyArch() arch.Arch {
	a := arch.Default()
	a.MVMCycles, a.DigitalCycles, a.BusBytes, a.BusOverheadCycles = 10, 1, 4, 2
	a.Interconnect = arch.Shared
	return a
}

func ld(reg isa.Reg, n int32, p int32) isa.Instr {
	return isa.Instr{Op: isa.LOAD, Reg: reg, Bytes: n, Vec: p}
}
func st(n int32, p int32) isa.Instr   { return isa.Instr{Op: isa.STORE, Reg: isa.Out, Bytes: n, Vec: p} }
func mvm(p int32) isa.Instr           { return isa.Instr{Op: isa.MVM, Vec: p} }
func mov(f isa.Fn, p int32) isa.Instr { return isa.Instr{Op: isa.MOV, Fn: f, Reg: isa.Out, Vec: p} }
func call(t, v, p int32) isa.Instr {
	return isa.Instr{Op: isa.CALL, Target: t, Value: v, Bytes: 4, Vec: p}
}
func wait(v, p int32) isa.Instr { return isa.Instr{Op: isa.WAIT, Value: v, Vec: p} }

// pv2 is a hand-written linear program for PV=2 and two output vectors:
// core 0 is the first writer (stores 16-byte partial sums), core 1 the last
// (adds, activates, stores 4 final bytes).
func pv2() [][]isa.Instr {
	var c0, c1 []isa.Instr
	for p := int32(0); p < 2; p++ {
		c0 = append(c0, ld(isa.In, 8, p), mvm(p), st(16, p), call(1, p+1, p))
		c1 = append(c1, ld(isa.In, 8, p), mvm(p), wait(p+1, p), ld(isa.Acc, 16, p),
			mov(isa.Add, p), mov(isa.Act, p), st(4, p))
	}
	return [][]isa.Instr{c0, c1}
}

// pv2Stats are the per-core figures of pv2 on tinyArch that do not depend
// on the schedule, counted by hand. Both cores run two MVMs on the whole
// 64x64 crossbar (isa.Slice has no tile shape): 128 rows, 128 columns and
// 8192 weights; 8-bit inputs applied one bit per read give 2 x 64 x 8 =
// 1024 DAC conversions, and the 8-bit weights in 2-bit cells (4 physical
// columns each) 2 x 64 x 8 x 4 = 4096 ADC conversions. Each crossbar is busy
// 2 x 10 cycles of the 63-cycle run.
//
//	core 0: LOAD 2 x 8 B (2 beats of 4 B each), STORE 2 x 16 B (4 beats),
//	        CALL 2 x 4 B (1 beat); no MOV, no WAIT.
//	core 1: LOAD 2 x 8 B in + 2 x 16 B acc = 48 B in 2+4+2+4 = 12 beats,
//	        STORE 2 x 4 B (1 beat), MOV add and act twice (4 cycles, no
//	        elements: the hand-written MOVs have Elems 0), WAIT twice, and
//	        two writes into its sequence register (core 0's CALLs).
func pv2Stats() []CoreStats {
	mvms := energy.Actions{MVMs: 2, Rows: 128, Cols: 128, Cells: 8192, DACs: 1024, ADCs: 4096}
	c0, c1 := mvms, mvms
	c0.Loads, c0.LoadBytes, c0.LoadBeats = 2, 16, 4
	c0.Stores, c0.StoreBytes, c0.StoreBeats = 2, 32, 8
	c0.Calls, c0.CallBytes, c0.CallBeats = 2, 8, 2
	c1.Loads, c1.LoadBytes, c1.LoadBeats = 4, 48, 12
	c1.Stores, c1.StoreBytes, c1.StoreBeats = 2, 8, 2
	c1.DigitalOps[isa.Add], c1.DigitalOps[isa.Act] = 2, 2
	c1.Waits, c1.SeqWrites = 2, 2
	return []CoreStats{
		{Core: 0, Instrs: 8, BusBytes: 56, SyncBytes: 8, XbarBusy: 20, XbarIdle: 43, DigitalIdle: 63, Actions: c0},
		{Core: 1, Instrs: 14, BusBytes: 56, XbarBusy: 20, XbarIdle: 43, DigitalBusy: 4, DigitalIdle: 59, Actions: c1},
	}
}

func streams(progs [][]isa.Instr) []isa.Stream {
	out := make([]isa.Stream, len(progs))
	for i, p := range progs {
		out[i] = &isa.Slice{Instrs: p}
	}
	return out
}

// TestExecuteHandWorked checks every figure of the pv2 run with blocking
// MVMs against this hand-worked schedule (8-byte load = 2 beats + 2 = 4
// cycles, 16 bytes = 6, 4 bytes = 3):
//
//	 0- 4 c0 LOAD in        c1 waits for the bus (round robin starts at 0)
//	 4- 8 c1 LOAD in        c0 MVM 4-14
//	 8-18 c1 MVM, then WAIT 1 blocks at 18
//	14-20 c0 STORE psum
//	20-23 c0 CALL c1,1      -> c1 register 1 at 23, c1 wakes (waited 5)
//	23-29 c1 LOAD acc       c0 requested at 23 too; rr pointer is at 1 so c1 wins
//	29-33 c0 LOAD in (p=1, waited 6)   c1 MOV MOV 29-31, STORE waits 31-33
//	33-36 c1 STORE final    c0 MVM 33-43
//	36-40 c1 LOAD in        c1 MVM 40-50, WAIT 2 blocks at 50
//	43-49 c0 STORE psum
//	49-52 c0 CALL c1,2      c0 ends at 52; c1 wakes at 52 (waited 2)
//	52-58 c1 LOAD acc, 58-60 MOV MOV, 60-63 STORE: c1 ends at 63.
func TestExecuteHandWorked(t *testing.T) {
	tm, err := Execute(tinyArch(), streams(pv2()), Options{Trace: true, BlockingMVM: true, Arbiter: RoundRobin})
	if err != nil {
		t.Fatal(err)
	}
	if tm.Cycles != 63 || tm.BusBusy != 52 || tm.BusBytes != 112 || tm.SyncBytes != 8 ||
		tm.Transactions != 12 || tm.Instrs != 22 {
		t.Errorf("totals: cycles %d bus %d bytes %d sync %d trans %d instrs %d; want 63 52 112 8 12 22",
			tm.Cycles, tm.BusBusy, tm.BusBytes, tm.SyncBytes, tm.Transactions, tm.Instrs)
	}
	want := pv2Stats()
	want[0].Busy, want[0].Bus, want[0].WaitBus, want[0].WaitOwner, want[0].Idle, want[0].End = 20, 26, 6, 0, 11, 52
	want[1].Busy, want[1].Bus, want[1].WaitBus, want[1].WaitOwner, want[1].Idle, want[1].End = 24, 26, 6, 7, 0, 63
	if !reflect.DeepEqual(tm.Cores, want) {
		t.Errorf("cores:\n got %+v\nwant %+v", tm.Cores, want)
	}
	var waits []Span
	for _, s := range tm.Trace {
		if s.Class == ClassWait {
			waits = append(waits, s)
		}
	}
	wantW := []Span{{1, ClassWait, 18, 23}, {1, ClassWait, 50, 52}}
	if !reflect.DeepEqual(waits, wantW) {
		t.Errorf("wait spans %v, want %v", waits, wantW)
	}
	series, err := BusSeries(tm, 1)
	if err != nil || len(series) != 1 || series[0] != 52.0/63 {
		t.Errorf("BusSeries = %v, %v; want [52/63]", series, err)
	}
}

func TestExecuteDeterministic(t *testing.T) {
	a, _ := Execute(tinyArch(), streams(pv2()), Options{Trace: true})
	b, _ := Execute(tinyArch(), streams(pv2()), Options{Trace: true})
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two runs of the same programs differ")
	}
}

func TestExecuteDeadlock(t *testing.T) {
	progs := pv2()
	progs[0] = progs[0][:3] // core 0 never CALLs
	_, err := Execute(tinyArch(), streams(progs), Options{})
	if err == nil {
		t.Fatal("no deadlock reported")
	}
	for _, w := range []string{"deadlock", "core 1 at instruction 2 (WAIT 1): register = 0"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
}

func TestExecuteBadInput(t *testing.T) {
	bad := tinyArch()
	bad.BusBytes = 0
	if _, err := Execute(bad, streams(pv2()), Options{}); err == nil || !strings.Contains(err.Error(), "bus_bytes") {
		t.Errorf("bus 0: err = %v", err)
	}
	bad = tinyArch()
	bad.MVMCycles = 0
	if _, err := Execute(bad, streams(pv2()), Options{}); err == nil || !strings.Contains(err.Error(), "mvm_cycles") {
		t.Errorf("mvm 0: err = %v", err)
	}
	progs := [][]isa.Instr{{call(7, 1, 0)}}
	if _, err := Execute(tinyArch(), streams(progs), Options{}); err == nil || !strings.Contains(err.Error(), "CALL target core 7") {
		t.Errorf("bad target: err = %v", err)
	}
	progs = [][]isa.Instr{{{Op: 99}}}
	if _, err := Execute(tinyArch(), streams(progs), Options{}); err == nil || !strings.Contains(err.Error(), "core 0 instruction 0") {
		t.Errorf("bad op: err = %v", err)
	}
}

// loadOrder returns the cores of the traced LOAD spans in issue order: the
// order in which the bus granted them.
func loadOrder(tm *Timing) []int32 {
	var order []int32
	for _, s := range tm.Trace {
		if s.Class == ClassLoad {
			order = append(order, s.Core)
		}
	}
	return order
}

// TestRoundRobin: three cores each make two 4-byte transfers at the same
// times; grants rotate 0,1,2,0,1,2.
func TestRoundRobin(t *testing.T) {
	progs := make([][]isa.Instr, 3)
	for i := range progs {
		progs[i] = []isa.Instr{ld(isa.In, 4, 0), ld(isa.In, 4, 1)}
	}
	tm, err := Execute(tinyArch(), streams(progs), Options{Trace: true, Arbiter: RoundRobin})
	if err != nil {
		t.Fatal(err)
	}
	order := loadOrder(tm)
	if !reflect.DeepEqual(order, []int32{0, 1, 2, 0, 1, 2}) || tm.Cycles != 18 {
		t.Errorf("grant order %v cycles %d, want [0 1 2 0 1 2] 18", order, tm.Cycles)
	}
}

// TestExecuteAsyncMVM runs pv2 with the default overlapping MVM: core 1's
// WAIT and partial-sum LOAD no longer wait for its MVM, only the MOV does.
//
//	 0- 4 c0 LOAD in, 4- 8 c1 LOAD in; c0 MVM 4-14, its STORE stalls to 14
//	      (a stall for the crossbar counts as busy: 10 per vector for c0)
//	 8    c1 MVM 8-18 issued, WAIT 1 blocks at 8
//	14-20 c0 STORE, 20-23 c0 CALL: c1 wakes at 23 (waited 15)
//	23-29 c1 LOAD acc (rr pointer at 1), c0 LOAD in waits, runs 29-33
//	29-31 c1 MOV MOV, STORE waits 31-33, runs 33-36; c0 MVM 33-43
//	36-40 c1 LOAD in, MVM 40-50 issued; WAIT 2 blocks at 40
//	43-49 c0 STORE, 49-52 CALL (c0 ends); c1 wakes at 52 (waited 12)
//	52-58 c1 LOAD acc, 58-60 MOV MOV, 60-63 STORE.
func TestExecuteAsyncMVM(t *testing.T) {
	tm, err := Execute(tinyArch(), streams(pv2()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := pv2Stats()
	want[0].Busy, want[0].Bus, want[0].WaitBus, want[0].WaitOwner, want[0].Idle, want[0].End = 20, 26, 6, 0, 11, 52
	want[1].Busy, want[1].Bus, want[1].WaitBus, want[1].WaitOwner, want[1].Idle, want[1].End = 4, 26, 6, 27, 0, 63
	if tm.Cycles != 63 || !reflect.DeepEqual(tm.Cores, want) {
		t.Errorf("cycles %d, cores:\n got %+v\nwant %+v", tm.Cycles, tm.Cores, want)
	}
}

// TestArbiters: core 1 holds the bus 0-12 (40 bytes); core 0 asks at 2,
// core 2 at 5. Round robin serves core 2 first (the pointer is past core
// 1), oldest-first serves core 0, which has waited longer.
func TestArbiters(t *testing.T) {
	movs := func(n int) []isa.Instr {
		out := make([]isa.Instr, n)
		for i := range out {
			out[i] = mov(isa.Zero, 0)
		}
		return out
	}
	progs := [][]isa.Instr{
		append(movs(2), ld(isa.In, 4, 0)),
		{ld(isa.In, 40, 0)},
		append(movs(5), ld(isa.In, 4, 0)),
	}
	for arb, want := range map[Arbiter][]int32{RoundRobin: {1, 2, 0}, Oldest: {1, 0, 2}} {
		tm, err := Execute(tinyArch(), streams(progs), Options{Trace: true, Arbiter: arb})
		if err != nil {
			t.Fatal(err)
		}
		order := loadOrder(tm)
		if !reflect.DeepEqual(order, want) || tm.Cycles != 18 {
			t.Errorf("%v: grant order %v cycles %d, want %v 18", arb, order, tm.Cycles, want)
		}
	}
	if _, err := ParseArbiter("lottery"); err == nil {
		t.Error("ParseArbiter accepted lottery")
	}
	if a, err := ParseArbiter("FCFS"); err != nil || a != Oldest {
		t.Errorf("ParseArbiter(FCFS) = %v, %v", a, err)
	}
}

// TestOnSpan checks that OnSpan sees exactly the spans a full trace keeps,
// in the same order, that it needs no Trace and no cap (MaxSpans 1 cuts
// the trace, not the callback), and that it changes no figure.
func TestOnSpan(t *testing.T) {
	full, err := Execute(tinyArch(), streams(pv2()), Options{Trace: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, opt := range []Options{{}, {Trace: true, MaxSpans: 1}} {
		var seen []Span
		opt.OnSpan = func(s Span) { seen = append(seen, s) }
		tm, err := Execute(tinyArch(), streams(pv2()), opt)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(seen, full.Trace) {
			t.Errorf("trace %v, max %d: OnSpan saw %d spans, the trace has %d", opt.Trace, opt.MaxSpans, len(seen), len(full.Trace))
		}
		if tm.Cycles != full.Cycles || !reflect.DeepEqual(tm.Cores, full.Cores) {
			t.Errorf("trace %v: OnSpan changed the run: %d cycles, want %d", opt.Trace, tm.Cycles, full.Cycles)
		}
		if opt.Trace && (len(tm.Trace) != 1 || !tm.Truncated) {
			t.Errorf("MaxSpans 1: trace of %d spans, truncated %v", len(tm.Trace), tm.Truncated)
		}
		if !opt.Trace && tm.Trace != nil {
			t.Errorf("OnSpan without Trace kept %d spans", len(tm.Trace))
		}
	}
}
