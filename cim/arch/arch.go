// Package arch describes a multi-core RRAM compute-in-memory chip: the
// crossbar of each core, how many cores there are, the shared bus and its
// timing, and the element widths.
//
// The paper this project implements (Pelke et al., VLSI-SoC 2023) does not
// give its timings. Default returns the values cimkit uses, each with its
// reason:
//
//   - Crossbar 64x64: the middle of the paper's 32/64/128 range.
//   - Cores 1024: the paper's largest chip.
//   - Bus 16 bytes per beat: a 128-bit AXI4 data bus, common on SoCs; the
//     paper sweeps 4 to 64 B.
//   - Clock 1000 MHz: one clock for cores and bus; every time is counted in
//     its cycles. Only the MVM time in bus cycles matters for the paper's
//     trends: AXI interconnects run at 200-400 MHz on FPGAs (AMD's AXI
//     Interconnect, PG059, performance tables) and faster on ASICs.
//   - MVM 2000 cycles: an 8-bit input applied bit-serially, eight crossbar
//     reads, each converting every column with an ADC shared by the
//     columns: 250 ns per read. Plausible range: ISAAC takes 100 ns per
//     read of a 128x128 crossbar with a 1.28 GS/s ADC (800 ns for eight);
//     slower SAR ADCs take several times that (3.2 us at 400 ns per read,
//     cimkit's earlier default). Fabricated RRAM macros reach an 8-bit MAC
//     result in 9-18 ns (Xue et al., Nature Electronics 2020; 14.4 ns: Hung
//     et al., IEEE JSSC 58(1), 2023) but convert a few columns at a time,
//     so a whole crossbar's MVM takes many such cycles. Chosen within this
//     range with the paper's trends (cim/sim, cim/sweep/calib_test.go), on
//     AXI4 and the report's sweep: sync traffic does not depend on it; the
//     99%-of-PV claim holds in more runs the longer the MVM (152 of 226 at
//     800 cycles, 220 of 256 at 2000, 251 of 268 at 3200: a fixed latency
//     per vector weighs less), while the bus scaling wants it short (the
//     most cores at 90% of PV on a 4-byte and a 64-byte bus: 16 and 288 at
//     800 cycles, 36 and 576 at 1600 and 2000, 72 and 1024 at 3200; the
//     paper: about 16 and up to 512). 2000 is the longest MVM that keeps
//     the bus scaling near the paper's.
//   - Interconnect AXI4: the paper's simulator used an AXI4 interconnect,
//     and AXI4 with separate read and write channels and outstanding
//     transactions (the crossbar mode of AXI interconnects, AMD PG059)
//     reproduces its bus scaling, where the single-transaction shared bus
//     (their shared-access mode) carries at most 144 cores at 90% of PV
//     on a 64-byte bus.
//     The shared bus stays available (Interconnect "shared").
//   - AXI4 outstanding 4: each core keeps up to 4 transactions in flight
//     (PG059's performance configuration accepts 4 per slave and issues 8
//     per master); enough for a core to load its next input while its CALL
//     is in flight. With 1, cyclic loses its edge over linear; 2 to 8 give
//     nearly the same results.
//   - AXI4 latency 1 cycle: an on-chip SRAM answers in one cycle; with the
//     one-cycle address phase a lone transfer of n beats costs n + 2
//     cycles, as on the shared bus with its 2 cycles of overhead, so the
//     two interconnects differ only in what they overlap.
//   - Bus overhead 2 cycles per transaction (shared bus): an address phase
//     and a write response or read turnaround.
//   - Burst 256 beats: the AXI4 limit for incrementing bursts.
//   - Digital op 4 cycles per MOV: a vector add, bias, activation or
//     requantisation on a small SIMD unit.
//   - Digital lanes 64: a digital layer's op (VOP: pooling, residual add,
//     ...) takes DigitalCycles per 64 elements, so that at the default
//     64x64 crossbar a VOP over one output register costs what a MOV
//     costs. (A MOV keeps its fixed cost at every crossbar size, so that
//     the per-layer runs do not depend on this field.)
//   - Row write 1000 cycles: reprogramming a crossbar (a network run in
//     segments, a folded layer) writes one row at a time, every column of
//     the row in parallel, 1 us per row: an 8-bit multi-level weight needs
//     about 20 program-and-verify iterations of a 50 ns write pulse (the
//     ReRAM write latency PRIME takes from NVSim, 50.88 ns: Chi et al.,
//     ISCA 2016; NeuroSim's default write pulse is 50 ns too). The energy
//     of a write belongs with the other energies (cim/energy), not here.
//   - Elements: int8 activations and weights, int32 partial sums.
//   - Shared memory 64 MiB: enough for the IFM, OFM and partial sums of any
//     layer of the paper's workloads at 224x224.
//   - DAC 1 bit: inputs are applied bit-serially, ceil(8*ActBytes/DACBits)
//     crossbar reads per MVM (the eight reads of the MVM timing above).
//   - Cells of 2 bits: a weight of WeightBits bits takes
//     ceil(WeightBits/CellBits) cells side by side, so one crossbar column
//     (one output, as the mapping counts them) is 4 physical columns, each
//     converted by the ADC on every read (ISAAC and PUMA use 2-bit cells).
//     DACBits and CellBits set the DAC and ADC conversions the simulator
//     counts (package cim/energy prices them); they do not change the
//     timing, which MVMCycles gives.
//
// An Arch is loaded from JSON with Load (missing fields keep their defaults;
// field names are exact, lower case) and checked with Validate. Fields describes every JSON field (meaning,
// unit, accepted range), so that forms and help texts come from the code.
package arch

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
)

