package isa

import "testing"

func TestString(t *testing.T) {
	for _, tc := range []struct {
		in   Instr
		want string
	}{
		{Instr{Op: MVM, Vec: 3}, "MVM ; v=3"},
		{Instr{Op: LOAD, Reg: In, Off: 0, Elems: 32, Addr: 0x1000, Bytes: 32, Vec: 5}, "LOAD in[0:32], 0x1000, 32B ; v=5"},
		{Instr{Op: STORE, Reg: Out, Off: 0, Elems: 16, Addr: 0x40, Bytes: 64, Vec: 0}, "STORE 0x40, out[0:16], 64B ; v=0"},
		{Instr{Op: MOV, Fn: Add, Reg: Out, Elems: 16, Vec: -1}, "MOV add out[0:16]"},
		{Instr{Op: CALL, Target: 2, Value: 7, Vec: 6}, "CALL core2, 7 ; v=6"},
		{Instr{Op: WAIT, Value: 7, Vec: -1}, "WAIT 7"},
		{Instr{Op: CALL, Target: 4, Seq: 2, Value: 9, Vec: -1}, "CALL core4.r2, 9"},
		{Instr{Op: WAIT, Seq: 3, Value: 7, Vec: -1}, "WAIT r3, 7"},
		{Instr{Op: VOP, Fn: Max, Reg: Out, Off: 0, Elems: 64, Vec: 2}, "VOP max out[0:64] ; v=2"},
		{Instr{Op: PROG, Elems: 128, Vec: -1}, "PROG 128 rows"},
		{Instr{Op: MARK, Value: 3, Vec: -1}, "MARK 3"},
		{Instr{Op: 99, Vec: -1}, "Op(99)"},
	} {
		if got := tc.in.String(); got != tc.want {
			t.Errorf("String() = %q, want %q", got, tc.want)
		}
	}
	if Reg(9).String() != "Reg(9)" || Fn(9).String() != "Fn(9)" {
		t.Error("unknown register or function not named by number")
	}
}

func TestBusBytes(t *testing.T) {
	for op, want := range map[Op]int64{MVM: 0, LOAD: 8, STORE: 8, MOV: 0, CALL: 8, WAIT: 0, VOP: 0, PROG: 0, MARK: 0} {
		in := Instr{Op: op, Bytes: 8}
		if got := in.BusBytes(); got != want {
			t.Errorf("%s.BusBytes() = %d, want %d", op, got, want)
		}
	}
}

func TestSliceAndCollect(t *testing.T) {
	prog := []Instr{{Op: MVM}, {Op: WAIT, Value: 1}, {Op: CALL, Target: 1, Value: 1}}
	got := Collect(&Slice{Instrs: prog})
	if len(got) != len(prog) {
		t.Fatalf("Collect returned %d instructions, want %d", len(got), len(prog))
	}
	for i := range prog {
		if got[i] != prog[i] {
			t.Errorf("instruction %d = %v, want %v", i, got[i], prog[i])
		}
	}
	if len(Collect(&Slice{})) != 0 {
		t.Error("an empty Slice yields instructions")
	}
}
