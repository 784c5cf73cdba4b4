package sim

import (
	"fmt"
	"reflect"
	"testing"
	"unsafe"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/isa"
	"github.com/cimkit/cimkit/cim/mapping"
	"github.com/cimkit/cimkit/cim/nn"
)

// tinyAXI is tinyArch (4-byte bus, MVM 10, MOV 1) on AXI4 with a latency of
// one cycle and k transactions in flight per core. A 16-byte transfer is 4
// beats: a read's address phase takes cycle g, its beats g+2..g+5 (ending
// at g+6); a write's beats follow its address, g+1..g+4, and its response
// comes at g+6. Alone, each costs its core 6 cycles, as on the shared bus
// (4 beats + 2 cycles of overhead).
func tinyAXI(k int) arch.Arch {
	a := tinyArch()
	a.Interconnect, a.AXIOutstanding, a.AXILatencyCycles = arch.AXI4, k, 1
	return a
}

// busSpans returns the traced LOAD, STORE and CALL spans.
func busSpans(tm *Timing) []Span {
	var out []Span
	for _, s := range tm.Trace {
		if s.Class.OnBus() {
			out = append(out, s)
		}
	}
	return out
}

// TestAXIReadWriteOverlap: core 0 loads 16 bytes while core 1 stores 16
// bytes, both from cycle 0. The read's address phase is cycle 0 on AR and
// its beats 2-5 on R; the write's address is cycle 0 on AW and its beats 1-4
// on W, response at 6. The two transfers overlap: both cores end at 6. On
// the shared bus they take turns: 0-6 and 6-12.
func TestAXIReadWriteOverlap(t *testing.T) {
	progs := [][]isa.Instr{{ld(isa.In, 16, 0)}, {st(16, 0)}}
	tm, err := Execute(tinyAXI(1), streams(progs), Options{Trace: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []Span{{0, ClassLoad, 2, 6}, {1, ClassStore, 1, 5}}
	if got := busSpans(tm); !reflect.DeepEqual(got, want) || tm.Cycles != 6 {
		t.Errorf("spans %v cycles %d, want %v 6", got, tm.Cycles, want)
	}
	if tm.ReadBusy != 4 || tm.WriteBusy != 4 || tm.BusBusy != 4 || tm.Interconnect != arch.AXI4 {
		t.Errorf("read busy %d write busy %d bus busy %d interconnect %s, want 4 4 4 axi4",
			tm.ReadBusy, tm.WriteBusy, tm.BusBusy, tm.Interconnect)
	}
	// Bus series in two bins of 3 cycles: R carries 1 and 3 cycles, W 2 and
	// 2; each bin shows the busier channel: 2/3 and 3/3.
	if series, err := BusSeries(tm, 2); err != nil || !reflect.DeepEqual(series, []float64{2.0 / 3, 1}) {
		t.Errorf("BusSeries = %v, %v; want [2/3 1]", series, err)
	}
	// Each core waited for its own transfer: Bus 6, no bus wait.
	for i, c := range tm.Cores {
		if c.Bus != 6 || c.WaitBus != 0 || c.End != 6 || c.Instrs != 1 {
			t.Errorf("core %d: %+v", i, c)
		}
	}
	shared, err := Execute(tinyArch(), streams(progs), Options{})
	if err != nil || shared.Cycles != 12 {
		t.Errorf("shared bus: cycles %d (%v), want 12", shared.Cycles, err)
	}
}

// TestAXISecondOutstandingLoad: one core loads In[0:16] and In[16:32] from
// two addresses. With two transactions in flight the second LOAD is issued
// at cycle 0 too; its address waits behind the first (a core presents one
// address per channel) and is granted at 4, the cycle that lets its beats
// follow the first's with no gap: beats 2-5 and 6-9, end at 10. So the
// second LOAD starts (its address phase, at 4) before the first ends (6).
// With one transaction in flight the second is issued when the first is
// done, at 6: address 6, beats 8-11, end at 12, as on the shared bus.
func TestAXISecondOutstandingLoad(t *testing.T) {
	prog := []isa.Instr{
		{Op: isa.LOAD, Reg: isa.In, Off: 0, Elems: 16, Addr: 0, Bytes: 16},
		{Op: isa.LOAD, Reg: isa.In, Off: 16, Elems: 16, Addr: 16, Bytes: 16},
	}
	for _, tc := range []struct {
		k      int
		cycles int64
		spans  []Span
	}{
		{2, 10, []Span{{0, ClassLoad, 2, 6}, {0, ClassLoad, 6, 10}}},
		{1, 12, []Span{{0, ClassLoad, 2, 6}, {0, ClassLoad, 8, 12}}},
	} {
		tm, err := Execute(tinyAXI(tc.k), streams([][]isa.Instr{prog}), Options{Trace: true})
		if err != nil {
			t.Fatal(err)
		}
		if got := busSpans(tm); !reflect.DeepEqual(got, tc.spans) || tm.Cycles != tc.cycles {
			t.Errorf("%d in flight: spans %v cycles %d, want %v %d", tc.k, got, tm.Cycles, tc.spans, tc.cycles)
		}
	}
}

// TestAXIWriteResponseOrdersCall: core 0 stores a 16-byte partial sum and
// CALLs core 1, which WAITs and then loads it. The CALL is a release: it is
// issued only when the STORE's write response is back. STORE: address 0,
// beats 1-4, response at 6 (core 0 stalls 0-6). CALL: address 6 (not 4,
// where the W channel could have taken it), beat 7, response and register
// write at 9. Core 1 waits 0-9, then loads: address 9, beats 11-14, end 15.
func TestAXIWriteResponseOrdersCall(t *testing.T) {
	progs := [][]isa.Instr{
		{{Op: isa.STORE, Reg: isa.Out, Elems: 4, Addr: 64, Bytes: 16}, call(1, 1, 0)},
		{wait(1, 0), {Op: isa.LOAD, Reg: isa.Acc, Elems: 4, Addr: 64, Bytes: 16}},
	}
	tm, err := Execute(tinyAXI(4), streams(progs), Options{Trace: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []Span{{0, ClassStore, 1, 5}, {0, ClassCall, 7, 8}, {1, ClassLoad, 11, 15}}
	if got := busSpans(tm); !reflect.DeepEqual(got, want) || tm.Cycles != 15 {
		t.Errorf("spans %v cycles %d, want %v 15", got, tm.Cycles, want)
	}
	// Core 0: stalled 0-6 for the STORE's response, 6-9 for the CALL's at
	// the end; core 1 blocked in WAIT 0-9, then stalled 9-15 for its LOAD.
	c0, c1 := tm.Cores[0], tm.Cores[1]
	if c0.Bus != 9 || c0.End != 9 || c0.Idle != 6 || c1.WaitOwner != 9 || c1.Bus != 6 || c1.End != 15 {
		t.Errorf("core 0 %+v\ncore 1 %+v", c0, c1)
	}
}

// TestAXIMatchesPrograms runs real layers on AXI4 in every scheme, with 1,
// 2 and 8 transactions in flight, and checks that every core executed its
// whole program (instructions, MVMs, bytes) and that its times add up; two
// runs give the same numbers.
func TestAXIMatchesPrograms(t *testing.T) {
	l := nn.Layer{Name: "conv3x3s2", Kind: nn.Conv2D, KernelH: 3, KernelW: 3, StrideH: 2, StrideW: 2,
		PadTop: 1, PadBottom: 1, PadLeft: 1, PadRight: 1, Filters: 37, Bias: true, Act: nn.ActReLU}
	net := &nn.Network{Name: "t", Input: nn.Shape{C: 22, H: 7, W: 9}, Layers: []*nn.Layer{&l}}
	if err := net.Infer(); err != nil {
		t.Fatal(err)
	}
	for _, k := range []int{1, 2, 8} {
		a := arch.Default()
		a.XbarRows, a.XbarCols, a.BusBytes = 32, 16, 4
		a.Interconnect, a.AXIOutstanding = arch.AXI4, k
		m, err := mapping.Map(&l, a)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range compile.Schemes() {
			p, err := compile.Compile(m, a, s)
			if err != nil {
				t.Fatal(err)
			}
			tm, err := Run(p, Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkAgainstStreams(t, fmt.Sprintf("%s k=%d", s, k), p, tm)
			again, _ := Run(p, Options{})
			if !reflect.DeepEqual(tm, again) {
				t.Errorf("%s k=%d: two runs differ", s, k)
			}
		}
	}
}

// TestTxnSize: a transaction slot fills one cache line.
func TestTxnSize(t *testing.T) {
	if n := unsafe.Sizeof(txn{}); n != 64 {
		t.Errorf("txn is %d bytes, want 64", n)
	}
}

// TestBusRegs: busRegs, the hot path's shortcut, agrees with isa.Instr.Regs
// for every LOAD and STORE register and for a CALL (none).
func TestBusRegs(t *testing.T) {
	for _, op := range []isa.Op{isa.LOAD, isa.STORE, isa.CALL} {
		for _, r := range []isa.Reg{isa.In, isa.Out, isa.Acc} {
			in := isa.Instr{Op: op, Reg: r}
			if got, want := busRegs(&in), in.Regs(); got != want {
				t.Errorf("%v %v: busRegs %b, Regs %b", op, r, got, want)
			}
		}
	}
}

// TestHoldShortcuts: axiHold's answers without isa.MustWait agree with it:
// a CALL waits for every earlier LOAD, STORE and CALL to be done, and an
// MVM for a LOAD into In or Out (any elements) to have its data.
func TestHoldShortcuts(t *testing.T) {
	for _, op := range []isa.Op{isa.LOAD, isa.STORE, isa.CALL} {
		for _, r := range []isa.Reg{isa.In, isa.Out, isa.Acc} {
			earlier := isa.Instr{Op: op, Reg: r, Off: 3, Elems: 5, Addr: 64, Bytes: 10}
			call := isa.Instr{Op: isa.CALL, Addr: 1 << 20, Bytes: 4}
			if w := isa.MustWait(&earlier, &call); w != isa.WaitDone {
				t.Errorf("%v %v then CALL: MustWait %v, want WaitDone", op, r, w)
			}
			if op != isa.LOAD || r == isa.Acc {
				continue
			}
			mvm := isa.Instr{Op: isa.MVM}
			if w := isa.MustWait(&earlier, &mvm); w != isa.WaitData {
				t.Errorf("LOAD %v then MVM: MustWait %v, want WaitData", r, w)
			}
		}
	}
}

// TestCoreLayout: a core's AXI4 state is one cache line, the second of the
// core (the first holds the held instruction and its times).
func TestCoreLayout(t *testing.T) {
	var c core
	if n := unsafe.Sizeof(c.ax); n > 64 {
		t.Errorf("axiCore is %d bytes, want at most 64", n)
	}
	if off := unsafe.Offsetof(c.ax); off != 64 {
		t.Errorf("core.ax at byte %d, want 64", off)
	}
	for _, op := range []isa.Op{isa.LOAD, isa.STORE, isa.CALL} {
		for _, other := range []isa.Op{isa.LOAD, isa.STORE, isa.CALL} {
			if op != other && xferKind(op) == xferKind(other) {
				t.Errorf("xferKind(%v) = xferKind(%v)", op, other)
			}
		}
	}
}
