package isa

import "testing"

// TestMustWait checks each ordering rule on the instructions of the
// compiler's programs.
func TestMustWait(t *testing.T) {
	loadIn := Instr{Op: LOAD, Reg: In, Off: 0, Elems: 32, Addr: 0, Bytes: 32}
	loadIn2 := Instr{Op: LOAD, Reg: In, Off: 32, Elems: 32, Addr: 640, Bytes: 32}
	loadAcc := Instr{Op: LOAD, Reg: Acc, Off: 0, Elems: 8, Addr: 4096, Bytes: 32}
	storePsum := Instr{Op: STORE, Reg: Out, Off: 0, Elems: 8, Addr: 4096, Bytes: 32}
	storeOther := Instr{Op: STORE, Reg: Out, Off: 0, Elems: 8, Addr: 8192, Bytes: 32}
	call := Instr{Op: CALL, Target: 1, Value: 1, Addr: 1 << 30, Bytes: 4}
	mvm := Instr{Op: MVM}
	add := Instr{Op: MOV, Fn: Add, Reg: Out, Off: 0, Elems: 8}
	zeroIn := Instr{Op: MOV, Fn: Zero, Reg: In, Off: 32, Elems: 16}
	bias := Instr{Op: MOV, Fn: Bias, Reg: Out, Off: 0, Elems: 8}
	wait := Instr{Op: WAIT, Value: 1}
	prog := Instr{Op: PROG, Elems: 4}
	other := Instr{Op: VOP, Fn: Other, Reg: Out, Off: 0, Elems: 8}            // e.g. Mul of the chunk loaded into Acc
	scale := Instr{Op: VOP, Fn: Scale, Reg: Out, Off: 0, Elems: 8}            // average pooling's division: Out only
	loadOut := Instr{Op: LOAD, Reg: Out, Off: 0, Elems: 8, Addr: 0, Bytes: 8} // a concatenation's copy
	storeCopy := Instr{Op: STORE, Reg: Out, Off: 0, Elems: 8, Addr: 8192, Bytes: 8}
	for _, tc := range []struct {
		name           string
		earlier, later Instr
		want           Wait
	}{
		{"MVM reads In as it is loaded", loadIn, mvm, WaitData},
		{"LOAD In of other elements and bytes goes ahead", loadIn, loadIn2, NoWait},
		{"MOV zero of other In elements goes ahead", loadIn, zeroIn, NoWait},
		{"MOV add reads Acc as it is loaded", loadAcc, add, WaitData},
		{"MVM does not touch Acc", loadAcc, mvm, NoWait},
		{"PROG reads Acc", loadAcc, prog, WaitData},
		{"MVM writes Out as it is stored", storePsum, mvm, WaitData},
		{"MOV bias writes Out as it is stored", storePsum, bias, WaitData},
		{"LOAD of other bytes overtakes a STORE", storePsum, loadIn, NoWait},
		{"LOAD of the same bytes waits for the write response", storePsum, loadAcc, WaitDone},
		{"STORE of the same bytes waits", storePsum, storePsum, WaitDone},
		{"STORE over bytes being loaded waits", loadAcc, storePsum, WaitDone},
		{"STORE of other bytes from the same register goes ahead", storePsum, storeOther, NoWait},
		{"CALL waits for a STORE's response", storePsum, call, WaitDone},
		{"CALL waits for a LOAD", loadIn, call, WaitDone},
		{"CALL waits for a CALL", call, call, WaitDone},
		{"LOAD after a CALL goes ahead", call, loadIn, NoWait},
		{"WAIT goes ahead", storePsum, wait, NoWait},
		{"VOP other reads Acc as it is loaded", loadAcc, other, WaitData},
		{"VOP scale does not touch Acc", loadAcc, scale, NoWait},
		{"STORE of the register a copy is loaded into waits for the data", loadOut, storeCopy, WaitData},
	} {
		if got := MustWait(&tc.earlier, &tc.later); got != tc.want {
			t.Errorf("%s: MustWait(%v, %v) = %d, want %d", tc.name, tc.earlier, tc.later, got, tc.want)
		}
	}
}
