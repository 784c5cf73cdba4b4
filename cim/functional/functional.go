// Package functional runs a compiled layer (a compile.Plan) on real data and
// checks it: the result against a direct convolution computed from the
// layer definition, every access to a partial-sum or output vector against
// its owner, and the run for deadlock.
//
// # Data and arithmetic
//
// The default is integer mode: activations are signed integers of the
// chip's activation width (int8 by default), weights signed integers of its
// weight width, accumulation exact in the partial-sum width (int32). The
// last writer of a vector adds the bias and requantises:
//
//	y = acc + bias
//	ReLU, ReLU6:  y = max(y, 0)
//	q = y >> Shift               (arithmetic shift: rounds towards -inf)
//	q = clamp(q, lo, hi)         (lo, hi: the activation range, e.g. -128..127;
//	                              ReLU6: hi = min(hi, 6 << F), F = 8*ActBytes-4
//	                              fractional bits, e.g. 96 for int8)
//
// Shift is Options.Shift, or chosen from the layer (about half of log2 of
// the rows per group plus the weight bits) so that outputs rarely saturate.
// Other activations are refused in integer mode. With Options.Quant the
// layer runs on given quantised parameters with a real-valued per-channel
// requantisation and any activation instead (see Quant). Integer results
// must equal the reference bit for bit.
//
// Float mode (Options.Float) uses float64 throughout, the layer's Weights and
// BiasValues when present (else seeded random values in [-1, 1]), Options.Input
// when given, and the activation functions of package nn (ReLU6 = min(max(x,
// 0), 6); HardSigmoid = ReLU6(x+3)/6; HardSwish = x*HardSigmoid(x); LeakyReLU
// slope 0.01). Results must agree with the reference within FloatTolerance
// (1e-9, relative; absolute near zero); NaN agrees with NaN and an
// infinity with the infinity of the same sign, so that a NaN or infinite
// weight or input, which gives the same NaN or infinity in both, passes.
//
// # Scheduling and checking
//
// Each core runs its stream in order. A seeded scheduler picks, at every
// step, one runnable core at random and executes its next instruction. With
// odd seeds a random half of the cores is slow: picked only when every one
// of 65 draws is a slow core, in effect when the fast cores are blocked or
// done, so that cores also run far ahead of each other. WAIT blocks a core
// until its sequence register (written by CALLs) reaches the value. When
// no core can run but some have not finished, the run stops with a
// Deadlock naming each blocked core, its instruction index, the awaited
// value and its register.
//
// On an AXI4 chip (arch.AXI4) the schedules are relaxed as the AXI4 model
// allows: a core's LOAD, STORE or CALL is issued and performed later, at a
// random step, while the core goes on; up to arch.AXIOutstanding of them are
// in flight, performed in any order, and a later instruction waits for one
// only as isa.MustWait says (register interlocks, overlapping bytes, and
// CALL as a release: it waits until every earlier transaction of its core
// is performed). So a LOAD may be performed before an earlier STORE to other
// bytes, and a STORE after later MVMs; the checker sees each access when it
// is performed. On the shared bus every transaction is performed when it is
// issued.
//
// The ownership checker gives every output vector o[p,h] to its first writer
// (Plan.Writer) at the start. A core that stores a partial sum of o[p,h]
// keeps it until its next CALL, which hands every vector it has stored since
// its previous CALL to the CALL's target. Any LOAD or STORE of a partial-sum
// or OFM address by a core that does not own the vector is a Violation
// (core, instruction index, vector); so is a CALL that hands a vector to a
// core other than its next writer, and any malformed access.
//
// # Whole networks
//
// RunNetwork runs the one-program-per-core compilation of a whole placed
// network (cim/netprog) under the same random schedules, relaxed on AXI4
// chips. It checks the order of the data across layers (an element read
// before its producer wrote it, a feature map written twice or never, a
// partial sum added twice or lost) and, with NetOptions.Values, also
// computes on real data: crossbar layers with the arithmetic above, digital
// layers with operators the caller supplies (cim/infer gives its reference
// operators), every schedule required to leave the same values.
package functional

import (
	"fmt"
	"strings"

	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/energy"
	"github.com/cimkit/cimkit/cim/isa"
)

// Options control a functional run.
type Options struct {
	// Seed is the first scheduler seed; Seeds schedules (default 1) are run
	// with seeds Seed, Seed+1, ... on the same data.
	Seed  uint64
	Seeds int // 0 is read as 1
	// DataSeed seeds the random input, weights and bias.
	DataSeed uint64
	// Float selects float64 data instead of integers.
	Float bool
	// Shift is the requantisation shift of integer mode; 0 chooses one.
	Shift int
	// Input optionally gives the input feature map, CHW order (as in ONNX),
	// or HWC order (as it lies in shared memory) with InputHWC. In integer
	// mode the values must be integers in the activation range.
	Input    []float64
	InputHWC bool
	// Quant, in integer mode, gives the layer's quantised weights, bias and
	// requantisation scales instead of random ones and a shift (see Quant).
	Quant *Quant
	// Drop, when set, is asked about every instruction (core, its index in
	// the program, the instruction); returning true removes it from the
	// program. For tests that break programs on purpose.
	Drop func(core int, index int64, in isa.Instr) bool

	hooks // tests only
}

