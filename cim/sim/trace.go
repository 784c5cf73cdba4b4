package sim

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/isa"
)

// Class is what a core does during a Span.
type Class uint8

// The span classes. Load, Store and Call spans hold the bus.
const (
	ClassMVM     Class = iota + 1 // crossbar MVM
	ClassMOV                      // digital-unit op
	ClassLoad                     // bus read
	ClassStore                    // bus write
	ClassCall                     // bus write of a neighbour's sequence register
	ClassWait                     // blocked in WAIT: waiting for ownership
	ClassBusWait                  // waiting for a bus grant
	ClassProg                     // crossbar being programmed (PROG)
)

var classNames = [...]string{ClassMVM: "mvm", ClassMOV: "mov", ClassLoad: "load", ClassStore: "store",
	ClassCall: "call", ClassWait: "wait", ClassBusWait: "bus_wait", ClassProg: "prog"}

// Classes returns every span class, in the order of their values.
func Classes() []Class {
	out := make([]Class, 0, len(classNames)-1)
	for c := ClassMVM; int(c) < len(classNames); c++ {
		out = append(out, c)
	}
	return out
}

// String is the class name used in traces: mvm, mov, load, store, call,
// wait, bus_wait or prog.
func (c Class) String() string {
	if int(c) < len(classNames) && classNames[c] != "" {
		return classNames[c]
	}
	return fmt.Sprintf("Class(%d)", uint8(c))
}

// OnBus reports whether the class holds the bus.
func (c Class) OnBus() bool { return c == ClassLoad || c == ClassStore || c == ClassCall }

// classOf is the span class of an instruction's own work; WAIT (the one
// operation left) is ClassWait.
func classOf(op isa.Op) Class {
	switch op {
	case isa.LOAD:
		return ClassLoad
	case isa.STORE:
		return ClassStore
	case isa.CALL:
		return ClassCall
	case isa.MVM:
		return ClassMVM
	case isa.MOV, isa.VOP:
		return ClassMOV
	case isa.PROG:
		return ClassProg
	}
	return ClassWait
}

// Span is one interval of a core's timeline: cycles [Start, End). An MVM
// span is the core's crossbar at work; unless Options.BlockingMVM is set it
// overlaps the core's other spans (the WAIT and partial-sum LOAD that
// follow the MVM). The other spans of a core never overlap.
type Span struct {
	Core       int32
	Class      Class
	Start, End int64
}

// WriteTrace writes spans as CSV with the header core,start,end,class.
func WriteTrace(w io.Writer, spans []Span) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"core", "start", "end", "class"}); err != nil {
		return err
	}
	for _, s := range spans {
		rec := []string{strconv.Itoa(int(s.Core)), strconv.FormatInt(s.Start, 10),
			strconv.FormatInt(s.End, 10), s.Class.String()}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// BusSeries is the bus utilisation over time for figures: the run's cycles
// cut into bins equal intervals, and for each the fraction of its cycles in
// which the bus carried a transaction. On AXI4, whose read and write data
// channels carry transfers at the same time, it is the busier channel's
// fraction in each bin. It needs a run with Options.Trace (and an
// untruncated trace).
func BusSeries(t *Timing, bins int) ([]float64, error) {
	switch {
	case bins < 1 || bins > 1<<20:
		return nil, fmt.Errorf("sim: bus series: %d bins, want 1..%d", bins, 1<<20)
	case t.Truncated:
		return nil, errors.New("sim: bus series: the trace was truncated (raise Options.MaxSpans)")
	case t.Cycles > 0 && len(t.Trace) == 0:
		return nil, errors.New("sim: bus series: no trace (run with Options.Trace)")
	}
	reads, writes := make([]float64, bins), make([]float64, bins)
	if t.Cycles == 0 {
		return reads, nil
	}
	width := float64(t.Cycles) / float64(bins)
	for _, s := range t.Trace {
		if !s.Class.OnBus() {
			continue
		}
		out := writes
		if s.Class == ClassLoad && t.Interconnect == arch.AXI4 {
			out = reads
		}
		for b := int(float64(s.Start) / width); b < bins; b++ {
			lo, hi := float64(b)*width, float64(b+1)*width
			ov := min(hi, float64(s.End)) - max(lo, float64(s.Start))
			if ov <= 0 {
				break
			}
			out[b] += ov
		}
	}
	for b := range writes {
		writes[b] = max(reads[b], writes[b]) / width
	}
	return writes, nil
}