// Arch is one chip configuration. JSON field names are given in the tags.
type Arch struct {
	XbarRows          int    `json:"xbar_rows"`           // crossbar rows (inputs per MVM)
	XbarCols          int    `json:"xbar_cols"`           // crossbar columns (outputs per MVM)
	Cores             int    `json:"cores"`               // core budget: most cores a layer may use
	BusBytes          int    `json:"bus_bytes"`           // bus width: bytes per beat
	ClockMHz          int    `json:"clock_mhz"`           // clock of cores and bus, for converting cycles to time
	MVMCycles         int    `json:"mvm_cycles"`          // latency of one crossbar MVM
	BusOverheadCycles int    `json:"bus_overhead_cycles"` // fixed cost of one bus transaction (per burst)
	BurstBeats        int    `json:"burst_beats"`         // most beats in one burst (AXI4: 256)
	DigitalCycles     int    `json:"digital_cycles"`      // latency of one MOV (digital-unit vector op)
	DigitalLanes      int    `json:"digital_lanes"`       // elements per DigitalCycles of a VOP (digital-layer op)
	RowWriteCycles    int    `json:"row_write_cycles"`    // time to program one crossbar row (PROG)
	ActBytes          int    `json:"act_bytes"`           // bytes per activation element (IFM/OFM)
	WeightBits        int    `json:"weight_bits"`         // bits per weight (in ceil(WeightBits/CellBits) cells)
	PsumBytes         int    `json:"psum_bytes"`          // bytes per partial-sum element
	SeqRegBytes       int    `json:"seq_reg_bytes"`       // size of a core's sequence-number register (CALL payload)
	SharedMemBytes    int64  `json:"shared_mem_bytes"`    // shared memory size
	DACBits           int    `json:"dac_bits"`            // input bits applied per crossbar read (1: bit-serial)
	CellBits          int    `json:"cell_bits"`           // weight bits stored per RRAM cell
	Interconnect      string `json:"interconnect"`        // how cores reach shared memory: Shared or AXI4
	AXIOutstanding    int    `json:"axi_outstanding"`     // AXI4: transactions a core may have in flight
	AXILatencyCycles  int    `json:"axi_latency_cycles"`  // AXI4: address to first read beat, last write beat to response
}

// The interconnects (Arch.Interconnect).
const (
	// Shared is one bus that carries one transaction at a time; the core
	// that issued it waits for it to end.
	Shared = "shared"
	// AXI4 has separate read and write channels that carry transfers at
	// the same time, outstanding transactions, pipelined address phases
	// and write responses (see cim/sim).
	AXI4 = "axi4"
)

// Interconnects returns the interconnects Arch.Interconnect accepts.
func Interconnects() []string { return []string{Shared, AXI4} }

// Default returns the default chip; the package doc gives the reasons.
func Default() Arch {
	return Arch{
		XbarRows: 64, XbarCols: 64, Cores: 1024,
		BusBytes: 16, ClockMHz: 1000, MVMCycles: 2000, BusOverheadCycles: 2,
		BurstBeats: 256, DigitalCycles: 4, DigitalLanes: 64, RowWriteCycles: 1000,
		ActBytes: 1, WeightBits: 8, PsumBytes: 4, SeqRegBytes: 4,
		SharedMemBytes: 64 << 20, DACBits: 1, CellBits: 2,
		Interconnect: AXI4, AXIOutstanding: 4, AXILatencyCycles: 1,
	}
}

// Limits on the values Validate accepts.
const (
	MaxXbar   = 4096
	MaxCores  = 1 << 20
	MaxBus    = 4096
	MaxCycles = 1 << 24
	// MaxOutstanding is the most transactions a core may have in flight
	// on AXI4 (AXIOutstanding).
	MaxOutstanding = 64
)

// Validate reports the first field that is out of range, naming it. The
// ranges are those Fields gives.
func (a Arch) Validate() error {
	for i := range fields {
		if err := fields[i].check(&a); err != nil {
			return err
		}
	}
	return nil
}

// MaxJSONBytes is the largest chip file Load reads: 1 MiB.
const MaxJSONBytes = 1 << 20

