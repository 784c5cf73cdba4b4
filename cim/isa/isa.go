// Package isa is the instruction set of a cimkit core and the streams of
// instructions that the compiler produces and the executors run.
//
// Each core has one crossbar and three registers: In (the input vector, one
// activation per crossbar row), Out (the MVM result, one partial sum per
// crossbar column) and Acc (a partial sum loaded from shared memory), plus
// sequence-number registers (arch.Arch.SeqRegBytes wide each, 4 bytes by
// default) that other cores write over the bus.
//
//	MVM              Out = In x crossbar                      (fixed latency)
//	LOAD  reg, addr  shared memory -> register                (bus read)
//	STORE reg, addr  register -> shared memory                (bus write)
//	MOV   fn         digital-unit op on registers             (zero, add, bias, act)
//	CALL  core, v    write v into core's sequence register    (bus write)
//	WAIT  v          block until own sequence register >= v   (no bus traffic)
//	VOP   fn         digital-unit op of a digital layer       (cost per element)
//	PROG  n          program n crossbar rows from Acc         (RRAM write time per row)
//	MARK  v          annotation: the simulator notes the time  (no hardware, no cost)
//
// The paper gives each core one sequence register, the one a layer's
// ownership protocol uses: register 0, the only one per-layer programs
// touch. Whole-network programs also wait for their inputs; they use more
// registers per core, selected by Instr.Seq on CALL and WAIT ("CALL
// core3.r2, 5", "WAIT r2, 5"). A CALL raises the register to its value
// when the value is larger (counts only grow, so CALLs that arrive out of
// order cannot lower it).
//
// VOP is the digital unit at work on a digital layer (pooling, residual add,
// activation, ...): unlike MOV, whose fixed cost covers one crossbar output
// register in the MVM pipeline, a VOP's cost grows with its element count
// (see cim/sim). PROG reprograms the crossbar (a whole network in segments,
// or a folded layer): it writes Elems rows, one at a time, each taking the
// RRAM write time of a row. MARK is not an instruction of the chip: program
// generators put it at the boundaries of a core's jobs so that the timed
// simulator can report when each job started and ended.
//
// A Stream hands out one core's instructions in order; streams are generated
// on demand so that large layers never sit in memory whole.
package isa

import "fmt"

// Op is an instruction's operation.
type Op uint8

// The operations.
const (
	MVM Op = iota + 1
	LOAD
	STORE
	MOV
	CALL
	WAIT
	VOP
	PROG
	MARK
)

var opNames = [...]string{MVM: "MVM", LOAD: "LOAD", STORE: "STORE", MOV: "MOV", CALL: "CALL", WAIT: "WAIT",
	VOP: "VOP", PROG: "PROG", MARK: "MARK"}

// String is the operation's mnemonic ("MVM", "LOAD", ...), or "Op(n)" for
// a value that is none of the operations.
func (o Op) String() string { return enumName(opNames[:], uint8(o), "Op") }

// enumName is names[v], or "kind(v)" when v has no name.
func enumName(names []string, v uint8, kind string) string {
	if int(v) < len(names) && names[v] != "" {
		return names[v]
	}
	return fmt.Sprintf("%s(%d)", kind, v)
}

// Reg names a core register.
type Reg uint8

// The registers.
const (
	In  Reg = iota + 1 // input vector: one activation per crossbar row
	Out                // MVM result: one partial sum per crossbar column
	Acc                // partial sum loaded from shared memory
)

var regNames = [...]string{In: "in", Out: "out", Acc: "acc"}

// String is the register's name in listings ("in", "out", "acc"), or
// "Reg(n)" for a value that is none of the registers.
func (r Reg) String() string { return enumName(regNames[:], uint8(r), "Reg") }

// Fn is the digital-unit function of a MOV.
type Fn uint8

// The MOV and VOP functions. Each works on elements Off..Off+Elems-1 of Reg
// (and the same elements of Acc).
const (
	Zero  Fn = iota + 1 // Reg = 0 (clears padding positions of In)
	Add                 // Out += Acc
	Bias                // Out += the layer's bias
	Act                 // Out = requantise(activation(Out)): the final value
	Copy                // Out = Acc (VOP: first input of a digital op)
	Max                 // Out = max(Out, Acc) (VOP: max pooling)
	Scale               // Out = requantise(Out / n) (VOP: average pooling)
	Other               // Out = f(Out, Acc) (VOP: one element-wise pass of any other digital operator, over the chunk loaded into Acc)
)

