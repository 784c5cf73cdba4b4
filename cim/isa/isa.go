// Package isa is the instruction set of a cimkit core and the streams of
// instructions that the compiler produces and the executors run.
//
// Each core has one crossbar and three registers: In (the input vector, one
// activation per crossbar row), Out (the MVM result, one partial sum per
// crossbar column) and Acc (a partial sum loaded from shared memory), plus a
// sequence-number register (arch.Arch.SeqRegBytes wide, 4 bytes by default)
// that other cores write over the bus.
//
//	MVM              Out = In x crossbar                      (fixed latency)
//	LOAD  reg, addr  shared memory -> register                (bus read)
//	STORE reg, addr  register -> shared memory                (bus write)
//	MOV   fn         digital-unit op on registers             (zero, add, bias, act)
//	CALL  core, v    write v into core's sequence register    (bus write)
//	WAIT  v          block until own sequence register >= v   (no bus traffic)
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
)

var opNames = [...]string{MVM: "MVM", LOAD: "LOAD", STORE: "STORE", MOV: "MOV", CALL: "CALL", WAIT: "WAIT"}

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

// The MOV functions. Each works on elements Off..Off+Elems-1 of Reg.
const (
	Zero Fn = iota + 1 // Reg = 0 (clears padding positions of In)
	Add                // Out += Acc
	Bias               // Out += the layer's bias
	Act                // Out = requantise(activation(Out)): the final value
)

var fnNames = [...]string{Zero: "zero", Add: "add", Bias: "bias", Act: "act"}

// String is the function's name in listings ("zero", "add", "bias", "act"),
// or "Fn(n)" for a value that is none of the functions.
func (f Fn) String() string { return enumName(fnNames[:], uint8(f), "Fn") }

// Instr is one instruction. Which operands matter depends on Op.
type Instr struct {
	Op     Op
	Fn     Fn    // MOV: the function
	Reg    Reg   // LOAD, STORE, MOV: the register
	Off    int32 // LOAD, STORE, MOV: first register element
	Elems  int32 // LOAD, STORE, MOV: number of elements
	Addr   int64 // LOAD, STORE: shared-memory byte address; CALL: target's sequence register address
	Bytes  int32 // LOAD, STORE, CALL: bytes carried on the bus
	Target int32 // CALL: the core whose sequence register is written
	Value  int32 // CALL: value written; WAIT: value awaited (register >= Value)
	Vec    int32 // output vector (pixel) the instruction serves; -1 for none
}

// BusBytes is the number of bytes the instruction moves over the shared bus.
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
	case MOV:
		s = fmt.Sprintf("MOV %s %s[%d:%d]", i.Fn, i.Reg, i.Off, i.Off+i.Elems)
	case CALL:
		s = fmt.Sprintf("CALL core%d, %d", i.Target, i.Value)
	case WAIT:
		s = fmt.Sprintf("WAIT %d", i.Value)
	default:
		s = i.Op.String()
	}
	if i.Vec >= 0 {
		s += fmt.Sprintf(" ; v=%d", i.Vec)
	}
	return s
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