// Load reads an Arch from JSON: one object whose keys are the JSON names
// of Arch's fields, spelled exactly (lower case), each at most once and
// none null. Fields not given keep the Default values; unknown or
// misspelt fields are an error, so that a typo does not pass unnoticed. A
// UTF-8 byte order mark before the object is skipped; input larger than
// MaxJSONBytes is refused as too large.
func Load(r io.Reader) (Arch, error) {
	a := Default()
	data, err := io.ReadAll(io.LimitReader(r, MaxJSONBytes+1))
	if err != nil {
		return a, fmt.Errorf("arch: reading JSON: %w", err)
	}
	if len(data) > MaxJSONBytes {
		return a, fmt.Errorf("arch: JSON too large: more than %d bytes", MaxJSONBytes)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if err := checkKeys(data); err != nil {
		return a, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&a); err != nil {
		return a, fmt.Errorf("arch: malformed JSON: %w", err)
	}
	if dec.More() {
		return a, fmt.Errorf("arch: malformed JSON: more than one object")
	}
	return a, a.Validate()
}

// fieldNames are the JSON names of Arch's fields.
var fieldNames = func() map[string]bool {
	m := map[string]bool{}
	t := reflect.TypeFor[Arch]()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		m[name] = true
	}
	return m
}()

// checkKeys checks what encoding/json lets pass: the input must be an
// object (not null), its keys exact field names (json matches
// "XBAR_ROWS" to xbar_rows), each given once, none null (json would keep
// the default).
func checkKeys(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("arch: malformed JSON: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("arch: want a JSON object of chip fields, got %s", tokenText(tok))
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fmt.Errorf("arch: malformed JSON: %w", err)
		}
		key, _ := tok.(string)
		if !fieldNames[key] {
			for name := range fieldNames {
				if strings.EqualFold(name, key) {
					return fmt.Errorf("arch: field %q: field names are lower case, want %q", key, name)
				}
			}
			return fmt.Errorf("arch: unknown field %q", key)
		}
		if seen[key] {
			return fmt.Errorf("arch: field %q given twice", key)
		}
		seen[key] = true
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return fmt.Errorf("arch: malformed JSON: %w", err)
		}
		if string(v) == "null" {
			return fmt.Errorf("arch: field %q is null, want a value", key)
		}
	}
	return nil
}

// tokenText names a JSON token for an error.
func tokenText(tok json.Token) string {
	if tok == nil {
		return "null"
	}
	if d, ok := tok.(json.Delim); ok {
		return fmt.Sprintf("%q", string(d))
	}
	return fmt.Sprintf("%T %v", tok, tok)
}

// ParseXbar parses a crossbar size written "RxC" (e.g. "64x64") or "N" for
// a square crossbar.
func ParseXbar(s string) (rows, cols int, err error) {
	r, c, found := strings.Cut(strings.ToLower(strings.TrimSpace(s)), "x")
	if !found {
		c = r
	}
	rows, err1 := strconv.Atoi(r)
	cols, err2 := strconv.Atoi(c)
	if err1 != nil || err2 != nil || rows < 1 || cols < 1 || rows > MaxXbar || cols > MaxXbar {
		return 0, 0, fmt.Errorf("crossbar %q: want ROWSxCOLS with sizes in 1..%d, e.g. 64x64", s, MaxXbar)
	}
	return rows, cols, nil
}

// VOPCycles is the time of a VOP over n elements: DigitalCycles per
// DigitalLanes elements or part of them (at least one pass).
func (a Arch) VOPCycles(n int64) int64 {
	passes := max((n+int64(a.DigitalLanes)-1)/int64(a.DigitalLanes), 1)
	return passes * int64(a.DigitalCycles)
}

// Seconds converts cycles to seconds at the chip's clock.
func (a Arch) Seconds(cycles int64) float64 { return float64(cycles) / (float64(a.ClockMHz) * 1e6) }

// InputSlices is the number of crossbar reads of one MVM: the activation
// bits applied DACBits at a time.
func (a Arch) InputSlices() int { return ceilDiv(8*a.ActBytes, a.DACBits) }

// WeightSlices is the number of RRAM cells (physical columns) that hold one
// weight: its bits stored CellBits per cell.
func (a Arch) WeightSlices() int { return ceilDiv(a.WeightBits, a.CellBits) }

func ceilDiv(a, b int) int { return (a + max(b, 1) - 1) / max(b, 1) }

// BusCycles is the time one transaction of n bytes holds the bus: the
// overhead once per burst plus one cycle per beat.
func (a Arch) BusCycles(n int64) int64 {
	if n <= 0 {
		return 0
	}
	beats := (n + int64(a.BusBytes) - 1) / int64(a.BusBytes)
	bursts := (beats + int64(a.BurstBeats) - 1) / int64(a.BurstBeats)
	return beats + bursts*int64(a.BusOverheadCycles)
}