var fnNames = [...]string{Zero: "zero", Add: "add", Bias: "bias", Act: "act", Copy: "copy", Max: "max",
	Scale: "scale", Other: "other"}

// String is the function's name in listings ("zero", "add", "bias", "act",
// "copy", "max", "scale", "other"), or "Fn(n)" for a value that is none of
// the functions.
func (f Fn) String() string { return enumName(fnNames[:], uint8(f), "Fn") }

// Instr is one instruction. Which operands matter depends on Op.
type Instr struct {
	Op     Op
	Fn     Fn     // MOV, VOP: the function
	Reg    Reg    // LOAD, STORE, MOV, VOP: the register
	Seq    uint16 // CALL: the target's sequence register; WAIT: the own one (0: the paper's one)
	Off    int32  // LOAD, STORE, MOV, VOP: first register element
	Elems  int32  // LOAD, STORE, MOV, VOP: number of elements; PROG: crossbar rows
	Addr   int64  // LOAD, STORE: shared-memory byte address; CALL: target's sequence register address
	Bytes  int32  // LOAD, STORE, CALL: bytes carried on the bus
	Target int32  // CALL: the core whose sequence register is written
	Value  int32  // CALL: value written (the register keeps the larger); WAIT: value awaited (register >= Value); MARK: its label
	Vec    int32  // output vector (pixel) the instruction serves; -1 for none
}

// BusBytes is the number of bytes the instruction moves over the interconnect
// (a LOAD, STORE or CALL; 0 for the rest).
func (i *Instr) BusBytes() int64 {
	switch i.Op {
	case LOAD, STORE, CALL:
		return int64(i.Bytes)
	}
	return 0
}

// String is the instruction in assembly syntax, e.g.
// "LOAD in[0:32], 0x1000, 32B ; v=5".
func (i Instr) String() string {
	var s string
	switch i.Op {
	case MVM:
		s = "MVM"
	case LOAD:
		s = fmt.Sprintf("LOAD %s[%d:%d], 0x%x, %dB", i.Reg, i.Off, i.Off+i.Elems, i.Addr, i.Bytes)
	case STORE:
		s = fmt.Sprintf("STORE 0x%x, %s[%d:%d], %dB", i.Addr, i.Reg, i.Off, i.Off+i.Elems, i.Bytes)
	case MOV, VOP:
		s = fmt.Sprintf("%s %s %s[%d:%d]", i.Op, i.Fn, i.Reg, i.Off, i.Off+i.Elems)
	case CALL:
		s = fmt.Sprintf("CALL core%d%s, %d", i.Target, seqSuffix(i.Seq), i.Value)
	case WAIT:
		if i.Seq != 0 {
			s = fmt.Sprintf("WAIT r%d, %d", i.Seq, i.Value)
		} else {
			s = fmt.Sprintf("WAIT %d", i.Value)
		}
	case PROG:
		s = fmt.Sprintf("PROG %d rows", i.Elems)
	case MARK:
		s = fmt.Sprintf("MARK %d", i.Value)
	default:
		s = i.Op.String()
	}
	if i.Vec >= 0 {
		s += fmt.Sprintf(" ; v=%d", i.Vec)
	}
	return s
}

// seqSuffix names a sequence register other than the paper's one (".r2").
func seqSuffix(r uint16) string {
	if r == 0 {
		return ""
	}
	return fmt.Sprintf(".r%d", r)
}

// Stream yields one core's instructions in program order. Next fills in and
// returns true, or returns false at the end. A Stream is used once.
type Stream interface {
	Next(in *Instr) bool
}

// Slice is a Stream over a materialised program (for tests and small layers).
type Slice struct {
	Instrs []Instr
	pos    int
}

// Next implements Stream.
func (s *Slice) Next(in *Instr) bool {
	if s.pos >= len(s.Instrs) {
		return false
	}
	*in = s.Instrs[s.pos]
	s.pos++
	return true
}

// Collect drains a stream into a slice (for tests and small layers).
func Collect(s Stream) []Instr {
	var out []Instr
	var in Instr
	for s.Next(&in) {
		out = append(out, in)
	}
	return out
}
