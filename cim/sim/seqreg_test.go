package sim

import (
	"reflect"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/cim/isa"
)

func callR(t int32, r uint16, v int32) isa.Instr {
	return isa.Instr{Op: isa.CALL, Target: t, Seq: r, Value: v, Bytes: 4, Vec: -1}
}
func waitR(r uint16, v int32) isa.Instr { return isa.Instr{Op: isa.WAIT, Seq: r, Value: v, Vec: -1} }

// TestSeqRegisters: core 1 waits on register 2 while core 0 first raises
// register 0 and register 1 of core 1 (neither wakes it), then register 2.
// tinyArch: a 4-byte CALL holds the bus 1 beat + 2 = 3 cycles.
//
//	0-3 CALL core1.r0 = 5   core 1 blocked in WAIT r2, 1 since 0
//	3-6 CALL core1.r1 = 7
//	6-9 CALL core1.r2 = 1   core 1 wakes at 9, then MOV 9-10
func TestSeqRegisters(t *testing.T) {
	progs := [][]isa.Instr{
		{callR(1, 0, 5), callR(1, 1, 7), callR(1, 2, 1)},
		{waitR(2, 1), mov(isa.Act, 0)},
	}
	tm, err := Execute(tinyArch(), streams(progs), Options{Trace: true})
	if err != nil {
		t.Fatal(err)
	}
	if tm.Cycles != 10 || tm.Cores[1].WaitOwner != 9 || tm.SyncBytes != 12 {
		t.Errorf("cycles %d, core 1 waited %d, sync bytes %d; want 10, 9, 12", tm.Cycles, tm.Cores[1].WaitOwner, tm.SyncBytes)
	}
}

// TestSeqRegisterKeepsLarger: a CALL with a smaller value does not lower a
// register, so core 1's WAIT 5 passes at once after CALL 5 then CALL 2.
func TestSeqRegisterKeepsLarger(t *testing.T) {
	progs := [][]isa.Instr{
		{callR(1, 3, 5), callR(1, 3, 2), callR(2, 0, 1)},
		{waitR(3, 5), mov(isa.Act, 0)},
		{wait(1, 0), waitR(3, 0), mov(isa.Act, 0)},
	}
	tm, err := Execute(tinyArch(), streams(progs), Options{})
	if err != nil {
		t.Fatal(err)
	}
	// core 1 wakes at 3 (first CALL), MOV 3-4; core 2 wakes at 9, MOV 9-10.
	if tm.Cores[1].End != 4 || tm.Cores[2].End != 10 {
		t.Errorf("core 1 ends at %d, core 2 at %d; want 4 and 10", tm.Cores[1].End, tm.Cores[2].End)
	}
}

// TestVOPAndPROG: a VOP costs DigitalCycles per DigitalLanes elements (at
// least one pass); PROG occupies the crossbar RowWriteCycles per row, and
// whatever would wait for an MVM waits for it (a LOAD into Acc would not).
//
//	tinyArch with DigitalCycles 1, lanes 64, row write 5:
//	0-2   VOP over 65 elements (2 passes)
//	2-17  PROG 3 rows on the crossbar
//	17-18 VOP over 1 element (waits for the crossbar, as a MOV)
//	18-28 MVM, the core ends at 28
func TestVOPAndPROG(t *testing.T) {
	a := tinyArch()
	a.DigitalLanes, a.RowWriteCycles = 64, 5
	prog := []isa.Instr{
		{Op: isa.VOP, Fn: isa.Max, Reg: isa.Out, Elems: 65, Vec: -1},
		{Op: isa.PROG, Elems: 3, Vec: -1},
		{Op: isa.VOP, Fn: isa.Copy, Reg: isa.Out, Elems: 1, Vec: -1},
		mvm(0),
	}
	tm, err := Execute(a, streams([][]isa.Instr{prog}), Options{Trace: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []Span{{0, ClassMOV, 0, 2}, {0, ClassProg, 2, 17}, {0, ClassMOV, 17, 18}, {0, ClassMVM, 18, 28}}
	if tm.Cycles != 28 || !reflect.DeepEqual(tm.Trace, want) {
		t.Errorf("cycles %d, trace %v; want 28, %v", tm.Cycles, tm.Trace, want)
	}
	if ClassProg.String() != "prog" || classOf(isa.PROG) != ClassProg || classOf(isa.VOP) != ClassMOV {
		t.Error("PROG and VOP span classes")
	}
}

// TestSeqRegisterErrors: registers beyond MaxSeqRegs are refused, and a
// deadlock names the register waited on.
func TestSeqRegisterErrors(t *testing.T) {
	for _, prog := range [][]isa.Instr{{callR(0, MaxSeqRegs, 1)}, {waitR(MaxSeqRegs, 1)}} {
		_, err := Execute(tinyArch(), streams([][]isa.Instr{prog}), Options{})
		if err == nil || !strings.Contains(err.Error(), "sequence register 4096") {
			t.Errorf("%v: error %v, want one naming sequence register 4096", prog[0], err)
		}
	}
	_, err := Execute(tinyArch(), streams([][]isa.Instr{{callR(0, 1, 1), waitR(2, 1)}}), Options{})
	if err == nil || !strings.Contains(err.Error(), "(WAIT r2, 1): register = 0") {
		t.Errorf("deadlock error %v, want it to name WAIT r2, 1", err)
	}
}

// TestMarks: a MARK costs nothing, is not counted, and notes the core's
// time: after a 3-cycle CALL and after a WAIT that ends at 3.
func TestMarks(t *testing.T) {
	mark := func(v int32) isa.Instr { return isa.Instr{Op: isa.MARK, Value: v, Vec: -1} }
	progs := [][]isa.Instr{
		{mark(1), callR(1, 1, 1), mark(2)},
		{waitR(1, 1), mark(3), mov(isa.Act, 0)},
	}
	tm, err := Execute(tinyArch(), streams(progs), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Mark{{0, 1, 0}, {1, 3, 3}, {0, 2, 3}} // the CALL wakes core 1 before core 0 goes on
	if !reflect.DeepEqual(tm.Marks, want) || tm.Instrs != 3 || tm.Cycles != 4 {
		t.Errorf("marks %v instrs %d cycles %d; want %v, 3, 4", tm.Marks, tm.Instrs, tm.Cycles, want)
	}
}
