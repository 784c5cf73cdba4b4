package isa_test

import (
	"fmt"

	"github.com/cimkit/cimkit/cim/isa"
)

// The second core of a two-core group, for one output vector: load its half
// of the input, multiply, wait for the first core's partial sum, add, and
// store the final value.
func ExampleStream() {
	var s isa.Stream = &isa.Slice{Instrs: []isa.Instr{
		{Op: isa.LOAD, Reg: isa.In, Elems: 32, Addr: 0x20, Bytes: 32, Vec: 0},
		{Op: isa.MVM, Vec: 0},
		{Op: isa.WAIT, Value: 1, Vec: 0},
		{Op: isa.LOAD, Reg: isa.Acc, Elems: 32, Addr: 0x10000, Bytes: 128, Vec: 0},
		{Op: isa.MOV, Fn: isa.Add, Reg: isa.Out, Elems: 32, Vec: 0},
		{Op: isa.MOV, Fn: isa.Act, Reg: isa.Out, Elems: 32, Vec: 0},
		{Op: isa.STORE, Reg: isa.Out, Elems: 32, Addr: 0x20000, Bytes: 32, Vec: 0},
	}}
	var in isa.Instr
	var bus int64
	for s.Next(&in) {
		fmt.Println(in)
		bus += in.BusBytes()
	}
	fmt.Println("bus bytes:", bus)
	// Output:
	// LOAD in[0:32], 0x20, 32B ; v=0
	// MVM ; v=0
	// WAIT 1 ; v=0
	// LOAD acc[0:32], 0x10000, 128B ; v=0
	// MOV add out[0:32] ; v=0
	// MOV act out[0:32] ; v=0
	// STORE 0x20000, out[0:32], 32B ; v=0
	// bus bytes: 192
}
