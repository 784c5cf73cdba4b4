package energy

import (
	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/isa"
)

// FnKinds is the number of digital-unit functions Actions counts apart
// (isa.Fn values 0..FnKinds-1; larger values share the last slot).
const FnKinds = 16

// Actions counts what the hardware did in one run, on one core or summed
// over cores: the input of the energy model. The executors count them as
// they run the programs (cim/sim while it times them, cim/functional while
// it checks them), so every figure is a count of executed instructions, not
// an estimate.
type Actions struct {
	MVMs  int64 `json:"mvms"`  // crossbar MVMs
	Rows  int64 `json:"rows"`  // crossbar rows driven, summed over MVMs
	Cols  int64 `json:"cols"`  // crossbar columns (outputs) read, summed over MVMs
	Cells int64 `json:"cells"` // weights in the rows x columns read, summed over MVMs
	DACs  int64 `json:"dacs"`  // DAC conversions: Rows x arch.InputSlices
	ADCs  int64 `json:"adcs"`  // ADC conversions: Cols x InputSlices x WeightSlices

	// Digital-unit operations (MOVs) and the elements they processed, by
	// isa.Fn (index 1 zero, 2 add, 3 bias, 4 act, ...).
	DigitalOps   [FnKinds]int64 `json:"digital_ops"`
	DigitalElems [FnKinds]int64 `json:"digital_elems"`

	Loads      int64 `json:"loads"`       // LOAD transactions: shared-memory reads
	Stores     int64 `json:"stores"`      // STORE transactions: shared-memory writes
	Calls      int64 `json:"calls"`       // CALL transactions: sequence-register writes sent
	LoadBytes  int64 `json:"load_bytes"`  // bytes read from shared memory
	StoreBytes int64 `json:"store_bytes"` // bytes written to shared memory
	CallBytes  int64 `json:"call_bytes"`  // bytes of CALLs on the bus
	LoadBeats  int64 `json:"load_beats"`  // bus beats (arch.BusBytes each) of the LOADs
	StoreBeats int64 `json:"store_beats"` // bus beats of the STOREs
	CallBeats  int64 `json:"call_beats"`  // bus beats of the CALLs

	SeqWrites  int64 `json:"seq_writes"`  // writes into this core's sequence registers (CALLs received)
	Waits      int64 `json:"waits"`       // WAITs executed (each compares the register once more when woken)
	RowWrites  int64 `json:"row_writes"`  // crossbar rows programmed (PROG: a chip reprogrammed)
	CellWrites int64 `json:"cell_writes"` // RRAM cells programmed: RowWrites x XbarCols x WeightSlices
}

// MVM is what one MVM of a core does: the rows and columns of its tile,
// the weights they hold and the conversions of one MVM. Executors compute it
// once per core (MVMOf) and add it per MVM (Actions.AddMVM).
type MVM struct{ Rows, Cols, Cells, DACs, ADCs int64 }

// MVMOf is the MVM of a tile of rows x cols on chip a: rows x InputSlices
// DAC conversions and cols x InputSlices x WeightSlices ADC conversions
// (every physical column is converted on every read).
func MVMOf(rows, cols int, a arch.Arch) MVM {
	r, c := int64(rows), int64(cols)
	in := int64(a.InputSlices())
	return MVM{Rows: r, Cols: c, Cells: r * c, DACs: r * in, ADCs: c * in * int64(a.WeightSlices())}
}

// AddMVM counts one MVM.
func (x *Actions) AddMVM(m *MVM) {
	x.MVMs++
	x.Rows += m.Rows
	x.Cols += m.Cols
	x.Cells += m.Cells
	x.DACs += m.DACs
	x.ADCs += m.ADCs
}

// CellsPerRow is the number of RRAM cells one PROG row writes on chip a:
// every column of the crossbar, WeightSlices cells per weight.
func CellsPerRow(a arch.Arch) int64 { return int64(a.XbarCols) * int64(a.WeightSlices()) }

// AddMOV counts one digital-unit operation (MOV or VOP) of fn on elems
// elements.
func (x *Actions) AddMOV(fn isa.Fn, elems int32) {
	k := min(int(fn), FnKinds-1)
	x.DigitalOps[k]++
	x.DigitalElems[k] += int64(elems)
}

// AddTransfer counts one bus transaction of op (LOAD, STORE or CALL; others
// are ignored) that moved n bytes in beats bus beats.
func (x *Actions) AddTransfer(op isa.Op, n, beats int64) {
	switch op {
	case isa.LOAD:
		x.Loads++
		x.LoadBytes += n
		x.LoadBeats += beats
	case isa.STORE:
		x.Stores++
		x.StoreBytes += n
		x.StoreBeats += beats
	case isa.CALL:
		x.Calls++
		x.CallBytes += n
		x.CallBeats += beats
	}
}

// Beats is the number of bus beats of an n-byte transfer on chip a.
func Beats(n int64, a arch.Arch) int64 {
	return (n + int64(a.BusBytes) - 1) / int64(a.BusBytes)
}

// Count counts one executed instruction of a core whose MVMs are m. It is
// the reference counting of the functional executor; the timed simulator
// counts the same actions inline (a test checks that they agree). A CALL
// counts on the sender; the receiver's sequence-register write is counted
// by the caller on the target core (SeqWrites).
func (x *Actions) Count(in *isa.Instr, m *MVM, a arch.Arch) {
	switch in.Op {
	case isa.MVM:
		x.AddMVM(m)
	case isa.MOV, isa.VOP:
		x.AddMOV(in.Fn, in.Elems)
	case isa.PROG:
		n := int64(max(in.Elems, 0))
		x.RowWrites += n
		x.CellWrites += n * CellsPerRow(a)
	case isa.WAIT:
		x.Waits++
	case isa.LOAD, isa.STORE, isa.CALL:
		n := int64(in.Bytes)
		x.AddTransfer(in.Op, n, Beats(n, a))
	}
}

// Add adds y's counts to x.
func (x *Actions) Add(y *Actions) {
	x.MVMs += y.MVMs
	x.Rows += y.Rows
	x.Cols += y.Cols
	x.Cells += y.Cells
	x.DACs += y.DACs
	x.ADCs += y.ADCs
	for k := range x.DigitalOps {
		x.DigitalOps[k] += y.DigitalOps[k]
		x.DigitalElems[k] += y.DigitalElems[k]
	}
	x.Loads += y.Loads
	x.Stores += y.Stores
	x.Calls += y.Calls
	x.LoadBytes += y.LoadBytes
	x.StoreBytes += y.StoreBytes
	x.CallBytes += y.CallBytes
	x.LoadBeats += y.LoadBeats
	x.StoreBeats += y.StoreBeats
	x.CallBeats += y.CallBeats
	x.SeqWrites += y.SeqWrites
	x.Waits += y.Waits
	x.RowWrites += y.RowWrites
	x.CellWrites += y.CellWrites
}

// Digital is the number of digital-unit operations and of elements they
// processed, all functions together.
func (x *Actions) Digital() (ops, elems int64) {
	for k := range x.DigitalOps {
		ops += x.DigitalOps[k]
		elems += x.DigitalElems[k]
	}
	return ops, elems
}