// Violation is one access that breaks the ownership protocol.
type Violation struct {
	Core   int       // the offending core
	Index  int64     // its instruction index (as in the listing)
	Instr  isa.Instr // the instruction
	Vector int       // output vector p (-1 if not about a vector)
	Block  int       // column block h of the vector
	Owner  int       // the vector's owner at the time (-1 if none)
	Msg    string    // what is wrong
}

// String describes the violation in one line: core, instruction, what is
// wrong, and the vector with its owner.
func (v Violation) String() string {
	return fmt.Sprintf("core %d instr %d (%s): %s (vector %d, block %d, owner core %d)",
		v.Core, v.Index, v.Instr, v.Msg, v.Vector, v.Block, v.Owner)
}

// Blocked is a core stuck on a WAIT.
type Blocked struct {
	Core  int   // the core
	Index int64 // index of its WAIT
	Wait  int32 // the value it waits for
	Reg   int64 // its sequence register
}

// Deadlock is a state where no core can run but some have not finished.
type Deadlock struct {
	Blocked []Blocked // every unfinished core, each stuck on a WAIT
}

// String lists every blocked core with its WAIT and register, after
// "deadlock: ".
func (d *Deadlock) String() string {
	parts := make([]string, len(d.Blocked))
	for i, b := range d.Blocked {
		parts[i] = fmt.Sprintf("core %d at instr %d: WAIT %d, register %d", b.Core, b.Index, b.Wait, b.Reg)
	}
	return "deadlock: " + strings.Join(parts, "; ")
}

// Mismatch is an output element that differs from the reference.
type Mismatch struct {
	Channel, Y, X int     // position in the output (CHW)
	Got, Want     float64 // executed value and reference
}

// MaxViolations is how many violations a Report keeps (all are counted).
const MaxViolations = 20

// Report is the outcome of a run.
type Report struct {
	Layer  string         // the layer's name
	Scheme compile.Scheme // the plan's scheme
	Float  bool           // float64 data (else integers)
	Seed   uint64         // the scheduler seed this report is about
	Seeds  int            // schedules run (stops at the first failing one)
	Shift  int            // requantisation shift used (integer mode)
	Steps  int64          // instructions executed in the reported schedule

	Match      bool      // output equals the reference (bit for bit in integer mode)
	Mismatches int       // differing elements
	First      *Mismatch // first differing element (CHW order)
	MaxAbsDiff float64   // largest finite |output - reference|; +Inf when a NaN or infinity differs

	Violations     []Violation // the first MaxViolations
	ViolationCount int         // all violations
	Deadlock       *Deadlock   // nil unless the run deadlocked

	Output    []float64 // the OFM read back, CHW order
	Reference []float64 // the direct convolution, CHW order
	OFM       []float64 // the OFM as it lies in shared memory, HWC order

	// Actions are what each core did in the reported schedule (by core
	// index): MVMs with their tiles' rows and columns, conversions, MOVs,
	// bus transfers, WAITs and sequence-register writes. They do not depend
	// on the schedule, and equal the timed simulator's counts.
	Actions []energy.Actions
}

// OK reports whether the run matched the reference without violations or
// deadlock.
func (r *Report) OK() bool { return r.Match && r.ViolationCount == 0 && r.Deadlock == nil }

// String summarises the report in one line.
func (r *Report) String() string {
	mode := "int"
	if r.Float {
		mode = "float"
	}
	if r.OK() {
		return fmt.Sprintf("%s %s %s: ok (%d schedules, %d instructions each)", r.Layer, r.Scheme, mode, r.Seeds, r.Steps)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s seed %d: FAIL", r.Layer, r.Scheme, mode, r.Seed)
	if r.Deadlock != nil {
		b.WriteString("; " + r.Deadlock.String())
	}
	if r.ViolationCount > 0 {
		fmt.Fprintf(&b, "; %d ownership violations, first: %s", r.ViolationCount, r.Violations[0])
	}
	if r.Mismatches > 0 {
		f := r.First
		fmt.Fprintf(&b, "; %d outputs differ, first at c=%d y=%d x=%d: got %g, want %g", r.Mismatches, f.Channel, f.Y, f.X, f.Got, f.Want)
	}
	return b.String()
}

// Run executes the plan on data under opts.Seeds random schedules and
// returns the report of the first failing schedule (or of the last one).
// Bad options or a layer the chosen mode cannot represent give an error.
func Run(p *compile.Plan, opts Options) (*Report, error) {
	if p == nil {
		return nil, fmt.Errorf("functional: no plan")
	}
	d, err := newData(p, opts)
	if err != nil {
		return nil, err
	}
	seeds := max(opts.Seeds, 1)
	var rep *Report
	for i := 0; i < seeds; i++ {
		rep = d.run(opts.Seed+uint64(i), &opts)
		rep.Seeds = i + 1
		if !rep.OK() {
			break
		}
	}
	return rep, nil
}
